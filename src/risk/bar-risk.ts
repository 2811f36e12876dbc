/**
 * @fileoverview The per-bar risk forecast every method produces (the forecaster and the classical
 * baselines alike): at the close of bar t, for each horizon h, the distribution of the simple return
 * R_h = exp(ℓ_{t+1} + … + ℓ_{t+h}) − 1 summarised as VaR/CVaR at 95% and 99% (losses positive),
 * mean and standard deviation. Also the log-return series the baselines read.
 */
import { varCvarSorted } from './var.js';

/** One horizon's forecasts, one entry per forecast bar. */
export interface HorizonRisk {
  horizon: number;
  var95: Float64Array;
  cvar95: Float64Array;
  var99: Float64Array;
  cvar99: Float64Array;
  mean: Float64Array;
  std: Float64Array;
}

/** A method's forecasts for bars `bars[0…]` (indices into the candle series) and every horizon. */
export interface RiskForecast {
  method: string;
  /** Candle index t of each forecast (made at the close of candle t). */
  bars: Int32Array;
  horizons: HorizonRisk[];
  /** Fitted parameters and choices, for the record (JSON). */
  details?: Record<string, unknown>;
}

export const RISK_FIELDS = ['var95', 'cvar95', 'var99', 'cvar99', 'mean', 'std'] as const;
export type RiskField = (typeof RISK_FIELDS)[number];

export function emptyHorizonRisk(horizon: number, n: number): HorizonRisk {
  return {
    horizon, var95: new Float64Array(n), cvar95: new Float64Array(n), var99: new Float64Array(n), cvar99: new Float64Array(n),
    mean: new Float64Array(n), std: new Float64Array(n),
  };
}

/** Store the summary of an ascending sample of simple returns as forecast i. */
export function storeSortedSample(out: HorizonRisk, i: number, sorted: ArrayLike<number>): void {
  const v = varCvarSorted(sorted);
  out.var95[i] = v.var95;
  out.cvar95[i] = v.cvar95;
  out.var99[i] = v.var99;
  out.cvar99[i] = v.cvar99;
  let s = 0;
  for (let k = 0; k < sorted.length; k++) s += sorted[k];
  const mean = s / sorted.length;
  let ss = 0;
  for (let k = 0; k < sorted.length; k++) ss += (sorted[k] - mean) ** 2;
  out.mean[i] = mean;
  out.std[i] = sorted.length > 1 ? Math.sqrt(ss / (sorted.length - 1)) : NaN;
}

/** One-bar log returns ℓ_i = ln(c_i / c_{i−1}); NaN for i = 0 and where candle i−1 is missing. */
export function barLogReturns(close: ArrayLike<number>, timestamp: ArrayLike<number>, intervalMs: number): Float64Array {
  const out = new Float64Array(close.length).fill(NaN);
  for (let i = 1; i < close.length; i++) {
    if (timestamp[i] - timestamp[i - 1] === intervalMs) out[i] = Math.log(close[i] / close[i - 1]);
  }
  return out;
}

/**
 * The realised h-bar simple return after the close of bar t, exp(ℓ_{t+1} + … + ℓ_{t+h}) − 1, for
 * each t in `bars`; NaN where a return in the window is unknown (past the data, or a gap).
 */
export function realizedReturns(logReturns: ArrayLike<number>, bars: ArrayLike<number>, horizon: number): Float64Array {
  const out = new Float64Array(bars.length);
  for (let i = 0; i < bars.length; i++) {
    const t = bars[i];
    let s = 0;
    for (let k = 1; k <= horizon; k++) s += t + k < logReturns.length ? logReturns[t + k] : NaN;
    out[i] = Math.expm1(s);
  }
  return out;
}

/** Hour of day (UTC) of the candles opening at `timestamp`. */
export function utcHours(timestamp: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(timestamp.length);
  for (let i = 0; i < timestamp.length; i++) out[i] = Math.floor(((timestamp[i] % 86_400_000) + 86_400_000) % 86_400_000 / 3_600_000);
  return out;
}
