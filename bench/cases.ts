/**
 * @fileoverview Benchmark cases of glow-trade's own engines: the WASM engine (each build this
 * runtime can run, on one thread and on worker threads) and the f64 TypeScript reference. A case
 * is a closure that processes `batch` samples per call; the runner times it.
 */
import { Glow } from '../src/model/glow.js';
import { ReferenceGlow } from '../src/model/reference.js';
import { defaultEngine, type Engine } from '../src/wasm/engine.js';
import { Rng } from '../src/util/rng.js';
import type { ModelLayout } from '../src/model/layout.js';

export interface BenchCase {
  engine: string;
  task: 'train' | 'logprob' | 'sample' | 'logprob-1row' | 'gemm' | 'fc-train' | 'fc-logprob' | 'fc-draws';
  batch: number;
  threads: number;
  /** FLOPs per sample (matmul only, as the anchor counts them). */
  flopsPerSample: number;
  run: () => void;
  /** Called before a repetition (e.g. restart training from the same state). */
  reset?: () => void;
}

/** Forward matmul FLOPs per sample, counted exactly as the anchor's `forward_macs_per_sample`·2. */
export function forwardFlops(layout: ModelLayout): number {
  const Hd = layout.config.hidden;
  let macs = 0;
  for (const s of layout.steps) macs += s.d * s.d + s.da * Hd + Hd * Hd + Hd * 2 * s.db;
  return 2 * macs;
}

/** A fixed pool of correlated-Gaussian rows (as the anchor trains on). */
export function pool(n: number, d: number, seed: number): Float32Array {
  const r = new Rng(seed);
  const A = Float64Array.from({ length: d * d }, () => r.normal() / Math.sqrt(d));
  const out = new Float32Array(n * d);
  const e = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) e[k] = r.normal();
    for (let j = 0; j < d; j++) {
      let s = 0.3 * e[j];
      for (let k = 0; k < d; k++) s += A[j * d + k] * e[k];
      out[i * d + j] = s;
    }
  }
  return out;
}

export const POOL_ROWS = 65536;
export const HYPER = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, clipNorm: 0, weightDecay: 0 };

/**
 * A training case: consecutive minibatches of a shuffled pool, every repetition restarting from
 * the same parameters and a fresh Adam state (as the anchor does). On T > 1 threads the steps run
 * through the model's worker pool exactly as `fit` runs them.
 */
function trainCase(engine: Engine, label: string, data: Float32Array, B: number, threads: number, flops: number): BenchCase {
  const g = Glow.create({ seed: 1, engine, threads });
  g.initialize(data.subarray(0, 4096 * 16));
  const start = g.getParameters();
  const { mem } = g;
  mem.ensureCapacity(B);
  const n = POOL_ROWS;
  const tmp = mem.allocTemp(n * 16 * 4 + n * 4);
  const perm = new Rng(3).permutation(n);
  mem.f32(tmp.ptr, n * 16).set(data);
  mem.i32(tmp.ptr + n * 16 * 4, n).set(perm);
  const workers = threads > 1 ? g.workers() : null;
  workers?.beginTraining(mem, g.parametersVersion, data, tmp.ptr, B).set(perm);
  let off = 0;
  let t = 0;
  return {
    engine: label, task: 'train', batch: B, threads, flopsPerSample: 3 * flops,
    reset: () => {
      g.setParameters(start);
      mem.f32(mem.adamM, g.layout.numel).fill(0);
      mem.f32(mem.adamV, g.layout.numel).fill(0);
      workers?.syncParameters(mem, g.parametersVersion, true);
      t = 0;
      off = 0;
    },
    run: () => {
      if (off + B > n) off = 0;
      t++;
      if (workers) workers.trainStep(off, B, t, HYPER);
      else g.ex.glowTrainStep(mem.plan, tmp.ptr, tmp.ptr + n * 16 * 4 + off * 4, B, HYPER.lr, HYPER.beta1, HYPER.beta2, HYPER.eps, 0, t, 0);
      off += B;
    },
  };
}

/**
 * The inference cases' model (the ONNX anchors export this one): ActNorm initialised on the pool,
 * then one epoch of training so that no coupling is the identity.
 */
export function inferenceModel(engine: Engine, threads = 1, data = pool(POOL_ROWS, 16, 1)): Glow {
  const inf = Glow.create({ seed: 1, engine, threads });
  inf.initialize(data.subarray(0, 4096 * 16));
  inf.fit(data.subarray(0, 16384 * 16), { epochs: 1, validationFraction: 0, seed: 2 });
  return inf;
}

/** WASM engine cases for one build on `threads` threads (the gemm roofline on one thread only). */
export function wasmCases(engine: Engine, label: string, trainBatches: number[], inferBatch: number, threads = 1): BenchCase[] {
  const cases: BenchCase[] = [];
  const data = pool(POOL_ROWS, 16, 1);
  const inf = inferenceModel(engine, threads, data);
  const flops = forwardFlops(inf.layout);
  for (const B of trainBatches) cases.push(trainCase(engine, label, data, B, threads, flops));
  const x = data.subarray(0, inferBatch * 16);
  inf.mem.ensureCapacity(Math.ceil(inferBatch / threads));
  cases.push({ engine: label, task: 'logprob', batch: inferBatch, threads, flopsPerSample: flops, run: () => void inf.logProb(x) });
  cases.push({ engine: label, task: 'sample', batch: inferBatch, threads, flopsPerSample: flops, run: () => void inf.sample(inferBatch, { seed: 1 }) });
  if (threads > 1) return cases; // one row is never sharded
  const row = data.slice(0, 16);
  cases.push({ engine: label, task: 'logprob-1row', batch: 1, threads, flopsPerSample: flops, run: () => void inf.logProb(row) });
  // The roofline: the model's largest gemm shape, C(256×64) = A(256×64)·B(64×64).
  const ex = inf.ex;
  const m = 256, k = 64, nn = 64;
  const gp = ex.alloc((m * k + k * nn + m * nn) * 4);
  new Float32Array(ex.memory.buffer, gp, m * k + k * nn).set(data.subarray(0, m * k + k * nn));
  cases.push({
    engine: label, task: 'gemm', batch: m, threads: 1, flopsPerSample: 2 * k * nn,
    run: () => ex.gemm(m, nn, k, gp, k, 1, gp + m * k * 4, nn, gp + (m * k + k * nn) * 4, nn, 0, 0, 0),
  });
  return cases;
}

/** The plain-JS baseline: the f64 reference (train = loss+gradient+Adam in JS, log p, sampling, 1-row log p). */
export function referenceCases(batch: number): BenchCase[] {
  const g = Glow.create({ seed: 1, engine: defaultEngine() });
  const data = pool(4096, 16, 1);
  g.initialize(data);
  const named = g.namedParameters();
  const perm = new Int32Array(g.layout.permLength);
  const sign = new Float64Array(g.layout.signLength);
  for (const t of g.layout.tensors) {
    if (t.store === 'perm') perm.set(named[t.name].data, t.offset);
    if (t.store === 'sign') sign.set(named[t.name].data, t.offset);
  }
  const ref = new ReferenceGlow(g.layout, { params: Float64Array.from(g.getParameters()), perm, sign });
  const flops = forwardFlops(g.layout);
  const m = new Float64Array(g.layout.numel), v = new Float64Array(g.layout.numel);
  let t = 0;
  const x = Float64Array.from(data.subarray(0, batch * 16));
  const row = Float64Array.from(data.subarray(0, 16));
  const z = new Float64Array(batch * 16);
  const noise = new Rng(4);
  return [
    {
      engine: 'ts-f64-reference', task: 'train', batch, threads: 1, flopsPerSample: 3 * flops,
      run: () => {
        const { grad } = ref.lossAndGradient(x, batch);
        t++;
        const bc1 = 1 - 0.9 ** t, bc2 = 1 - 0.999 ** t;
        for (let i = 0; i < grad.length; i++) {
          m[i] = 0.9 * m[i] + 0.1 * grad[i];
          v[i] = 0.999 * v[i] + 0.001 * grad[i] * grad[i];
          ref.params[i] -= (1e-3 / bc1) * m[i] / (Math.sqrt(v[i] / bc2) + 1e-8);
        }
      },
    },
    { engine: 'ts-f64-reference', task: 'logprob', batch, threads: 1, flopsPerSample: flops, run: () => void ref.logProb(x, batch) },
    {
      engine: 'ts-f64-reference', task: 'sample', batch, threads: 1, flopsPerSample: flops,
      run: () => {
        for (let i = 0; i < z.length; i++) z[i] = noise.normal();
        void ref.inverse(z, batch);
      },
    },
    { engine: 'ts-f64-reference', task: 'logprob-1row', batch: 1, threads: 1, flopsPerSample: flops, run: () => void ref.logProb(row, 1) },
  ];
}
