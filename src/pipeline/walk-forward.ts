/**
 * @fileoverview Walk-forward evaluation: retrain, then trade the bars that follow, fold after fold.
 *
 * Folds over the candle series (counts in candles): fold k tests candles [s_k, s_k + testBars) with
 * s_k = trainBars + k·step, and trains a FRESH model (trainOnCandles: features, scaler, flow, strategy
 * calibration, with its own chronological train/validation split) on candles [0, s_k) (expanding) or
 * [s_k − trainBars, s_k) (rolling). A fold's model therefore never sees its test bars; the test
 * features reach back 20 candles before s_k, which are past bars.
 *
 * The folds' positions are stitched and run through the engine ONCE, so equity compounds across folds
 * and the change of position at a fold boundary pays its costs like any other. The position decided by
 * fold k at its last close is held over fold k + 1's first bar (it was decided with data up to that
 * close only), and it is the position fold k + 1's strategy starts from (`initialPosition`), so a
 * rebalance band carries on across the retraining instead of restarting flat. When step > testBars
 * the folds are not adjacent, and the last decision of each fold is forced flat so that nothing is
 * held through the untested bars (the next fold then starts flat). step < testBars (overlapping test
 * windows) is refused. Deterministic: every fold trains with the same seed.
 */
import { sliceCandles, type Candles } from '../data/candles.js';
import { FEATURE_LOOKBACK } from '../data/features.js';
import type { GlowConfig } from '../model/config.js';
import type { FitOptions } from '../model/fit.js';
import { trainOnCandles } from './train-on-candles.js';
import { type TimeRange } from '../trading/bundle.js';
import type { Engine } from '../wasm/engine.js';
import { backtestPositions, metricsOfRows, type BacktestResult } from '../trading/backtest.js';
import type { MetricNotes, Metrics } from '../trading/metrics.js';
import { periodsPerYear } from '../trading/metrics.js';
import { getStrategy, type Strategy } from '../trading/registry.js';
import { decideRows, modelFeatures } from '../trading/run-backtest.js';
import type { StrategyOptions } from '../trading/strategy.js';

export interface WalkForwardOptions {
  /** Candles of the first training window (and of every window when rolling). */
  trainBars: number;
  /** Candles tested per fold. */
  testBars: number;
  /** Candles between fold starts (default testBars; must be ≥ testBars). */
  step?: number;
  window?: 'expanding' | 'rolling';
  /** Share of each fold's feature rows used for validation / early stopping (default 0.15). */
  validationFraction?: number;
  seed?: number;
  model?: Partial<GlowConfig>;
  fit?: FitOptions;
  strategyOptions?: StrategyOptions;
  strategy?: string | Strategy;
  fee?: number;
  slippage?: number;
  capital?: number;
  engine?: Engine;
  /** Called after each fold has been trained and has decided its positions (for progress). */
  onFold?: (done: number, folds: number) => void;
}

export interface WalkForwardFold {
  fold: number;
  /** Open times of the first and last training candle, and their count. */
  train: { start: number; end: number; candles: number };
  /** First and last tested bar and the number of tested rows. */
  test: { start: number; end: number; rows: number };
  /** Rows [start, end) of this fold in the stitched series. */
  rows: [number, number];
  /** What the fold's model was fitted on (feature-row ranges) and how training went. */
  model: { train: TimeRange; validation: TimeRange | null; epochs: number; bestEpoch: number; stopReason: string; likelihoodThreshold: number };
  metrics: Metrics;
  benchmark: Metrics;
  notes: { strategy: MetricNotes; benchmark: MetricNotes };
  seconds: number;
}

export interface WalkForwardResult extends BacktestResult {
  strategy: string;
  window: 'expanding' | 'rolling';
  trainBars: number;
  testBars: number;
  step: number;
  period: { from: number; to: number; rows: number };
  intervalMs: number;
  folds: WalkForwardFold[];
  warnings: string[];
  seconds: number;
}

function count(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`walk-forward: ${name} must be an integer ≥ ${min}, got ${v}`);
  return v;
}

export function walkForward(candles: Candles, options: WalkForwardOptions): WalkForwardResult {
  const t0 = performance.now();
  const trainBars = count('trainBars', options.trainBars, FEATURE_LOOKBACK + 2);
  const testBars = count('testBars', options.testBars, 1);
  const step = count('step', options.step ?? testBars, 1);
  if (step < testBars) throw new RangeError(`walk-forward: step (${step}) must be ≥ testBars (${testBars}), or test windows would overlap`);
  const window = options.window ?? 'expanding';
  if (window !== 'expanding' && window !== 'rolling') throw new RangeError(`walk-forward: window must be 'expanding' or 'rolling', got ${window}`);
  const vf = options.validationFraction ?? 0.15;
  const seed = options.seed ?? 0;
  const strategy = typeof options.strategy === 'object' ? options.strategy : getStrategy(options.strategy ?? 'glow');
  const n = candles.timestamp.length;
  const starts: number[] = [];
  for (let s = trainBars; s + testBars <= n; s += step) starts.push(s);
  if (starts.length === 0) throw new RangeError(`walk-forward: ${n} candles cannot hold one fold of ${trainBars} training + ${testBars} test candles`);

  const ts: number[] = [], closes: number[] = [], decisions: number[] = [], ll: number[] = [], regimes: number[] = [];
  const pending: Array<Omit<WalkForwardFold, 'metrics' | 'benchmark' | 'notes'>> = [];
  const warnings: string[] = [];
  let intervalMs = 0;
  for (const [k, s] of starts.entries()) {
    const f0 = performance.now();
    const trainFrom = window === 'rolling' ? s - trainBars : 0;
    const { bundle, fit } = trainOnCandles(sliceCandles(candles, trainFrom, s), {
      seed, model: options.model, fit: options.fit, strategy: options.strategyOptions, engine: options.engine,
      split: { train: 1 - vf, validation: vf },
    });
    const testCandles = sliceCandles(candles, Math.max(0, s - FEATURE_LOOKBACK), s + testBars);
    const features = modelFeatures(bundle, testCandles, `fold ${k + 1} test candles`);
    intervalMs = features.intervalMs;
    let a = 0;
    while (a < features.rows && features.timestamps[a] < candles.timestamp[s]) a++;
    const b = features.rows;
    if (b === a) {
      warnings.push(`fold ${k + 1}: no feature rows in its test window (gaps in the candles); skipped`);
      // Nothing may be held through the skipped window: the previous fold ends flat.
      if (decisions.length > 0) decisions[decisions.length - 1] = 0;
      continue;
    }
    // The position held into this fold: the previous fold's last (0 after a gap or a skipped fold).
    const held = decisions.length > 0 ? decisions[decisions.length - 1] : 0;
    const { context, decisions: fold } = decideRows(bundle, testCandles, features, a, b, strategy, held);
    const first = ts.length;
    const lastFold = k === starts.length - 1;
    if (step > testBars && !lastFold) fold[fold.length - 1] = 0;
    for (let i = 0; i < context.rows; i++) {
      ts.push(context.timestamps[i]);
      closes.push(testCandles.close[context.candleIndex[i]]);
      decisions.push(fold[i]);
      ll.push(context.signals[i].logLikelihood);
      regimes.push(context.signals[i].regime);
    }
    const t = bundle.training;
    pending.push({
      fold: k + 1,
      train: { start: candles.timestamp[trainFrom], end: candles.timestamp[s - 1], candles: s - trainFrom },
      test: { start: context.timestamps[0], end: context.timestamps[context.rows - 1], rows: context.rows },
      rows: [first, ts.length],
      model: {
        train: t.train, validation: t.validation, epochs: fit.history.length, bestEpoch: fit.bestEpoch,
        stopReason: fit.stopReason, likelihoodThreshold: bundle.strategy.calibration.threshold,
      },
      seconds: (performance.now() - f0) / 1000,
    });
    options.onFold?.(k + 1, starts.length);
  }
  if (ts.length === 0) throw new Error('walk-forward: no fold had any feature rows to test');
  const P = periodsPerYear(intervalMs);
  const result = backtestPositions({
    timestamps: ts, closes, decisions, periodsPerYear: P, fee: options.fee, slippage: options.slippage, capital: options.capital,
    logLikelihood: ll, regime: regimes,
  });
  const folds: WalkForwardFold[] = pending.map((f) => {
    const { strategy: st, benchmark } = metricsOfRows(result.series, result.trades, f.rows[0], f.rows[1], P);
    return { ...f, metrics: st.metrics, benchmark: benchmark.metrics, notes: { strategy: st.notes, benchmark: benchmark.notes } };
  });
  return {
    ...result, strategy: strategy.name, window, trainBars, testBars, step,
    period: { from: ts[0], to: ts[ts.length - 1], rows: ts.length }, intervalMs, folds, warnings,
    seconds: (performance.now() - t0) / 1000,
  };
}
