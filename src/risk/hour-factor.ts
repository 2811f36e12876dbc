/**
 * @fileoverview The UTC hour-of-day volatility factor: crypto volatility has a strong intraday
 * pattern (US and Asian opens), which EWMA and GARCH cannot see. Fitted on the training bars:
 *   f_h = √( mean{ℓ_i² : hour_i = h} / mean{ℓ_i²} ),
 * so that the training mean of f² over bars is 1. The volatility models then run on ℓ_i / f_{hour_i}
 * and scale each future bar's volatility by its hour's factor. Hours with fewer than `minBars`
 * training bars get factor 1.
 */

/** The 24 factors fitted on bars [from, to) of the log returns (NaN returns skipped). */
export function fitHourFactor(logReturns: ArrayLike<number>, hours: ArrayLike<number>, from: number, to: number, minBars = 30): Float64Array {
  const sum = new Float64Array(24), count = new Float64Array(24);
  let all = 0, n = 0;
  for (let i = from; i < to; i++) {
    const r = logReturns[i];
    if (!Number.isFinite(r)) continue;
    sum[hours[i]] += r * r;
    count[hours[i]]++;
    all += r * r;
    n++;
  }
  if (n === 0 || all === 0) throw new RangeError('hour factor: no non-zero training returns');
  const f = new Float64Array(24);
  for (let h = 0; h < 24; h++) f[h] = count[h] >= minBars && sum[h] > 0 ? Math.sqrt(sum[h] / count[h] / (all / n)) : 1;
  return f;
}

/** ℓ_i / f_{hour_i}: returns with the intraday pattern divided out. */
export function deseasonalise(logReturns: ArrayLike<number>, hours: ArrayLike<number>, factor: ArrayLike<number>): Float64Array {
  const out = new Float64Array(logReturns.length);
  for (let i = 0; i < out.length; i++) out[i] = logReturns[i] / factor[hours[i]];
  return out;
}
