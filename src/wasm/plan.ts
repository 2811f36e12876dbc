/**
 * @fileoverview Host twin of assembly/plan.ts: lays out one model in an instance's linear memory
 * and writes the plan table the kernels read. Two arena blocks: a persistent one (plan tables,
 * parameters, gradients, Adam moments, buffers, derived matrices) and a workspace sized to a batch
 * capacity (activations), which can be re-made larger without touching the parameters.
 */
import type { ModelLayout } from '../model/layout.js';
import type { GlowExports } from './engine.js';

// Slot numbers: must match assembly/plan.ts (checked against the module at construction).
export const H = {
  D: 0, LEVELS: 1, K: 2, HID: 3, ADD: 4, NSTEPS: 5, CAP: 6, PARAMS: 7, GRADS: 8, NUMEL: 9, M: 10, V: 11,
  PERM: 12, SIGN: 13, Z: 14, LOGDET: 15, LOGP: 16, P: 17, Q: 18, DO: 19, DH1: 20, DH2: 21, SCR: 22, G: 23,
  GH: 24, RES: 25, RNG: 26, LEVELTAB: 27, STEPTAB: 28, X0: 29, DZ: 30,
} as const;
export const HEADER_WORDS = 32;
/**
 * Rows per wasm call in inference (Glow and the workers): a block's activations stay in the caches
 * (measured best of 128…4096 at batch 4096; ~5 % over one call).
 */
export const INFER_BLOCK = 512;
/**
 * Rows per forward+backward block of glowTrainStep and glowShardGrad (TRAIN_BLOCK of
 * assembly/train.ts): the most workspace a training step needs, whatever its batch.
 */
export const TRAIN_BLOCK = 128;
/**
 * Calls of at most this many rows run log p one row at a time (glowForwardRows, matrix–vector
 * kernels): 5–10 % less CPU than the batch gemm for a lone row; for 2 and 3 rows the two paths
 * measured equal, so they keep the batch path and its bit-exact in-batch values (bench/latency.js).
 */
export const ROW_PATH_MAX_ROWS = 1;
export const L = { WIDTH: 0, LATENT: 1, LATENT_OFF: 2, FIRST_STEP: 3, OUT: 4 } as const;
export const LEVEL_WORDS = 8;
export const S = {
  D: 0, DA: 1, DB: 2, NOUT: 3, LEVEL: 4, BIAS: 5, LOGS: 6, LOWER: 7, UPPER: 8, LOGSV: 9, W1: 10, B1: 11,
  W2: 12, B2: 13, W3: 14, B3: 15, PERM: 16, SIGN: 17, AT: 18, A: 19, C: 20, BT: 21, NB: 22, W1T: 23,
  W2T: 24, W3T: 25, X: 26, HC: 27, H1: 28, H2: 29, O: 30, Y: 31, KIN: 32, U: 33, DEMB: 34,
} as const;
export const STEP_WORDS = 40;
export const R = { LOSS: 0, GNORM: 1, LOGDET_CONST: 2, BAD_STEP: 3 } as const;

/** n elements of a whole-memory view from byte offset ptr (checked like the TypedArray constructor). */
function slice<T extends Int32Array | Float32Array | Float64Array>(view: T, ptr: number, n: number, bytes: number): T {
  const at = ptr / bytes;
  if (!Number.isInteger(at) || at < 0 || at + n > view.length) {
    throw new RangeError(`wasm memory view of ${n} × ${bytes} bytes at ${ptr} is misaligned or out of bounds`);
  }
  return view.subarray(at, at + n) as T;
}

/** Bump layout inside one arena block (16-byte aligned sub-buffers). */
class Bump {
  size = 0;
  take(bytes: number): number {
    const at = this.size;
    this.size += Math.ceil(bytes / 16) * 16;
    return at;
  }
}

/** A model's memory inside one wasm instance. */
export class ModelMemory {
  readonly plan: number;
  readonly params: number;
  readonly grads: number;
  readonly adamM: number;
  readonly adamV: number;
  readonly perm: number;
  readonly sign: number;
  readonly rng: number;
  readonly res: number;
  /** The `extraBytes` reserved in the persistent block for a caller (the forecaster's heads), or 0. */
  readonly extra: number;
  /** @internal */ readonly levelTab: number;
  /** @internal */ readonly stepTab: number;
  private workspaceMark = 0;
  capacity = 0;

  /**
   * `layout.steps` may carry `fc1In` (a conditional coupling's fc1 input width da + E), which sizes
   * fc1's transpose; `extraBytes` reserves that much more of the persistent block (at `extra`).
   */
  constructor(readonly ex: GlowExports, readonly layout: ModelLayout, capacity: number, extraBytes = 0) {
    if (ex.planHeaderWords() !== HEADER_WORDS || ex.planStepWords() !== STEP_WORDS || ex.planLevelWords() !== LEVEL_WORDS) {
      throw new Error('glow-trade wasm and host disagree on the plan layout (rebuild with "npm run build")');
    }
    const { config, steps, numel } = layout;
    const D = config.features;
    const Hd = config.hidden;
    const b = new Bump();
    const plan = b.take(HEADER_WORDS * 4);
    const levelTab = b.take(config.levels * LEVEL_WORDS * 4);
    const stepTab = b.take(steps.length * STEP_WORDS * 4);
    const params = b.take(numel * 4), grads = b.take(numel * 4), m = b.take(numel * 4), v = b.take(numel * 4);
    const perm = b.take(layout.permLength * 4), sign = b.take(layout.signLength * 4);
    const scr = b.take(8 * D * D * 8), g = b.take(D * D * 4), gh = b.take(D * 4);
    const res = b.take(8 * 8), rng = b.take(16);
    const extra = extraBytes > 0 ? b.take(extraBytes) : -1;
    const derived = steps.map((s) => ({
      at: b.take(s.d * s.d * 4), a: b.take(s.d * s.d * 4), c: b.take(s.d * 4), bt: b.take(s.d * s.d * 4),
      nb: b.take(s.d * 4), w1t: b.take(((s as { fc1In?: number }).fc1In ?? s.da) * Hd * 4), w2t: b.take(Hd * Hd * 4), w3t: b.take(Hd * s.nOut * 4),
    }));
    const base = ex.alloc(b.size);
    if (!base) throw new Error(`out of wasm memory allocating ${b.size} bytes for the model`);
    this.plan = base + plan;
    this.levelTab = base + levelTab;
    this.stepTab = base + stepTab;
    this.params = base + params;
    this.grads = base + grads;
    this.adamM = base + m;
    this.adamV = base + v;
    this.perm = base + perm;
    this.sign = base + sign;
    this.res = base + res;
    this.rng = base + rng;
    this.extra = extra >= 0 ? base + extra : 0;
    const hdr = this.i32(this.plan, HEADER_WORDS);
    hdr[H.D] = D;
    hdr[H.LEVELS] = config.levels;
    hdr[H.K] = config.steps;
    hdr[H.HID] = Hd;
    hdr[H.ADD] = config.coupling === 'additive' ? 1 : 0;
    hdr[H.NSTEPS] = steps.length;
    hdr[H.PARAMS] = this.params;
    hdr[H.GRADS] = this.grads;
    hdr[H.NUMEL] = numel;
    hdr[H.M] = this.adamM;
    hdr[H.V] = this.adamV;
    hdr[H.PERM] = this.perm;
    hdr[H.SIGN] = this.sign;
    hdr[H.SCR] = base + scr;
    hdr[H.G] = base + g;
    hdr[H.GH] = base + gh;
    hdr[H.RES] = this.res;
    hdr[H.RNG] = this.rng;
    hdr[H.LEVELTAB] = this.levelTab;
    hdr[H.STEPTAB] = this.stepTab;
    const lt = this.i32(this.levelTab, config.levels * LEVEL_WORDS);
    for (let l = 0; l < config.levels; l++) {
      lt[l * LEVEL_WORDS + L.WIDTH] = layout.levelWidths[l];
      lt[l * LEVEL_WORDS + L.LATENT] = layout.latentWidths[l];
      lt[l * LEVEL_WORDS + L.LATENT_OFF] = layout.latentOffsets[l];
      lt[l * LEVEL_WORDS + L.FIRST_STEP] = l * config.steps;
    }
    const st = this.i32(this.stepTab, steps.length * STEP_WORDS);
    steps.forEach((s, i) => {
      const o = i * STEP_WORDS;
      const d = derived[i];
      st[o + S.D] = s.d; st[o + S.DA] = s.da; st[o + S.DB] = s.db; st[o + S.NOUT] = s.nOut; st[o + S.LEVEL] = s.level;
      st[o + S.BIAS] = s.bias; st[o + S.LOGS] = s.logs; st[o + S.LOWER] = s.lower; st[o + S.UPPER] = s.upper;
      st[o + S.LOGSV] = s.logS; st[o + S.W1] = s.fc1w; st[o + S.B1] = s.fc1b; st[o + S.W2] = s.fc2w;
      st[o + S.B2] = s.fc2b; st[o + S.W3] = s.fc3w; st[o + S.B3] = s.fc3b; st[o + S.PERM] = s.perm; st[o + S.SIGN] = s.sign;
      st[o + S.AT] = base + d.at; st[o + S.A] = base + d.a; st[o + S.C] = base + d.c; st[o + S.BT] = base + d.bt;
      st[o + S.NB] = base + d.nb; st[o + S.W1T] = base + d.w1t; st[o + S.W2T] = base + d.w2t; st[o + S.W3T] = base + d.w3t;
    });
    this.workspaceMark = ex.mark();
    this.ensureCapacity(capacity);
  }

  /** Make the activation workspace hold at least n rows (drops anything allocated after it). */
  ensureCapacity(n: number): void {
    if (n <= this.capacity) return;
    const { config, steps } = this.layout;
    const D = config.features, Hd = config.hidden;
    const cap = Math.max(n, 1);
    this.ex.release(this.workspaceMark);
    const b = new Bump();
    const maxOut = Math.max(...steps.map((s) => s.nOut));
    const z = b.take(cap * D * 4), logdet = b.take(cap * 4), logp = b.take(cap * 8);
    const p = b.take(cap * D * 4), q = b.take(cap * D * 4), dO = b.take(cap * maxOut * 4);
    const dh1 = b.take(cap * Hd * 4), dh2 = b.take(cap * Hd * 4);
    const levelOut = this.layout.levelWidths.map((w) => b.take(cap * w * 4));
    const act = steps.map((s) => ({
      x: b.take(cap * s.d * 4), hc: b.take(cap * s.d * 4), h1: b.take(cap * Hd * 4), h2: b.take(cap * Hd * 4),
      o: b.take(cap * s.nOut * 4),
    }));
    const base = this.ex.alloc(b.size);
    if (!base) throw new Error(`out of wasm memory: a workspace for ${cap} rows needs ${(b.size / 2 ** 20).toFixed(1)} MiB`);
    const hdr = this.i32(this.plan, HEADER_WORDS);
    hdr[H.CAP] = cap;
    hdr[H.Z] = base + z;
    hdr[H.LOGDET] = base + logdet;
    hdr[H.LOGP] = base + logp;
    hdr[H.P] = base + p;
    hdr[H.Q] = base + q;
    hdr[H.DO] = base + dO;
    hdr[H.DH1] = base + dh1;
    hdr[H.DH2] = base + dh2;
    hdr[H.X0] = base + act[0].x;
    const lt = this.i32(this.levelTab, config.levels * LEVEL_WORDS);
    levelOut.forEach((off, l) => (lt[l * LEVEL_WORDS + L.OUT] = base + off));
    const st = this.i32(this.stepTab, steps.length * STEP_WORDS);
    steps.forEach((s, i) => {
      const o = i * STEP_WORDS;
      st[o + S.X] = base + act[i].x;
      st[o + S.HC] = base + act[i].hc;
      st[o + S.H1] = base + act[i].h1;
      st[o + S.H2] = base + act[i].h2;
      st[o + S.O] = base + act[i].o;
      const lastOfLevel = s.k === config.steps - 1;
      st[o + S.Y] = lastOfLevel ? base + levelOut[s.level] : base + act[i + 1].x;
    });
    this.capacity = cap;
  }

  /** Allocate a temporary block after the workspace; release it with `releaseTemp(mark)`. */
  allocTemp(bytes: number): { ptr: number; mark: number } {
    const mark = this.ex.mark();
    const ptr = this.ex.alloc(bytes);
    if (!ptr) throw new Error(`out of wasm memory allocating ${(bytes / 2 ** 20).toFixed(1)} MiB`);
    return { ptr, mark };
  }

  releaseTemp(mark: number): void {
    this.ex.release(mark);
  }

  /** Whole-memory views, re-made only when the memory grew (its buffer changed). */
  private views: { buffer: ArrayBuffer; i32: Int32Array; f32: Float32Array; f64: Float64Array } | null = null;

  private view(): { i32: Int32Array; f32: Float32Array; f64: Float64Array } {
    const buffer = this.ex.memory.buffer;
    if (this.views?.buffer !== buffer) {
      const bytes = buffer.byteLength;
      this.views = { buffer, i32: new Int32Array(buffer), f32: new Float32Array(buffer), f64: new Float64Array(buffer, 0, bytes >> 3) };
    }
    return this.views!;
  }

  /** The whole memory as f32 (cached; index = byte offset / 4): no view is allocated per call. */
  heapF32(): Float32Array {
    return this.view().f32;
  }

  /** The whole memory as f64 (cached; index = byte offset / 8). */
  heapF64(): Float64Array {
    return this.view().f64;
  }

  header(slot: number): number {
    return this.view().i32[(this.plan >> 2) + slot];
  }

  i32(ptr: number, n: number): Int32Array {
    return slice(this.view().i32, ptr, n, 4);
  }

  f32(ptr: number, n: number): Float32Array {
    return slice(this.view().f32, ptr, n, 4);
  }

  f64(ptr: number, n: number): Float64Array {
    return slice(this.view().f64, ptr, n, 8);
  }

  result(slot: number): number {
    return this.view().f64[(this.res >> 3) + slot];
  }
}
