/**
 * @fileoverview Per-bar risk from scenario paths of a conditional model (the forecaster): for each
 * forecast bar, S sampled paths of the next H scaled one-bar log returns give, per horizon h, the
 * sample of R_h = exp(scale · Σ_{i≤h} y_i) − 1, summarised as in bar-risk.ts. Bars go to the sampler
 * in chunks, so memory stays at chunk × S × H floats whatever the number of bars. Given the realised
 * returns, it also gives each forecast's PIT (the predictive CDF at the outcome), for calibration.
 */
import { emptyHorizonRisk, storeSample, type RiskForecast } from './bar-risk.js';
import { shareAtOrBelow } from './stats.js';

/**
 * Draws S paths per context row: rows × S × H values, each row's S paths contiguous. `buffer`, when
 * given, holds at least that many values and is the caller's to reuse from chunk to chunk: a
 * sampler may write its draws there and return a view of it (fresh memory per chunk costs page
 * faults and collections: a 256-bar chunk of 2,000 × 20 draws is 41 MB).
 */
export type PathSampler = (
  contexts: Float32Array, rows: number, scenarios: number, seed: number, buffer?: Float32Array,
) => Float32Array | Promise<Float32Array>;
/** A PathSampler that returns its paths directly (what `scenarioRiskSync` needs). */
export type SyncPathSampler = (
  contexts: Float32Array, rows: number, scenarios: number, seed: number, buffer?: Float32Array,
) => Float32Array;

export interface ScenarioRiskOptions {
  method?: string;
  sample: PathSampler;
  /** Context rows, one per forecast bar (row-major, `contextWidth` columns). */
  contexts: Float32Array;
  contextWidth: number;
  /** Path length H of the sampler. */
  pathLength: number;
  bars: Int32Array;
  horizons: number[];
  /** Scenarios per bar (default 2000). */
  scenarios?: number;
  seed?: number;
  /** Multiplies the sampled values to get log returns (the target scaler's std). */
  scale: number;
  /** Bars per sampler call (default 256). */
  chunk?: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * Realised simple returns per horizon (same order as `horizons`), one per bar, NaN where unknown:
   * when given, the result holds each forecast's PIT.
   */
  realized?: ArrayLike<number>[];
  /**
   * Called with every bar's sample of h-bar simple returns (bar index into `bars`, index into
   * `horizons`), for statistics beyond the stored summary. Its ORDER IS UNSPECIFIED (only the low
   * tail the VaR reads is sorted), so use order-free statistics; the array is reused afterwards.
   */
  onSample?: (bar: number, horizonIndex: number, sorted: Float64Array) => void;
}

/** The per-bar risk, plus the PIT per horizon when the realised returns were given. */
export interface ScenarioRiskResult extends RiskForecast {
  /** Per horizon (order of `horizons`): share of the bar's scenarios ≤ the realised return; NaN where unknown. */
  pit?: Float64Array[];
}

/** Probability that the h-bar loss exceeds `loss` (e.g. 0.02): the share of sampled returns below −loss (any order). */
export function lossProbability(sample: ArrayLike<number>, loss: number): number {
  let n = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] < -loss) n++;
  return n / sample.length;
}

/**
 * The per-bar risk loop as a coroutine: it yields each chunk's sampler request and receives the
 * paths, so one body serves the asynchronous `scenarioRisk` and the synchronous
 * `scenarioRiskSync` (a sampler that returns its paths directly, e.g. the forecaster's).
 */
function* scenarioRiskSteps(o: ScenarioRiskOptions): Generator<{ contexts: Float32Array; rows: number; scenarios: number; seed: number; buffer: Float32Array }, ScenarioRiskResult, Float32Array> {
  const S = o.scenarios ?? 2000, chunk = o.chunk ?? 256, H = o.pathLength, seed = o.seed ?? 0;
  const n = o.bars.length;
  if (o.contexts.length !== n * o.contextWidth) throw new RangeError(`scenario risk: ${o.contexts.length / o.contextWidth} context rows for ${n} bars`);
  for (const h of o.horizons) if (!(Number.isInteger(h) && h >= 1 && h <= H)) throw new RangeError(`scenario risk: horizon ${h} is outside 1…${H} (the model's path length)`);
  const horizons = o.horizons.map((h) => emptyHorizonRisk(h, n));
  if (o.realized) {
    if (o.realized.length !== o.horizons.length) throw new RangeError(`scenario risk: ${o.realized.length} realised series for ${o.horizons.length} horizons`);
    o.realized.forEach((r, i) => {
      if (r.length !== n) throw new RangeError(`scenario risk: the realised ${o.horizons[i]}-bar returns have ${r.length} values for ${n} bars`);
    });
  }
  const pit = o.realized ? o.horizons.map(() => new Float64Array(n)) : undefined;
  const sample = new Float64Array(S), cum = new Float64Array(S);
  const buffer = new Float32Array(Math.min(chunk, n) * S * H);
  const byLength = o.horizons.map((h, i) => [h, i]).sort((a, b) => a[0] - b[0]);
  for (let start = 0, k = 0; start < n; start += chunk, k++) {
    const rows = Math.min(chunk, n - start);
    const paths = yield { contexts: o.contexts.subarray(start * o.contextWidth, (start + rows) * o.contextWidth), rows, scenarios: S, seed: seed + k, buffer };
    if (paths.length !== rows * S * H) throw new RangeError(`scenario risk: the sampler returned ${paths.length} values, expected ${rows * S * H}`);
    for (let r = 0; r < rows; r++) {
      cum.fill(0);
      let next = 0;
      for (let step = 1; step <= H && next < byLength.length; step++) {
        const base = r * S * H + step - 1;
        for (let q = 0; q < S; q++) cum[q] += o.scale * paths[base + q * H];
        while (next < byLength.length && byLength[next][0] === step) {
          for (let q = 0; q < S; q++) sample[q] = Math.expm1(cum[q]);
          const at = byLength[next][1];
          if (pit) pit[at][start + r] = shareAtOrBelow(sample, o.realized![at][start + r]);
          storeSample(horizons[at], start + r, sample);
          o.onSample?.(start + r, at, sample);
          next++;
        }
      }
    }
    o.onProgress?.(start + rows, n);
  }
  return { method: o.method ?? 'forecaster', bars: o.bars, horizons, ...(pit ? { pit } : {}) };
}

/** Per-bar risk of a path sampler; the seed of chunk k is seed + k, so results do not depend on timing. */
export async function scenarioRisk(o: ScenarioRiskOptions): Promise<ScenarioRiskResult> {
  const steps = scenarioRiskSteps(o);
  let step = steps.next();
  while (!step.done) {
    const q = step.value;
    step = steps.next(await o.sample(q.contexts, q.rows, q.scenarios, q.seed, q.buffer));
  }
  return step.value;
}

/** `scenarioRisk` for a sampler that returns its paths directly (no promise): the same numbers, synchronously. */
export function scenarioRiskSync(o: ScenarioRiskOptions & { sample: SyncPathSampler }): ScenarioRiskResult {
  const sample: SyncPathSampler = o.sample;
  const steps = scenarioRiskSteps(o);
  let step = steps.next();
  while (!step.done) {
    const q = step.value;
    step = steps.next(sample(q.contexts, q.rows, q.scenarios, q.seed, q.buffer));
  }
  return step.value;
}
