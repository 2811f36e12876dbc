/**
 * @fileoverview Temperature stress table: VaR/CVaR 95/99 per horizon for a range of latent
 * temperatures. Each temperature gets its own scenario set, drawn with a seed derived
 * deterministically from the base seed and the temperature (recorded in every row), so a row can be
 * reproduced alone with `generateScenarios(model, { num, temperature, seed: row.seed })`.
 *
 * Given the main scenario set (`main`), the row at its temperature IS that set (its seed, its
 * numbers), so the same screen never shows two VaR95 for the same temperature (0.86% beside 0.84%).
 */
import { sortedFinite } from './stats.js';
import { varCvarSorted, type VarCvar } from './var.js';
import {
  clampedReturns, generateScenarios, returnsBelowMinusOne, RISK_HORIZONS, scenarioColumn, type RiskHorizon, type ScenarioModel, type ScenarioSet,
} from './scenarios.js';
import { mixSeed } from '../util/rng.js';

export const STRESS_TEMPERATURES: readonly number[] = [0.5, 0.75, 1, 1.25, 1.5, 2];

export interface StressRow {
  temperature: number;
  /** Seed of this row's scenario set (`stressSeed(seed, temperature)`). */
  seed: number;
  horizons: Record<RiskHorizon, VarCvar>;
  /** Per horizon, sampled returns at the scaler inverse's ±40σ limit (they bound the tail numbers). */
  clamped: Record<RiskHorizon, number>;
  /** Per horizon, sampled returns below −1 (impossible for a price; they inflate VaR/CVaR). */
  belowMinusOne: Record<RiskHorizon, number>;
  /** Scenarios examined for this row's set, and those dropped as impossible market states. */
  draws: number;
  rejected: number;
  /** True for the row that reuses the main scenario set. */
  main: boolean;
}

/**
 * The seed of the stress set at `temperature`: a 32-bit avalanche hash (the murmur3 finaliser) of the
 * base seed (folded to 32 bits) and round(1000·T). Distinct temperatures give unrelated streams; the
 * same (seed, T) always gives the same set.
 */
export function stressSeed(seed: number, temperature: number): number {
  if (!Number.isInteger(seed)) throw new RangeError(`stress seed must be an integer, got ${seed}`);
  return mixSeed(seed, Math.round(temperature * 1000));
}

/**
 * One stress row per temperature, each from its own seeded set of `num` scenarios, except the row at
 * the temperature of `main` (a set of `num` scenarios), which uses that set.
 */
export function stressTable(
  model: ScenarioModel, options: { num: number; seed?: number; temperatures?: readonly number[]; main?: ScenarioSet },
): StressRow[] {
  const base = options.seed ?? 0;
  const { main } = options;
  if (main && main.rows !== options.num) throw new RangeError(`stressTable: the main set has ${main.rows} scenarios, the rows ${options.num}`);
  return (options.temperatures ?? STRESS_TEMPERATURES).map((temperature) => {
    const isMain = main !== undefined && main.temperature === temperature;
    const seed = isMain ? main.seed : stressSeed(base, temperature);
    const set = isMain ? main : generateScenarios(model, { num: options.num, temperature, seed });
    const horizons = {} as Record<RiskHorizon, VarCvar>;
    for (const h of RISK_HORIZONS) horizons[h] = varCvarSorted(sortedFinite(scenarioColumn(set, h), `T=${temperature} ${h}`));
    return {
      temperature, seed, horizons, clamped: clampedReturns(set), belowMinusOne: returnsBelowMinusOne(set),
      draws: set.draws, rejected: set.rejected, main: isMain,
    };
  });
}
