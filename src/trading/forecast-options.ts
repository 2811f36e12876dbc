/**
 * @fileoverview Options of the `forecast` strategy (forecast-strategy.ts): their defaults, their
 * validation, and the strategy section a forecaster file stores — the options chosen at training time
 * and the training-period risk levels the exposure target is a fraction of — checked on load like
 * the GLOW sections of bundle-checks.ts.
 *
 * Defaults: chosen on the VALIDATION rows of btcusdt_1h only (docs/forecast-strategy.md has the
 * table): never on a test period.
 */
import { JsonChecks } from '../util/json-checks.js';
import type { ThreadsOption } from '../wasm/pool.js';

/** Which predicted h-bar risk the exposure budgets: CVaR 95% (a positive loss) or the std of R_h. */
export type ForecastRiskMeasure = 'cvar' | 'std';
/** The direction tilt: none, the predicted mean E[R_h], or P(R_h > c) − P(R_h < −c). */
export type ForecastTilt = 'none' | 'mean' | 'prob';

export interface ForecastStrategyOptions {
  /** Bars h of the predicted return R_h the strategy reads (1 … the model's path length). */
  horizon?: number;
  /** Allow short positions (the tilt can turn the exposure negative). Default false: long-only. */
  longShort?: boolean;
  /** Largest |exposure|, a fraction of equity (default 1: no leverage). */
  maxPosition?: number;
  /** Rebalance band: keep the held exposure until the target differs from it by more than this. */
  band?: number;
  /** Predicted risk the exposure budgets. */
  risk?: ForecastRiskMeasure;
  /** Target risk = this × the median predicted risk on the training rows. */
  targetFraction?: number;
  tilt?: ForecastTilt;
  /** Tilt multiplier m = 1 + tiltStrength × score (see forecast-strategy.ts). */
  tiltStrength?: number;
  /** Cost hurdle c = minEdge × (fee + slippage): the tilt acts only on an edge beyond it. */
  minEdge?: number;
  /** Scenarios of p(y | c_t) per tested bar. */
  scenarios?: number;
  /** Seed of the scenario draws (bar chunk k uses seed + k). */
  seed?: number;
  /** Threads of the scenario draws (the draws do not depend on it). */
  threads?: ThreadsOption;
}

/** Every option but threads (a property of the machine, not of the strategy), filled in. */
export type ResolvedForecastOptions = Required<Omit<ForecastStrategyOptions, 'threads'>>;

export const FORECAST_RISK_MEASURES = ['cvar', 'std'] as const;
export const FORECAST_TILTS = ['none', 'mean', 'prob'] as const;

/** Defaults (see the file comment and docs/forecast-strategy.md). */
export const DEFAULT_FORECAST_OPTIONS: Readonly<ResolvedForecastOptions> = Object.freeze({
  horizon: 10,
  longShort: false,
  maxPosition: 1,
  band: 0.1,
  risk: 'cvar',
  targetFraction: 1,
  tilt: 'none',
  tiltStrength: 0,
  minEdge: 2,
  scenarios: 256,
  seed: 0,
});

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(`forecast strategy: ${message}`);
}

/**
 * Options over defaults (later ones win; undefined fields do not override), validated against the
 * model's path length H. Names the option and the value when one is wrong.
 */
export function resolveForecastOptions(pathLength: number, ...layers: Array<ForecastStrategyOptions | undefined>): ResolvedForecastOptions {
  const o: Record<string, unknown> = { ...DEFAULT_FORECAST_OPTIONS };
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer ?? {})) if (v !== undefined && k !== 'threads' && k in DEFAULT_FORECAST_OPTIONS) o[k] = v;
  }
  const r = o as ResolvedForecastOptions;
  check(Number.isInteger(r.horizon) && r.horizon >= 1 && r.horizon <= pathLength, `horizon must be a whole number of bars from 1 to ${pathLength} (the model's path length), got ${r.horizon}`);
  check(typeof r.longShort === 'boolean', `longShort must be true or false, got ${r.longShort}`);
  check(r.maxPosition > 0 && Number.isFinite(r.maxPosition), `maxPosition must be a finite number > 0, got ${r.maxPosition}`);
  check(r.band >= 0 && Number.isFinite(r.band), `band must be a finite number ≥ 0, got ${r.band}`);
  check((FORECAST_RISK_MEASURES as readonly string[]).includes(r.risk), `risk must be ${FORECAST_RISK_MEASURES.join(' or ')}, got ${r.risk}`);
  check(r.targetFraction > 0 && Number.isFinite(r.targetFraction), `targetFraction must be a finite number > 0, got ${r.targetFraction}`);
  check((FORECAST_TILTS as readonly string[]).includes(r.tilt), `tilt must be one of ${FORECAST_TILTS.join(', ')}, got ${r.tilt}`);
  check(r.tiltStrength >= 0 && Number.isFinite(r.tiltStrength), `tiltStrength must be a finite number ≥ 0, got ${r.tiltStrength}`);
  check(r.minEdge >= 0 && Number.isFinite(r.minEdge), `minEdge must be a finite number ≥ 0, got ${r.minEdge}`);
  check(Number.isInteger(r.scenarios) && r.scenarios >= 16 && r.scenarios <= 1_000_000, `scenarios must be a whole number from 16 to 1,000,000, got ${r.scenarios}`);
  check(Number.isSafeInteger(r.seed), `seed must be an integer, got ${r.seed}`);
  return { ...r };
}

/**
 * The strategy section of a forecaster file: the options chosen at training time and, per horizon
 * h = 1 … H, the median predicted std and CVaR 95% of R_h over (a regular subsample of) the
 * TRAINING rows — the scale the exposure target is a fraction of, whatever horizon and risk measure
 * are chosen later.
 */
export interface ForecastCalibration {
  options: ResolvedForecastOptions;
  trainingRisk: { std: number[]; cvar95: number[] };
  /** Training rows the medians were taken over, and the draws behind them. */
  rows: number;
  scenarios: number;
  seed: number;
}

/** The training-period risk level of a horizon and measure (what targetFraction multiplies). */
export function trainingRiskLevel(cal: ForecastCalibration, horizon: number, risk: ForecastRiskMeasure): number {
  const v = (risk === 'cvar' ? cal.trainingRisk.cvar95 : cal.trainingRisk.std)[horizon - 1];
  if (!(v > 0)) throw new RangeError(`forecast strategy: no training risk level for horizon ${horizon} (the calibration covers 1…${cal.trainingRisk.std.length})`);
  return v;
}

/** The stored strategy section of a forecaster with path length H, checked field by field. */
export function checkForecastCalibration(source: string, v: unknown, pathLength: number): ForecastCalibration {
  const c = new JsonChecks(`${source}: header section`);
  const o = c.object(v, 'strategy');
  const opt = c.object(o.options, 'strategy.options');
  const risk = c.object(o.trainingRisk, 'strategy.trainingRisk');
  const levels = { length: pathLength, lengthNote: `one per horizon 1…${pathLength}`, above: 0 };
  const p = 'strategy.options';
  const stored: ForecastStrategyOptions = {
    horizon: c.integer(opt.horizon, `${p}.horizon`, 1, pathLength),
    longShort: c.boolean(opt.longShort, `${p}.longShort`),
    maxPosition: c.number(opt.maxPosition, `${p}.maxPosition`, { above: 0 }),
    band: c.number(opt.band, `${p}.band`, { min: 0 }),
    risk: c.oneOf(opt.risk, `${p}.risk`, FORECAST_RISK_MEASURES),
    targetFraction: c.number(opt.targetFraction, `${p}.targetFraction`, { above: 0 }),
    tilt: c.oneOf(opt.tilt, `${p}.tilt`, FORECAST_TILTS),
    tiltStrength: c.number(opt.tiltStrength, `${p}.tiltStrength`, { min: 0 }),
    minEdge: c.number(opt.minEdge, `${p}.minEdge`, { min: 0 }),
    scenarios: c.integer(opt.scenarios, `${p}.scenarios`, 16, 1_000_000),
    seed: c.integer(opt.seed, `${p}.seed`),
  };
  return {
    options: resolveForecastOptions(pathLength, stored),
    trainingRisk: {
      std: c.numbers(risk.std, 'strategy.trainingRisk.std', levels),
      cvar95: c.numbers(risk.cvar95, 'strategy.trainingRisk.cvar95', levels),
    },
    rows: c.integer(o.rows, 'strategy.rows', 1),
    scenarios: c.integer(o.scenarios, 'strategy.scenarios', 1),
    seed: c.integer(o.seed, 'strategy.seed'),
  };
}
