/**
 * @fileoverview EWMA (RiskMetrics) volatility forecasts: σ²_{t+1} = λ σ²_t + (1 − λ) ℓ_t², λ = 0.94,
 * started from the mean square of the training returns (no look-ahead). The h-bar log return is
 * N(0, σ²_{t+1} · Σ_{i≤h} f²_{t+i}) with f the optional hour-of-day factor (1 without), so the
 * simple return R = e^L − 1 is lognormal and every number is closed-form (s² the h-bar variance,
 * α = 1 − c, z_α = Φ⁻¹(α)):
 *   VaR_c  = 1 − e^{z_α s}
 *   CVaR_c = 1 − e^{s²/2} Φ(z_α − s) / α
 *   mean   = e^{s²/2} − 1,  std = √((e^{s²} − 1) e^{s²})
 */
import { emptyHorizonRisk, type HorizonRisk, type RiskForecast } from './bar-risk.js';
import { deseasonalise, fitHourFactor } from './hour-factor.js';
import { normalCdf, normalQuantile } from '../util/special.js';

export const EWMA_LAMBDA = 0.94;

export interface VolatilityInput {
  /** One-bar log returns of every candle (NaN where unknown). */
  logReturns: Float64Array;
  /** UTC hour of every candle (needed for the hour factor). */
  hours?: Uint8Array;
  /** Hour of the bar `steps` bars after candle t (for bars past the data). */
  hourAfter?: (t: number, steps: number) => number;
  /** Training candles [from, to): parameters and starting values come from these only. */
  train: [number, number];
  /** Candle indices t at whose close a forecast is made. */
  bars: Int32Array;
  horizons: number[];
  hourFactor?: boolean;
}

/** Hour factor (or none) of an input: the factors and the deseasonalised returns. */
export function seasonality(input: VolatilityInput): { factor: Float64Array | null; returns: Float64Array; futureFactor: (t: number, i: number) => number } {
  if (!input.hourFactor) return { factor: null, returns: input.logReturns, futureFactor: () => 1 };
  if (!input.hours || !input.hourAfter) throw new RangeError('the hour-of-day factor needs the candles\' hours');
  const factor = fitHourFactor(input.logReturns, input.hours, input.train[0], input.train[1]);
  const hourAfter = input.hourAfter;
  return { factor, returns: deseasonalise(input.logReturns, input.hours, factor), futureFactor: (t, i) => factor[hourAfter(t, i)] };
}

/** Closed-form lognormal summary of an h-bar log return N(0, s²), stored as forecast i. */
export function storeLognormal(out: HorizonRisk, i: number, s: number): void {
  const put = (alpha: number, v: 'var95' | 'var99', c: 'cvar95' | 'cvar99') => {
    const z = normalQuantile(alpha);
    out[v][i] = -Math.expm1(z * s);
    out[c][i] = 1 - (Math.exp((s * s) / 2) * normalCdf(z - s)) / alpha;
  };
  put(0.05, 'var95', 'cvar95');
  put(0.01, 'var99', 'cvar99');
  out.mean[i] = Math.expm1((s * s) / 2);
  out.std[i] = Math.sqrt(Math.expm1(s * s) * Math.exp(s * s));
}

/** EWMA forecasts for every bar and horizon. */
export function ewmaRisk(input: VolatilityInput, lambda = EWMA_LAMBDA): RiskForecast {
  if (!(lambda > 0 && lambda < 1)) throw new RangeError(`EWMA λ must lie in (0, 1), got ${lambda}`);
  const { factor, returns, futureFactor } = seasonality(input);
  const [a, b] = input.train;
  let ms = 0, n = 0;
  for (let i = a; i < b; i++) if (Number.isFinite(returns[i])) {
    ms += returns[i] ** 2;
    n++;
  }
  if (n === 0) throw new RangeError('EWMA: no training returns');
  // variance[t] = σ² for bar t + 1, known at the close of t.
  const variance = new Float64Array(returns.length);
  let v = ms / n;
  for (let t = a; t < returns.length; t++) {
    if (Number.isFinite(returns[t])) v = lambda * v + (1 - lambda) * returns[t] ** 2;
    variance[t] = v;
  }
  const maxH = Math.max(...input.horizons);
  const horizons = input.horizons.map((h) => emptyHorizonRisk(h, input.bars.length));
  const sumF2 = new Float64Array(maxH + 1);
  for (let i = 0; i < input.bars.length; i++) {
    const t = input.bars[i];
    if (t < a) throw new RangeError(`EWMA: forecast bar ${t} lies before the training start ${a}`);
    for (let k = 1; k <= maxH; k++) sumF2[k] = sumF2[k - 1] + futureFactor(t, k) ** 2;
    for (const out of horizons) storeLognormal(out, i, Math.sqrt(variance[t] * sumF2[out.horizon]));
  }
  return { method: input.hourFactor ? 'ewma-hour' : 'ewma', bars: input.bars, horizons, details: { lambda, hourFactor: factor ? Array.from(factor) : null } };
}
