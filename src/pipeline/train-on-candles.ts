/**
 * @fileoverview From candles to a trained, calibrated model bundle: features → chronological split
 * (train / validation / test) → scaler fitted on the training rows only → GLOW trained on the scaled
 * training rows (validated on the validation rows) → strategy calibrated on the training rows.
 */
import { Glow, MIN_INIT_ROWS } from '../model/glow.js';
import type { GlowConfig } from '../model/config.js';
import type { FitOptions, FitResult } from '../model/fit.js';
import type { Candles } from '../data/candles.js';
import { computeFeatures, FEATURE_LOOKBACK, type FeatureSet } from '../data/features.js';
import { fitScaler } from '../data/scaler.js';
import { type ChronologicalSplit, chronologicalSplit } from '../data/split.js';
import { calibrateStrategy, GlowStrategy, type StrategyOptions } from '../trading/strategy.js';
import { resolveStrategyOptions } from '../trading/strategy-options.js';
import { type ModelBundle, type TimeRange, type TrainingRecord, nextReturns, scaledRows } from '../trading/bundle.js';
import type { Engine } from '../wasm/engine.js';

export interface TrainOnCandlesOptions {
  model?: Partial<GlowConfig>;
  fit?: FitOptions;
  strategy?: StrategyOptions;
  /** Shares of the feature rows for training and validation; the rest is the held-out test split. */
  split?: { train?: number; validation?: number };
  seed?: number;
  symbol?: string;
  engine?: Engine;
}

/**
 * Too few training rows for the flow's data-dependent initialisation, found before any fitting. The
 * fields let a caller say it in its own terms (the CLI names --input and --train-fraction).
 */
export class TooFewTrainingRowsError extends RangeError {
  constructor(
    readonly candles: number,
    readonly featureRows: number,
    readonly trainRows: number,
    /** Rows the initialisation needs, and candles that would give them at the same split and drops. */
    readonly neededRows: number,
    readonly neededCandles: number,
  ) {
    super(`${candles} candles give ${featureRows} feature rows, of which ${trainRows} are training rows; the model's ` +
      `initialisation needs at least ${MIN_INIT_ROWS} training rows: give at least ${neededCandles} candles, or a larger training share`);
    this.name = 'TooFewTrainingRowsError';
  }
}

/** Refuse, before any fitting, a split whose training rows cannot initialise the flow. */
function checkTrainingRows(candles: number, featureRows: number, fractions: TrainOnCandlesOptions['split']): void {
  // Bad fractions are refused here with the split's own message (at 256 rows only a share below 1/256 is empty).
  chronologicalSplit(Math.max(featureRows, MIN_INIT_ROWS), fractions);
  let trainRows = 0;
  try {
    trainRows = chronologicalSplit(featureRows, fractions).train[1];
  } catch {
    // the fractions are valid, so this is a training split of 0 rows
  }
  if (trainRows >= MIN_INIT_ROWS) return;
  // The smallest feature-row count whose split reaches the minimum, plus the candles this data drops
  // (at least the warm-up).
  let rows = Math.max(featureRows, MIN_INIT_ROWS);
  while (chronologicalSplit(rows, fractions).train[1] < MIN_INIT_ROWS) rows++;
  throw new TooFewTrainingRowsError(candles, featureRows, trainRows, MIN_INIT_ROWS, rows + Math.max(candles - featureRows, FEATURE_LOOKBACK));
}

function range(f: FeatureSet, from: number, to: number): TimeRange | null {
  return to > from ? { start: f.timestamps[from], end: f.timestamps[to - 1], rows: to - from } : null;
}

export function trainOnCandles(candles: Candles, options: TrainOnCandlesOptions = {}): {
  bundle: ModelBundle; features: FeatureSet; split: ChronologicalSplit; fit: FitResult;
} {
  const seed = options.seed ?? 0;
  // Bad strategy options are refused before the (long) fit.
  const strategyOptions = { seed, ...options.strategy };
  const { horizon } = resolveStrategyOptions(strategyOptions);
  const features = computeFeatures(candles);
  const d = features.names.length;
  checkTrainingRows(candles.timestamp.length, features.rows, options.split);
  const split = chronologicalSplit(features.rows, options.split);
  const [a, b] = split.train;
  const [, c] = split.validation;
  const scaler = fitScaler(features.data.subarray(a * d, b * d), d);
  const train = scaledRows(scaler, features, a, b);
  const validation = c > b ? scaledRows(scaler, features, b, c) : undefined;
  // The model's own thread count is the fit's, so its worker pool also serves validation and calibration.
  const glow = Glow.create({ ...options.model, features: d, seed, engine: options.engine, threads: options.fit?.threads });
  const fit = glow.fit(train, { seed, ...options.fit, ...(validation ? { validation } : { validationFraction: 0 }) });
  // Calibration sees training rows only; a forward return reaching past the training candles is unknown.
  const lastTrainCandle = features.index[b - 1];
  const forward = nextReturns(candles, features, a, b, lastTrainCandle + 1, horizon);
  const calibration = calibrateStrategy(glow, train, forward, strategyOptions);
  const { history, ...fitSummary } = fit;
  const training: TrainingRecord = {
    intervalMs: features.intervalMs,
    train: range(features, a, b)!,
    validation: range(features, b, c),
    test: range(features, c, features.rows),
    seed,
    fit: fitSummary,
    history,
    ...(options.symbol ? { symbol: options.symbol } : {}),
  };
  const bundle: ModelBundle = { glow, scaler, featureNames: features.names, strategy: new GlowStrategy(glow, calibration), training };
  return { bundle, features, split, fit };
}

