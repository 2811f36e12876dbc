/**
 * @fileoverview Maximum-likelihood training of a Glow: Adam on shuffled minibatches (seeded),
 * global gradient-norm clipping, a chronological validation split, early stopping with best-state
 * restore, and a guard that stops with an error naming where a non-finite value appeared.
 * Every minibatch is one call into the wasm engine (gather, forward, backward, clip, Adam); with
 * T > 1 threads, each of T replicas takes a shard of every minibatch (src/wasm/pool.ts): the
 * result is then deterministic for that T, and equal to one thread's up to f32 summation order.
 */
import { Rng } from '../util/rng.js';
import { type MatrixInput, toFloat32Matrix } from './matrix.js';
import { parameterTensors } from './layout.js';
import { R } from '../wasm/plan.js';
import type { ModelMemory } from '../wasm/plan.js';
import type { Glow } from './glow.js';
import { type ThreadsOption, type WorkerPool, effectiveThreads } from '../wasm/pool.js';
import type { StepHyper } from '../wasm/worker-replica.js';

export interface FitOptions {
  /** Passes over the training rows (default 50). */
  epochs?: number;
  /** Rows per Adam step (default 256). */
  batchSize?: number;
  /** Adam step size (default 1e-3). */
  learningRate?: number;
  /** Share of rows, taken from the END (chronologically last), held out for validation (default 0.1). */
  validationFraction?: number;
  /** Explicit validation rows instead of a split (then validationFraction is ignored). */
  validation?: MatrixInput;
  /** Epochs without improvement of the monitored NLL before stopping (default 10; 0 disables). */
  patience?: number;
  /** Improvement smaller than this (nats) does not count (default 1e-4). */
  minDelta?: number;
  /** Seed of the shuffling and of the ActNorm init subset (default: the model's seed). */
  seed?: number;
  /** Global gradient-norm clip (default 10; 0 disables). */
  clipNorm?: number;
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Rows used for the ActNorm data init when the model is not yet initialised (default 4096, min 256). */
  initRows?: number;
  /** Called after every epoch; return false to stop. */
  onEpoch?: (record: EpochRecord) => void | boolean;
  /** Threads (default: the model's `threads`); the model's worker pool serves its own count. */
  threads?: ThreadsOption;
  /** Called after every minibatch (for progress bars). */
  onBatch?: (info: { epoch: number; batch: number; batches: number; loss: number }) => void;
  signal?: AbortSignal;
}

export interface EpochRecord {
  epoch: number;
  /** Mean NLL (nats) over the epoch's minibatches, each before its update. */
  trainNll: number;
  trainBitsPerDim: number;
  valNll: number | null;
  valBitsPerDim: number | null;
  /** Mean gradient norm before clipping. */
  gradNorm: number;
  seconds: number;
  samplesPerSecond: number;
  /** This epoch set a new best monitored NLL. */
  best: boolean;
}

export interface FitResult {
  history: EpochRecord[];
  bestEpoch: number;
  /** Best monitored NLL (validation if there is any, else training). */
  bestNll: number;
  monitored: 'validation' | 'train';
  stopReason: 'epochs' | 'patience' | 'callback' | 'aborted';
  seed: number;
  trainRows: number;
  validationRows: number;
  seconds: number;
}

/** Training stopped by a non-finite loss or gradient; `where` names the step or tensor. */
export class NonFiniteError extends Error {
  constructor(message: string, readonly epoch: number, readonly batch: number, readonly where: string) {
    super(message);
    this.name = 'NonFiniteError';
  }
}

function positive(name: string, v: number, integer: boolean): void {
  if (!(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new RangeError(`fit: ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`);
  }
}

/** Checks every fit makes of its options before it reads any data (the errors name the option). */
export function checkFitOptions(options: { epochs?: number; batchSize?: number; learningRate?: number; validationFraction?: number }): void {
  const { epochs = 50, batchSize = 256, learningRate = 1e-3, validationFraction = 0.1 } = options;
  positive('epochs', epochs, true);
  positive('batchSize', batchSize, true);
  positive('learningRate', learningRate, false);
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new RangeError(`fit: validationFraction must be in [0, 1), got ${validationFraction}`);
  }
}

/** What the training loop needs of a model (Glow, ConditionalGlow). */
export interface TrainableModel {
  readonly seed: number;
  readonly threads: number;
  initialized: boolean;
  optimizerSteps: number;
  parametersVersion: number;
  bitsPerDim(nll: number): number;
  getParameters(): Float32Array;
  setParameters(p: ArrayLike<number>): void;
  workers(threads?: number): WorkerPool | null;
}

/** A model's side of a fit: its training rows (already split off) and how its engine trains on them. */
export interface FitData {
  trainRows: number;
  validationRows: number;
  /** Validation rows were given or split off (the monitored NLL is theirs), even if none remain. */
  hasValidation: boolean;
  /** The memory whose arena holds the training rows (the model's, or its flow's). */
  mem: ModelMemory;
  /** Floats per training row in the engine's copy. */
  rowFloats: number;
  /** ActNorm data init from the training rows `pick` (sorted indices). */
  initialize(pick: Int32Array): void;
  /** Size the workspace for `rows`-row steps (before the training rows are allocated after it). */
  ensureCapacity(rows: number): void;
  /** Copy the training rows to `ptr` in the layout `step` reads. */
  upload(ptr: number): void;
  /** The same block as a Float32Array, for worker replicas (asked for only when there are workers). */
  workerRows(): Float32Array;
  /** One training step on rows idx[0..nb) at `idxPtr` (one wasm call); returns the loss, the gradient norm is R.GNORM. */
  step(dataPtr: number, idxPtr: number, nb: number, t: number, h: StepHyper): number;
  /** Plan pointer for a forecaster's worker replicas (0: a GLOW). */
  fplan?: number;
  /** The error for a non-finite loss or gradient of that step (re-running its forward to locate it). */
  nonFinite(dataPtr: number, idxPtr: number, nb: number, loss: number, epoch: number, batch: number, batches: number): NonFiniteError;
  /** Mean NLL of the validation rows, or null without any. */
  validationNll(): number | null;
}

export function fitGlow(glow: Glow, x: MatrixInput, options: FitOptions = {}): FitResult {
  checkFitOptions(options);
  const { validationFraction = 0.1 } = options;
  const D = glow.features;
  const { data, rows } = toFloat32Matrix(x, D, 'fit(x)');
  let train = data;
  let trainRows = rows;
  let val: Float32Array | null = null;
  if (options.validation !== undefined) {
    val = toFloat32Matrix(options.validation, D, 'fit validation').data;
  } else if (validationFraction > 0) {
    const nVal = Math.floor(rows * validationFraction);
    if (nVal < 1) throw new RangeError(`fit: validationFraction ${validationFraction} of ${rows} rows leaves no validation rows`);
    trainRows = rows - nVal;
    train = data.subarray(0, trainRows * D);
    val = data.subarray(trainRows * D);
  }
  if (trainRows < 1) throw new RangeError('fit: no training rows');
  const { mem, ex } = glow;
  return runFit(glow, {
    trainRows,
    validationRows: val ? val.length / D : 0,
    hasValidation: val !== null,
    mem,
    rowFloats: D,
    initialize(pick) {
      const sub = new Float32Array(pick.length * D);
      pick.forEach((r, i) => sub.set(train.subarray(r * D, (r + 1) * D), i * D));
      glow.initialize(sub);
    },
    ensureCapacity: (n) => mem.ensureCapacity(n),
    upload: (ptr) => mem.f32(ptr, trainRows * D).set(train),
    workerRows: () => train,
    step: (dataPtr, idxPtr, nb, t, h) =>
      ex.glowTrainStep(mem.plan, dataPtr, idxPtr, nb, h.lr, h.beta1, h.beta2, h.eps, h.clipNorm, t, h.weightDecay),
    nonFinite(dataPtr, idxPtr, nb, loss, epoch, batch, batches) {
      if (!Number.isFinite(loss)) { // steps run in blocks and shards: redo the whole forward to find where it broke
        ex.gatherRows(mem.plan, dataPtr, idxPtr, nb);
        loss = ex.glowForward(mem.plan, nb);
      }
      return nonFinite(glow, epoch, batch, batches, nb, loss);
    },
    validationNll: () => (val ? meanNll(glow.logProb(val)) : null),
  }, options);
}

/**
 * The training loop of every model kind: ActNorm init when needed, then epochs of shuffled
 * minibatches (one engine call each, or a data-parallel step over the model's worker pool), early
 * stopping on the monitored NLL, the NaN/Inf guard, and the best parameters restored at the end.
 */
export function runFit(model: TrainableModel, fd: FitData, options: Omit<FitOptions, 'validation'>): FitResult {
  const {
    epochs = 50, batchSize = 256, learningRate = 1e-3, patience = 10,
    minDelta = 1e-4, seed = model.seed, clipNorm = 10, weightDecay = 0, beta1 = 0.9, beta2 = 0.999,
    eps = 1e-8, initRows = 4096, onEpoch, onBatch, signal,
  } = options;
  const { trainRows, mem } = fd;
  const rng = new Rng(seed);
  if (!model.initialized) {
    const m = Math.min(trainRows, Math.max(initRows, 256));
    if (m < 256) throw new RangeError(`fit: ActNorm initialisation needs at least 256 training rows, got ${trainRows}`);
    fd.initialize(rng.permutation(trainRows).subarray(0, m).sort());
  }
  const threads = options.threads === undefined ? model.threads : effectiveThreads(options.threads, 'fit: threads').threads;
  // A batch (or a shard of it) trains in TRAIN_BLOCK-row blocks; the whole batch fits so that a
  // non-finite loss can be located by re-running its forward. Sized before the data block below.
  fd.ensureCapacity(Math.min(batchSize, trainRows));
  const monitored: FitResult['monitored'] = fd.hasValidation ? 'validation' : 'train';
  const history: EpochRecord[] = [];
  let best = Infinity;
  let bestEpoch = 0;
  let bestParams = model.getParameters();
  let stopReason: FitResult['stopReason'] = 'epochs';
  const t0 = performance.now();
  const tmp = mem.allocTemp(trainRows * fd.rowFloats * 4 + trainRows * 4);
  let pool: WorkerPool | null = null;
  const ownPool = threads > 1 && threads !== model.threads;
  try {
    const dataPtr = tmp.ptr;
    const idxPtr = tmp.ptr + trainRows * fd.rowFloats * 4;
    fd.upload(dataPtr);
    pool = threads > 1 ? model.workers(threads) : null;
    const index = pool?.beginTraining(mem, model.parametersVersion, fd.workerRows(), dataPtr, batchSize, fd.fplan ?? 0);
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
      mem.i32(idxPtr, trainRows).set(perm);
      index?.set(perm);
      let lossSum = 0;
      let gnSum = 0;
      for (let b = 0; b < batches; b++) {
        const off = b * batchSize;
        const nb = Math.min(batchSize, trainRows - off);
        model.optimizerSteps++;
        let loss: number, gn: number;
        if (pool) ({ loss, gradNorm: gn } = pool.trainStep(off, nb, model.optimizerSteps, hyper));
        else {
          loss = fd.step(dataPtr, idxPtr + off * 4, nb, model.optimizerSteps, hyper);
          gn = mem.result(R.GNORM);
        }
        if (!Number.isFinite(loss) || !Number.isFinite(gn)) {
          model.optimizerSteps--;
          throw fd.nonFinite(dataPtr, idxPtr + off * 4, nb, loss, epoch, b + 1, batches);
        }
        lossSum += loss * nb;
        gnSum += gn;
        onBatch?.({ epoch, batch: b + 1, batches, loss });
      }
      model.parametersVersion++;
      if (pool && !ownPool) pool.syncedVersion = model.parametersVersion; // its replicas took the same steps
      const trainNll = lossSum / trainRows;
      const valNll = fd.validationNll();
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
        epoch,
        trainNll,
        trainBitsPerDim: model.bitsPerDim(trainNll),
        valNll,
        valBitsPerDim: valNll === null ? null : model.bitsPerDim(valNll),
        gradNorm: gnSum / batches,
        seconds,
        samplesPerSecond: trainRows / seconds,
        best: improved,
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
    mem.releaseTemp(tmp.mark);
    model.parametersVersion++;
    if (bestEpoch > 0) model.setParameters(bestParams);
  }
  return {
    history,
    bestEpoch,
    bestNll: best,
    monitored,
    stopReason,
    seed,
    trainRows,
    validationRows: fd.validationRows,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Mean NLL of per-row log-likelihoods. */
export function meanNll(lp: Float64Array): number {
  let s = 0;
  for (let i = 0; i < lp.length; i++) s -= lp[i];
  return s / lp.length;
}

/** Build the error for a non-finite loss or gradient: which step's output, or which gradient tensor. */
function nonFinite(glow: Glow, epoch: number, batch: number, batches: number, n: number, loss: number): NonFiniteError {
  const { mem, ex, layout } = glow;
  let where: string;
  if (!Number.isFinite(loss)) {
    const s = ex.glowDiagnose(mem.plan, n);
    if (s >= 0) {
      const st = layout.steps[s];
      where = `the output of flow step levels.${st.level}.${st.k} (ActNorm → 1×1 → coupling)`;
    } else where = 'the log-density of the latents (z too large for f32)';
  } else {
    const g = mem.f32(mem.grads, layout.numel);
    const bad = parameterTensors(layout).find((t) => g.subarray(t.offset, t.offset + t.size).some((v) => !Number.isFinite(v)));
    where = bad ? `the gradient of ${bad.name}` : 'the gradient norm';
  }
  return new NonFiniteError(
    `training stopped: non-finite ${Number.isFinite(loss) ? 'gradient' : `loss (${loss})`} at epoch ${epoch}, ` +
      `batch ${batch}/${batches}, in ${where}; parameters keep their values from before this batch ` +
      `(try a lower learning rate or check the input scaling)`,
    epoch, batch, where,
  );
}
