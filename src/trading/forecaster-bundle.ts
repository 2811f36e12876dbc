/**
 * @fileoverview The forecaster bundle: a trained ConditionalGlow with what it needs to forecast from
 * new candles — the feature scaler, the context and target conventions (context columns, target
 * scale, path length H) and the training record (split ranges, seed, history) — plus the context rows
 * of a candle series and the path sampler that the per-bar risk reads; and, since issue 14, the
 * forecast strategy's section (options and training-period risk levels).
 */
import { ConditionalGlow, type ConditionalGlowLoadOptions } from '../model/conditional-glow.js';
import type { Candles } from '../data/candles.js';
import { computeFeatures, type FeatureSet } from '../data/features.js';
import { calendarColumns, CALENDAR_NAMES } from '../data/forecaster-data.js';
import { nextOpenTime } from '../data/interval.js';
import { scaleFeatures, scalerFromJSON, scalerToJSON, type Scaler } from '../data/scaler.js';
import { JsonChecks } from '../util/json-checks.js';
import { checkFeatureNames, checkTraining } from './bundle-checks.js';
import type { SyncPathSampler } from '../risk/scenario-risk.js';
import type { TrainingRecord } from './bundle.js';
import { checkForecastCalibration, type ForecastCalibration } from './forecast-options.js';

export interface ForecasterBundle {
  kind: 'forecaster';
  model: ConditionalGlow;
  /** Scaler of the 16 features, fitted on the training rows. */
  scaler: Scaler;
  featureNames: string[];
  /** Context columns: the features, then the next bar's calendar (see data/forecaster-data.ts). */
  contextNames: string[];
  /** Targets are one-bar log returns divided by this (their std on the training rows). */
  targetScale: number;
  /** Path length H: bars forecast after each close. */
  horizon: number;
  training: TrainingRecord;
  /**
   * The forecast strategy's section (forecast-options.ts): options chosen at training time and the
   * training-period risk levels. Absent from files written before the strategy existed.
   */
  strategy?: ForecastCalibration;
}

/** Context rows (rows × C) of every feature row of `candles`, with the bundle's scaler. */
export function forecasterContexts(bundle: Pick<ForecasterBundle, 'scaler' | 'featureNames' | 'contextNames' | 'training'>, candles: Candles): {
  features: FeatureSet; contexts: Float32Array; width: number;
} {
  const features = computeFeatures(candles, { intervalMs: bundle.training.intervalMs });
  const d = features.names.length;
  if (features.names.join(',') !== bundle.featureNames.join(',')) {
    throw new Error(`the candles give features ${features.names.join(', ')}, the model was trained on ${bundle.featureNames.join(', ')}`);
  }
  const calendarWidth = CALENDAR_NAMES.length;
  const C = d + calendarWidth;
  if (bundle.contextNames.length !== C) throw new Error(`the model's context has ${bundle.contextNames.length} columns, this version builds ${C}`);
  const scaled = scaleFeatures(bundle.scaler, features.data, { dtype: 'float32' });
  const next = Array.from(features.timestamps, (t) => nextOpenTime(bundle.training.intervalMs, t));
  const calendar = calendarColumns(next);
  const contexts = new Float32Array(features.rows * C);
  for (let k = 0; k < features.rows; k++) {
    contexts.set(scaled.subarray(k * d, (k + 1) * d), k * C);
    for (let j = 0; j < calendarWidth; j++) contexts[k * C + d + j] = calendar[k * calendarWidth + j];
  }
  return { features, contexts, width: C };
}

/** The model's sampler as scenario-risk's PathSampler (scaled one-bar log returns). */
export function forecasterSampler(bundle: Pick<ForecasterBundle, 'model'>, temperature = 1): SyncPathSampler {
  return (contexts, _rows, scenarios, seed) => bundle.model.sample(contexts, scenarios, { temperature, seed });
}

/** Header sections that store a forecaster bundle in its model file. */
function forecasterExtra(b: ForecasterBundle): Record<string, unknown> {
  return {
    scaler: scalerToJSON(b.scaler), featureNames: b.featureNames, contextNames: b.contextNames,
    targetScale: b.targetScale, horizon: b.horizon, training: b.training, ...(b.strategy ? { strategy: b.strategy } : {}),
  };
}

export function saveForecasterBundle(path: string, b: ForecasterBundle): void {
  b.model.save(path, forecasterExtra(b));
}

export function forecasterBundleToBytes(b: ForecasterBundle): Uint8Array {
  return b.model.toBytes(forecasterExtra(b));
}

export function loadForecasterBundle(path: string, options: ConditionalGlowLoadOptions = {}): ForecasterBundle {
  return forecasterBundleFrom(ConditionalGlow.load(path, options), path);
}

export function forecasterBundleFromBytes(bytes: Uint8Array, source = 'model', options: ConditionalGlowLoadOptions = {}): ForecasterBundle {
  return forecasterBundleFrom(ConditionalGlow.fromBytes(bytes, { ...options, source }), source);
}

/** Every section checked by type, length and range before the bundle is built. */
function forecasterBundleFrom(model: ConditionalGlow, source: string): ForecasterBundle {
  const extra = model.extra;
  const missing = ['scaler', 'featureNames', 'contextNames', 'targetScale', 'horizon', 'training'].filter((k) => extra[k] === undefined);
  if (missing.length) throw new Error(`${source}: this forecaster file has no ${missing.join(', ')} (it was not written by "glow-trade train --conditional")`);
  const c = new JsonChecks(`${source}: header section`);
  const C = model.contextWidth;
  const d = C - CALENDAR_NAMES.length;
  const featureNames = checkFeatureNames(c, extra.featureNames, d);
  if (!Array.isArray(extra.contextNames) || extra.contextNames.length !== C) c.expect('contextNames', `an array of ${C} names (the model's context width)`, extra.contextNames);
  const contextNames = (extra.contextNames as unknown[]).map((n, i) => c.string(n, `contextNames[${i}]`, true));
  const horizon = c.integer(extra.horizon, 'horizon', model.target, model.target);
  return {
    kind: 'forecaster', model, featureNames, contextNames, horizon,
    scaler: scalerFromJSON(extra.scaler, { where: `${source}: header section`, path: 'scaler', features: d }),
    targetScale: c.number(extra.targetScale, 'targetScale', { above: 0 }),
    training: checkTraining(c, extra.training),
    ...(extra.strategy === undefined ? {} : { strategy: checkForecastCalibration(source, extra.strategy, horizon) }),
  };
}

