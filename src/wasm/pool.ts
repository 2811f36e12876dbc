/**
 * @fileoverview Data parallelism over worker threads. A `WorkerPool` keeps T − 1 workers
 * (src/wasm/worker.ts), each with a replica of one model in its own wasm instance; the main
 * thread is replica 0. Training: every replica computes its shard of each minibatch, the shard
 * gradients are added in a fixed order and every replica applies the same Adam update
 * (worker-replica.ts), so a run is bit-identical for a given thread count. Inference: rows are
 * split in row order (workers first, the main thread last) and every row's result is exactly
 * the single-thread one; sampling draws all latents from the one seeded stream on the main thread.
 *
 * The public API stays synchronous: the main thread blocks on Atomics while workers run. Workers
 * are unref'd (they never keep a process alive), terminated by `close()`, and by a finalizer when
 * their model is garbage-collected. Where worker_threads or SharedArrayBuffer are missing (a
 * browser page without cross-origin isolation), `parallelUnavailable()` says why and models run
 * on one thread.
 */
import type { Worker as NodeWorker, MessagePort as NodeMessagePort } from 'node:worker_threads';
import type { Engine } from './engine.js';
import type { GlowConfig } from '../model/config.js';
import {
  Cmd, Control, IoViews, W, type WorkerInit, type WorkerMessage, shardRange, signal, waitUntil,
} from './worker-protocol.js';
import { type ReplicaStepResult, type StepHyper, TrainReplica } from './worker-replica.js';
import type { ModelMemory } from './plan.js';
import type { ForecastPlanLayout } from './forecast-plan.js';
import { optionalBuiltin } from '../util/node.js';

/** A thread count, or 'auto' (every available core). */
export type ThreadsOption = number | 'auto';

type WorkerThreads = typeof import('node:worker_threads');

function workerThreads(): WorkerThreads | null {
  return optionalBuiltin<WorkerThreads>('node:worker_threads');
}

/** Why this runtime cannot run engine workers, or null if it can. */
export function parallelUnavailable(): string | null {
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is unavailable (a page without cross-origin isolation)';
  if (typeof Atomics?.wait !== 'function') return 'Atomics.wait is unavailable';
  if (!workerThreads()) return 'node:worker_threads is unavailable (not Node)';
  return null;
}

/** The number of threads an option asks for: 'auto' = the available cores; validated. */
export function resolveThreads(threads: ThreadsOption | undefined, what = 'threads'): number {
  if (threads === undefined) return 1;
  if (threads === 'auto') {
    const os = optionalBuiltin<typeof import('node:os')>('node:os');
    return Math.max(1, os?.availableParallelism?.() ?? 1);
  }
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new RangeError(`${what} must be an integer from 1 to 64 or "auto", got ${String(threads)}`);
  }
  return threads;
}

/**
 * The threads that will run for a `threads` option: validated first (a bad value is an error even
 * where workers are missing), then 1 with the reason when workers or shared memory are unavailable.
 */
export function effectiveThreads(threads: ThreadsOption | undefined, what = 'threads'): { threads: number; note: string | null } {
  const want = resolveThreads(threads, what);
  const why = want > 1 ? parallelUnavailable() : null;
  return why ? { threads: 1, note: `running on 1 thread instead of ${want}: ${why}` } : { threads: want, note: null };
}

/** Fewer rows than this per thread are not worth a hand-off (tens of µs) to a worker. */
export const MIN_ROWS_PER_THREAD = 256;

const START_TIMEOUT_MS = 30_000;

/** The parent's Node options minus those that make no sense for a worker file (`-e`, `-p`, …). */
function workerExecArgv(): string[] {
  const argv: string[] = (globalThis as any).process?.execArgv ?? [];
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (['-e', '--eval', '-p', '--print', '--input-type'].includes(a)) i++;
    else if (!/^--(eval|print|input-type)=/.test(a)) out.push(a);
  }
  return out;
}

const finalizer = new FinalizationRegistry<WorkerPool>((pool) => pool.close());

export class WorkerPool {
  readonly replicas: number;
  readonly ctl: Control;
  private readonly workers: NodeWorker[] = [];
  private readonly ports: NodeMessagePort[] = [];
  private readonly seq: number[];
  private readonly started: boolean[];
  private steps = 0;
  private io: IoViews | null = null;
  private train: { replica: TrainReplica; index: Int32Array } | null = null;
  private closedFlag = false;
  /** Parameter version of the owner the workers hold (see Glow.parametersVersion). */
  syncedVersion = -1;
  /** Widths of an io row in and out: D and D, or for a forecaster [y or z | c] (T + C) and T. */
  private readonly inWidth: number;
  private readonly outWidth: number;
  private samples: Float32Array | null = null;

  /** `forecast`: the replicas are forecasters with this layout (`config` is then its flow's). */
  constructor(engine: Engine, private readonly config: GlowConfig, threads: number, owner?: object,
    private readonly forecast?: ForecastPlanLayout) {
    const wt = workerThreads();
    const reason = parallelUnavailable();
    if (!wt || reason) throw new Error(`cannot start engine workers: ${reason}`);
    this.replicas = threads;
    this.ctl = new Control(new SharedArrayBuffer(Control.bytes(threads)), threads);
    this.seq = new Array(threads).fill(0);
    this.started = new Array(threads).fill(false);
    this.outWidth = config.features;
    this.inWidth = config.features + (forecast ? forecast.config.context : 0);
    const url = new URL('./worker.js', import.meta.url);
    for (let w = 1; w < threads; w++) {
      const { port1, port2 } = new wt.MessageChannel();
      const init: WorkerInit = {
        module: engine.module, config, control: this.ctl.sab, replicas: threads, replica: w, port: port2 as unknown as MessagePort,
        ...(forecast ? { forecast } : {}),
      };
      const worker = new wt.Worker(url, { workerData: init, transferList: [port2], execArgv: workerExecArgv() });
      worker.unref();
      port1.unref();
      this.workers[w] = worker;
      this.ports[w] = port1;
    }
    if (owner) finalizer.register(owner, this, this);
  }

  /** True once `close` ran (explicitly, or after a worker failed to start): the pool is unusable. */
  get closed(): boolean {
    return this.closedFlag;
  }

  private command(w: number, cmd: number, ints: number[] = [], f64s: number[] = []): void {
    const { ctl } = this;
    if (this.closedFlag && cmd !== Cmd.EXIT) throw new Error('engine workers were closed; this pool cannot take commands');
    ints.forEach((v, i) => (ctl.i32[ctl.word(w, W.A0 + i)] = v));
    f64s.forEach((v, i) => (ctl.f64[ctl.arg(w, i)] = v));
    ctl.i32[ctl.word(w, W.CMD)] = cmd;
    signal(ctl.i32, ctl.word(w, W.SEQ), ++this.seq[w]);
  }

  /** Wait for worker w's last command; throw its error if it failed. */
  private finish(w: number): void {
    const { ctl } = this;
    // A worker that never answers its first command did not start (its error event cannot reach
    // a main thread blocked here); later commands report their errors through STATUS.
    const timeout = this.started[w] ? Infinity : START_TIMEOUT_MS;
    if (waitUntil(ctl.i32, ctl.word(w, W.DONE), (v) => v >= this.seq[w], timeout) === null) {
      this.close();
      throw new Error(`engine worker ${w} did not start within ${START_TIMEOUT_MS / 1000} s (is dist/src/wasm/worker.js built?)`);
    }
    this.started[w] = true;
    if (ctl.i32[ctl.word(w, W.STATUS)] !== 0) throw new Error(`engine ${ctl.error(w)}`);
  }

  private post(msg: WorkerMessage): void {
    for (let w = 1; w < this.replicas; w++) {
      this.ports[w].postMessage(msg);
      this.command(w, Cmd.MESSAGE);
    }
    for (let w = 1; w < this.replicas; w++) this.finish(w);
  }

  /** Give every worker the owner's parameters (and Adam moments for training). */
  syncParameters(mem: ModelMemory, version: number, withAdam = false): void {
    if (!withAdam && version === this.syncedVersion) return;
    const { layout } = mem;
    this.post({
      type: 'params',
      params: mem.f32(mem.params, layout.numel).slice(),
      perm: mem.i32(mem.perm, layout.permLength).slice(),
      sign: mem.f32(mem.sign, layout.signLength).slice(),
      ...(withAdam ? { adamM: mem.f32(mem.adamM, layout.numel).slice(), adamV: mem.f32(mem.adamV, layout.numel).slice() } : {}),
    });
    this.syncedVersion = version;
  }

  /**
   * Start data-parallel training on `rows` rows already copied to `dataPtr` in the main replica's
   * memory (a forecaster's: every target row, then every context row; `fplan` its plan). Returns
   * the shared index vector the caller fills with each epoch's permutation.
   */
  beginTraining(mem: ModelMemory, version: number, data: Float32Array, dataPtr: number, batchSize: number, fplan = 0): Int32Array {
    const rows = data.length / this.inWidth;
    this.syncParameters(mem, version, true);
    const index = new SharedArrayBuffer(rows * 4);
    const grads = new SharedArrayBuffer(2 * this.replicas * mem.layout.numel * 4);
    const capacity = Math.ceil(batchSize / this.replicas) + 1;
    this.post({ type: 'train', data, rows, index, grads, capacity });
    const replica = new TrainReplica(mem, this.ctl, 0, grads, index, { ptr: dataPtr }, capacity,
      this.forecast ? { fplan, cOffset: rows * this.outWidth * 4 } : undefined);
    this.train = { replica, index: new Int32Array(index) };
    return this.train.index;
  }

  /** One step on rows index[off … off+nb) of the current permutation (every replica updates). */
  trainStep(off: number, nb: number, t: number, h: StepHyper): ReplicaStepResult {
    if (!this.train) throw new Error('trainStep before beginTraining');
    // A worker whose step failed after the barrier (reduction or update) fails every later step at
    // its barrier (NaN loss), so the error surfaces below at the next step; fit checks the last one.
    const step = ++this.steps;
    const f = [h.lr, h.beta1, h.beta2, h.eps, h.clipNorm, h.weightDecay];
    for (let w = 1; w < this.replicas; w++) this.command(w, Cmd.TRAIN, [step, off, nb, t], f);
    const r = this.train.replica.step(step, off, nb, t, h);
    if (!r.finite) this.checkWorkers(); // a worker error beats a NaN
    return r;
  }

  /** Wait for every worker's last command and throw its error, if it failed. */
  checkWorkers(): void {
    for (let w = 1; w < this.replicas; w++) this.finish(w);
  }

  endTraining(): void {
    if (!this.train) return;
    this.train.replica.release();
    this.train = null;
    this.post({ type: 'endTrain' });
  }

  private ioFor(rows: number): IoViews {
    if (!this.io || this.io.rows < rows) {
      const cap = Math.max(rows, 2 * (this.io?.rows ?? 0));
      const { inWidth, outWidth } = this;
      this.io = new IoViews(new SharedArrayBuffer(IoViews.bytes(cap, inWidth, outWidth)), cap, inWidth, outWidth);
      this.post({ type: 'io', io: this.io.sab, rows: cap });
    }
    return this.io;
  }

  /** The row range of replica w; workers take the first shares, the main thread the last. */
  share(rows: number, w: number): [number, number] {
    return shardRange(rows, this.replicas, w === 0 ? this.replicas - 1 : w - 1);
  }

  /**
   * Sharded forward pass: workers run their rows from `input`, `mainShare(lo, hi)` runs the main
   * thread's rows meanwhile; then the workers' log p (and z, log-det) are copied into the outputs.
   */
  forward(input: Float32Array, rows: number, out: { logp?: Float64Array; z?: Float32Array; logDet?: Float64Array },
    mainShare: (lo: number, hi: number) => void): void {
    const { inWidth: I, outWidth: D } = this;
    const io = this.ioFor(rows);
    const latents = out.z !== undefined;
    for (let w = 1; w < this.replicas; w++) {
      const [lo, hi] = this.share(rows, w);
      io.input.set(input.subarray(lo * I, hi * I), lo * I);
      this.command(w, Cmd.FORWARD, [lo, hi, latents ? 1 : 0]);
    }
    mainShare(...this.share(rows, 0));
    for (let w = 1; w < this.replicas; w++) {
      this.finish(w);
      const [lo, hi] = this.share(rows, w);
      out.logp?.set(io.logp.subarray(lo, hi), lo);
      out.z?.set(io.output.subarray(lo * D, hi * D), lo * D);
      out.logDet?.set(io.logdet.subarray(lo, hi), lo);
    }
  }

  /**
   * Sharded inverse: `latents(lo, hi, dst)` writes the latents of rows [lo, hi) of the workers'
   * shares (in row order, so a seeded stream is drawn in the single-thread order), then
   * `mainShare` inverts the main thread's rows while the workers invert theirs into `x`.
   */
  inverse(rows: number, x: Float32Array, latents: (lo: number, hi: number, dst: Float32Array) => void,
    mainShare: (lo: number, hi: number) => void): void {
    const { inWidth: I, outWidth: D } = this;
    const io = this.ioFor(rows);
    for (let w = 1; w < this.replicas; w++) {
      const [lo, hi] = this.share(rows, w);
      latents(lo, hi, io.input.subarray(lo * I, hi * I));
      this.command(w, Cmd.INVERSE, [lo, hi]);
    }
    mainShare(...this.share(rows, 0));
    for (let w = 1; w < this.replicas; w++) {
      this.finish(w);
      const [lo, hi] = this.share(rows, w);
      x.set(io.output.subarray(lo * D, hi * D), lo * D);
    }
  }

  /**
   * Forecaster sampling sharded by context rows: `draws` draws for each of the `rows` contexts
   * (rows × C in `contexts`) into `out` (rows × draws × T). Every replica draws from the stream
   * (key, counter) at its rows' own counter, so the draws equal one thread's; `mainShare(lo, hi)`
   * samples the main thread's rows meanwhile. `common`: every row draws from (key, counter) itself
   * (ConditionalGlow.sample's commonDraws).
   */
  sample(contexts: Float32Array, rows: number, draws: number, key: number[], counter: number, temperature: number,
    out: Float32Array, mainShare: (lo: number, hi: number) => void, common = false): void {
    const { inWidth: I, outWidth: D } = this;
    const C = I - D;
    const io = this.ioFor(rows);
    const need = rows * draws * D;
    if (!this.samples || this.samples.length < need) {
      this.samples = new Float32Array(new SharedArrayBuffer(Math.max(need, 2 * (this.samples?.length ?? 0)) * 4));
      this.post({ type: 'samples', buffer: this.samples.buffer as SharedArrayBuffer });
    }
    for (let w = 1; w < this.replicas; w++) {
      const [lo, hi] = this.share(rows, w);
      for (let r = lo; r < hi; r++) io.input.set(contexts.subarray(r * C, (r + 1) * C), r * I + D);
      this.command(w, Cmd.SAMPLE, [lo, hi, draws, counter | 0], [key[0] >>> 0, key[1] >>> 0, key[2] >>> 0, temperature, common ? 1 : 0]);
    }
    mainShare(...this.share(rows, 0));
    for (let w = 1; w < this.replicas; w++) {
      this.finish(w);
      const [lo, hi] = this.share(rows, w);
      out.set(this.samples.subarray(lo * draws * D, hi * draws * D), lo * draws * D);
    }
  }

  /** Stop and terminate the workers (idempotent). */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    finalizer.unregister(this);
    for (let w = 1; w < this.replicas; w++) {
      this.command(w, Cmd.EXIT);
      void this.workers[w].terminate();
      this.ports[w].close();
    }
  }
}
