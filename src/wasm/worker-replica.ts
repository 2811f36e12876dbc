/**
 * @fileoverview One replica of a model in data-parallel training: the main thread (replica 0) and
 * every worker run exactly this code for a step, so all replicas reduce the same gradients in the
 * same order and apply the same update — their parameters stay bit-identical without being sent
 * around. A step: the replica's shard of the minibatch → its share of the batch gradient → publish
 * it (and its loss) in the shared gradient slots → barrier → GRADS = g₀ + g₁ + … (fixed order) →
 * clip + Adam + prepare. Slots alternate between two parities, so a replica that races ahead to
 * the next step never overwrites a gradient another replica is still reading.
 */
import type { GlowExports } from './engine.js';
import type { ModelMemory } from './plan.js';
import type { ForecastExports } from './forecast-plan.js';
import { Control, shardRange, signal, waitUntil } from './worker-protocol.js';

/** Adam and clipping settings of a step. */
export interface StepHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  clipNorm: number;
  weightDecay: number;
}

export interface ReplicaStepResult {
  /** Mean NLL over the whole minibatch (all shards), or the first non-finite shard loss. */
  loss: number;
  /** Gradient norm before clipping (NaN when the update was skipped). */
  gradNorm: number;
  /** False when a shard's loss was not finite (then no replica changed anything). */
  finite: boolean;
}

/**
 * Phase timings of the main replica's steps (ms, summed), when a profiler sets `TrainReplica.phases`
 * (bench/threads-profile.ts): shard gradient, publishing it, waiting at the barrier, the reduction,
 * and the update (clip + Adam + prepare).
 */
export interface StepPhases {
  steps: number;
  shard: number;
  publish: number;
  barrier: number;
  reduce: number;
  update: number;
}

export class TrainReplica {
  /** Set to collect phase timings of every step this thread runs (null: no timing). */
  static phases: StepPhases | null = null;

  private readonly numel: number;
  private readonly slots: Float32Array;
  private readonly index: Int32Array;
  /** Byte offsets in this replica's wasm memory: training rows, shard indices, one gradient. */
  readonly dataPtr: number;
  private readonly idxPtr: number;
  private readonly tmpPtr: number;
  private readonly mark: number;

  constructor(
    private readonly mem: ModelMemory,
    private readonly ctl: Control,
    private readonly replica: number,
    grads: SharedArrayBuffer,
    index: SharedArrayBuffer,
    /** Training rows already in this replica's memory (main) or to copy in (workers). */
    data: { ptr: number } | { rows: Float32Array },
    /** Most rows of one shard (sizes the shard-index buffer). The caller has already sized the
     * activation workspace (≥ min(shard, TRAIN_BLOCK) rows): growing it here would free what was
     * allocated after it, such as the main replica's training rows. */
    capacity: number,
    /** A forecaster replica: its plan, and where the context rows start after the targets (bytes). */
    private readonly forecast?: { fplan: number; cOffset: number },
  ) {
    this.numel = mem.layout.numel;
    this.slots = new Float32Array(grads);
    this.index = new Int32Array(index);
    const dataBytes = 'rows' in data ? data.rows.length * 4 : 0;
    const tmp = mem.allocTemp(dataBytes + capacity * 4 + this.numel * 4);
    this.mark = tmp.mark;
    this.dataPtr = 'rows' in data ? tmp.ptr : data.ptr;
    this.idxPtr = tmp.ptr + dataBytes;
    this.tmpPtr = this.idxPtr + capacity * 4;
    if ('rows' in data) mem.f32(this.dataPtr, data.rows.length).set(data.rows);
  }

  /** Free the replica's training memory (call after the last step). */
  release(): void {
    this.mem.releaseTemp(this.mark);
  }

  private slot(parity: number, w: number): Float32Array {
    const T = this.ctl.replicas;
    return this.slots.subarray((parity * T + w) * this.numel, (parity * T + w + 1) * this.numel);
  }

  /**
   * Step number `step` (1, 2, …; it names the barrier) on rows index[off … off+nb) of the epoch's
   * permutation, Adam step t.
   */
  step(step: number, off: number, nb: number, t: number, h: StepHyper): ReplicaStepResult {
    const { mem, ctl, replica: w, numel } = this;
    const ex: GlowExports = mem.ex;
    const T = ctl.replicas;
    const parity = step & 1;
    const [lo, hi] = shardRange(nb, T, w);
    const count = hi - lo;
    const ph = TrainReplica.phases;
    let lapStart = ph ? performance.now() : 0;
    const lap = (key: Exclude<keyof StepPhases, 'steps'>) => {
      if (!ph) return;
      const now = performance.now();
      ph[key] += now - lapStart;
      lapStart = now;
    };
    let loss = 0;
    if (count > 0) {
      mem.i32(this.idxPtr, count).set(this.index.subarray(off + lo, off + hi));
      loss = this.forecast
        ? (ex as ForecastExports).forecastShardGrad(this.forecast.fplan, this.dataPtr, this.dataPtr + this.forecast.cOffset, this.idxPtr, count, nb)
        : ex.glowShardGrad(mem.plan, this.dataPtr, this.idxPtr, count, nb);
    } else mem.f32(mem.grads, numel).fill(0);
    lap('shard');
    if (Number.isFinite(loss)) this.slot(parity, w).set(mem.f32(mem.grads, numel));
    ctl.losses[parity * T + w] = loss;
    signal(ctl.i32, ctl.arrive(w), step);
    lap('publish');
    let total = 0;
    let bad = NaN;
    let finite = true;
    for (let v = 0; v < T; v++) {
      waitUntil(ctl.i32, ctl.arrive(v), (s) => s >= step);
      const l = ctl.losses[parity * T + v];
      const [a, b] = shardRange(nb, T, v);
      if (!Number.isFinite(l)) {
        if (finite) bad = l;
        finite = false;
      } else total += l * (b - a);
    }
    lap('barrier');
    if (!finite) return { loss: bad, gradNorm: NaN, finite };
    // GRADS = ((g₀ + g₁) + g₂) + …, the same order on every replica.
    if (w !== 0) mem.f32(mem.grads, numel).set(this.slot(parity, 0));
    for (let v = 1; v < T; v++) {
      mem.f32(this.tmpPtr, numel).set(this.slot(parity, v));
      ex.vecAdd(mem.grads, this.tmpPtr, numel);
    }
    lap('reduce');
    const gradNorm = this.forecast
      ? (ex as ForecastExports).forecastApplyGradient(this.forecast.fplan, h.lr, h.beta1, h.beta2, h.eps, h.clipNorm, t, h.weightDecay)
      : ex.glowApplyGradient(mem.plan, h.lr, h.beta1, h.beta2, h.eps, h.clipNorm, t, h.weightDecay);
    lap('update');
    if (ph) ph.steps++;
    return { loss: total / nb, gradNorm, finite };
  }
}
