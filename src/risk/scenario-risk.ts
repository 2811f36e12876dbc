/**
 * @fileoverview Per-bar risk from scenario paths of a conditional model (the forecaster): for each
 * forecast bar, S sampled paths of the next H scaled one-bar log returns give, per horizon h, the
 * sample of R_h = exp(scale · Σ_{i≤h} y_i) − 1, summarised as in bar-risk.ts. Bars go to the sampler
 * in chunks, so memory stays at chunk × S × H floats whatever the number of bars. Given the realised
 * returns, it also gives each forecast's PIT (the predictive CDF at the outcome), for calibration.
 */
import { emptyHorizonRisk, storeSortedSample, type RiskForecast } from './bar-risk.js';

/** Draws S paths per context row: rows × S × H values, each row's S paths contiguous. */
export type PathSampler = (contexts: Float32Array, rows: number, scenarios: number, seed: number) => Float32Array | Promise<Float32Array>;
/** A PathSampler that returns its paths directly (what `scenarioRiskSync` needs). */
export type SyncPathSampler = (contexts: Float32Array, rows: number, scenarios: number, seed: number) => Float32Array;

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
   * Called with every bar's ascending sample of h-bar simple returns (bar index into `bars`, index
   * into `horizons`), for statistics beyond the stored summary; the array is reused afterwards.
   */
  onSample?: (bar: number, horizonIndex: number, sorted: Float64Array) => void;
}

/** The per-bar risk, plus the PIT per horizon when the realised returns were given. */
export interface ScenarioRiskResult extends RiskForecast {
  /** Per horizon (order of `horizons`): share of the bar's scenarios ≤ the realised return; NaN where unknown. */
  pit?: Float64Array[];
}

/**
 * The empirical predictive CDF at `x`: the share of an ascending sample at or below it (NaN for an
 * unknown x). Uniform on [0, 1] across bars when the forecasts are calibrated.
 */
export function sampleCdf(sorted: ArrayLike<number>, x: number): number {
  if (Number.isNaN(x)) return NaN;
  let lo = 0, hi = sorted.length; // first index with sorted[i] > x
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

/** Probability that the h-bar loss exceeds `loss` (e.g. 0.02), from an ascending sample of returns. */
export function lossProbability(sorted: ArrayLike<number>, loss: number): number {
  let n = 0;
  while (n < sorted.length && sorted[n] < -loss) n++;
  return n / sorted.length;
}

/**
 * The per-bar risk loop as a coroutine: it yields each chunk's sampler request and receives the
 * paths, so one body serves the asynchronous `scenarioRisk` and the synchronous
 * `scenarioRiskSync` (a sampler that returns its paths directly, e.g. the forecaster's).
 */
function* scenarioRiskSteps(o: ScenarioRiskOptions): Generator<{ contexts: Float32Array; rows: number; scenarios: number; seed: number }, ScenarioRiskResult, Float32Array> {
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
  const sorted = [...o.horizons].map((h, i) => [h, i]).sort((a, b) => a[0] - b[0]);
  for (let start = 0, k = 0; start < n; start += chunk, k++) {
    const rows = Math.min(chunk, n - start);
    const paths = yield { contexts: o.contexts.subarray(start * o.contextWidth, (start + rows) * o.contextWidth), rows, scenarios: S, seed: seed + k };
    if (paths.length !== rows * S * H) throw new RangeError(`scenario risk: the sampler returned ${paths.length} values, expected ${rows * S * H}`);
    for (let r = 0; r < rows; r++) {
      cum.fill(0);
      let next = 0;
      for (let step = 1; step <= H && next < sorted.length; step++) {
        const base = r * S * H + step - 1;
        for (let q = 0; q < S; q++) cum[q] += o.scale * paths[base + q * H];
        while (next < sorted.length && sorted[next][0] === step) {
          for (let q = 0; q < S; q++) sample[q] = Math.expm1(cum[q]);
          const at = sorted[next][1];
          storeSortedSample(horizons[at], start + r, sample.sort());
          if (pit) pit[at][start + r] = sampleCdf(sample, o.realized![at][start + r]);
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
    step = steps.next(await o.sample(q.contexts, q.rows, q.scenarios, q.seed));
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
    step = steps.next(sample(q.contexts, q.rows, q.scenarios, q.seed));
  }
  return step.value;
}
