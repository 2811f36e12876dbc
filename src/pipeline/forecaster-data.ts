/**
 * @fileoverview From candles to the forecaster's rows (DESIGN §9): for each feature row (bar t), the
 * target path y_t = (ℓ_{t+1}, …, ℓ_{t+H}), ℓ_i = ln(c_i / c_{i−1}), the next H one-bar log returns
 * after the close of t, and the context c_t = the 16 features of §4 (scaled like the GLOW's, by a
 * scaler fitted on the training rows) + sin/cos of the next bar's UTC hour of day and day of week.
 * Targets are scaled by one number, the std of one-bar log returns on the training rows, and never
 * clipped.
 *
 * No look-ahead: a context row uses only candles up to t, so appending candles never changes it; a
 * target entry is NaN where its window misses a candle (a gap, or the end of the data), and a row
 * is usable only with all H entries. A training row's window must end at or before the last
 * training candle (the candle of the last training feature row), a validation row's at or before
 * the last validation candle; the rows in between are purged, not shifted into the next split.
 */
import type { Candles } from '../data/candles.js';
import { candleCount } from '../data/candles.js';
import { computeFeatures, FEATURE_NAMES, type FeatureSet } from '../data/features.js';
import { inferIntervalMs } from '../data/gaps.js';
import { nextOpenTime, parseInterval, type Interval } from '../data/interval.js';
import { fitScaler, scaleFeatures, type Scaler } from '../data/scaler.js';
import { chronologicalSplit, type ChronologicalSplit } from '../data/split.js';

export const DEFAULT_FORECAST_HORIZON = 20;
/** The calendar columns of the context, all of the bar after t (the one being forecast first). */
export const CALENDAR_NAMES = ['next_hour_sin', 'next_hour_cos', 'next_weekday_sin', 'next_weekday_cos'] as const;
/** Context columns: the 16 features, then the calendar (20 in all). */
export const CONTEXT_NAMES: readonly string[] = [...FEATURE_NAMES, ...CALENDAR_NAMES];

const DAY_MS = 86_400_000;

export interface ForecasterDataOptions {
  /** Target width H (bars ahead). Default 20. */
  horizon?: number;
  /** Shares of the feature rows for training and validation (chronological); the rest is test. */
  split?: { train?: number; validation?: number };
  /** Candle interval ('1h', 'M', …) or spacing in ms; default the most common spacing. */
  interval?: string | Interval;
  intervalMs?: number;
}

export interface ForecasterDataset {
  features: FeatureSet;
  /** The chronological split of the feature rows (half-open ranges). */
  split: ChronologicalSplit;
  horizon: number;
  contextNames: string[];
  /** features.rows × H raw one-bar log returns; NaN where the window misses a candle. */
  targets: Float64Array;
  /** Candle index of each row's last window candle (t + H), or −1 if the window is incomplete. */
  windowEnd: Int32Array;
  /** features.rows × 4 calendar columns (see CALENDAR_NAMES). */
  calendar: Float64Array;
  /** Feature scaler fitted on the training feature rows. */
  scaler: Scaler;
  /** Population std of ℓ_{t+1} over the usable training rows: the one number targets are divided by. */
  targetScale: number;
  /** Usable feature-row indices of each split (complete window, inside its split's candles). */
  rows: { train: Int32Array; validation: Int32Array; test: Int32Array };
}

/**
 * Target paths of the bars at candle indices `index`: rows × H log returns on the interval's time
 * grid after each bar, NaN where a grid candle (or the one before it) is missing or past the data.
 */
export function targetPaths(
  candles: Candles, index: ArrayLike<number>, horizon: number, step: Interval | number,
): { targets: Float64Array; windowEnd: Int32Array } {
  checkHorizon(horizon);
  const ts = candles.timestamp, c = candles.close;
  const n = candleCount(candles);
  const rows = index.length;
  const targets = new Float64Array(rows * horizon);
  const windowEnd = new Int32Array(rows);
  for (let k = 0; k < rows; k++) {
    let prev = index[k]; // candle of the previous grid time, or −1 if it is missing
    let time = ts[prev];
    let j = prev + 1;
    for (let i = 0; i < horizon; i++) {
      time = nextOpenTime(step, time);
      while (j < n && ts[j] < time) j++;
      const at = j < n && ts[j] === time ? j : -1;
      targets[k * horizon + i] = at >= 0 && prev >= 0 ? Math.log(c[at] / c[prev]) : NaN;
      prev = at;
    }
    let complete = true;
    for (let i = 0; i < horizon; i++) if (Number.isNaN(targets[k * horizon + i])) complete = false;
    windowEnd[k] = complete ? prev : -1;
  }
  return { targets, windowEnd };
}

/** sin/cos of the UTC hour of day (fractional, period 24 h) and of the weekday (0 = Sunday, period 7). */
export function calendarColumns(openTimes: ArrayLike<number>): Float64Array {
  const out = new Float64Array(openTimes.length * 4);
  for (let k = 0; k < openTimes.length; k++) {
    const ms = openTimes[k];
    const hourAngle = (2 * Math.PI * (((ms % DAY_MS) + DAY_MS) % DAY_MS)) / DAY_MS;
    const dayAngle = (2 * Math.PI * new Date(ms).getUTCDay()) / 7;
    out[k * 4] = Math.sin(hourAngle);
    out[k * 4 + 1] = Math.cos(hourAngle);
    out[k * 4 + 2] = Math.sin(dayAngle);
    out[k * 4 + 3] = Math.cos(dayAngle);
  }
  return out;
}

export function forecasterDataset(candles: Candles, options: ForecasterDataOptions = {}): ForecasterDataset {
  const horizon = options.horizon ?? DEFAULT_FORECAST_HORIZON;
  checkHorizon(horizon);
  const interval = typeof options.interval === 'string' ? parseInterval(options.interval) : options.interval;
  const features = computeFeatures(candles, { interval, intervalMs: options.intervalMs });
  const step: Interval | number | undefined = interval ?? options.intervalMs ?? inferIntervalMs(candles.timestamp);
  if (step === undefined) throw new RangeError('forecaster data: cannot infer the candle interval; pass interval or intervalMs');
  const split = chronologicalSplit(features.rows, options.split);
  const { targets, windowEnd } = targetPaths(candles, features.index, horizon, step);
  const next = Array.from(features.index, (t) => nextOpenTime(step, candles.timestamp[t]));
  const calendar = calendarColumns(next);

  const usable = ([from, to]: [number, number]): Int32Array => {
    if (to <= from) return new Int32Array(0);
    const lastCandle = features.index[to - 1];
    const out: number[] = [];
    for (let k = from; k < to; k++) if (windowEnd[k] >= 0 && windowEnd[k] <= lastCandle) out.push(k);
    return Int32Array.from(out);
  };
  const rows = { train: usable(split.train), validation: usable(split.validation), test: usable(split.test) };
  if (rows.train.length < 2) {
    throw new RangeError(
      `forecaster data: ${rows.train.length} training row(s) with a complete ${horizon}-bar window ` +
        `(of ${split.train[1]} training feature rows); more candles or a shorter horizon are needed`,
    );
  }
  const d = FEATURE_NAMES.length;
  const [a, b] = split.train;
  const scaler = fitScaler(features.data.subarray(a * d, b * d), d);
  const targetScale = oneBarStd(targets, rows.train, horizon);
  return {
    features, split, horizon, contextNames: [...CONTEXT_NAMES], targets, windowEnd, calendar, scaler, targetScale, rows,
  };
}

/** Scaled context rows (rows.length × 20): the scaled features, then the calendar columns. */
export function scaledContext(ds: ForecasterDataset, rows: ArrayLike<number>): Float32Array {
  const d = FEATURE_NAMES.length;
  const C = d + 4;
  const out = new Float32Array(rows.length * C);
  for (let q = 0; q < rows.length; q++) {
    const k = rows[q];
    const scaled = scaleFeatures(ds.scaler, ds.features.data.subarray(k * d, (k + 1) * d));
    out.set(scaled, q * C);
    out.set(ds.calendar.subarray(k * 4, k * 4 + 4), q * C + d);
  }
  return out;
}

/** Scaled target rows (rows.length × H): raw log returns / targetScale. Refuses incomplete rows. */
export function scaledTargets(ds: ForecasterDataset, rows: ArrayLike<number>): Float32Array {
  const H = ds.horizon;
  const out = new Float32Array(rows.length * H);
  for (let q = 0; q < rows.length; q++) {
    const k = rows[q];
    if (ds.windowEnd[k] < 0) {
      throw new RangeError(`forecaster data: row ${k} (bar ${new Date(ds.features.timestamps[k]).toISOString()}) has an incomplete ${H}-bar window`);
    }
    for (let i = 0; i < H; i++) out[q * H + i] = ds.targets[k * H + i] / ds.targetScale;
  }
  return out;
}

function oneBarStd(targets: Float64Array, rows: Int32Array, H: number): number {
  let m = 0;
  for (const k of rows) m += targets[k * H];
  m /= rows.length;
  let v = 0;
  for (const k of rows) v += (targets[k * H] - m) ** 2;
  const s = Math.sqrt(v / rows.length);
  if (!(s > 1e-12)) throw new RangeError(`forecaster data: the one-bar log returns of the training rows have std ${s}; prices never move`);
  return s;
}

function checkHorizon(h: number): void {
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`forecaster data: horizon must be a whole number of bars ≥ 1, got ${h}`);
}
