/**
 * @fileoverview Kupiec's proportion-of-failures (POF) test of a VaR model, with the complementary
 * error function it needs for the χ²(1) p-value.
 *
 * POF: n bars, x exceedances (losses beyond the VaR), expected exceedance probability p = 1 − c.
 *   LR = −2·ln[(1−p)^{n−x} p^x] + 2·ln[(1−x/n)^{n−x} (x/n)^x],  with 0·ln 0 = 0,
 * so x = 0 gives LR = −2n·ln(1−p) and x = n gives LR = −2n·ln p. Under the null (the true exceedance
 * rate is p, exceedances independent) LR ~ χ²(1), whose survival function is P(χ²₁ > s) = erfc(√(s/2)).
 *
 * erfc lives in util/erfc.ts (the special functions use it too).
 */

import { erfc } from '../util/erfc.js';

export { erfc };

/** P(χ²₁ > s): the p-value of a likelihood-ratio statistic with one degree of freedom. */
export function chiSquare1Survival(s: number): number {
  if (!(s >= 0)) throw new RangeError(`chi-square statistic must be ≥ 0, got ${s}`);
  return erfc(Math.sqrt(s / 2));
}

export interface KupiecResult {
  /** Bars tested. */
  n: number;
  /** Exceedances observed. */
  exceedances: number;
  /** Expected exceedance probability p = 1 − confidence. */
  expectedRate: number;
  /** x / n. */
  rate: number;
  /** Expected number of exceedances n·p. */
  expected: number;
  /** The POF likelihood-ratio statistic. */
  lr: number;
  /** P(χ²₁ > LR). */
  pValue: number;
}

/** x·ln(y) with the convention 0·ln 0 = 0. */
function xlogy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}

/** Kupiec POF test of `exceedances` in `n` bars against the exceedance probability `p`. */
export function kupiecPof(n: number, exceedances: number, p: number): KupiecResult {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Kupiec test: n must be a positive integer, got ${n}`);
  const x = exceedances;
  if (!Number.isInteger(x) || x < 0 || x > n) throw new RangeError(`Kupiec test: exceedances must be an integer in [0, ${n}], got ${x}`);
  if (!(p > 0 && p < 1)) throw new RangeError(`Kupiec test: exceedance probability must lie in (0, 1), got ${p}`);
  const rate = x / n;
  const logNull = xlogy(n - x, 1 - p) + xlogy(x, p);
  const logAlt = xlogy(n - x, 1 - rate) + xlogy(x, rate);
  // The alternative maximises the likelihood, so LR ≥ 0 up to rounding; clamp that rounding away.
  const lr = Math.max(0, 2 * (logAlt - logNull));
  return { n, exceedances: x, expectedRate: p, rate, expected: n * p, lr, pValue: chiSquare1Survival(lr) };
}
