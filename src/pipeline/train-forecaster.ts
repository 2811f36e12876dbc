/**
 * @fileoverview From candles to a trained forecaster bundle (DESIGN §9), the twin of
 * train-on-candles.ts: features → the same chronological split → feature scaler and target scale
 * from the training rows → target paths (the next H one-bar log returns) and contexts (features +
 * next bar's calendar) → ConditionalGlow trained on the training rows, early-stopped on the
 * validation rows → the forecast strategy's calibration on the training rows (forecast-strategy.ts).
 * A row's H-bar window never crosses into the next split (data/forecaster-data.ts).
 */
import { ConditionalGlow } from '../model/conditional-glow.js';
import type { ForecasterConfig } from '../model/forecaster-config.js';
import type { ConditionalFitOptions, ConditionalFitResult } from '../model/conditional-fit.js';
import type { Candles } from '../data/candles.js';
import { forecasterDataset, scaledContext, scaledTargets, type ForecasterDataset } from '../data/forecaster-data.js';
import type { FeatureSet } from '../data/features.js';
import type { TimeRange, TrainingRecord } from '../trading/bundle.js';
import type { ForecasterBundle } from '../trading/forecaster-bundle.js';
import { calibrateForecastStrategy, type ForecastStrategyOptions } from '../trading/forecast-strategy.js';
import type { Engine } from '../wasm/engine.js';

export interface TrainForecasterOptions {
  model?: Partial<Omit<ForecasterConfig, 'target' | 'context'>>;
  fit?: ConditionalFitOptions;
  /** Bars forecast after each close (H, default 20). */
  horizon?: number;
  split?: { train?: number; validation?: number };
  seed?: number;
  symbol?: string;
  engine?: Engine;
  /** Options of the forecast strategy stored in the bundle (defaults: forecast-options.ts). */
  strategy?: ForecastStrategyOptions;
}

function range(f: FeatureSet, from: number, to: number): TimeRange | null {
  return to > from ? { start: f.timestamps[from], end: f.timestamps[to - 1], rows: to - from } : null;
}

export function trainForecaster(candles: Candles, options: TrainForecasterOptions = {}): {
  bundle: ForecasterBundle; dataset: ForecasterDataset; fit: ConditionalFitResult;
} {
  const seed = options.seed ?? 0;
  const ds = forecasterDataset(candles, { horizon: options.horizon, split: options.split });
  const { train, validation } = ds.rows;
  const model = ConditionalGlow.create({
    ...options.model, target: ds.horizon, context: ds.contextNames.length, seed, engine: options.engine, threads: options.fit?.threads,
  });
  const fit = model.fit(scaledTargets(ds, train), scaledContext(ds, train), {
    seed,
    ...options.fit,
    ...(validation.length > 0 ? { validation: { y: scaledTargets(ds, validation), c: scaledContext(ds, validation) } } : { validationFraction: 0 }),
  });
  const { history, ...fitSummary } = fit;
  const f = ds.features;
  const training: TrainingRecord = {
    intervalMs: f.intervalMs,
    train: range(f, ...ds.split.train)!,
    validation: range(f, ...ds.split.validation),
    test: range(f, ...ds.split.test),
    seed,
    fit: fitSummary,
    history,
    ...(options.symbol ? { symbol: options.symbol } : {}),
  };
  const bundle: ForecasterBundle = {
    kind: 'forecaster', model, scaler: ds.scaler, featureNames: f.names, contextNames: ds.contextNames,
    targetScale: ds.targetScale, horizon: ds.horizon, training,
  };
  // The strategy's risk scale from the training rows only (seeded with the training seed).
  bundle.strategy = calibrateForecastStrategy(bundle, scaledContext(ds, train), { seed, ...options.strategy });
  return { bundle, dataset: ds, fit };
}
