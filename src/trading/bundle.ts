/**
 * @fileoverview The model bundle: a trained GLOW with everything needed to use it on new candles
 * (scaler, feature names, strategy calibration, the time ranges of each split, seed and history),
 * its model-file sections, and the row helpers that feed it candles (scaled rows, forward returns).
 */
import { Glow, type GlowLoadOptions } from '../model/glow.js';
import type { FitResult } from '../model/fit.js';
import type { Candles } from '../data/candles.js';
import type { FeatureSet } from '../data/features.js';
import { openTimeAfter } from '../data/interval.js';
import { scaleFeatures, scalerFromJSON, scalerToJSON, type Scaler } from '../data/scaler.js';
import { GlowStrategy } from './strategy.js';
import { checkBundleSections } from './bundle-checks.js';

export interface TimeRange {
  /** First and last feature-row timestamps (Unix ms, candle open), inclusive. */
  start: number;
  end: number;
  rows: number;
}

export interface TrainingRecord {
  intervalMs: number;
  train: TimeRange;
  validation: TimeRange | null;
  test: TimeRange | null;
  seed: number;
  fit: Omit<FitResult, 'history'>;
  history: FitResult['history'];
  symbol?: string;
}

/** A trained model with everything needed to use it on new candles. */
export interface ModelBundle {
  glow: Glow;
  scaler: Scaler;
  featureNames: string[];
  strategy: GlowStrategy;
  training: TrainingRecord;
}

/** Scaled Float32 rows [from, to) of a feature set. */
export function scaledRows(scaler: Scaler, f: FeatureSet, from = 0, to = f.rows): Float32Array {
  const d = f.names.length;
  return scaleFeatures(scaler, f.data.subarray(from * d, to * d), { dtype: 'float32' });
}

/**
 * The forward h-bar return c_{t+h} / c_t − 1 of each feature row in [from, to) (h = `horizon`,
 * default 1: the next bar), NaN when candle t+h lies at or beyond candle `limit` — so a target never
 * reaches past the candles the caller may use (the last training candle, for calibration) — and NaN
 * when a candle inside t … t+h is missing (the span is not h intervals), as `forwardReturns` of the
 * VaR test skips such windows. Callers skip NaN targets.
 */
export function nextReturns(candles: Candles, f: FeatureSet, from: number, to: number, limit = candles.close.length, horizon = 1): Float64Array {
  if (!(Number.isInteger(horizon) && horizon >= 1)) throw new RangeError(`nextReturns: horizon must be a whole number of bars ≥ 1, got ${horizon}`);
  const out = new Float64Array(to - from);
  const end = Math.min(limit, candles.close.length), ts = candles.timestamp;
  for (let i = from; i < to; i++) {
    const t = f.index[i];
    // openTimeAfter: month candles (intervalMs = the nominal 30 days) are h calendar months apart.
    out[i - from] = t + horizon < end && ts[t + horizon] === openTimeAfter(f.intervalMs, ts[t], horizon) ? candles.close[t + horizon] / candles.close[t] - 1 : NaN;
  }
  return out;
}

/** Header sections that store a bundle in a model file. */
function bundleExtra(bundle: ModelBundle): Record<string, unknown> {
  return {
    scaler: scalerToJSON(bundle.scaler),
    featureNames: bundle.featureNames,
    strategy: bundle.strategy.calibration,
    training: bundle.training,
  };
}

export function saveBundle(path: string, bundle: ModelBundle): void {
  bundle.glow.save(path, bundleExtra(bundle));
}

export function bundleToBytes(bundle: ModelBundle): Uint8Array {
  return bundle.glow.toBytes(bundleExtra(bundle));
}

/** A bundle from a model file; a file without a scaler or strategy is refused with the reason. */
export function loadBundle(path: string, options: GlowLoadOptions = {}): ModelBundle {
  return bundleFromGlow(Glow.load(path, options), path);
}

export function bundleFromBytes(bytes: Uint8Array, source = 'model', options: GlowLoadOptions = {}): ModelBundle {
  return bundleFromGlow(Glow.fromBytes(bytes, { ...options, source }), source);
}

/** Every section is checked by type, length and range (bundle-checks.ts) before the bundle is built. */
function bundleFromGlow(glow: Glow, source: string): ModelBundle {
  const extra = glow.extra;
  const missing = ['scaler', 'featureNames', 'strategy', 'training'].filter((k) => extra[k] === undefined);
  if (missing.length) throw new Error(`${source}: this model file has no ${missing.join(', ')} (it was not written by "glow-trade train")`);
  const d = glow.features;
  const scaler = scalerFromJSON(extra.scaler, { where: `${source}: header section`, path: 'scaler', features: d });
  const { featureNames, strategy, training } = checkBundleSections(source, extra, d);
  return { glow, scaler, featureNames, strategy: new GlowStrategy(glow, strategy), training };
}
