/**
 * @fileoverview The 16 engineered features of DESIGN §4, one row per bar t with every window ending at
 * t (bar t included) and nothing after t, so a row never changes when later candles arrive.
 *
 * Notation: c close, o open, h high, l low, v volume; r_t = c_t / c_{t−1} − 1; std is the sample
 * standard deviation (ddof 1); TR_t = max(h_t − l_t, |h_t − c_{t−1}|, |l_t − c_{t−1}|).
 *
 *   return_k       c_t / c_{t−k} − 1, k = 1, 5, 10, 20
 *   volatility_k   std(r_{t−k+1} … r_t), k = 5, 20
 *   vol_ratio      volatility_5 / volatility_20 (1 if volatility_20 ≤ 1e-12)
 *   momentum_k     c_t / mean(c_{t−k+1} … c_t) − 1, k = 10, 20
 *   volume_ratio   v_t / mean(v_{t−19} … v_t) (1 if the mean ≤ 1e-12)
 *   price_position (c_t − min l) / (max h − min l) over bars t−19 … t (0.5 if the range ≤ 1e-12)
 *   body_ratio     (c_t − o_t) / (h_t − l_t) (0 if the range ≤ 1e-12)
 *   upper_shadow   (h_t − max(o_t, c_t)) / c_t
 *   lower_shadow   (min(o_t, c_t) − l_t) / c_t
 *   atr_norm       mean(TR_{t−19} … TR_t) / c_t
 *   rsi            Σ max(r, 0) / Σ |r| over r_{t−13} … r_t (0.5 if Σ |r| ≤ 1e-12)
 *
 * The deepest look-back is c_{t−20} (return_20, volatility_20 and atr_norm), so bar t has a row only
 * when candles t−20 … t exist and are consecutive: every spacing equals the interval (given, or the
 * most common spacing; calendar months for 'M', for NOMINAL_MONTH_MS, and for a series of month
 * starts, see `inferIntervalMs`). The first 20 candles are dropped as warm-up; a bar
 * whose 21-candle window crosses a gap is dropped and counted as a gap drop.
 *
 * The readable twin of the kernel, in arquero (the test suite checks that both agree):
 *
 *   aq.from(candles)
 *     .derive({ r: d => d.close / op.lag(d.close, 1) - 1,
 *               tr: d => op.greatest(d.high - d.low, op.abs(d.high - op.lag(d.close, 1)), op.abs(d.low - op.lag(d.close, 1))) })
 *     .derive({ return_5: d => d.close / op.lag(d.close, 5) - 1,
 *               volatility_5: aq.rolling(d => op.stdev(d.r), [-4, 0]),
 *               momentum_10: aq.rolling(d => d.close / op.mean(d.close) - 1, [-9, 0]),
 *               price_position: aq.rolling(d => (d.close - op.min(d.low)) / (op.max(d.high) - op.min(d.low)), [-19, 0]),
 *               atr_norm: aq.rolling(d => op.mean(d.tr) / d.close, [-19, 0]), … })
 *     .slice(20)
 *
 * The kernel below computes the same numbers in one pass over typed arrays (~100× faster).
 */
import type { Candles } from './candles.js';
import { validateCandles } from './candle-checks.js';
import { inferIntervalMs } from './gaps.js';
import { nextOpenTime, parseInterval, type Interval } from './interval.js';

export const FEATURE_NAMES = [
  'return_1', 'return_5', 'return_10', 'return_20',
  'volatility_5', 'volatility_20', 'vol_ratio',
  'momentum_10', 'momentum_20', 'volume_ratio', 'price_position',
  'body_ratio', 'upper_shadow', 'lower_shadow', 'atr_norm', 'rsi',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export const FEATURE_COUNT = FEATURE_NAMES.length;
/** Candles before bar t that its row needs (c_{t−20}). */
export const FEATURE_LOOKBACK = 20;

const EPS = 1e-12;

/** Feature rows with the candle each came from. */
export interface FeatureSet {
  names: string[];
  /** Open time of the bar of each row. */
  timestamps: Float64Array;
  /** Candle index of each row. */
  index: Int32Array;
  /** rows × 16, row-major. */
  data: Float64Array;
  rows: number;
  dropped: { warmup: number; gaps: number };
  /** Candle spacing used for the gap test (nominal 30 days for months; 0 if unknown). */
  intervalMs: number;
}

export interface ComputeFeaturesOptions {
  /** Expected spacing of candles in ms; default: the most common spacing. */
  intervalMs?: number;
  /** Or an interval ('1h', 'M', …); months are then checked by the calendar. */
  interval?: string | Interval;
}

/**
 * Candle index of every feature row of a series of open times: the rows computeFeatures gives for
 * candles with these timestamps (bars with 20 consecutive candles before them), without the candles.
 */
export function featureRowIndex(ts: ArrayLike<number>, options: ComputeFeaturesOptions = {}): {
  index: Int32Array; dropped: { warmup: number; gaps: number }; intervalMs: number;
} {
  const n = ts.length;
  const interval = typeof options.interval === 'string' ? parseInterval(options.interval) : options.interval;
  const step: Interval | number | undefined = interval ?? options.intervalMs ?? inferIntervalMs(ts);
  if (typeof step === 'number' && !(step > 0)) throw new RangeError(`intervalMs must be positive, got ${step}`);
  const intervalMs = step === undefined ? 0 : typeof step === 'number' ? step : step.ms;

  // runStart[i]: first candle of the unbroken run that ends at i.
  const runStart = new Int32Array(n);
  for (let i = 1; i < n; i++) runStart[i] = step !== undefined && nextOpenTime(step, ts[i - 1]) === ts[i] ? runStart[i - 1] : i;
  const rowsAt: number[] = [];
  let warmup = 0, gaps = 0;
  for (let i = 0; i < n; i++) {
    if (i < FEATURE_LOOKBACK) warmup++;
    else if (i - FEATURE_LOOKBACK < runStart[i]) gaps++;
    else rowsAt.push(i);
  }
  return { index: Int32Array.from(rowsAt), dropped: { warmup, gaps }, intervalMs };
}

export function computeFeatures(candles: Candles, options: ComputeFeaturesOptions = {}): FeatureSet {
  validateCandles(candles, { source: 'computeFeatures' });
  const ts = candles.timestamp;
  const { index, dropped, intervalMs } = featureRowIndex(ts, options);
  const data = featureKernel(candles, index);
  const timestamps = new Float64Array(index.length);
  for (let k = 0; k < index.length; k++) timestamps[k] = ts[index[k]];
  return {
    names: [...FEATURE_NAMES], timestamps, index, data, rows: index.length, dropped, intervalMs,
  };
}

/** The 16 features of the bars in `index` (each needs candles index − 20 … index), row-major. */
function featureKernel(candles: Candles, index: Int32Array): Float64Array {
  const { open: o, high: h, low: l, close: c, volume: v } = candles;
  const n = c.length;
  const r = new Float64Array(n);
  const tr = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    r[i] = c[i] / c[i - 1] - 1;
    tr[i] = Math.max(h[i] - l[i], Math.abs(h[i] - c[i - 1]), Math.abs(l[i] - c[i - 1]));
  }
  const d = FEATURE_COUNT;
  const out = new Float64Array(index.length * d);
  for (let k = 0; k < index.length; k++) {
    const t = index[k];
    const ct = c[t];
    const row = k * d;
    out[row] = ct / c[t - 1] - 1;
    out[row + 1] = ct / c[t - 5] - 1;
    out[row + 2] = ct / c[t - 10] - 1;
    out[row + 3] = ct / c[t - 20] - 1;
    const vol5 = sampleStd(r, t - 4, t);
    const vol20 = sampleStd(r, t - 19, t);
    out[row + 4] = vol5;
    out[row + 5] = vol20;
    out[row + 6] = vol20 <= EPS ? 1 : vol5 / vol20;
    out[row + 7] = ct / mean(c, t - 9, t) - 1;
    out[row + 8] = ct / mean(c, t - 19, t) - 1;
    const meanVolume = mean(v, t - 19, t);
    out[row + 9] = meanVolume <= EPS ? 1 : v[t] / meanVolume;
    let lowest = Infinity, highest = -Infinity;
    for (let j = t - 19; j <= t; j++) {
      if (l[j] < lowest) lowest = l[j];
      if (h[j] > highest) highest = h[j];
    }
    const span = highest - lowest;
    out[row + 10] = span <= EPS ? 0.5 : (ct - lowest) / span;
    const range = h[t] - l[t];
    out[row + 11] = range <= EPS ? 0 : (ct - o[t]) / range;
    out[row + 12] = (h[t] - Math.max(o[t], ct)) / ct;
    out[row + 13] = (Math.min(o[t], ct) - l[t]) / ct;
    out[row + 14] = mean(tr, t - 19, t) / ct;
    let up = 0, total = 0;
    for (let j = t - 13; j <= t; j++) {
      if (r[j] > 0) up += r[j];
      total += Math.abs(r[j]);
    }
    out[row + 15] = total <= EPS ? 0.5 : up / total;
  }
  return out;
}

/** Mean of x[from … to] (inclusive). */
function mean(x: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let j = from; j <= to; j++) s += x[j];
  return s / (to - from + 1);
}

/** Sample (ddof 1) standard deviation of x[from … to], two-pass for accuracy. */
function sampleStd(x: Float64Array, from: number, to: number): number {
  const m = mean(x, from, to);
  let s = 0;
  for (let j = from; j <= to; j++) {
    const dev = x[j] - m;
    s += dev * dev;
  }
  return Math.sqrt(s / (to - from));
}
