/**
 * @fileoverview The per-bar risk forecast every method produces (the forecaster and the classical
 * baselines alike): at the close of bar t, for each horizon h, the distribution of the simple return
 * R_h = exp(ℓ_{t+1} + … + ℓ_{t+h}) − 1 summarised as VaR/CVaR at 95% and 99% (losses positive),
 * mean and standard deviation. Also the log-return series the baselines read.
 */
import { selectSmallest } from './stats.js';
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
  storeTail(out, i, sorted);
  storeMoments(out, i, sorted);
}

/**
 * Store the summary of an unsorted sample of simple returns as forecast i, reordering it in place.
 * Only the low tail the VaR/CVaR read is sorted (stats.ts selectSmallest): VaR and CVaR equal
 * storeSortedSample's bit for bit; mean and std are summed in another order, so they may differ
 * from it in the last bits (|Δ| ≲ n·2⁻⁵³ relative). A sample holding NaN is sorted whole instead.
 */
export function storeSample(out: HorizonRisk, i: number, sample: Float64Array): void {
  const n = sample.length;
  if (!Number.isNaN(storeMoments(out, i, sample))) {
    // The 95% VaR reads order statistics ⌊(n − 1)·0.05⌋ and the next; the 99% ones lie below.
    selectSmallest(sample, Math.floor((n - 1) * 0.05) + 2);
    storeTail(out, i, sample);
  } else storeSortedSample(out, i, sample.sort());
}

function storeTail(out: HorizonRisk, i: number, lowTailSorted: ArrayLike<number>): void {
  const v = varCvarSorted(lowTailSorted);
  out.var95[i] = v.var95;
  out.cvar95[i] = v.cvar95;
  out.var99[i] = v.var99;
  out.cvar99[i] = v.cvar99;
}

/** Mean and std (ddof 1) into forecast i; returns the mean. */
function storeMoments(out: HorizonRisk, i: number, sample: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < sample.length; k++) s += sample[k];
  const mean = s / sample.length;
  let ss = 0;
  for (let k = 0; k < sample.length; k++) ss += (sample[k] - mean) ** 2;
  out.mean[i] = mean;
  out.std[i] = sample.length > 1 ? Math.sqrt(ss / (sample.length - 1)) : NaN;
  return mean;
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
