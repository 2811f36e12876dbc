/**
 * @fileoverview Historical simulation: the h-bar forecast at the close of t is the empirical
 * distribution of the overlapping h-bar returns exp(ℓ_{j−h+1} + … + ℓ_j) − 1 whose windows end in
 * the last N bars (j ∈ (t − N, t]) and hold no unknown return. Nothing is fitted.
 */
import { emptyHorizonRisk, storeSample, type RiskForecast } from './bar-risk.js';

export const DEFAULT_HS_WINDOW = 1000;

export function historicalRisk(input: { logReturns: Float64Array; bars: Int32Array; horizons: number[] }, window = DEFAULT_HS_WINDOW): RiskForecast {
  if (!(Number.isInteger(window) && window >= 20)) throw new RangeError(`historical simulation: the window must be a whole number of bars ≥ 20, got ${window}`);
  const r = input.logReturns;
  // Prefix sums of the returns and of the unknown ones, so each window sum is O(1).
  const sum = new Float64Array(r.length + 1), unknown = new Int32Array(r.length + 1);
  for (let i = 0; i < r.length; i++) {
    const ok = Number.isFinite(r[i]);
    sum[i + 1] = sum[i] + (ok ? r[i] : 0);
    unknown[i + 1] = unknown[i] + (ok ? 0 : 1);
  }
  const horizons = input.horizons.map((h) => emptyHorizonRisk(h, input.bars.length));
  const sample = new Float64Array(window);
  for (let i = 0; i < input.bars.length; i++) {
    const t = input.bars[i];
    for (const out of horizons) {
      const h = out.horizon;
      let n = 0;
      for (let j = Math.max(h, t - window + 1); j <= t; j++) {
        // Window of returns j−h+1 … j.
        if (unknown[j + 1] - unknown[j - h + 1] === 0) sample[n++] = Math.expm1(sum[j + 1] - sum[j - h + 1]);
      }
      if (n < 20) throw new RangeError(`historical simulation: bar ${t} has only ${n} complete ${h}-bar windows in the last ${window} bars`);
      storeSample(out, i, sample.subarray(0, n));
    }
  }
  return { method: 'hs', bars: input.bars, horizons, details: { window } };
}
