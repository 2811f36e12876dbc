/**
 * @fileoverview The `Glow` class: a GLOW normalizing flow whose maths runs in the WebAssembly
 * engine. Thin orchestration only — every batch is one call into the module (DESIGN §3).
 */
import { Rng } from '../util/rng.js';
import { type GlowConfig, MODEL_WORKSPACE_ROWS, resolveConfig } from './config.js';
import { initialState } from './init.js';
import { type ModelLayout, modelLayout, parameterTensors } from './layout.js';
import { type MatrixInput, toFloat32Matrix } from './matrix.js';
import { decodeCheckpoint, encodeCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { type Engine, type GlowExports, defaultEngine } from '../wasm/engine.js';
import { JsonChecks } from '../util/json-checks.js';
import { H, INFER_BLOCK, ModelMemory, R, ROW_PATH_MAX_ROWS } from '../wasm/plan.js';
import { type FitOptions, type FitResult, fitGlow } from './fit.js';
import { MIN_ROWS_PER_THREAD, type ThreadsOption, WorkerPool, effectiveThreads } from '../wasm/pool.js';
import { type NamedTensor, mergeNamedTensors, namedTensors } from './named-tensors.js';

export type { NamedTensor };

export interface GlowCreateOptions extends Partial<GlowConfig> {
  /** Seed of the initial parameters (random rotations, coupling weights). Default 0. */
  seed?: number;
  /** Engine to run on (default: the package's build/glow.wasm). */
  engine?: Engine;
  /**
   * Threads for training and for batches of log p, encoding, decoding and sampling (default 1;
   * 'auto' = every core). Training with T threads is deterministic for that T; inference gives the
   * single-thread result row for row. Falls back to 1 where workers or shared memory are missing.
   */
  threads?: ThreadsOption;
}

/** Options of the loading functions. */
export interface GlowLoadOptions {
  engine?: Engine;
  threads?: ThreadsOption;
}

/** Minimum rows for the data-dependent ActNorm initialisation (DESIGN §3). */
export const MIN_INIT_ROWS = 256;

const LN2 = Math.LN2;

export class Glow {
  readonly config: GlowConfig;
  readonly layout: ModelLayout;
  /** Seed the parameters were initialised from. */
  readonly seed: number;
  /** True once ActNorm was initialised from data (or a trained model was loaded). */
  initialized = false;
  /** Adam steps taken so far (its bias correction continues from here). */
  optimizerSteps = 0;
  /** @internal */ readonly mem: ModelMemory;
  /** @internal */ readonly ex: GlowExports;
  /** Threads this model runs on (1 when workers are unavailable here; see `threadsNote`). */
  readonly threads: number;
  /** Why fewer threads than requested run, or null. */
  readonly threadsNote: string | null;
  /** @internal Bumped whenever the parameters change, so worker replicas know when to resync. */
  parametersVersion = 0;
  private pool: WorkerPool | null = null;

  private constructor(layout: ModelLayout, seed: number, private readonly engine: Engine, threads?: ThreadsOption) {
    this.config = layout.config;
    this.layout = layout;
    this.seed = seed;
    this.ex = engine.instantiate();
    this.mem = new ModelMemory(this.ex, layout, MODEL_WORKSPACE_ROWS); // the size resolveConfig budgeted
    ({ threads: this.threads, note: this.threadsNote } = effectiveThreads(threads));
  }

  /**
   * @internal The model's worker pool (started on first use), or null on one thread; for another
   * thread count, a new pool the caller closes.
   */
  workers(threads = this.threads): WorkerPool | null {
    if (threads < 2) return null;
    if (threads !== this.threads) return new WorkerPool(this.engine, this.config, threads);
    if (this.pool?.closed) this.pool = null; // closed after a failure: start afresh rather than talk to dead workers
    this.pool ??= new WorkerPool(this.engine, this.config, this.threads, this);
    return this.pool;
  }

  /** Terminate this model's worker threads (they also end with the process or the model). */
  close(): void {
    this.pool?.close();
    this.pool = null;
  }

  /** The pool when `rows` are worth sharding, else null. */
  private shardPool(rows: number): WorkerPool | null {
    if (this.threads < 2 || rows < MIN_ROWS_PER_THREAD * this.threads) return null;
    const pool = this.workers()!;
    pool.syncParameters(this.mem, this.parametersVersion);
    return pool;
  }

  /** A new model with seeded initial parameters (ActNorm not yet initialised). */
  static create(options: GlowCreateOptions = {}): Glow {
    const { seed = 0, engine, threads, ...partial } = options;
    const layout = modelLayout(resolveConfig(partial));
    const glow = new Glow(layout, seed, engine ?? defaultEngine(), threads);
    const st = initialState(layout, seed);
    glow.mem.f32(glow.mem.params, layout.numel).set(st.params);
    glow.mem.i32(glow.mem.perm, layout.permLength).set(st.perm);
    glow.mem.f32(glow.mem.sign, layout.signLength).set(st.sign);
    glow.ex.glowPrepare(glow.mem.plan);
    return glow;
  }

  /** Free parameters (63,120 for the defaults: the unused triangles of lower/upper are not counted). */
  get numParameters(): number {
    return this.layout.numFree;
  }

  /** Elements of all parameter tensors as stored (64,576 for the defaults). */
  get numTensorElements(): number {
    return this.layout.numel;
  }

  get features(): number {
    return this.config.features;
  }

  /** Which wasm build runs this model ('relaxed-simd' or 'simd'). */
  get engineVariant(): string {
    return this.engine.variant;
  }

  /**
   * Data-dependent ActNorm initialisation, once, from at least 256 rows: each ActNorm gets
   * b = −mean, s = −log(std + 1e-6) of the activations that reach it.
   */
  initialize(x: MatrixInput): this {
    const { data, rows } = toFloat32Matrix(x, this.features, 'initialize(x)');
    if (rows < MIN_INIT_ROWS) {
      throw new RangeError(`initialize(x) needs at least ${MIN_INIT_ROWS} rows for the ActNorm statistics, got ${rows}`);
    }
    this.mem.ensureCapacity(rows);
    this.mem.f32(this.mem.header(H.X0), rows * this.features).set(data);
    const loss = this.ex.glowInitActNorm(this.mem.plan, rows);
    this.parametersVersion++;
    if (!Number.isFinite(loss)) throw new Error('initialize(x): the data-dependent initialisation produced non-finite values');
    this.initialized = true;
    return this;
  }

  private requireInitialized(what: string): void {
    if (!this.initialized) {
      throw new Error(`${what}: the model's ActNorm layers are not initialised; call initialize(x) or fit(x) first`);
    }
  }

  /**
   * Run `fn(offset, rows)` over chunks of at most the workspace capacity and INFER_BLOCK rows (a
   * block's activations stay in the core's caches from one layer to the next).
   */
  private chunks(rows: number, fn: (offset: number, count: number) => void): void {
    const cap = Math.min(this.mem.capacity, INFER_BLOCK);
    for (let off = 0; off < rows; off += cap) fn(off, Math.min(cap, rows - off));
  }

  /**
   * Exact log-density log p(x) per row, in nats. Up to ROW_PATH_MAX_ROWS rows (a live signal's
   * latest candle) run one row at a time through matrix–vector kernels, for latency; a row's value
   * then equals its in-batch value within 1e-6 relative (the f32 sums run in another order), not
   * bit for bit.
   */
  logProb(x: MatrixInput): Float64Array {
    this.requireInitialized('logProb');
    const D = this.features;
    const { data, rows } = toFloat32Matrix(x, D, 'logProb(x)');
    if (rows <= ROW_PATH_MAX_ROWS) return this.logProbFewRows(data, rows);
    const out = new Float64Array(rows);
    const part = (lo: number, hi: number) => this.chunks(hi - lo, (o, n) => {
      const off = lo + o;
      this.mem.f32(this.mem.header(H.X0), n * D).set(data.subarray(off * D, (off + n) * D));
      this.ex.glowForward(this.mem.plan, n);
      out.set(this.mem.f64(this.mem.header(H.LOGP), n), off);
    });
    const pool = this.shardPool(rows);
    if (pool) pool.forward(data, rows, { logp: out }, part);
    else part(0, rows);
    return out;
  }

  /**
   * log p of a few rows (≤ ROW_PATH_MAX_ROWS: a live signal's latest candle) through the one-row
   * kernels, with no allocation but the result: within 1e-6 relative of the batch value.
   */
  private logProbFewRows(data: Float32Array, rows: number): Float64Array {
    const { mem } = this;
    mem.heapF32().set(data, mem.header(H.X0) >> 2);
    this.ex.glowForwardRows(mem.plan, rows);
    const heap = mem.heapF64(), at = mem.header(H.LOGP) >> 3;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) out[i] = heap[at + i];
    return out;
  }

  /**
   * x → z (latents concatenated in level order), the per-row log-determinant, and log p(x) from the
   * same forward pass (equal to `logProb(x)` bit for bit), for callers that need both. Like
   * logProb, up to ROW_PATH_MAX_ROWS rows run one at a time: within 1e-6 relative of the same rows
   * inside a larger batch, not bit for bit.
   */
  encode(x: MatrixInput): { z: Float32Array; logDet: Float64Array; logProb: Float64Array } {
    this.requireInitialized('encode');
    const D = this.features;
    const { data, rows } = toFloat32Matrix(x, D, 'encode(x)');
    const z = new Float32Array(rows * D);
    const logDet = new Float64Array(rows);
    const logProb = new Float64Array(rows);
    // as logProb: a few rows one at a time (so both give the same log p), larger batches in blocks
    const forward = rows <= ROW_PATH_MAX_ROWS ? this.ex.glowForwardRows : this.ex.glowForward;
    const part = (lo: number, hi: number) => this.chunks(hi - lo, (o, n) => {
      const off = lo + o;
      this.mem.f32(this.mem.header(H.X0), n * D).set(data.subarray(off * D, (off + n) * D));
      forward(this.mem.plan, n);
      z.set(this.mem.f32(this.mem.header(H.Z), n * D), off * D);
      logProb.set(this.mem.f64(this.mem.header(H.LOGP), n), off);
      const ld = this.mem.f32(this.mem.header(H.LOGDET), n);
      const c = this.mem.result(R.LOGDET_CONST);
      for (let i = 0; i < n; i++) logDet[off + i] = ld[i] + c;
    });
    const pool = this.shardPool(rows);
    if (pool) pool.forward(data, rows, { logp: logProb, z, logDet }, part);
    else part(0, rows);
    return { z, logDet, logProb };
  }

  /** z → x (the inverse flow). */
  decode(z: MatrixInput): Float32Array {
    this.requireInitialized('decode');
    const D = this.features;
    const { data, rows } = toFloat32Matrix(z, D, 'decode(z)');
    const x = new Float32Array(rows * D);
    const part = (lo: number, hi: number) => this.chunks(hi - lo, (o, n) => {
      const off = lo + o;
      this.mem.f32(this.mem.header(H.Z), n * D).set(data.subarray(off * D, (off + n) * D));
      this.ex.glowInverse(this.mem.plan, n);
      x.set(this.mem.f32(this.mem.header(H.X0), n * D), off * D);
    });
    const pool = this.shardPool(rows);
    if (pool) pool.inverse(rows, x, (lo, hi, dst) => dst.set(data.subarray(lo * D, hi * D)), part);
    else part(0, rows);
    return x;
  }

  /** n samples x = f⁻¹(z), z ~ N(0, T²·I); seeded (default seed 0). */
  sample(n: number, options: { temperature?: number; seed?: number } = {}): Float32Array {
    this.requireInitialized('sample');
    const { temperature = 1, seed = 0 } = options;
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`sample(n): n must be a non-negative integer, got ${n}`);
    if (!(temperature > 0) || !Number.isFinite(temperature)) {
      throw new RangeError(`sample: temperature must be a finite number > 0, got ${temperature}`);
    }
    const D = this.features;
    const rng = new Rng(seed);
    const state = this.mem.i32(this.mem.rng, 4);
    for (let i = 0; i < 4; i++) state[i] = rng.nextU32() | 0;
    if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
    const x = new Float32Array(n * D);
    const part = (lo: number, hi: number) => this.chunks(hi - lo, (o, m) => {
      this.ex.glowSample(this.mem.plan, m, temperature);
      x.set(this.mem.f32(this.mem.header(H.X0), m * D), (lo + o) * D);
    });
    // The main thread draws every latent (cheap: a few ns each) and workers invert slices of rows;
    // the stream's values do not depend on how it is split, so samples equal one thread's.
    const noise = (lo: number, hi: number, dst: Float32Array) => this.chunks(hi - lo, (o, m) => {
      this.ex.glowNoise(this.mem.plan, m, temperature);
      dst.set(this.mem.f32(this.mem.header(H.Z), m * D), o * D);
    });
    const pool = this.shardPool(n);
    if (pool) pool.inverse(n, x, noise, part);
    else part(0, n);
    return x;
  }

  /** Mean NLL (nats) of the rows and its gradient w.r.t. the flat parameter vector (state_dict order). */
  lossAndGradient(x: MatrixInput): { loss: number; grad: Float32Array } {
    this.requireInitialized('lossAndGradient');
    const D = this.features;
    const { data, rows } = toFloat32Matrix(x, D, 'lossAndGradient(x)');
    this.mem.ensureCapacity(rows);
    this.mem.f32(this.mem.header(H.X0), rows * D).set(data);
    const loss = this.ex.glowLossGrad(this.mem.plan, rows);
    return { loss, grad: this.mem.f32(this.mem.grads, this.layout.numel).slice() };
  }

  /** Train by maximum likelihood (Adam, shuffled minibatches, early stopping); see FitOptions. */
  fit(x: MatrixInput, options: FitOptions = {}): FitResult {
    return fitGlow(this, x, options);
  }

  /** Bits per dimension of a mean NLL in nats. */
  bitsPerDim(nll: number): number {
    return nll / (this.features * LN2);
  }

  /** A copy of the flat parameter vector (f32, state_dict order). */
  getParameters(): Float32Array {
    return this.mem.f32(this.mem.params, this.layout.numel).slice();
  }

  /** Replace the flat parameter vector (validated) and rebuild the derived matrices. */
  setParameters(p: ArrayLike<number>): void {
    if (p.length !== this.layout.numel) {
      throw new RangeError(`setParameters: expected ${this.layout.numel} values, got ${p.length}`);
    }
    for (let i = 0; i < p.length; i++) {
      if (!Number.isFinite(p[i])) throw new RangeError(`setParameters: value ${i} (${this.tensorAt(i)}) is ${p[i]}`);
    }
    this.mem.f32(this.mem.params, this.layout.numel).set(p);
    this.ex.glowPrepare(this.mem.plan);
    this.parametersVersion++;
  }

  /** Name of the parameter tensor holding flat element i. */
  tensorAt(i: number): string {
    const t = parameterTensors(this.layout).find((t) => i >= t.offset && i < t.offset + t.size);
    return t ? t.name : `#${i}`;
  }

  /** Every named tensor (parameters and buffers) with the anchor's state_dict names and shapes. */
  namedParameters(): Record<string, NamedTensor> {
    return namedTensors(this.layout.tensors, {
      params: this.mem.f32(this.mem.params, this.layout.numel),
      perm: this.mem.i32(this.mem.perm, this.layout.permLength),
      sign: this.mem.f32(this.mem.sign, this.layout.signLength),
    });
  }

  /**
   * Load tensors by name (the inverse of namedParameters; e.g. weights exported from the PyTorch
   * anchor). Every tensor must be present with its exact shape. Marks ActNorm initialised.
   */
  loadNamedParameters(tensors: Record<string, { shape?: number[]; data: ArrayLike<number> }>): void {
    const v = mergeNamedTensors(this.layout.tensors, tensors, {
      params: this.getParameters(),
      perm: this.mem.i32(this.mem.perm, this.layout.permLength).slice(),
      sign: this.mem.f32(this.mem.sign, this.layout.signLength).slice(),
    }, 'model');
    this.mem.i32(this.mem.perm, this.layout.permLength).set(v.perm);
    this.mem.f32(this.mem.sign, this.layout.signLength).set(v.sign);
    this.setParameters(v.params);
    this.initialized = true;
  }

  /** The model file (DESIGN §7); `extra` adds header sections (scaler, strategy, training, …). */
  toBytes(extra: Record<string, unknown> = {}): Uint8Array {
    return encodeCheckpoint({
      layout: this.layout,
      params: this.mem.f32(this.mem.params, this.layout.numel).slice(),
      perm: this.mem.i32(this.mem.perm, this.layout.permLength).slice(),
      sign: this.mem.f32(this.mem.sign, this.layout.signLength).slice(),
      initialized: this.initialized,
      extra: { seed: this.seed, optimizerSteps: this.optimizerSteps, ...extra },
    });
  }

  /** A model from its file bytes; the header's extra sections come back in `extra`. */
  static fromBytes(bytes: Uint8Array, options: GlowLoadOptions & { source?: string } = {}): Glow {
    return Glow.fromDecoded(decodeCheckpoint(bytes, { source: options.source }), options, options.source ?? 'model file');
  }

  /** Save atomically (temp file + rename). */
  save(path: string, extra: Record<string, unknown> = {}): void {
    saveCheckpoint(path, {
      layout: this.layout,
      params: this.mem.f32(this.mem.params, this.layout.numel).slice(),
      perm: this.mem.i32(this.mem.perm, this.layout.permLength).slice(),
      sign: this.mem.f32(this.mem.sign, this.layout.signLength).slice(),
      initialized: this.initialized,
      extra: { seed: this.seed, optimizerSteps: this.optimizerSteps, ...extra },
    });
  }

  static load(path: string, options: GlowLoadOptions = {}): Glow {
    return Glow.fromDecoded(loadCheckpoint(path), options, path);
  }

  /** Header sections of the file this model was loaded from (empty for a new model). */
  extra: Record<string, unknown> = {};

  private static fromDecoded(ck: ReturnType<typeof decodeCheckpoint>, options: GlowLoadOptions, source: string): Glow {
    // The model's own sections: a seed for later fits, and Adam's step count (an i32 in the engine).
    const c = new JsonChecks(`${source}: header section`);
    const seed = ck.extra.seed === undefined ? 0 : c.integer(ck.extra.seed, 'seed');
    const optimizerSteps = ck.extra.optimizerSteps === undefined ? 0 : c.integer(ck.extra.optimizerSteps, 'optimizerSteps', 0, 2 ** 31 - 1);
    const glow = new Glow(ck.layout, seed, options.engine ?? defaultEngine(), options.threads);
    glow.mem.f32(glow.mem.params, ck.layout.numel).set(ck.params);
    glow.mem.i32(glow.mem.perm, ck.layout.permLength).set(ck.perm);
    glow.mem.f32(glow.mem.sign, ck.layout.signLength).set(ck.sign);
    glow.ex.glowPrepare(glow.mem.plan);
    glow.initialized = ck.initialized; // never re-initialised by loading
    glow.optimizerSteps = optimizerSteps;
    glow.extra = ck.extra;
    return glow;
  }
}
