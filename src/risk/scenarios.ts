/**
 * @fileoverview Scenarios: samples of the flow at temperature T (z ~ N(0, T²·I), then the inverse
 * flow) mapped back to feature units by the model's scaler, and the per-horizon risk of ONE such set.
 *
 * The scaler's inverse limits a scaled value at or beyond its soft clip to ±40 training standard
 * deviations (see src/data/scaler.ts). Such values are points the flow put where no training row could
 * be, and a sampled return below −1 is a price below zero. By default (`invalid: 'reject'`) a scenario
 * holding either is an impossible market state: it is dropped and redrawn (further seeded draws), so
 * the set is the flow conditioned on states that can exist, and `rejected` / `draws` say how much mass
 * the flow put outside them — at high temperatures that share is itself the finding. With
 * `invalid: 'keep'` they stay in the set, counted in `clamped` and by `returnsBelowMinusOne`.
 */
import type { ModelBundle } from '../trading/bundle.js';
import { MAX_STANDARD_SCORE, unscaleFeatures } from '../data/scaler.js';
import { returnRisk, type ReturnRisk } from './var.js';
import { mixSeed } from '../util/rng.js';

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
  /** Scenarios beyond the scaler's range or with a return below −1: 'reject' and redraw (default) or 'keep'. */
  invalid?: 'reject' | 'keep';
}

/** One scenario set: `rows` × names.length values in feature units, row-major. */
export interface ScenarioSet {
  names: string[];
  data: Float64Array;
  rows: number;
  temperature: number;
  seed: number;
  /** Per feature column (in `names` order), values of the set that reached the scaler inverse's ±40σ limit. */
  clamped: number[];
  /** Scenarios examined in all (= rows + rejected) and dropped as impossible (0 with `invalid: 'keep'`). */
  draws: number;
  rejected: number;
}

/**
 * Most scenarios in one set. A set is held in memory while it is drawn and mapped to feature units
 * (~500 bytes per scenario at the peak: 2,000,000 scenarios measured 1.0 GB resident), so the cap
 * bounds a run near 2.5 GB; `SCENARIO_BYTES` is that per-scenario figure, for messages.
 */
export const MAX_SCENARIOS = 5_000_000;
export const SCENARIO_BYTES = 500;

/** Draws allowed per requested scenario before giving up on a set that is nearly all impossible (≥ 98% rejected). */
const MAX_DRAWS_PER_SCENARIO = 50;

/** Seed of draw round r: the base seed first, then `mixSeed(seed, r)`. */
export function roundSeed(seed: number, round: number): number {
  return round === 0 ? seed : mixSeed(seed, round);
}

/** Draw one seeded scenario set from the model and map it to feature units. */
export function generateScenarios(model: ScenarioModel, options: ScenarioOptions): ScenarioSet {
  const { num } = options;
  const temperature = options.temperature ?? 1;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(num) || num < 1) throw new RangeError(`scenarios: num must be a positive integer, got ${num}`);
  if (num > MAX_SCENARIOS) {
    throw new RangeError(`scenarios: num must be at most ${MAX_SCENARIOS} (a set is held in memory, about ${SCENARIO_BYTES} bytes ` +
      `per scenario), got ${num}`);
  }
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || !(temperature > 0)) {
    throw new RangeError(`scenarios: temperature must be a finite number > 0, got ${temperature}`);
  }
  if (!Number.isInteger(seed)) throw new RangeError(`scenarios: seed must be an integer, got ${seed}`);
  const d = model.featureNames.length;
  if (model.glow.features !== d || model.scaler.mean.length !== d) {
    throw new Error(`scenarios: the model has ${model.glow.features} inputs and ${model.scaler.mean.length} scaler columns ` +
      `but ${d} feature names`);
  }
  const reject = (options.invalid ?? 'reject') === 'reject';
  const limit = model.scaler.clip * Math.tanh(MAX_STANDARD_SCORE / model.scaler.clip);
  const horizonColumns = RISK_HORIZONS.map((h) => model.featureNames.indexOf(h)).filter((j) => j >= 0);
  const data = new Float64Array(num * d);
  const clamped = new Array<number>(d).fill(0);
  let have = 0, draws = 0, rejected = 0;
  const budget = MAX_DRAWS_PER_SCENARIO * num;
  for (let round = 0; have < num; round++) {
    if (draws >= budget) {
      throw new Error(`scenarios: after ${draws} draws only ${have} of ${num} scenarios are possible market states ` +
        `(${rejected} lay beyond the scaler's range or had a return below −100%); temperature ${temperature} is too high for this model`);
    }
    // Later rounds oversample by the rejection rate seen so far, so one or two rounds usually finish.
    const want = round === 0 ? num : Math.min(budget - draws, Math.ceil(((num - have) * draws) / Math.max(have, 1) * 1.1) + 16);
    const drawSeed = roundSeed(seed, round);
    const scaled = model.glow.sample(want, { temperature, seed: drawSeed });
    for (let k = 0; k < scaled.length; k++) {
      if (!Number.isFinite(scaled[k])) {
        throw new Error(`scenarios: the flow produced ${scaled[k]} in scenario ${Math.floor(k / d)}, feature ` +
          `${model.featureNames[k % d]} (temperature ${temperature}, seed ${drawSeed})`);
      }
    }
    const values = unscaleFeatures(model.scaler, scaled);
    for (let i = 0; i < want && have < num; i++) {
      draws++;
      let beyond = false;
      for (let j = 0; j < d; j++) if (Math.abs(scaled[i * d + j]) >= limit) beyond = true;
      const impossible = horizonColumns.some((j) => values[i * d + j] < -1);
      if (reject && (beyond || impossible)) {
        rejected++;
        continue;
      }
      for (let j = 0; j < d; j++) if (Math.abs(scaled[i * d + j]) >= limit) clamped[j]++;
      data.set(values.subarray(i * d, (i + 1) * d), have * d);
      have++;
    }
  }
  return { names: [...model.featureNames], data, rows: num, temperature, seed, clamped, draws, rejected };
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
  return Array.from(scenarioCsvChunks(set)).join('');
}

/**
 * The CSV of `scenariosToCsv` in pieces of about `rowsPerChunk` lines, for a streamed write: a large
 * set's CSV exceeds the longest string V8 can hold (2,000,000 scenarios are ~600 M characters).
 */
export function* scenarioCsvChunks(set: ScenarioSet, rowsPerChunk = 4096): Generator<string> {
  const d = set.names.length;
  yield set.names.join(',') + '\n';
  const row = new Array<string>(d);
  for (let start = 0; start < set.rows; start += rowsPerChunk) {
    const end = Math.min(set.rows, start + rowsPerChunk);
    const lines = new Array<string>(end - start);
    for (let i = start; i < end; i++) {
      for (let j = 0; j < d; j++) row[j] = String(set.data[i * d + j]);
      lines[i - start] = row.join(',');
    }
    yield lines.join('\n') + '\n';
  }
}
