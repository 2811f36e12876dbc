/**
 * @fileoverview Backtest a trained model bundle on candles: features over ALL candles (so the
 * 20-bar windows of the first tested bars reach back before the period), the rows of the period
 * scaled with the model's scaler, the model's signals, a strategy's positions, the engine, metrics
 * for the strategy and for buy-and-hold.
 *
 * Honesty guard: the tested period must not overlap the model's training or validation range (the
 * scaler, the flow, early stopping and the strategy calibration have seen those bars). Overlap is
 * refused with an error naming both ranges unless `allowInSample`, which records a warning instead.
 * Default period: every row after the validation range (after the training range if there is none).
 */
import type { Candles } from '../data/candles.js';
import { computeFeatures, type FeatureSet } from '../data/features.js';
import { countMissing, findGaps, inferIntervalMs } from '../data/gaps.js';
import { minuteTime } from '../data/time.js';
import { scaledRows, type ModelBundle, type TimeRange, type TrainingRecord } from './bundle.js';
import { backtestPositions, ruinWarning, type BacktestResult } from './backtest.js';
import { periodsPerYear } from './metrics.js';
import { getStrategy, positionsOf, type Strategy, type StrategyContext } from './registry.js';
import type { Signal } from './strategy.js';

export interface RunBacktestOptions {
  /** First and last bar (open time, Unix ms) to test, inclusive. */
  from?: number;
  to?: number;
  fee?: number;
  slippage?: number;
  capital?: number;
  /** Test bars the model was trained or validated on anyway (a warning is recorded). */
  allowInSample?: boolean;
  /** A registered strategy's name or a Strategy (default 'glow'). */
  strategy?: string | Strategy;
  /** Configurations × seeds tried: the Deflated Sharpe Ratio's N (default 1). */
  trials?: number;
}

export interface RunBacktestResult extends BacktestResult {
  strategy: string;
  /** First and last tested bar (open times) and the number of rows. */
  period: { from: number; to: number; rows: number };
  intervalMs: number;
  /** Tested rows inside the model's training / validation range (0 unless allowInSample). */
  inSample: { train: number; validation: number };
  warnings: string[];
  signals: Signal[];
}

const NOMINAL_MONTH_MS = 30 * 86_400_000;
const iso = minuteTime;
const span = (ms: number) => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms} ms`);

/** Features of `candles` on the model's candle interval; refuses data of another interval. */
export function modelFeatures(bundle: ModelBundle, candles: Candles, source = 'data'): FeatureSet {
  const modelMs = bundle.training.intervalMs;
  let features: FeatureSet;
  if (modelMs === NOMINAL_MONTH_MS) features = computeFeatures(candles, { interval: 'M' });
  else {
    const dataMs = inferIntervalMs(candles.timestamp);
    if (modelMs > 0 && dataMs !== undefined && dataMs !== modelMs) {
      throw new Error(`${source}: candles are ${span(dataMs)} apart but the model was trained on ${span(modelMs)} candles`);
    }
    features = computeFeatures(candles, modelMs > 0 ? { intervalMs: modelMs } : {});
  }
  if (features.names.join() !== bundle.featureNames.join()) {
    throw new Error(`${source}: features ${features.names.join(',')} differ from the model's ${bundle.featureNames.join(',')}`);
  }
  return features;
}

/** The strategy context and positions of feature rows [rowStart, rowEnd). */
export function decideRows(
  bundle: ModelBundle, candles: Candles, features: FeatureSet, rowStart: number, rowEnd: number, strategy: Strategy, initialPosition = 0,
): {
  context: StrategyContext; decisions: Float64Array;
} {
  const d = features.names.length;
  const scaled = scaledRows(bundle.scaler, features, rowStart, rowEnd);
  const context: StrategyContext = {
    bundle, candles, features, rowStart, rowEnd, rows: rowEnd - rowStart, featureNames: features.names,
    featureRows: features.data.slice(rowStart * d, rowEnd * d), scaled, signals: bundle.strategy.signal(scaled),
    timestamps: features.timestamps.slice(rowStart, rowEnd), candleIndex: features.index.slice(rowStart, rowEnd),
    initialPosition,
  };
  return { context, decisions: positionsOf(strategy, context) };
}

/**
 * Feature rows [a, b) of the period to test or forecast: from `from` (default: the first row after
 * the model's validation range, or its training range without one) to `to` (inclusive), by bar
 * open time. An empty period is an error that names what the data has.
 */
export function periodRows(ts: Float64Array, training: Pick<TrainingRecord, 'train' | 'validation'>, options: { from?: number; to?: number }): { a: number; b: number } {
  const { train, validation } = training;
  const fitted = validation ?? train;
  const rows = ts.length;
  const from = options.from ?? ts.find((t) => t > fitted.end);
  if (from === undefined) {
    throw new Error(`the data has no bars after the model's ${validation ? 'validation' : 'training'} range ` +
      `(${iso(fitted.start)} → ${iso(fitted.end)}); the last bar is ${rows ? iso(ts[rows - 1]) : 'none'}. ` +
      'Give newer candles, or choose a period with --from/--to (and --allow-in-sample to test seen bars).');
  }
  const to = options.to ?? Infinity;
  let a = 0;
  while (a < rows && ts[a] < from) a++;
  let b = a;
  while (b < rows && ts[b] <= to) b++;
  if (b === a) {
    const have = rows ? `${iso(ts[0])} → ${iso(ts[rows - 1])}` : 'none';
    throw new Error(`no feature rows in the period ${iso(from)} → ${Number.isFinite(to) ? iso(to) : 'end'} (rows available: ${have})`);
  }
  return { a, b };
}

/** Rows of `timestamps` inside `range`. */
export function rowsIn(timestamps: Float64Array, range: TimeRange | null): number {
  if (!range) return 0;
  let k = 0;
  for (const t of timestamps) if (t >= range.start && t <= range.end) k++;
  return k;
}

/**
 * The tested period of rows [a, b) and the honesty guard: rows inside the model's training or
 * validation range are refused with an error naming both ranges, or with `allowInSample` recorded
 * as a warning.
 */
export function checkPeriod(ts: Float64Array, a: number, b: number, training: Pick<TrainingRecord, 'train' | 'validation'>, allowInSample = false): {
  period: { from: number; to: number; rows: number }; inSample: { train: number; validation: number }; warnings: string[];
} {
  const { train, validation } = training;
  const fitted = validation ?? train;
  const tested = ts.subarray(a, b);
  const period = { from: ts[a], to: ts[b - 1], rows: b - a };
  const inSample = { train: rowsIn(tested, train), validation: rowsIn(tested, validation) };
  const warnings: string[] = [];
  if (inSample.train + inSample.validation > 0) {
    const ranges = [
      inSample.train ? `training range ${iso(train.start)} → ${iso(train.end)} (${inSample.train} rows)` : '',
      inSample.validation && validation ? `validation range ${iso(validation.start)} → ${iso(validation.end)} (${inSample.validation} rows)` : '',
    ].filter(Boolean).join(' and ');
    const message = `the backtest period ${iso(period.from)} → ${iso(period.to)} overlaps the model's ${ranges}: ` +
      'those bars are in-sample (the scaler, the flow and the strategy calibration have seen them)';
    if (!allowInSample) {
      throw new Error(`${message}. Test bars after ${iso(fitted.end)}, or allow in-sample bars explicitly (--allow-in-sample).`);
    }
    warnings.push(`${message}; its metrics are not an out-of-sample result`);
  }
  return { period, inSample, warnings };
}

/** Warnings about a finished backtest: bars missing inside the period, and ruin. */
export function outcomeWarnings(tested: Float64Array, intervalMs: number, result: Pick<BacktestResult, 'ruin'>): string[] {
  const warnings: string[] = [];
  // Between two consecutive rows the position is simply held on: say so when bars are missing.
  const missing = intervalMs > 0 ? countMissing(findGaps(tested, intervalMs)) : 0;
  if (missing > 0) {
    warnings.push(`${missing} bars inside the period have no feature row (missing candles, or a 20-bar window ` +
      'crossing a gap): positions are held across them and their returns fall on the next row');
  }
  if (result.ruin) warnings.push(ruinWarning(result.ruin));
  return warnings;
}

export function runBacktest(bundle: ModelBundle, candles: Candles, options: RunBacktestOptions = {}): RunBacktestResult {
  const strategy = typeof options.strategy === 'object' ? options.strategy : getStrategy(options.strategy ?? 'glow');
  const features = modelFeatures(bundle, candles);
  const ts = features.timestamps;
  const { a, b } = periodRows(ts, bundle.training, options);
  const { period, inSample, warnings } = checkPeriod(ts, a, b, bundle.training, options.allowInSample);
  const { context, decisions } = decideRows(bundle, candles, features, a, b, strategy);
  const closes = Float64Array.from(context.candleIndex, (i) => candles.close[i]);
  const result = backtestPositions({
    timestamps: context.timestamps, closes, decisions, periodsPerYear: periodsPerYear(features.intervalMs),
    fee: options.fee, slippage: options.slippage, capital: options.capital, trials: options.trials,
    logLikelihood: context.signals.map((s) => s.logLikelihood), regime: context.signals.map((s) => s.regime),
  });
  warnings.push(...outcomeWarnings(context.timestamps, features.intervalMs, result));
  return { ...result, strategy: strategy.name, period, intervalMs: features.intervalMs, inSample, warnings, signals: context.signals };
}
