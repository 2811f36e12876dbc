/**
 * @fileoverview Scenarios: samples of the flow at temperature T (z ~ N(0, T²·I), then the inverse
 * flow) mapped back to feature units by the model's scaler, and the per-horizon risk of ONE such set.
 *
 * The scaler's inverse limits a scaled value at or beyond its soft clip to ±40 training standard
 * deviations (see src/data/scaler.ts). Such values are points the flow put where no training row could
 * be; they are counted (`clamped`) so a caller can say how many scenarios reached that limit. A
 * sampled return below −1 (a price below zero) is likewise counted per horizon, not altered.
 */
import type { ModelBundle } from '../train/pipeline.js';
import { MAX_STANDARD_SCORE, unscaleFeatures } from '../data/scaler.js';
import { returnRisk, type ReturnRisk } from './var.js';

/** The feature columns risk is reported on: return_k = c_t / c_{t−k} − 1. */
export const RISK_HORIZONS = ['return_1', 'return_5', 'return_10', 'return_20'] as const;
export type RiskHorizon = (typeof RISK_HORIZONS)[number];

/** What scenario generation needs from a model bundle. */
export type ScenarioModel = Pick<ModelBundle, 'glow' | 'scaler' | 'featureNames'>;

export interface ScenarioOptions {
  /** Number of scenarios (rows). */
  num: number;
  /** Temperature T > 0: the latent standard deviation (default 1). */
  temperature?: number;
  /** Seed of the latent draw (default 0). */
  seed?: number;
}

/** One scenario set: `rows` × names.length values in feature units, row-major. */
export interface ScenarioSet {
  names: string[];
  data: Float64Array;
  rows: number;
  temperature: number;
  seed: number;
  /** Per feature column (in `names` order), values that reached the scaler inverse's ±40σ limit. */
  clamped: number[];
}

/** Draw one seeded scenario set from the model and map it to feature units. */
export function generateScenarios(model: ScenarioModel, options: ScenarioOptions): ScenarioSet {
  const { num } = options;
  const temperature = options.temperature ?? 1;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(num) || num < 1) throw new RangeError(`scenarios: num must be a positive integer, got ${num}`);
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || !(temperature > 0)) {
    throw new RangeError(`scenarios: temperature must be a finite number > 0, got ${temperature}`);
  }
  if (!Number.isInteger(seed)) throw new RangeError(`scenarios: seed must be an integer, got ${seed}`);
  const d = model.featureNames.length;
  if (model.glow.features !== d || model.scaler.mean.length !== d) {
    throw new Error(`scenarios: the model has ${model.glow.features} inputs and ${model.scaler.mean.length} scaler columns ` +
      `but ${d} feature names`);
  }
  const scaled = model.glow.sample(num, { temperature, seed });
  const limit = model.scaler.clip * Math.tanh(MAX_STANDARD_SCORE / model.scaler.clip);
  const clamped = new Array<number>(d).fill(0);
  for (let k = 0; k < scaled.length; k++) {
    const y = scaled[k];
    if (!Number.isFinite(y)) {
      throw new Error(`scenarios: the flow produced ${y} in scenario ${Math.floor(k / d)}, feature ` +
        `${model.featureNames[k % d]} (temperature ${temperature}, seed ${seed})`);
    }
    if (Math.abs(y) >= limit) clamped[k % d]++;
  }
  const data = unscaleFeatures(model.scaler, scaled);
  return { names: [...model.featureNames], data, rows: num, temperature, seed, clamped };
}

/** One column of a scenario set, by feature name. */
export function scenarioColumn(set: ScenarioSet, name: string): Float64Array {
  const j = set.names.indexOf(name);
  if (j < 0) throw new Error(`scenarios have no feature "${name}" (they have ${set.names.join(', ')})`);
  const d = set.names.length;
  const out = new Float64Array(set.rows);
  for (let i = 0; i < set.rows; i++) out[i] = set.data[i * d + j];
  return out;
}

/** The report of every risk horizon, all from this one set. */
export function horizonRisk(set: ScenarioSet): Record<RiskHorizon, ReturnRisk> {
  const out = {} as Record<RiskHorizon, ReturnRisk>;
  for (const h of RISK_HORIZONS) out[h] = returnRisk(scenarioColumn(set, h), `scenario ${h}`);
  return out;
}

/** Per horizon, how many sampled returns reached the scaler inverse's ±40σ limit. */
export function clampedReturns(set: ScenarioSet): Record<RiskHorizon, number> {
  const out = {} as Record<RiskHorizon, number>;
  for (const h of RISK_HORIZONS) out[h] = set.clamped[set.names.indexOf(h)] ?? 0;
  return out;
}

/** Per horizon, how many sampled returns lie below −1 (impossible for a price). */
export function returnsBelowMinusOne(set: ScenarioSet): Record<RiskHorizon, number> {
  const out = {} as Record<RiskHorizon, number>;
  for (const h of RISK_HORIZONS) out[h] = scenarioColumn(set, h).filter((r) => r < -1).length;
  return out;
}

/** CSV text: the feature names as header, one scenario per line, shortest round-trip numbers. */
export function scenariosToCsv(set: ScenarioSet): string {
  const d = set.names.length;
  const lines = [set.names.join(',')];
  for (let i = 0; i < set.rows; i++) {
    const row = new Array<string>(d);
    for (let j = 0; j < d; j++) row[j] = String(set.data[i * d + j]);
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}
