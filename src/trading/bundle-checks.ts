/**
 * @fileoverview Validation of the model-file header sections a bundle is built from (featureNames,
 * strategy, training; the scaler is checked by scalerFromJSON): type, length and range of every
 * field the code reads, with messages like `m.bin: header section strategy.ridge.weights must have
 * 16 numbers (one per latent coordinate), got 2`. Each check returns a fresh plain object holding
 * only the checked fields, so nothing unchecked (or any prototype trick) reaches the strategy.
 */
import { JsonChecks, type JsonObject } from '../util/json-checks.js';
import type { KMeansModel } from './kmeans.js';
import type { RidgeModel } from './ridge.js';
import type { StrategyCalibration } from './strategy.js';
import { type ResolvedStrategyOptions, storedStrategyOptions } from './strategy-options.js';
import type { TimeRange, TrainingRecord } from './bundle.js';

/** Latest Unix ms a JavaScript Date can hold (±8.64e15): beyond it, formatting a time throws. */
const MAX_TIME_MS = 8.64e15;

/** `features` names, one per model input, each a non-empty string, no two alike. */
export function checkFeatureNames(c: JsonChecks, v: unknown, features: number): string[] {
  if (!Array.isArray(v)) c.expect('featureNames', 'an array of strings', v);
  const a = v as unknown[];
  if (a.length !== features) c.fail('featureNames', `must have ${features} names (one per model input), got ${a.length}`);
  a.forEach((n, i) => c.string(n, `featureNames[${i}]`, true));
  const dup = a.findIndex((n, i) => a.indexOf(n) !== i);
  if (dup >= 0) c.fail(`featureNames[${dup}]`, `repeats the name ${JSON.stringify(a[dup])}`);
  return a.slice() as string[];
}

const NUMBER_OPTIONS = ['likelihoodQuantile', 'ridgeLambda', 'costRate', 'minEdge', 'rebalanceBand', 'maxPosition', 'minConfidence'] as const;
const INTEGER_OPTIONS = ['horizon', 'regimes', 'seed'] as const;

/** Stored strategy options: types here, ranges by the library's own option validation. */
function checkOptions(c: JsonChecks, v: unknown, k: number): ResolvedStrategyOptions {
  const p = 'strategy.options';
  const o = c.object(v, p);
  const out: Partial<ResolvedStrategyOptions> = {};
  // A field an older file lacks gets its legacy default from storedStrategyOptions.
  for (const f of NUMBER_OPTIONS) if (o[f] !== undefined) out[f] = c.number(o[f], `${p}.${f}`);
  for (const f of INTEGER_OPTIONS) if (o[f] !== undefined) out[f] = c.integer(o[f], `${p}.${f}`);
  if (o.direction !== undefined) out.direction = c.oneOf(o.direction, `${p}.direction`, ['ridge', 'latent0'] as const);
  if (o.belowEdge !== undefined) out.belowEdge = c.oneOf(o.belowEdge, `${p}.belowEdge`, ['hold', 'flat'] as const);
  if (o.longOnly !== undefined) out.longOnly = c.boolean(o.longOnly, `${p}.longOnly`);
  if (o.allowedRegimes !== undefined && o.allowedRegimes !== null) {
    if (!Array.isArray(o.allowedRegimes)) c.expect(`${p}.allowedRegimes`, 'null or an array of regime numbers', o.allowedRegimes);
    (o.allowedRegimes as unknown[]).forEach((r, i) => c.integer(r, `${p}.allowedRegimes[${i}]`, 0, k - 1));
    out.allowedRegimes = (o.allowedRegimes as number[]).slice();
  }
  try {
    return storedStrategyOptions(out);
  } catch (err) {
    return c.fail(p, `are invalid: ${(err as Error).message}`);
  }
}

function checkRidge(c: JsonChecks, v: unknown, d: number): RidgeModel {
  const o = c.object(v, 'strategy.ridge');
  return {
    weights: c.numbers(o.weights, 'strategy.ridge.weights', { length: d, lengthNote: 'one per latent coordinate' }),
    intercept: c.number(o.intercept, 'strategy.ridge.intercept'),
    lambda: c.number(o.lambda, 'strategy.ridge.lambda', { above: 0 }),
  };
}

function checkKMeans(c: JsonChecks, v: unknown, d: number): KMeansModel {
  const p = 'strategy.kmeans';
  const o = c.object(v, p);
  const k = c.integer(o.k, `${p}.k`, 1);
  if (o.d !== d) c.expect(`${p}.d`, `${d} (the model's latent width)`, o.d);
  return {
    k,
    d,
    centroids: c.numbers(o.centroids, `${p}.centroids`, { length: k * d, lengthNote: `k ${k} × width ${d}` }),
    inertia: c.number(o.inertia, `${p}.inertia`, { min: 0 }),
    iterations: c.integer(o.iterations, `${p}.iterations`, 0),
    sizes: c.numbers(o.sizes, `${p}.sizes`, { length: k, lengthNote: 'one per cluster', integer: true, min: 0 }),
  };
}

/**
 * A strategy calibration for a model of latent width `d`: options, likelihood threshold and
 * quantile grid (sorted, finite), the ridge (d weights) exactly when the direction is 'ridge', a
 * positive prediction scale and k-means centroids (k × d).
 */
export function checkCalibration(c: JsonChecks, v: unknown, d: number): StrategyCalibration {
  const o = c.object(v, 'strategy');
  const kmeans = checkKMeans(c, o.kmeans, d);
  const options = checkOptions(c, o.options, kmeans.k);
  let ridge: RidgeModel | null = null;
  if (options.direction === 'ridge') ridge = checkRidge(c, o.ridge, d);
  else if (o.ridge !== null && o.ridge !== undefined) c.expect('strategy.ridge', "null (the direction is 'latent0')", o.ridge);
  return {
    options,
    threshold: c.number(o.threshold, 'strategy.threshold'),
    logLikQuantiles: c.numbers(o.logLikQuantiles, 'strategy.logLikQuantiles', { sorted: true }),
    ridge,
    predictionStd: c.number(o.predictionStd, 'strategy.predictionStd', { above: 0 }),
    kmeans,
    rows: c.integer(o.rows, 'strategy.rows', 1),
  };
}

function checkRange(c: JsonChecks, v: unknown, path: string): TimeRange {
  const o = c.object(v, path);
  const start = c.integer(o.start, `${path}.start`, 0, MAX_TIME_MS);
  const end = c.integer(o.end, `${path}.end`, 0, MAX_TIME_MS);
  if (end < start) c.fail(`${path}.end`, `(${end}) is before ${path}.start (${start})`);
  return { start, end, rows: c.integer(o.rows, `${path}.rows`, 0) };
}

const STOP_REASONS = ['epochs', 'patience', 'callback', 'aborted'] as const;

/** The training record: interval, the three time ranges (Unix ms a Date can hold), seed, fit summary, history. */
export function checkTraining(c: JsonChecks, v: unknown): TrainingRecord {
  const o = c.object(v, 'training');
  const f = c.object(o.fit, 'training.fit');
  if (!Array.isArray(o.history)) c.expect('training.history', 'an array of epoch records', o.history);
  const history = (o.history as unknown[]).map((e, i) => {
    const p = `training.history[${i}]`;
    const r = c.object(e, p);
    const num = (k: string) => c.numberOrNull(r[k], `${p}.${k}`);
    return {
      epoch: c.integer(r.epoch, `${p}.epoch`, 1), trainNll: num('trainNll')!, trainBitsPerDim: num('trainBitsPerDim')!,
      valNll: num('valNll'), valBitsPerDim: num('valBitsPerDim'), gradNorm: num('gradNorm')!, seconds: num('seconds')!,
      samplesPerSecond: num('samplesPerSecond')!, best: c.boolean(r.best, `${p}.best`),
    };
  });
  const record: TrainingRecord = {
    intervalMs: c.integer(o.intervalMs, 'training.intervalMs', 0, MAX_TIME_MS), // 0: not known
    train: checkRange(c, o.train, 'training.train'),
    validation: o.validation === null ? null : checkRange(c, o.validation, 'training.validation'),
    test: o.test === null ? null : checkRange(c, o.test, 'training.test'),
    seed: c.integer(o.seed, 'training.seed'),
    fit: {
      bestEpoch: c.integer(f.bestEpoch, 'training.fit.bestEpoch', 0),
      bestNll: c.numberOrNull(f.bestNll, 'training.fit.bestNll')!,
      monitored: c.oneOf(f.monitored, 'training.fit.monitored', ['validation', 'train'] as const),
      stopReason: c.oneOf(f.stopReason, 'training.fit.stopReason', STOP_REASONS),
      seed: c.integer(f.seed, 'training.fit.seed'),
      trainRows: c.integer(f.trainRows, 'training.fit.trainRows', 0),
      validationRows: c.integer(f.validationRows, 'training.fit.validationRows', 0),
      seconds: c.number(f.seconds, 'training.fit.seconds', { min: 0 }),
    },
    history,
  };
  if (o.symbol !== undefined) record.symbol = c.string(o.symbol, 'training.symbol', true);
  return record;
}

/** The sections of a bundle, each checked; `features` is the model's input (and latent) width. */
export function checkBundleSections(source: string, extra: JsonObject, features: number) {
  const c = new JsonChecks(`${source}: header section`);
  return {
    featureNames: checkFeatureNames(c, extra.featureNames, features),
    strategy: checkCalibration(c, extra.strategy, features),
    training: checkTraining(c, extra.training),
  };
}
