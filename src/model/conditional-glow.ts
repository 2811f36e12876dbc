/**
 * @fileoverview `ConditionalGlow`: the forecaster of DESIGN §9, p(y | c) for the next H returns y
 * given a context row c: a GLOW flow of y whose couplings also see an embedding e(c), over a
 * per-dimension base (Student-t with learned ν, or normal) whose location and scale come from e.
 * Thin orchestration: every batch is one call into the wasm engine (assembly/forecast.ts).
 */
import { Rng } from '../util/rng.js';
import { type ForecasterConfig, resolveForecasterConfig } from './forecaster-config.js';
import { type ForecasterLayout, forecasterLayout, forecasterParameterTensors } from './forecaster-layout.js';
import { forecasterInitialState } from './forecaster-init.js';
import { type MatrixInput, toFloat32Matrix } from './matrix.js';
import { type NamedTensor, mergeNamedTensors, namedTensors } from './named-tensors.js';
import { type Engine, defaultEngine } from '../wasm/engine.js';
import { H, INFER_BLOCK, R } from '../wasm/plan.js';
import { F, type ForecastExports, ForecastMemory } from '../wasm/forecast-plan.js';
import { MIN_ROWS_PER_THREAD, type ThreadsOption, WorkerPool, effectiveThreads } from '../wasm/pool.js';
import { type ConditionalFitOptions, type ConditionalFitResult, fitConditional } from './conditional-fit.js';
import { type DecodedForecaster, decodeForecaster, encodeForecaster, loadForecasterFile } from './forecaster-checkpoint.js';
import { writeFileAtomic } from '../util/atomic.js';
import { JsonChecks } from '../util/json-checks.js';

export interface ConditionalGlowCreateOptions extends Partial<ForecasterConfig> {
  /** Seed of the initial parameters. Default 0. */
  seed?: number;
  engine?: Engine;
  /**
   * Threads for training and for batches of log p, encoding, decoding and sampling (default 1;
   * 'auto' = every core). Training with T threads is deterministic for that T; inference and
   * sampling give the single-thread result row for row.
   */
  threads?: ThreadsOption;
}

/** Minimum rows for the data-dependent ActNorm initialisation (DESIGN §3). */
export const MIN_INIT_ROWS = 256;

/** Options of `ConditionalGlow.fromBytes` / `load`. */
export interface ConditionalGlowLoadOptions {
  engine?: Engine;
  threads?: ThreadsOption;
}

export class ConditionalGlow {
  readonly config: ForecasterConfig;
  readonly layout: ForecasterLayout;
  readonly seed: number;
  initialized = false;
  optimizerSteps = 0;
  /** @internal */ readonly mem: ForecastMemory;
  /** @internal */ readonly ex: ForecastExports;
  readonly threads: number;
  readonly threadsNote: string | null;
  /** @internal Bumped whenever the parameters change, so worker replicas know when to resync. */
  parametersVersion = 0;
  private pool: WorkerPool | null = null;

  private constructor(layout: ForecasterLayout, seed: number, private readonly engine: Engine, threads?: ThreadsOption) {
    this.config = layout.config;
    this.layout = layout;
    this.seed = seed;
    this.ex = engine.instantiate() as ForecastExports;
    this.mem = new ForecastMemory(this.ex, layout, 1024);
    ({ threads: this.threads, note: this.threadsNote } = effectiveThreads(threads));
  }

  /**
   * @internal The model's worker pool (started on first use), or null on one thread; for another
   * thread count, a new pool the caller closes.
   */
  workers(threads = this.threads): WorkerPool | null {
    if (threads < 2) return null;
    const flowConfig = this.mem.flow.layout.config;
    if (threads !== this.threads) return new WorkerPool(this.engine, flowConfig, threads, undefined, this.layout);
    if (this.pool?.closed) this.pool = null;
    this.pool ??= new WorkerPool(this.engine, flowConfig, this.threads, this, this.layout);
    return this.pool;
  }

  /** Header sections of the file this model was loaded from (empty for a new model). */
  extra: Record<string, unknown> = {};

  /** The model file's bytes (kind "forecaster"); `extra` adds header sections (plain JSON). */
  toBytes(extra: Record<string, unknown> = {}): Uint8Array {
    const flow = this.mem.flow;
    return encodeForecaster({
      layout: this.layout,
      params: this.getParameters(),
      perm: flow.i32(flow.perm, this.layout.permLength).slice(),
      sign: flow.f32(flow.sign, this.layout.signLength).slice(),
      initialized: this.initialized,
      extra: { seed: this.seed, optimizerSteps: this.optimizerSteps, ...extra },
    });
  }

  /** Save atomically (temp file + rename): a failed save leaves the old file or none. */
  save(path: string, extra: Record<string, unknown> = {}): void {
    writeFileAtomic(path, this.toBytes(extra));
  }

  /** A forecaster from model-file bytes (GLOW files are refused with the reason). */
  static fromBytes(bytes: Uint8Array, options: ConditionalGlowLoadOptions & { source?: string } = {}): ConditionalGlow {
    const source = options.source ?? 'model file';
    return ConditionalGlow.fromDecoded(decodeForecaster(bytes, { source }), options, source);
  }

  static load(path: string, options: ConditionalGlowLoadOptions = {}): ConditionalGlow {
    return ConditionalGlow.fromDecoded(loadForecasterFile(path), options, path);
  }

  private static fromDecoded(ck: DecodedForecaster, options: ConditionalGlowLoadOptions, source: string): ConditionalGlow {
    const c = new JsonChecks(`${source}: header section`);
    const seed = ck.extra.seed === undefined ? 0 : c.integer(ck.extra.seed, 'seed');
    const optimizerSteps = ck.extra.optimizerSteps === undefined ? 0 : c.integer(ck.extra.optimizerSteps, 'optimizerSteps', 0, 2 ** 31 - 1);
    const m = new ConditionalGlow(ck.layout, seed, options.engine ?? defaultEngine(), options.threads);
    const flow = m.mem.flow;
    flow.f32(flow.params, ck.layout.numel).set(ck.params);
    flow.i32(flow.perm, ck.layout.permLength).set(ck.perm);
    flow.f32(flow.sign, ck.layout.signLength).set(ck.sign);
    m.ex.forecastPrepare(m.mem.fplan);
    m.initialized = ck.initialized; // never re-initialised by loading
    m.optimizerSteps = optimizerSteps;
    m.extra = ck.extra;
    return m;
  }

  /** Terminate this model's worker threads (they also end with the process or the model). */
  close(): void {
    this.pool?.close();
    this.pool = null;
  }

  /** The pool, synced, when `rows` are worth sharding, else null. */
  private shardPool(rows: number): WorkerPool | null {
    if (this.threads < 2 || rows < MIN_ROWS_PER_THREAD * this.threads) return null;
    const pool = this.workers()!;
    pool.syncParameters(this.mem.flow, this.parametersVersion);
    return pool;
  }

  /** Rows [lo, hi) of a (width a) and b (width b) side by side into dst (rows of a + b, from row lo). */
  private static pack(a: Float32Array, wa: number, b: Float32Array, wb: number, lo: number, hi: number, dst: Float32Array, dstRow0 = lo): void {
    const w = wa + wb;
    for (let r = lo; r < hi; r++) {
      const o = (r - dstRow0) * w;
      dst.set(a.subarray(r * wa, (r + 1) * wa), o);
      dst.set(b.subarray(r * wb, (r + 1) * wb), o + wa);
    }
  }

  /** A new forecaster with seeded initial parameters (ActNorm not yet initialised). */
  static create(options: ConditionalGlowCreateOptions = {}): ConditionalGlow {
    const { seed = 0, engine, threads, ...partial } = options;
    const layout = forecasterLayout(resolveForecasterConfig(partial));
    const m = new ConditionalGlow(layout, seed, engine ?? defaultEngine(), threads);
    const st = forecasterInitialState(layout, seed);
    const flow = m.mem.flow;
    flow.f32(flow.params, layout.numel).set(st.params);
    flow.i32(flow.perm, layout.permLength).set(st.perm);
    flow.f32(flow.sign, layout.signLength).set(st.sign);
    m.ex.forecastPrepare(m.mem.fplan);
    return m;
  }

  /** Free parameters (the unused triangles of lower/upper not counted). */
  get numParameters(): number {
    return this.layout.numFree;
  }

  /** Elements of the flat parameter vector as stored. */
  get numTensorElements(): number {
    return this.layout.numel;
  }

  get target(): number {
    return this.config.target;
  }

  get contextWidth(): number {
    return this.config.context;
  }

  /** y and c as f32 matrices with the same number of rows (errors name the call and the argument). */
  private pair(y: MatrixInput, c: MatrixInput, what: string, yName = 'y'): { y: Float32Array; c: Float32Array; rows: number } {
    const Y = toFloat32Matrix(y, this.target, `${what}: ${yName} (target width ${this.target})`);
    const C = toFloat32Matrix(c, this.contextWidth, `${what}: c (context width ${this.contextWidth})`);
    if (Y.rows !== C.rows) {
      throw new RangeError(`${what}: ${yName} has ${Y.rows} rows but c has ${C.rows}; every ${yName} row needs its context row`);
    }
    return { y: Y.data, c: C.data, rows: Y.rows };
  }

  private requireInitialized(what: string): void {
    if (!this.initialized) {
      throw new Error(`${what}: the model's ActNorm layers are not initialised; call initialize(y, c) or fit(y, c) first`);
    }
  }

  /** Write rows [off, off+n) of y into X0 and of c into CTX. */
  private put(y: Float32Array | null, c: Float32Array, off: number, n: number): void {
    const T = this.target, C = this.contextWidth, flow = this.mem.flow;
    if (y) flow.f32(flow.header(H.X0), n * T).set(y.subarray(off * T, (off + n) * T));
    flow.f32(this.mem.header(F.CTX), n * C).set(c.subarray(off * C, (off + n) * C));
  }

  private chunks(rows: number, fn: (offset: number, count: number) => void): void {
    const cap = Math.min(this.mem.capacity, INFER_BLOCK);
    for (let off = 0; off < rows; off += cap) fn(off, Math.min(cap, rows - off));
  }

  /** Data-dependent ActNorm initialisation, once, from at least 256 (y, c) rows. */
  initialize(y: MatrixInput, c: MatrixInput): this {
    const p = this.pair(y, c, 'initialize');
    if (p.rows < MIN_INIT_ROWS) {
      throw new RangeError(`initialize(y, c) needs at least ${MIN_INIT_ROWS} rows for the ActNorm statistics, got ${p.rows}`);
    }
    this.mem.ensureCapacity(p.rows);
    this.put(p.y, p.c, 0, p.rows);
    const loss = this.ex.forecastInitActNorm(this.mem.fplan, p.rows);
    this.parametersVersion++;
    if (!Number.isFinite(loss)) throw new Error('initialize(y, c): the data-dependent initialisation produced non-finite values');
    this.initialized = true;
    return this;
  }

  /** Exact log p(y | c) per row, in nats. */
  logProb(y: MatrixInput, c: MatrixInput): Float64Array {
    return this.encode(y, c, 'logProb').logProb;
  }

  /**
   * y → z (latents in level order), the per-row log|det ∂z/∂y| and log p(y | c) from the same
   * forward pass (log p equal to `logProb(y, c)` bit for bit).
   */
  encode(y: MatrixInput, c: MatrixInput, what = 'encode'): { z: Float32Array; logDet: Float64Array; logProb: Float64Array } {
    this.requireInitialized(what);
    const p = this.pair(y, c, what);
    const T = this.target, flow = this.mem.flow;
    const z = new Float32Array(p.rows * T);
    const logProb = new Float64Array(p.rows);
    const logDet = new Float64Array(p.rows);
    const part = (lo: number, hi: number) => this.chunks(hi - lo, (o, n) => {
      const off = lo + o;
      this.put(p.y, p.c, off, n);
      this.ex.forecastForward(this.mem.fplan, n);
      z.set(flow.f32(flow.header(H.Z), n * T), off * T);
      logProb.set(flow.f64(flow.header(H.LOGP), n), off);
      const ld = flow.f32(flow.header(H.LOGDET), n);
      const k = flow.result(R.LOGDET_CONST);
      for (let i = 0; i < n; i++) logDet[off + i] = ld[i] + k;
    });
    const pool = this.shardPool(p.rows);
    if (pool) {
      const packed = new Float32Array(p.rows * (T + this.contextWidth));
      ConditionalGlow.pack(p.y, T, p.c, this.contextWidth, 0, p.rows, packed);
      pool.forward(packed, p.rows, { logp: logProb, z, logDet }, part);
    } else part(0, p.rows);
    return { z, logDet, logProb };
  }

  /** z → y given c (the inverse flow, couplings conditioned on e(c)). */
  decode(z: MatrixInput, c: MatrixInput): Float32Array {
    this.requireInitialized('decode');
    const p = this.pair(z, c, 'decode', 'z');
    const T = this.target, flow = this.mem.flow;
    const y = new Float32Array(p.rows * T);
    const part = (lo: number, hi: number) => this.chunks(hi - lo, (o, n) => {
      const off = lo + o;
      flow.f32(flow.header(H.Z), n * T).set(p.y.subarray(off * T, (off + n) * T));
      this.put(null, p.c, off, n);
      this.ex.forecastInverse(this.mem.fplan, n);
      y.set(flow.f32(flow.header(H.X0), n * T), off * T);
    });
    const pool = this.shardPool(p.rows);
    if (pool) pool.inverse(p.rows, y, (lo, hi, dst) => ConditionalGlow.pack(p.y, T, p.c, this.contextWidth, lo, hi, dst), part);
    else part(0, p.rows);
    return y;
  }

  /**
   * n draws of y | c for every context row: rows(c) × n × target, each context row's n draws
   * contiguous. z = μ(e) + T·σ(e)·ε, ε ~ t_ν (or N(0, 1)), then the inverse; seeded (default 0).
   * The embedding and (μ, σ) are computed once per context row inside the engine.
   *
   * `commonDraws`: every context row gets the SAME base draws ε (common random numbers) — the
   * stream restarts at (key, counter) for each row — so differences between rows' samples come from
   * their contexts only, not from Monte-Carlo noise (what a per-bar comparison of forecasts wants).
   */
  sample(c: MatrixInput, n: number, options: { temperature?: number; seed?: number; commonDraws?: boolean } = {}): Float32Array {
    this.requireInitialized('sample');
    const { temperature = 1, seed = 0, commonDraws = false } = options;
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`sample(c, n): n must be a non-negative integer, got ${n}`);
    if (!(temperature > 0) || !Number.isFinite(temperature)) {
      throw new RangeError(`sample: temperature must be a finite number > 0, got ${temperature}`);
    }
    const C = toFloat32Matrix(c, this.contextWidth, `sample: c (context width ${this.contextWidth})`);
    const T = this.target, flow = this.mem.flow;
    const rng = new Rng(seed);
    const state = flow.i32(flow.rng, 4);
    for (let i = 0; i < 4; i++) state[i] = rng.nextU32() | 0;
    if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
    const key = Array.from(state.subarray(0, 3)), counter = state[3];
    const out = new Float32Array(C.rows * n * T);
    if (n === 0 || C.rows === 0) return out;
    // Context rows [lo, hi): the stream is counter-based, so starting at counter + lo·n·T gives
    // exactly the draws of one pass over every row (and lets workers take shares of the rows).
    const part = (lo: number, hi: number) => {
      if (hi <= lo) return;
      // contexts per call: what the context buffers hold, and an output block of at most ~4 MiB;
      // one row per call with common draws, each restarting the stream
      const per = commonDraws ? 1 : Math.max(1, Math.min(this.mem.capacity, Math.floor((1 << 20) / (n * T))));
      const tmp = flow.allocTemp(Math.min(per, hi - lo) * n * T * 4);
      try {
        flow.i32(flow.rng, 4).set([...key, (counter + (commonDraws ? 0 : lo * n * T)) | 0]);
        for (let off = lo; off < hi; off += per) {
          const m = Math.min(per, hi - off);
          if (commonDraws) flow.i32(flow.rng, 4).set([...key, counter]);
          this.put(null, C.data, off, m);
          this.ex.forecastSample(this.mem.fplan, m, n, temperature, tmp.ptr);
          out.set(flow.f32(tmp.ptr, m * n * T), off * n * T);
        }
      } finally {
        flow.releaseTemp(tmp.mark);
      }
    };
    const pool = this.shardPool(C.rows * n);
    if (pool && C.rows >= pool.replicas) pool.sample(C.data, C.rows, n, key, counter, temperature, out, part, commonDraws);
    else part(0, C.rows);
    return out;
  }

  /** Mean NLL of the rows and its gradient w.r.t. the flat parameter vector. */
  lossAndGradient(y: MatrixInput, c: MatrixInput): { loss: number; grad: Float32Array } {
    this.requireInitialized('lossAndGradient');
    const p = this.pair(y, c, 'lossAndGradient');
    this.mem.ensureCapacity(p.rows);
    this.put(p.y, p.c, 0, p.rows);
    const loss = this.ex.forecastLossGrad(this.mem.fplan, p.rows);
    const flow = this.mem.flow;
    return { loss, grad: flow.f32(flow.grads, this.layout.numel).slice() };
  }

  /** Train by maximum likelihood (Adam, shuffled minibatches, early stopping); see ConditionalFitOptions. */
  fit(y: MatrixInput, c: MatrixInput, options: ConditionalFitOptions = {}): ConditionalFitResult {
    return fitConditional(this, y, c, options);
  }

  /** Bits per dimension of a mean NLL in nats. */
  bitsPerDim(nll: number): number {
    return nll / (this.target * Math.LN2);
  }

  /** A copy of the flat parameter vector (f32, flat order of the layout). */
  getParameters(): Float32Array {
    const flow = this.mem.flow;
    return flow.f32(flow.params, this.layout.numel).slice();
  }

  /** Replace the flat parameter vector (validated) and rebuild everything derived. */
  setParameters(p: ArrayLike<number>): void {
    if (p.length !== this.layout.numel) {
      throw new RangeError(`setParameters: expected ${this.layout.numel} values, got ${p.length}`);
    }
    for (let i = 0; i < p.length; i++) {
      if (!Number.isFinite(p[i])) throw new RangeError(`setParameters: value ${i} (${this.tensorAt(i)}) is ${p[i]}`);
    }
    const flow = this.mem.flow;
    flow.f32(flow.params, this.layout.numel).set(p);
    this.ex.forecastPrepare(this.mem.fplan);
    this.parametersVersion++;
  }

  /** Name of the parameter tensor holding flat element i. */
  tensorAt(i: number): string {
    const t = forecasterParameterTensors(this.layout).find((t) => i >= t.offset && i < t.offset + t.size);
    return t ? t.name : `#${i}`;
  }

  /** Every named tensor (parameters and buffers) with the §9 names and shapes. */
  namedParameters(): Record<string, NamedTensor> {
    const flow = this.mem.flow;
    return namedTensors(this.layout.tensors, {
      params: flow.f32(flow.params, this.layout.numel),
      perm: flow.i32(flow.perm, this.layout.permLength),
      sign: flow.f32(flow.sign, this.layout.signLength),
    });
  }

  /** Load every named tensor (the inverse of namedParameters), validated; marks ActNorm initialised. */
  loadNamedParameters(tensors: Record<string, { shape?: number[]; data: ArrayLike<number> }>): void {
    const flow = this.mem.flow;
    const v = mergeNamedTensors(this.layout.tensors, tensors, {
      params: this.getParameters(),
      perm: flow.i32(flow.perm, this.layout.permLength).slice(),
      sign: flow.f32(flow.sign, this.layout.signLength).slice(),
    }, 'forecaster');
    flow.i32(flow.perm, this.layout.permLength).set(v.perm);
    flow.f32(flow.sign, this.layout.signLength).set(v.sign);
    this.setParameters(v.params);
    this.initialized = true;
  }

  /** @internal Gradient norm of the last training step (before clipping). */
  lastGradNorm(): number {
    return this.mem.flow.result(R.GNORM);
  }
}
