/**
 * @fileoverview The shared-memory protocol between the main thread and the engine's worker
 * threads (src/wasm/worker.ts, src/wasm/pool.ts). Commands and barriers are i32 words of one
 * SharedArrayBuffer, signalled with Atomics; bulk data (gradients, rows) moves through other
 * SharedArrayBuffers. Replica 0 is the main thread, replicas 1…T−1 are workers.
 *
 * Waiting spins briefly before it sleeps in `Atomics.wait`: a sleeping hand-off costs tens of µs
 * here, a training step at batch 256 only a few ms, and the other replica is usually just
 * finishing the same step.
 */

/** Commands a worker runs. */
export const Cmd = {
  /** Read one message from the worker's port (new parameters, training data, buffers). */
  MESSAGE: 1,
  /** One data-parallel training step (its shard, the all-reduce, the update). */
  TRAIN: 2,
  /** Forward pass of rows of the io buffer (log p; optionally z and log-det). */
  FORWARD: 3,
  /** Inverse of latents of the io buffer. */
  INVERSE: 4,
  /** Leave the command loop. */
  EXIT: 5,
  /** Forecaster: S draws for each context row of a range of the io buffer into the sample buffer. */
  SAMPLE: 6,
} as const;

/** Words of one worker's control block. */
export const W = { SEQ: 0, CMD: 1, A0: 2, A1: 3, A2: 4, A3: 5, DONE: 8, STATUS: 9 } as const;
export const BLOCK_WORDS = 16;
/** f64 arguments per worker. */
export const F64_ARGS = 8;
/** Bytes of error text per worker. */
export const ERROR_BYTES = 2048;

/** Views on the control SharedArrayBuffer for `replicas` replicas. */
export class Control {
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  /** Per-replica shard losses, two parities: losses[(parity·T + w)]. */
  readonly losses: Float64Array;
  readonly errors: Uint8Array;
  private readonly arriveBase: number;

  constructor(readonly sab: SharedArrayBuffer, readonly replicas: number) {
    const ints = replicas * BLOCK_WORDS + replicas;
    const intBytes = Math.ceil((ints * 4) / 8) * 8;
    this.i32 = new Int32Array(sab, 0, ints);
    this.arriveBase = replicas * BLOCK_WORDS;
    this.f64 = new Float64Array(sab, intBytes, replicas * F64_ARGS);
    this.losses = new Float64Array(sab, intBytes + replicas * F64_ARGS * 8, 2 * replicas);
    this.errors = new Uint8Array(sab, intBytes + replicas * F64_ARGS * 8 + 2 * replicas * 8, replicas * ERROR_BYTES);
  }

  static bytes(replicas: number): number {
    const ints = replicas * BLOCK_WORDS + replicas;
    return Math.ceil((ints * 4) / 8) * 8 + replicas * F64_ARGS * 8 + 2 * replicas * 8 + replicas * ERROR_BYTES;
  }

  word(w: number, slot: number): number {
    return w * BLOCK_WORDS + slot;
  }

  /** Index in `f64` of replica w's float argument i (i < F64_ARGS). */
  arg(w: number, i: number): number {
    return w * F64_ARGS + i;
  }

  arrive(w: number): number {
    return this.arriveBase + w;
  }

  setError(w: number, message: string): void {
    const bytes = new TextEncoder().encode(message.slice(0, ERROR_BYTES / 4));
    const view = this.errors.subarray(w * ERROR_BYTES, (w + 1) * ERROR_BYTES);
    view.fill(0);
    view.set(bytes.subarray(0, ERROR_BYTES - 1));
  }

  error(w: number): string {
    const view = this.errors.subarray(w * ERROR_BYTES, (w + 1) * ERROR_BYTES);
    const end = view.indexOf(0);
    return new TextDecoder().decode(view.slice(0, end < 0 ? view.length : end));
  }
}

/** Spin budget before sleeping (ms). */
const SPIN_MS = 0.05;

/**
 * Block until `i32[index]` satisfies `done(value)`: spin for a moment, then `Atomics.wait`.
 * Returns the value, or null after `timeoutMs`.
 */
export function waitUntil(i32: Int32Array, index: number, done: (v: number) => boolean, timeoutMs = Infinity): number | null {
  let v = Atomics.load(i32, index);
  if (done(v)) return v;
  const t0 = performance.now();
  do {
    v = Atomics.load(i32, index);
    if (done(v)) return v;
  } while (performance.now() - t0 < SPIN_MS);
  for (;;) {
    v = Atomics.load(i32, index);
    if (done(v)) return v;
    const left = timeoutMs - (performance.now() - t0);
    if (left <= 0) return null;
    Atomics.wait(i32, index, v, Math.min(left, 1000));
  }
}

/** Store and wake whoever waits on that word. */
export function signal(i32: Int32Array, index: number, value: number): void {
  Atomics.store(i32, index, value);
  Atomics.notify(i32, index);
}

/** Rows [lo, hi) of replica w when `n` rows are split over `replicas` replicas (in row order). */
export function shardRange(n: number, replicas: number, w: number): [number, number] {
  return [Math.floor((w * n) / replicas), Math.floor(((w + 1) * n) / replicas)];
}

/** Messages a worker receives on its port (after a MESSAGE command). */
export type WorkerMessage =
  | { type: 'params'; params: Float32Array; perm: Int32Array; sign: Float32Array; adamM?: Float32Array; adamV?: Float32Array }
  | { type: 'train'; data: Float32Array; rows: number; index: SharedArrayBuffer; grads: SharedArrayBuffer; capacity: number }
  | { type: 'io'; io: SharedArrayBuffer; rows: number }
  | { type: 'samples'; buffer: SharedArrayBuffer }
  | { type: 'endTrain' };

/** What a worker is started with (workerData). */
export interface WorkerInit {
  module: WebAssembly.Module;
  config: import('../model/config.js').GlowConfig;
  /** A forecaster's layout (plain data) when the replicas are forecasters (config is then its flow's). */
  forecast?: import('./forecast-plan.js').ForecastPlanLayout;
  control: SharedArrayBuffer;
  replicas: number;
  replica: number;
  port: MessagePort;
}

/**
 * The io buffer of sharded inference: `rows` rows of input (f32 × D), output rows (f32 × D: z or
 * x), log p (f64) and log-det (f64), at fixed offsets.
 */
export class IoViews {
  readonly input: Float32Array;
  readonly output: Float32Array;
  readonly logp: Float64Array;
  readonly logdet: Float64Array;

  /** Input rows of width D, output rows of width outD (a forecaster's input rows are [y or z | c]). */
  constructor(readonly sab: SharedArrayBuffer, readonly rows: number, D: number, outD = D) {
    this.logp = new Float64Array(sab, 0, rows);
    this.logdet = new Float64Array(sab, rows * 8, rows);
    this.input = new Float32Array(sab, rows * 16, rows * D);
    this.output = new Float32Array(sab, rows * 16 + rows * D * 4, rows * outD);
  }

  static bytes(rows: number, D: number, outD = D): number {
    return rows * 16 + rows * (D + outD) * 4;
  }
}
