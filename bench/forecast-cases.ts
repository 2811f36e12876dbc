/**
 * @fileoverview Benchmark cases of the forecaster (DESIGN §9, issue 12 item 5) for the default
 * configuration (H = 20, C = 20, E = 16, hidden 64, contextHidden 64, L = 3, K = 4, Student-t):
 * training samples/s, log p samples/s and scenario draws per second for the per-bar risk case
 * (4,096 context rows × 256 draws in one `sample` call), each as the GLOW's cases run (same
 * restart-from-the-same-state training, same worker pools), so the runner interleaves them with
 * the GLOW's and the report sets the two model-FLOP utilisations side by side.
 */
import { ConditionalGlow } from '../src/model/conditional-glow.js';
import { forecasterForwardFlops, type ForecasterLayout } from '../src/model/forecaster-layout.js';
import type { Engine } from '../src/wasm/engine.js';
import { Rng } from '../src/util/rng.js';
import { type BenchCase, HYPER, POOL_ROWS, pool } from './cases.js';

/** Context rows and draws per context row of the per-bar risk case. */
export const RISK_CONTEXTS = 4096;
export const RISK_DRAWS = 256;

/**
 * Matmul FLOPs per scenario draw: the flow's inverse for every draw, the context and prior
 * networks once per context row (forecastSample computes e, μ, σ once and broadcasts them), so
 * they count 1/draws each.
 */
export function drawFlops(layout: ForecasterLayout, draws: number): number {
  const { context: C, contextHidden: Hc, embed: E, target: T } = layout.config;
  const heads = 2 * (C * Hc + Hc * E + E * Hc + Hc * 2 * T);
  return forecasterForwardFlops(layout) - heads + heads / draws;
}

/** y (T wide) with a scale driven by the first context column, so a trained model is not trivial. */
function rows(n: number, T: number, C: number) {
  const c = pool(n, C, 5);
  const y = pool(n, T, 6);
  for (let i = 0; i < n; i++) {
    const s = Math.exp(0.5 * Math.tanh(c[i * C]));
    for (let j = 0; j < T; j++) y[i * T + j] *= s;
  }
  return { y, c };
}

/**
 * A training case: consecutive minibatches of a shuffled pool through forecastTrainStep (one
 * thread) or the model's worker pool (as `fit` runs them), every repetition restarting from the
 * same parameters and a fresh Adam state.
 */
function trainCase(engine: Engine, label: string, data: { y: Float32Array; c: Float32Array }, B: number, threads: number, flops: number): BenchCase {
  const g = ConditionalGlow.create({ seed: 1, engine, threads });
  const T = g.target, C = g.contextWidth, n = POOL_ROWS;
  g.initialize(data.y.subarray(0, 4096 * T), data.c.subarray(0, 4096 * C));
  const start = g.getParameters();
  const { mem, ex } = g;
  const flow = mem.flow;
  mem.ensureCapacity(B);
  const tmp = flow.allocTemp(n * (T + C) * 4 + n * 4);
  const cPtr = tmp.ptr + n * T * 4, idxPtr = tmp.ptr + n * (T + C) * 4;
  const perm = new Rng(3).permutation(n);
  flow.f32(tmp.ptr, n * T).set(data.y);
  flow.f32(cPtr, n * C).set(data.c);
  flow.i32(idxPtr, n).set(perm);
  const workers = threads > 1 ? g.workers() : null;
  if (workers) {
    const packed = new Float32Array(n * (T + C));
    packed.set(data.y);
    packed.set(data.c, n * T);
    workers.beginTraining(flow, g.parametersVersion, packed, tmp.ptr, B, mem.fplan).set(perm);
  }
  let off = 0;
  let t = 0;
  return {
    engine: label, task: 'fc-train', batch: B, threads, flopsPerSample: 3 * flops,
    reset: () => {
      g.setParameters(start);
      flow.f32(flow.adamM, g.layout.numel).fill(0);
      flow.f32(flow.adamV, g.layout.numel).fill(0);
      workers?.syncParameters(flow, g.parametersVersion, true);
      t = 0;
      off = 0;
    },
    run: () => {
      if (off + B > n) off = 0;
      t++;
      if (workers) workers.trainStep(off, B, t, HYPER);
      else ex.forecastTrainStep(mem.fplan, tmp.ptr, cPtr, idxPtr + off * 4, B, HYPER.lr, HYPER.beta1, HYPER.beta2, HYPER.eps, 0, t, 0);
      off += B;
    },
  };
}

/** Forecaster cases on `threads` threads: training at each batch, log p at inferBatch, the risk case's draws. */
export function forecastCases(engine: Engine, label: string, trainBatches: number[], inferBatch: number, threads = 1): BenchCase[] {
  const data = rows(POOL_ROWS, 20, 20);
  const inf = ConditionalGlow.create({ seed: 1, engine, threads });
  const T = inf.target, C = inf.contextWidth;
  inf.fit(data.y.subarray(0, 16384 * T), data.c.subarray(0, 16384 * C), { epochs: 1, validationFraction: 0, seed: 2 });
  const flops = forecasterForwardFlops(inf.layout);
  const cases = trainBatches.map((B) => trainCase(engine, label, data, B, threads, flops));
  const y = data.y.subarray(0, inferBatch * T), c = data.c.subarray(0, inferBatch * C);
  const ctx = data.c.subarray(0, RISK_CONTEXTS * C);
  cases.push({ engine: label, task: 'fc-logprob', batch: inferBatch, threads, flopsPerSample: flops, run: () => void inf.logProb(y, c) });
  cases.push({
    engine: label, task: 'fc-draws', batch: RISK_CONTEXTS * RISK_DRAWS, threads, flopsPerSample: drawFlops(inf.layout, RISK_DRAWS),
    run: () => void inf.sample(ctx, RISK_DRAWS, { seed: 1 }),
  });
  return cases;
}
