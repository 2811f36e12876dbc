/**
 * @fileoverview The complementary error function in f64.
 *
 * erfc: for 0 ≤ x < 2, 1 − erf(x) with erf(x) = (2/√π)·e^{−x²}·Σ_k 2^k x^{2k+1}/(1·3·…·(2k+1)) (all
 * terms positive, no cancellation inside the sum); for x ≥ 2 the Laplace continued fraction
 * erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) by the modified Lentz method;
 * erfc(−x) = 2 − erfc(x). Error bound (measured against 40-digit mpmath on a grid of step 0.0037
 * over [0, 26.5]): absolute error < 1e-15 everywhere, relative error < 2e-13 for |x| ≤ 26 (it is largest
 * just below x = 2 where 1 − erf cancels). For x > 27.2, e^{−x²} underflows and erfc returns 0
 * (true value < 1e-320).
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
const SERIES_LIMIT = 2;
const MAX_TERMS = 1000;

/** The complementary error function (see the file comment for the algorithm and its error bound). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) throw new RangeError('erfc: argument is NaN');
  if (x < 0) return 2 - erfc(-x);
  if (x === Infinity) return 0;
  if (x < SERIES_LIMIT) {
    let term = x, sum = x;
    for (let k = 1; k < MAX_TERMS && term > 1e-17 * sum; k++) {
      term *= (2 * x * x) / (2 * k + 1);
      sum += term;
    }
    return 1 - TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
  }
  // Modified Lentz for K = a1/(b1 + a2/(b2 + …)), a1 = 1, a_k = (k−1)/2, b_k = x.
  const tiny = 1e-300;
  let f = tiny, c = f, d = 0;
  for (let k = 1; k < MAX_TERMS; k++) {
    const a = k === 1 ? 1 : (k - 1) / 2;
    d = x + a * d;
    if (d === 0) d = tiny;
    c = x + a / c;
    if (c === 0) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return ONE_OVER_SQRT_PI * Math.exp(-x * x) * f;
}
