/**
 * @fileoverview Maximum-likelihood training of a ConditionalGlow, the loop of fit.ts over (y, c)
 * pairs: Adam on shuffled minibatches (seeded), global gradient-norm clipping, a chronological
 * validation split (the last rows), early stopping with best-state restore, and the NaN/Inf guard
 * naming where a non-finite value appeared. Every minibatch is one wasm call
 * (forecastTrainStep: gather, forward, backward, clip, Adam). One thread: same seed + same data ⇒
 * bit-identical parameters.
 */
import { Rng } from '../util/rng.js';
import { type MatrixInput, toFloat32Matrix } from './matrix.js';
import { forecasterParameterTensors } from './forecaster-layout.js';
import { R } from '../wasm/plan.js';
import { F } from '../wasm/forecast-plan.js';
import { type EpochRecord, type FitOptions, type FitResult, NonFiniteError } from './fit.js';
import type { ConditionalGlow } from './conditional-glow.js';
import { type WorkerPool, effectiveThreads } from '../wasm/pool.js';

export interface ConditionalFitOptions extends Omit<FitOptions, 'validation' | 'onBatch'> {
  /** Explicit validation pairs instead of a split (then validationFraction is ignored). */
  validation?: { y: MatrixInput; c: MatrixInput };
  onBatch?: (info: { epoch: number; batch: number; batches: number; loss: number }) => void;
}

export type ConditionalFitResult = FitResult;

function positive(name: string, v: number, integer: boolean): void {
  if (!(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new RangeError(`fit: ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`);
  }
}

export function fitConditional(model: ConditionalGlow, y: MatrixInput, c: MatrixInput, options: ConditionalFitOptions = {}): ConditionalFitResult {
  const {
    epochs = 50, batchSize = 256, learningRate = 1e-3, validationFraction = 0.1, patience = 10,
    minDelta = 1e-4, seed = model.seed, clipNorm = 10, weightDecay = 0, beta1 = 0.9, beta2 = 0.999,
    eps = 1e-8, initRows = 4096, onEpoch, onBatch, signal,
  } = options;
  positive('epochs', epochs, true);
  positive('batchSize', batchSize, true);
  positive('learningRate', learningRate, false);
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new RangeError(`fit: validationFraction must be in [0, 1), got ${validationFraction}`);
  }
  const T = model.target, C = model.contextWidth;
  const Y = toFloat32Matrix(y, T, `fit: y (target width ${T})`);
  const X = toFloat32Matrix(c, C, `fit: c (context width ${C})`);
  if (Y.rows !== X.rows) throw new RangeError(`fit: y has ${Y.rows} rows but c has ${X.rows}; every target row needs its context row`);
  const rows = Y.rows;
  let trainRows = rows;
  let val: { y: Float32Array; c: Float32Array } | null = null;
  if (options.validation !== undefined) {
    const vy = toFloat32Matrix(options.validation.y, T, `fit validation: y (target width ${T})`);
    const vc = toFloat32Matrix(options.validation.c, C, `fit validation: c (context width ${C})`);
    if (vy.rows !== vc.rows) throw new RangeError(`fit validation: y has ${vy.rows} rows but c has ${vc.rows}`);
    val = { y: vy.data, c: vc.data };
  } else if (validationFraction > 0) {
    const nVal = Math.floor(rows * validationFraction);
    if (nVal < 1) throw new RangeError(`fit: validationFraction ${validationFraction} of ${rows} rows leaves no validation rows`);
    trainRows = rows - nVal;
    val = { y: Y.data.subarray(trainRows * T), c: X.data.subarray(trainRows * C) };
  }
  if (trainRows < 1) throw new RangeError('fit: no training rows');
  const trainY = Y.data.subarray(0, trainRows * T), trainC = X.data.subarray(0, trainRows * C);
  const rng = new Rng(seed);
  if (!model.initialized) {
    const m = Math.min(trainRows, Math.max(initRows, 256));
    if (m < 256) throw new RangeError(`fit: ActNorm initialisation needs at least 256 training rows, got ${trainRows}`);
    const pick = rng.permutation(trainRows).subarray(0, m).sort();
    const sy = new Float32Array(m * T), sc = new Float32Array(m * C);
    pick.forEach((r, i) => {
      sy.set(trainY.subarray(r * T, (r + 1) * T), i * T);
      sc.set(trainC.subarray(r * C, (r + 1) * C), i * C);
    });
    model.initialize(sy, sc);
  }
  const { mem, ex } = model;
  const flow = mem.flow;
  const threads = options.threads === undefined ? model.threads : effectiveThreads(options.threads, 'fit: threads').threads;
  mem.ensureCapacity(Math.min(batchSize, trainRows));
  const monitored: FitResult['monitored'] = val ? 'validation' : 'train';
  const history: EpochRecord[] = [];
  let best = Infinity;
  let bestEpoch = 0;
  let bestParams = model.getParameters();
  let stopReason: FitResult['stopReason'] = 'epochs';
  const t0 = performance.now();
  const tmp = flow.allocTemp(trainRows * (T + C + 1) * 4);
  let pool: WorkerPool | null = null;
  const ownPool = threads > 1 && threads !== model.threads;
  try {
    // every target row, then every context row (the layout the worker replicas get too)
    const yPtr = tmp.ptr, cPtr = yPtr + trainRows * T * 4, idxPtr = cPtr + trainRows * C * 4;
    flow.f32(yPtr, trainRows * T).set(trainY);
    flow.f32(cPtr, trainRows * C).set(trainC);
    pool = threads > 1 ? model.workers(threads) : null;
    const index = pool?.beginTraining(flow, model.parametersVersion, flow.f32(yPtr, trainRows * (T + C)).slice(), yPtr, batchSize, mem.fplan);
    const hyper = { lr: learningRate, beta1, beta2, eps, clipNorm, weightDecay };
    const batches = Math.ceil(trainRows / batchSize);
    let sinceBest = 0;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      if (signal?.aborted) {
        stopReason = 'aborted';
        break;
      }
      const te = performance.now();
      const perm = rng.permutation(trainRows);
      flow.i32(idxPtr, trainRows).set(perm);
      index?.set(perm);
      let lossSum = 0, gnSum = 0;
      for (let b = 0; b < batches; b++) {
        const off = b * batchSize;
        const nb = Math.min(batchSize, trainRows - off);
        model.optimizerSteps++;
        let loss: number, gn: number;
        if (pool) ({ loss, gradNorm: gn } = pool.trainStep(off, nb, model.optimizerSteps, hyper));
        else {
          loss = ex.forecastTrainStep(mem.fplan, yPtr, cPtr, idxPtr + off * 4, nb, learningRate, beta1, beta2, eps,
            clipNorm, model.optimizerSteps, weightDecay);
          gn = flow.result(R.GNORM);
        }
        if (!Number.isFinite(loss) || !Number.isFinite(gn)) {
          model.optimizerSteps--;
          if (!Number.isFinite(loss)) { // steps run in blocks: redo the whole forward to find where it broke
            ex.forecastGather(mem.fplan, yPtr, cPtr, idxPtr + off * 4, nb);
            loss = ex.forecastForward(mem.fplan, nb);
          }
          throw nonFinite(model, epoch, b + 1, batches, nb, loss);
        }
        lossSum += loss * nb;
        gnSum += gn;
        onBatch?.({ epoch, batch: b + 1, batches, loss });
      }
      model.parametersVersion++;
      if (pool && !ownPool) pool.syncedVersion = model.parametersVersion; // its replicas took the same steps
      const trainNll = lossSum / trainRows;
      const valNll = val ? meanNll(model.logProb(val.y, val.c)) : null;
      const monitor = valNll ?? trainNll;
      const improved = monitor < best - minDelta;
      if (improved) {
        best = monitor;
        bestEpoch = epoch;
        bestParams = model.getParameters();
        sinceBest = 0;
      } else sinceBest++;
      const seconds = (performance.now() - te) / 1000;
      const record: EpochRecord = {
        epoch, trainNll, trainBitsPerDim: model.bitsPerDim(trainNll), valNll,
        valBitsPerDim: valNll === null ? null : model.bitsPerDim(valNll), gradNorm: gnSum / batches, seconds,
        samplesPerSecond: trainRows / seconds, best: improved,
      };
      history.push(record);
      if (onEpoch?.(record) === false) {
        stopReason = 'callback';
        break;
      }
      if (!Number.isFinite(monitor)) {
        throw new NonFiniteError(`training stopped: the ${monitored} NLL is ${monitor} after epoch ${epoch}`, epoch, batches, monitored);
      }
      if (patience > 0 && sinceBest >= patience) {
        stopReason = 'patience';
        break;
      }
    }
    pool?.checkWorkers(); // the last step's reduction and update succeeded on every worker
  } finally {
    if (ownPool) pool?.close();
    else pool?.endTraining();
    flow.releaseTemp(tmp.mark);
    model.parametersVersion++;
    if (bestEpoch > 0) model.setParameters(bestParams);
  }
  return {
    history, bestEpoch, bestNll: best, monitored, stopReason, seed, trainRows,
    validationRows: val ? val.y.length / T : 0, seconds: (performance.now() - t0) / 1000,
  };
}

function meanNll(lp: Float64Array): number {
  let s = 0;
  for (let i = 0; i < lp.length; i++) s -= lp[i];
  return s / lp.length;
}

/** The error for a non-finite loss or gradient: which flow step's output, or which gradient tensor. */
function nonFinite(model: ConditionalGlow, epoch: number, batch: number, batches: number, n: number, loss: number): NonFiniteError {
  const { mem, ex, layout } = model;
  let where: string;
  if (!Number.isFinite(loss)) {
    // in the order of the computation: the embedding feeds every coupling and the prior
    const { embed: E, target: T } = layout.config;
    const finite = (slot: number, width: number) => mem.flow.f32(mem.header(slot), n * width).every(Number.isFinite);
    const s = finite(F.EMB, E) ? ex.forecastDiagnose(mem.fplan, n) : -2;
    if (s === -2) where = 'the context embedding (context.fc1 → context.fc2; check the context scaling)';
    else if (s >= 0) {
      const st = layout.steps[s];
      where = `the output of flow step levels.${st.level}.${st.k} (ActNorm → 1×1 → conditional coupling)`;
    } else if (!finite(F.PO, 2 * T)) where = 'the prior network (μ, log σ of the base)';
    else where = 'the base log-density of the latents (z, μ or log σ too large for f32)';
  } else {
    const g = mem.flow.f32(mem.flow.grads, layout.numel);
    const bad = forecasterParameterTensors(layout).find((t) => g.subarray(t.offset, t.offset + t.size).some((v) => !Number.isFinite(v)));
    where = bad ? `the gradient of ${bad.name}` : 'the gradient norm';
  }
  return new NonFiniteError(
    `training stopped: non-finite ${Number.isFinite(loss) ? 'gradient' : `loss (${loss})`} at epoch ${epoch}, ` +
      `batch ${batch}/${batches}, in ${where}; parameters keep their values from before this batch ` +
      `(try a lower learning rate or check the input scaling)`,
    epoch, batch, where,
  );
}
