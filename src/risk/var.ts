/**
 * @fileoverview Value at risk and expected shortfall of a return sample, and the per-horizon summary
 * the `scenarios` command reports.
 *
 * Losses are positive. At confidence c (0.95, 0.99) with α = 1 − c:
 *   VaR_c  = −Q(α), Q the type-7 interpolated quantile of the returns (see stats.ts);
 *   CVaR_c = −mean{ r : r ≤ Q(α) } — the returns at or below that quantile, the VaR point included
 *            when a return equals it. The set is never empty: Q(α) ≥ the smallest return.
 * Every number comes from the one sample passed in (never a fresh draw per statistic).
 */
import { moments, quantileSorted, sortedFinite } from './stats.js';

/** Percentiles reported for each horizon, in percent. */
export const PERCENTILES = [1, 5, 10, 25, 50, 75, 90, 95, 99] as const;
export type PercentileKey = `p${(typeof PERCENTILES)[number]}`;

export interface TailRisk {
  /** Confidence level c (e.g. 0.95). */
  confidence: number;
  /** The (1 − c)-quantile of the returns. */
  quantile: number;
  var: number;
  cvar: number;
  /** Returns at or below the quantile (the CVaR's sample). */
  tailCount: number;
}

/** VaR and CVaR at `confidence` of an ascending sample of returns. */
export function tailRiskSorted(sorted: ArrayLike<number>, confidence: number): TailRisk {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`VaR confidence must lie in (0, 1), got ${confidence}`);
  // 1 − 0.95 is 0.050000000000000044 in binary; rounding gives the double nearest 0.05, the same
  // probability the p5 percentile uses, so VaR95 = −p5 and VaR99 = −p1 exactly.
  const alpha = Math.round((1 - confidence) * 1e9) / 1e9;
  const q = quantileSorted(sorted, alpha);
  let sum = 0, count = 0;
  for (let i = 0; i < sorted.length && sorted[i] <= q; i++) {
    sum += sorted[i];
    count++;
  }
  return { confidence, quantile: q, var: -q, cvar: -sum / count, tailCount: count };
}

/** VaR and CVaR at `confidence` of an unsorted sample of returns. */
export function tailRisk(returns: ArrayLike<number>, confidence: number, what = 'returns'): TailRisk {
  return tailRiskSorted(sortedFinite(returns, what), confidence);
}

/** The four tail numbers of one horizon. */
export interface VarCvar {
  var95: number;
  cvar95: number;
  var99: number;
  cvar99: number;
}

/** Everything reported for one horizon (the JSON of `scenarios --json`, key for key). */
export interface ReturnRisk extends VarCvar {
  mean: number;
  std: number | null;
  skewness: number | null;
  kurtosis: number | null;
  /** Type-7 percentiles p1 … p99 of the returns. */
  percentiles: Record<PercentileKey, number>;
}

/** VaR/CVaR at 95% and 99% of an ascending sample. */
export function varCvarSorted(sorted: ArrayLike<number>): VarCvar {
  const a = tailRiskSorted(sorted, 0.95);
  const b = tailRiskSorted(sorted, 0.99);
  return { var95: a.var, cvar95: a.cvar, var99: b.var, cvar99: b.cvar };
}

/** VaR/CVaR 95/99, moments and percentiles of one sample of returns. */
export function returnRisk(returns: ArrayLike<number>, what = 'returns'): ReturnRisk {
  const sorted = sortedFinite(returns, what);
  const m = moments(sorted, what);
  const percentiles = {} as Record<PercentileKey, number>;
  for (const p of PERCENTILES) percentiles[`p${p}`] = quantileSorted(sorted, p / 100);
  return { ...varCvarSorted(sorted), mean: m.mean, std: m.std, skewness: m.skewness, kurtosis: m.kurtosis, percentiles };
}
