/**
 * @fileoverview Newey–West (Bartlett-kernel HAC) long-run variance of a series, and the default lag.
 *
 *   Ω = γ₀ + 2 Σ_{k=1}^{L} (1 − k/(L+1)) γ_k,   γ_k = (1/n) Σ_{t=k}^{n−1} (d_t − d̄)(d_{t−k} − d̄).
 * The variance of the mean is Ω / n. Ω ≥ 0 always (Bartlett weights make it a positive definite
 * kernel estimate).
 */

/** The usual automatic lag ⌊4 (n/100)^{2/9}⌋ (Newey & West 1994). */
export function neweyWestLag(n: number): number {
  return Math.floor(4 * Math.pow(n / 100, 2 / 9));
}

/** Ω of `d` with Bartlett lag `lag` (0 gives the plain variance with divisor n). */
export function neweyWestVariance(d: ArrayLike<number>, lag: number): number {
  const n = d.length;
  if (!(Number.isInteger(lag) && lag >= 0)) throw new RangeError(`Newey–West lag must be a whole number ≥ 0, got ${lag}`);
  if (n < 1) throw new RangeError('Newey–West variance of an empty series');
  let mean = 0;
  for (let t = 0; t < n; t++) mean += d[t];
  mean /= n;
  const autocov = (k: number) => {
    let s = 0;
    for (let t = k; t < n; t++) s += (d[t] - mean) * (d[t - k] - mean);
    return s / n;
  };
  let omega = autocov(0);
  for (let k = 1; k <= Math.min(lag, n - 1); k++) omega += 2 * (1 - k / (lag + 1)) * autocov(k);
  return omega;
}
