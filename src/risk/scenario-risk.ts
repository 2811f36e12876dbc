/**
 * @fileoverview Per-bar risk from scenario paths of a conditional model (the forecaster): for each
 * forecast bar, S sampled paths of the next H scaled one-bar log returns give, per horizon h, the
 * sample of R_h = exp(scale · Σ_{i≤h} y_i) − 1, summarised as in bar-risk.ts. Bars go to the sampler
 * in chunks, so memory stays at chunk × S × H floats whatever the number of bars.
 */
import { emptyHorizonRisk, storeSortedSample, type RiskForecast } from './bar-risk.js';

/** Draws S paths per context row: rows × S × H values, each row's S paths contiguous. */
export type PathSampler = (contexts: Float32Array, rows: number, scenarios: number, seed: number) => Float32Array | Promise<Float32Array>;

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
}

/** Probability that the h-bar loss exceeds `loss` (e.g. 0.02), from an ascending sample of returns. */
export function lossProbability(sorted: ArrayLike<number>, loss: number): number {
  let n = 0;
  while (n < sorted.length && sorted[n] < -loss) n++;
  return n / sorted.length;
}

/** Per-bar risk of a path sampler; the seed of chunk k is seed + k, so results do not depend on timing. */
export async function scenarioRisk(o: ScenarioRiskOptions): Promise<RiskForecast> {
  const S = o.scenarios ?? 2000, chunk = o.chunk ?? 256, H = o.pathLength, seed = o.seed ?? 0;
  const n = o.bars.length;
  if (o.contexts.length !== n * o.contextWidth) throw new RangeError(`scenario risk: ${o.contexts.length / o.contextWidth} context rows for ${n} bars`);
  for (const h of o.horizons) if (!(Number.isInteger(h) && h >= 1 && h <= H)) throw new RangeError(`scenario risk: horizon ${h} is outside 1…${H} (the model's path length)`);
  const horizons = o.horizons.map((h) => emptyHorizonRisk(h, n));
  const sample = new Float64Array(S), cum = new Float64Array(S);
  for (let start = 0, k = 0; start < n; start += chunk, k++) {
    const rows = Math.min(chunk, n - start);
    const paths = await o.sample(o.contexts.subarray(start * o.contextWidth, (start + rows) * o.contextWidth), rows, S, seed + k);
    if (paths.length !== rows * S * H) throw new RangeError(`scenario risk: the sampler returned ${paths.length} values, expected ${rows * S * H}`);
    for (let r = 0; r < rows; r++) {
      cum.fill(0);
      let next = 0;
      const sorted = [...o.horizons].map((h, i) => [h, i]).sort((a, b) => a[0] - b[0]);
      for (let step = 1; step <= H && next < sorted.length; step++) {
        const base = r * S * H + step - 1;
        for (let q = 0; q < S; q++) cum[q] += o.scale * paths[base + q * H];
        while (next < sorted.length && sorted[next][0] === step) {
          for (let q = 0; q < S; q++) sample[q] = Math.expm1(cum[q]);
          storeSortedSample(horizons[sorted[next][1]], start + r, sample.sort());
          next++;
        }
      }
    }
    o.onProgress?.(start + rows, n);
  }
  return { method: o.method ?? 'forecaster', bars: o.bars, horizons };
}
