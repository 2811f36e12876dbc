/**
 * @fileoverview Maximum-likelihood training of a ConditionalGlow on (y, c) pairs: fit.ts's loop
 * (runFit: Adam on shuffled minibatches, clipping, a chronological validation split of the last
 * rows, early stopping with best-state restore, the NaN/Inf guard, worker threads) with the
 * forecaster's data side: targets and contexts side by side in the engine (every target row, then
 * every context row), one forecastTrainStep call per minibatch.
 */
import { type MatrixInput, toFloat32Matrix } from './matrix.js';
import { forecasterParameterTensors } from './forecaster-layout.js';
import { F } from '../wasm/forecast-plan.js';
import { type FitOptions, type FitResult, NonFiniteError, checkFitOptions, meanNll, runFit } from './fit.js';
import type { ConditionalGlow } from './conditional-glow.js';

export interface ConditionalFitOptions extends Omit<FitOptions, 'validation'> {
  /** Explicit validation pairs instead of a split (then validationFraction is ignored). */
  validation?: { y: MatrixInput; c: MatrixInput };
}

export type ConditionalFitResult = FitResult;

export function fitConditional(model: ConditionalGlow, y: MatrixInput, c: MatrixInput, options: ConditionalFitOptions = {}): ConditionalFitResult {
  checkFitOptions(options);
  const { validationFraction = 0.1 } = options;
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
  const { mem, ex } = model;
  const flow = mem.flow;
  return runFit(model, {
    trainRows,
    validationRows: val ? val.y.length / T : 0,
    hasValidation: val !== null,
    mem: flow,
    rowFloats: T + C,
    fplan: mem.fplan,
    initialize(pick) {
      const sy = new Float32Array(pick.length * T), sc = new Float32Array(pick.length * C);
      pick.forEach((r, i) => {
        sy.set(trainY.subarray(r * T, (r + 1) * T), i * T);
        sc.set(trainC.subarray(r * C, (r + 1) * C), i * C);
      });
      model.initialize(sy, sc);
    },
    ensureCapacity: (n) => mem.ensureCapacity(n),
    upload(ptr) {
      flow.f32(ptr, trainRows * T).set(trainY);
      flow.f32(ptr + trainRows * T * 4, trainRows * C).set(trainC);
    },
    workerRows() {
      const rows = new Float32Array(trainRows * (T + C));
      rows.set(trainY);
      rows.set(trainC, trainRows * T);
      return rows;
    },
    step: (ptr, idxPtr, nb, t, h) => ex.forecastTrainStep(mem.fplan, ptr, ptr + trainRows * T * 4, idxPtr, nb,
      h.lr, h.beta1, h.beta2, h.eps, h.clipNorm, t, h.weightDecay),
    nonFinite(ptr, idxPtr, nb, loss, epoch, batch, batches) {
      if (!Number.isFinite(loss)) { // steps run in blocks: redo the whole forward to find where it broke
        ex.forecastGather(mem.fplan, ptr, ptr + trainRows * T * 4, idxPtr, nb);
        loss = ex.forecastForward(mem.fplan, nb);
      }
      return nonFinite(model, epoch, batch, batches, nb, loss);
    },
    validationNll: () => (val ? meanNll(model.logProb(val.y, val.c)) : null),
  }, options);
}


/** The error for a non-finite loss or gradient: where it arose, in the order of the computation. */
function nonFinite(model: ConditionalGlow, epoch: number, batch: number, batches: number, n: number, loss: number): NonFiniteError {
  const { mem, ex, layout } = model;
  let where: string;
  if (!Number.isFinite(loss)) {
    // the embedding feeds every coupling and the prior
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
