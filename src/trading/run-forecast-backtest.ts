/**
 * @fileoverview Backtest a forecaster file on candles: the twin of run-backtest.ts for the second
 * model kind. The forecaster's outputs at every tested close (forecast-strategy.ts), a strategy's
 * positions from them (default `forecast`; plugins implement `forecastPositions`), the engine, the
 * honest statistics — with the same period rules and honesty guard as a GLOW backtest.
 *
 * A forecaster file written before the strategy existed has no strategy section: it is calibrated
 * here on the candles of its training range (a warning says so), which must then be in the data.
 */
import type { Candles } from '../data/candles.js';
import { backtestPositions, DEFAULT_FEE, DEFAULT_SLIPPAGE, type BacktestResult } from './backtest.js';
import { calibrateForecastStrategy, forecastPositions, type ForecastCalibration, type ForecastOutputs, type ForecastStrategyOptions } from './forecast-strategy.js';
import { forecasterContexts, type ForecasterBundle } from './forecaster-bundle.js';
import { periodsPerYear } from './metrics.js';
import { forecastPositionsOf, getStrategy, type ForecastStrategyContext, type Strategy } from './registry.js';
import { checkPeriod, outcomeWarnings, periodRows, type RunBacktestOptions } from './run-backtest.js';

export interface RunForecastBacktestOptions extends Omit<RunBacktestOptions, 'strategy'>, ForecastStrategyOptions {
  /** A registered strategy's name or a Strategy with `forecastPositions` (default 'forecast'). */
  strategy?: string | Strategy;
  /** Position held going into the first tested row (default 0). */
  initialPosition?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface RunForecastBacktestResult extends BacktestResult {
  strategy: string;
  period: { from: number; to: number; rows: number };
  intervalMs: number;
  inSample: { train: number; validation: number };
  warnings: string[];
  /** The forecaster's outputs at each tested close and the forecast strategy's target exposure. */
  forecast: ForecastOutputs;
  calibration: ForecastCalibration;
}

/** Fewest training rows in the data that can calibrate a file without a strategy section. */
const MIN_CALIBRATION_ROWS = 200;

/** The bundle with a strategy section: its own, or one calibrated on the candles of its training range. */
export function withForecastCalibration(bundle: ForecasterBundle, candles: Candles, options: ForecastStrategyOptions = {}): { bundle: ForecasterBundle; warning: string | null } {
  if (bundle.strategy) return { bundle, warning: null };
  const { features, contexts, width } = forecasterContexts(bundle, candles);
  const { train } = bundle.training;
  let a = 0;
  while (a < features.rows && features.timestamps[a] < train.start) a++;
  let b = a;
  while (b < features.rows && features.timestamps[b] <= train.end) b++;
  if (b - a < MIN_CALIBRATION_ROWS) {
    throw new Error(`this forecaster file has no strategy section (it was written before the forecast strategy existed) and the data holds ` +
      `${b - a} rows of its training range (at least ${MIN_CALIBRATION_ROWS} are needed to calibrate it): train it again with ` +
      '"glow-trade train --conditional", or give candles that cover its training range');
  }
  const strategy = calibrateForecastStrategy(bundle, contexts.subarray(a * width, b * width), { seed: bundle.training.seed, ...options });
  return {
    bundle: { ...bundle, strategy },
    warning: `the forecaster file has no strategy section: the forecast strategy was calibrated on the ${b - a} rows of its training range in the data`,
  };
}

export function runForecastBacktest(bundle: ForecasterBundle, candles: Candles, options: RunForecastBacktestOptions = {}): RunForecastBacktestResult {
  const strategy = typeof options.strategy === 'object' ? options.strategy : getStrategy(options.strategy ?? 'forecast');
  if (!strategy.forecastPositions) throw new Error(`strategy "${strategy.name}" trades on GLOW models only; on a forecaster file use "forecast" or a strategy with forecastPositions`);
  const calibrated = withForecastCalibration(bundle, candles);
  const b0 = calibrated.bundle;
  const { features, contexts, width } = forecasterContexts(b0, candles);
  const ts = features.timestamps;
  const { a, b } = periodRows(ts, b0.training, options);
  const { period, inSample, warnings } = checkPeriod(ts, a, b, b0.training, options.allowInSample);
  if (calibrated.warning) warnings.unshift(calibrated.warning);
  const initialPosition = options.initialPosition ?? 0;
  const fee = options.fee ?? DEFAULT_FEE, slippage = options.slippage ?? DEFAULT_SLIPPAGE;
  const { outputs, timestamps, closes } = forecastPositions(b0, candles, { a, b }, { ...options, fee, slippage, initialPosition });
  const context: ForecastStrategyContext = {
    bundle: b0, candles, rowStart: a, rowEnd: b, rows: b - a, contextNames: b0.contextNames, contexts: contexts.slice(a * width, b * width),
    forecast: outputs, timestamps, candleIndex: features.index.slice(a, b), fee, slippage, initialPosition,
  };
  const result = backtestPositions({
    timestamps, closes, decisions: forecastPositionsOf(strategy, context), periodsPerYear: periodsPerYear(features.intervalMs),
    fee, slippage, capital: options.capital, trials: options.trials,
  });
  warnings.push(...outcomeWarnings(timestamps, features.intervalMs, result));
  return { ...result, strategy: strategy.name, period, intervalMs: features.intervalMs, inSample, warnings, forecast: outputs, calibration: b0.strategy! };
}
