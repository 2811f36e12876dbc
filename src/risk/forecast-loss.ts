/**
 * @fileoverview Comparing quantile forecasts: the pinball (quantile) loss and the Diebold–Mariano
 * test of two forecasts' loss difference with Newey–West errors.
 *
 * Pinball loss of a forecast q of the α-quantile of y:  L = (α − 1{y < q})·(y − q)  (≥ 0; lower is
 * better; its expectation is minimised by the true quantile). For VaR at confidence c, α = 1 − c and
 * q = −VaR (returns, losses positive).
 *
 * Diebold–Mariano: d_t = L_A,t − L_B,t, DM = d̄ / √(Ω/n) with Ω the Newey–West long-run variance;
 * DM < 0 means A has the lower loss. Two-sided p-value from the normal distribution.
 */
import { neweyWestLag, neweyWestVariance } from './newey-west.js';
import { normalCdf } from '../util/special.js';

/** Pinball loss of quantile forecast q at level alpha for the outcome y. */
export function pinballLoss(y: number, q: number, alpha: number): number {
  return (alpha - (y < q ? 1 : 0)) * (y - q);
}

/** Per-bar pinball losses; NaN outcomes (not yet known) give NaN. */
export function pinballLosses(y: ArrayLike<number>, q: ArrayLike<number>, alpha: number): Float64Array {
  if (y.length !== q.length) throw new RangeError(`pinball losses: ${y.length} outcomes but ${q.length} forecasts`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`pinball losses: alpha must lie in (0, 1), got ${alpha}`);
  const out = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) out[t] = pinballLoss(y[t], q[t], alpha);
  return out;
}

/** Mean of the finite values (the bars whose outcome is known). */
export function meanFinite(values: ArrayLike<number>): number {
  let s = 0, n = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      s += values[i];
      n++;
    }
  }
  return n > 0 ? s / n : NaN;
}

export interface DieboldMarianoResult {
  /** Mean loss difference A − B. */
  meanDifference: number;
  /** The DM statistic (negative: A is better). */
  statistic: number;
  pValue: number;
  lag: number;
  n: number;
}

/**
 * Diebold–Mariano test of losses A vs B on the bars where both are finite. `lag` defaults to
 * max(h − 1, ⌊4(n/100)^{2/9}⌋) for h-bar forecasts (`horizon`, default 1).
 */
export function dieboldMariano(lossA: ArrayLike<number>, lossB: ArrayLike<number>, options: { lag?: number; horizon?: number } = {}): DieboldMarianoResult {
  if (lossA.length !== lossB.length) throw new RangeError(`Diebold–Mariano: ${lossA.length} losses against ${lossB.length}`);
  const d: number[] = [];
  for (let t = 0; t < lossA.length; t++) {
    const v = lossA[t] - lossB[t];
    if (Number.isFinite(v)) d.push(v);
  }
  const n = d.length;
  if (n < 2) throw new RangeError(`Diebold–Mariano needs at least 2 bars with both losses, got ${n}`);
  const lag = options.lag ?? Math.max((options.horizon ?? 1) - 1, neweyWestLag(n));
  const mean = d.reduce((a, b) => a + b, 0) / n;
  const omega = neweyWestVariance(d, lag);
  const statistic = omega > 0 ? mean / Math.sqrt(omega / n) : mean === 0 ? 0 : Infinity * Math.sign(mean);
  return { meanDifference: mean, statistic, pValue: 2 * normalCdf(-Math.abs(statistic)), lag, n };
}
