/**
 * @fileoverview Stylised facts of a price series — the numbers that say whether returns look like a
 * real market: fat tails (kurtosis > 3), volatility clustering (positive autocorrelation of |r|), no
 * linear predictability (autocorrelation of r near 0), and the annualised volatility.
 *
 * Conventions: log returns ln(c_t / c_{t−1}); moments with population (1/n) normalisation; kurtosis
 * is the plain fourth standardised moment (3 for a normal, not "excess"); the autocorrelation at lag k
 * is Σ (x_t − x̄)(x_{t−k} − x̄) / Σ (x_t − x̄)²; annualised volatility = std · √(periods per year).
 */

export interface StylisedFacts {
  /** Number of returns. */
  returns: number;
  mean: number;
  std: number;
  annualisedVolatility: number;
  skewness: number;
  kurtosis: number;
  /** Autocorrelation of r at lag 1. */
  returnAutocorrelation1: number;
  /** Autocorrelation of |r| at lags 1…maxLag (element k−1 is lag k). */
  absReturnAutocorrelation: number[];
}

/** Log returns of consecutive closes. */
export function logReturns(close: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.max(0, close.length - 1));
  for (let i = 1; i < close.length; i++) out[i - 1] = Math.log(close[i] / close[i - 1]);
  return out;
}

/** Sample autocorrelation of `x` at `lag`. */
export function autocorrelation(x: ArrayLike<number>, lag: number): number {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    den += d * d;
    if (i >= lag) num += d * (x[i - lag] - mean);
  }
  return den > 0 ? num / den : 0;
}

export function stylisedFacts(close: ArrayLike<number>, options: { periodsPerYear: number; maxLag?: number }): StylisedFacts {
  const r = logReturns(close);
  const n = r.length;
  if (n < 3) throw new RangeError(`stylised facts need at least 4 closes, got ${close.length}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += r[i];
  mean /= n;
  let m2 = 0, m3 = 0, m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = r[i] - mean, d2 = d * d;
    m2 += d2; m3 += d2 * d; m4 += d2 * d2;
  }
  m2 /= n; m3 /= n; m4 /= n;
  const std = Math.sqrt(m2);
  const abs = r.map(Math.abs);
  const maxLag = options.maxLag ?? 10;
  return {
    returns: n,
    mean,
    std,
    annualisedVolatility: std * Math.sqrt(options.periodsPerYear),
    skewness: m2 > 0 ? m3 / m2 ** 1.5 : 0,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) : 0,
    returnAutocorrelation1: autocorrelation(r, 1),
    absReturnAutocorrelation: Array.from({ length: maxLag }, (_, k) => autocorrelation(abs, k + 1)),
  };
}
