/**
 * @fileoverview Coverage tests of a VaR forecast from its hit sequence I_t = 1{loss_t > VaR_t}:
 * Kupiec's proportion of failures (kupiec.ts), Christoffersen's independence and conditional-coverage
 * likelihood-ratio tests, and — for overlapping h-bar windows, whose hits are autocorrelated by
 * construction — a test of the hit rate with Newey–West (HAC) errors.
 *
 * Christoffersen (1998): with n_ij the count of transitions i → j in the hit sequence,
 *   π01 = n01/(n00+n01), π11 = n11/(n10+n11), π = (n01+n11)/(n00+n01+n10+n11),
 *   LR_ind = −2 ln[(1−π)^{n00+n10} π^{n01+n11}] + 2 ln[(1−π01)^{n00} π01^{n01} (1−π11)^{n10} π11^{n11}] ~ χ²(1),
 *   LR_cc  = LR_pof + LR_ind ~ χ²(2), whose survival function is e^{−s/2}.
 */
import { chiSquare1Survival, kupiecPof, type KupiecResult } from './kupiec.js';
import { neweyWestVariance } from './newey-west.js';
import { normalCdf } from '../util/special.js';

export interface CoverageResult {
  n: number;
  exceedances: number;
  /** Exceedances / n. */
  rate: number;
  expectedRate: number;
  kupiec: KupiecResult;
  /** Christoffersen's independence test (null: a hit today does not change tomorrow's hit probability). */
  independence: { lr: number; pValue: number; n00: number; n01: number; n10: number; n11: number };
  /** Conditional coverage: right rate and independent hits together. */
  conditional: { lr: number; pValue: number };
}

/** x·ln(y) with 0·ln 0 = 0. */
const xlogy = (x: number, y: number) => (x === 0 ? 0 : x * Math.log(y));

/** Kupiec, Christoffersen independence and conditional coverage of a 0/1 hit sequence at rate p. */
export function coverageTests(hits: ArrayLike<number>, p: number): CoverageResult {
  const n = hits.length;
  if (n < 2) throw new RangeError(`coverage tests need at least 2 forecasts, got ${n}`);
  let x = 0, n00 = 0, n01 = 0, n10 = 0, n11 = 0;
  for (let t = 0; t < n; t++) {
    const h = hits[t];
    if (h !== 0 && h !== 1) throw new RangeError(`coverage tests: hit ${t} is ${h}, expected 0 or 1`);
    x += h;
    if (t > 0) {
      const prev = hits[t - 1];
      if (prev === 0) h === 0 ? n00++ : n01++;
      else h === 0 ? n10++ : n11++;
    }
  }
  const kupiec = kupiecPof(n, x, p);
  const pi01 = n00 + n01 > 0 ? n01 / (n00 + n01) : 0;
  const pi11 = n10 + n11 > 0 ? n11 / (n10 + n11) : 0;
  const pi = (n01 + n11) / (n00 + n01 + n10 + n11);
  const logNull = xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi);
  const logAlt = xlogy(n00, 1 - pi01) + xlogy(n01, pi01) + xlogy(n10, 1 - pi11) + xlogy(n11, pi11);
  const lrInd = Math.max(0, 2 * (logAlt - logNull));
  const lrCc = kupiec.lr + lrInd;
  return {
    n, exceedances: x, rate: x / n, expectedRate: p, kupiec,
    independence: { lr: lrInd, pValue: chiSquare1Survival(lrInd), n00, n01, n10, n11 },
    conditional: { lr: lrCc, pValue: Math.exp(-lrCc / 2) },
  };
}

/** Every `step`-th element of `values`, from `offset`: the non-overlapping windows of h-bar forecasts. */
export function everyNth(values: ArrayLike<number>, step: number, offset = 0): Float64Array {
  if (!(Number.isInteger(step) && step >= 1)) throw new RangeError(`step must be a whole number ≥ 1, got ${step}`);
  const out = new Float64Array(Math.max(0, Math.ceil((values.length - offset) / step)));
  for (let i = 0; i < out.length; i++) out[i] = values[offset + i * step];
  return out;
}

/**
 * The hit rate against p with Newey–West errors (lag `lag`, h − 1 for overlapping h-bar windows):
 * z = (rate − p) / √(HAC variance / n), two-sided normal p-value.
 */
export function hitRateHac(hits: ArrayLike<number>, p: number, lag: number): { rate: number; z: number; pValue: number; lag: number } {
  const n = hits.length;
  if (n < 2) throw new RangeError(`the hit-rate test needs at least 2 forecasts, got ${n}`);
  const d = new Float64Array(n);
  let rate = 0;
  for (let t = 0; t < n; t++) rate += hits[t];
  rate /= n;
  for (let t = 0; t < n; t++) d[t] = hits[t] - p;
  const variance = neweyWestVariance(d, lag);
  const z = variance > 0 ? (rate - p) / Math.sqrt(variance / n) : rate === p ? 0 : Infinity * Math.sign(rate - p);
  return { rate, z, pValue: 2 * normalCdf(-Math.abs(z)), lag };
}
