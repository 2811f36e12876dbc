/**
 * @fileoverview The `forecast` strategy (issue 14): positions from the forecaster's predictive
 * distribution at each close (forecast-outputs.ts gives E[R_h], std, CVaR 95%, P(R_h > ±c)).
 *
 * Rule, per tested row i (all inputs known at its close):
 *   risk_i   = CVaR95(R_h) or std(R_h), as options.risk says
 *   target   = targetFraction × the median of that risk over the TRAINING rows (stored in the model
 *              file at training time: calibrateForecastStrategy)
 *   base_i   = target ÷ risk_i                              (risk budgeting)
 *   c        = minEdge × (fee + slippage)                   (the cost hurdle)
 *   score_i  = tilt 'mean': (E[R_h] ∓ c) ÷ std(R_h) when |E[R_h]| > c, else 0 (the predicted h-bar
 *                           Sharpe net of the hurdle)
 *              tilt 'prob': P(R_h > c) − P(R_h < −c) when either exceeds ½ (the median return clears
 *                           the hurdle), else 0
 *              tilt 'none': 0
 *   exposure_i = clamp(base_i × (1 + tiltStrength × score_i), lo, maxPosition), lo = 0 long-only,
 *                −maxPosition long-short
 *   decision_i = exposure_i through the rebalance band (rebalance.ts): trade only when the target
 *                moves further than `band` from the held position.
 * The target is a training-period quantity, so no tested bar informs another's exposure; the band is
 * a left-to-right scan: decisions ≤ t never depend on candles after t.
 */
import type { Candles } from '../data/candles.js';
import { ConditionalGlow } from '../model/conditional-glow.js';
import { quantileSorted } from '../risk/stats.js';
import { resolveThreads } from '../wasm/pool.js';
import { DEFAULT_FEE, DEFAULT_SLIPPAGE } from './backtest.js';
import { commonDrawSampler, forecastStatistics, type ForecastStatistics } from './forecast-outputs.js';
import {
  resolveForecastOptions, trainingRiskLevel, type ForecastCalibration, type ForecastStrategyOptions, type ResolvedForecastOptions,
} from './forecast-options.js';
import { forecasterContexts, type ForecasterBundle } from './forecaster-bundle.js';
import { applyRebalanceBand } from './rebalance.js';
import { scenarioRiskSync } from '../risk/scenario-risk.js';

export type { ForecastStrategyOptions, ForecastCalibration, ResolvedForecastOptions } from './forecast-options.js';

/** What the strategy saw and chose at each tested row (one entry per row). */
export interface ForecastOutputs {
  /** Bar open time of each row (the decision is made at its close). */
  timestamps: Float64Array;
  horizon: number;
  mean: Float64Array;
  std: Float64Array;
  cvar95: Float64Array;
  /** P(R_h > c), c the cost hurdle. */
  probAboveCost: Float64Array;
  /** P(R_h < −c). */
  probBelowCost: Float64Array;
  /** The target exposure BEFORE the rebalance band (the decision is this through the band). */
  exposure: Float64Array;
  /** The risk target (targetFraction × the training median) and the cost hurdle c used. */
  target: number;
  hurdle: number;
  /** The options in force (stored defaults, then what the caller gave). */
  options: ResolvedForecastOptions;
}

/** Rows of a calibration at most: the median of a predicted risk is stable long before this. */
export const MAX_CALIBRATION_ROWS = 1000;

/** The cost hurdle c = minEdge × (fee + slippage). */
export function costHurdle(minEdge: number, fee = DEFAULT_FEE, slippage = DEFAULT_SLIPPAGE): number {
  return minEdge * (fee + slippage);
}

/** The tilt score of one row (see the file comment); 0 unless the edge clears the hurdle. */
export function tiltScore(s: Pick<ForecastStatistics, 'mean' | 'std' | 'probAboveCost' | 'probBelowCost'>, i: number, tilt: ResolvedForecastOptions['tilt'], hurdle: number): number {
  if (tilt === 'mean') {
    const m = s.mean[i];
    // an overflowed mean or std says nothing about direction
    if (!(Math.abs(m) > hurdle) || !(s.std[i] > 0) || !Number.isFinite(m) || !Number.isFinite(s.std[i])) return 0;
    return (m - Math.sign(m) * hurdle) / s.std[i];
  }
  if (tilt === 'prob') {
    const up = s.probAboveCost[i], down = s.probBelowCost[i];
    return up > 0.5 || down > 0.5 ? up - down : 0;
  }
  return 0;
}

/**
 * Target exposures (before the band) from per-row statistics: pure arithmetic, see the file comment.
 * A row whose predicted risk is 0 gets the largest exposure the side allows.
 */
export function forecastExposures(
  s: Pick<ForecastStatistics, 'mean' | 'std' | 'cvar95' | 'probAboveCost' | 'probBelowCost'>, target: number, hurdle: number,
  o: Pick<ResolvedForecastOptions, 'risk' | 'tilt' | 'tiltStrength' | 'maxPosition' | 'longShort'>,
): Float64Array {
  const n = s.mean.length;
  const out = new Float64Array(n);
  const lo = o.longShort ? -o.maxPosition : 0;
  for (let i = 0; i < n; i++) {
    // A heavy upper tail can overflow a row's std (and mean) to Infinity or NaN: infinite risk, no base.
    const r = o.risk === 'cvar' ? s.cvar95[i] : s.std[i];
    const risk = Number.isNaN(r) ? Infinity : r;
    const base = risk > 0 ? target / risk : Infinity;
    const m = 1 + o.tiltStrength * tiltScore(s, i, o.tilt, hurdle);
    const x = base * m;
    // Infinity × 0 (a riskless row with a cancelling tilt) is no position.
    out[i] = Number.isNaN(x) ? 0 : Math.min(o.maxPosition, Math.max(lo, x));
  }
  return out;
}

/** The bundle's model on `threads` threads: itself, or a copy (close it after use) when the count differs. */
function onThreads(bundle: ForecasterBundle, threads: ForecastStrategyOptions['threads']): { bundle: ForecasterBundle; close(): void } {
  if (threads === undefined || resolveThreads(threads) === bundle.model.threads) return { bundle, close: () => {} };
  const model = ConditionalGlow.fromBytes(bundle.model.toBytes(), { threads: resolveThreads(threads) });
  return { bundle: { ...bundle, model }, close: () => model.close() };
}

/**
 * The strategy section of a forecaster: the options (defaults over `options`) and the median
 * predicted std and CVaR 95% of R_h, h = 1 … H, over the TRAINING context rows given (a regular
 * subsample of at most MAX_CALIBRATION_ROWS of them), from `scenarios` draws per row.
 */
export function calibrateForecastStrategy(
  bundle: Pick<ForecasterBundle, 'model' | 'horizon' | 'targetScale'>, trainingContexts: Float32Array, options: ForecastStrategyOptions = {},
): ForecastCalibration {
  const opts = resolveForecastOptions(bundle.horizon, options);
  const C = bundle.model.contextWidth;
  const rows = trainingContexts.length / C;
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`calibrateForecastStrategy: ${trainingContexts.length} values are not whole context rows of width ${C}`);
  const take = Math.min(rows, MAX_CALIBRATION_ROWS);
  const picked = new Float32Array(take * C);
  for (let k = 0; k < take; k++) {
    const r = Math.floor((k * rows) / take);
    picked.set(trainingContexts.subarray(r * C, (r + 1) * C), k * C);
  }
  const horizons = Array.from({ length: bundle.horizon }, (_, i) => i + 1);
  const risk = scenarioRiskSync({
    sample: commonDrawSampler(bundle, opts.seed), contexts: picked, contextWidth: C, pathLength: bundle.horizon, bars: Int32Array.from({ length: take }, (_, k) => k),
    horizons, scenarios: opts.scenarios, seed: opts.seed, scale: bundle.targetScale,
  });
  // A draw far in the Student-t's upper tail can overflow R_h (and so its row's std) to Infinity or
  // NaN: such a row counts as an infinitely risky one, which moves a median by one rank at most.
  const median = (v: Float64Array, what: string) => {
    const m = quantileSorted(Float64Array.from(v, (x) => (Number.isNaN(x) ? Infinity : x)).sort(), 0.5);
    if (!(m > 0 && Number.isFinite(m))) throw new RangeError(`calibrateForecastStrategy: the median ${what} over the training rows is ${m}, expected a finite number > 0`);
    return m;
  };
  return {
    options: opts,
    trainingRisk: {
      std: risk.horizons.map((h) => median(h.std, `std of R_${h.horizon}`)),
      cvar95: risk.horizons.map((h) => median(h.cvar95, `CVaR95 of R_${h.horizon}`)),
    },
    rows: take, scenarios: opts.scenarios, seed: opts.seed,
  };
}

/** The bundle's stored strategy section, or an error that says how to get one. */
export function forecastCalibrationOf(bundle: ForecasterBundle): ForecastCalibration {
  if (!bundle.strategy) {
    throw new Error('this forecaster file has no strategy section (it was written before the forecast strategy existed): ' +
      'train it again with "glow-trade train --conditional", or give candles covering its training range');
  }
  return bundle.strategy;
}

/**
 * The forecast strategy's decisions on the forecaster's context rows [a, b) of `candles`
 * (`forecasterContexts(bundle, candles)` rows): decisions[i] is the position decided at the close of
 * row a + i, held over the next bar.
 */
export function forecastPositions(
  bundle: ForecasterBundle, candles: Candles, rows: { a: number; b: number },
  options: ForecastStrategyOptions & { initialPosition?: number; fee?: number; slippage?: number; onProgress?: (done: number, total: number) => void } = {},
): { decisions: Float64Array; outputs: ForecastOutputs; timestamps: Float64Array; closes: Float64Array } {
  const cal = forecastCalibrationOf(bundle);
  const o = resolveForecastOptions(bundle.horizon, cal.options, options);
  const { features, contexts, width } = forecasterContexts(bundle, candles);
  const { a, b } = rows;
  if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b > a && b <= features.rows)) {
    throw new RangeError(`forecastPositions: rows [${a}, ${b}) are not a non-empty range of the ${features.rows} context rows`);
  }
  const hurdle = costHurdle(o.minEdge, options.fee, options.slippage);
  const target = o.targetFraction * trainingRiskLevel(cal, o.horizon, o.risk);
  const bars = features.index.slice(a, b);
  const run = onThreads(bundle, options.threads);
  let stats: ForecastStatistics;
  try {
    stats = forecastStatistics(run.bundle, {
      contexts: contexts.subarray(a * width, b * width), bars, horizon: o.horizon, scenarios: o.scenarios, seed: o.seed, hurdle, onProgress: options.onProgress,
    });
  } finally {
    run.close();
  }
  const exposure = forecastExposures(stats, target, hurdle, o);
  const decisions = applyRebalanceBand(exposure, o.band, { initial: options.initialPosition ?? 0 });
  const timestamps = features.timestamps.slice(a, b);
  const closes = Float64Array.from(bars, (t) => candles.close[t]);
  const { horizon, mean, std, cvar95, probAboveCost, probBelowCost } = stats;
  return { decisions, outputs: { timestamps, horizon, mean, std, cvar95, probAboveCost, probBelowCost, exposure, target, hurdle, options: o }, timestamps, closes };
}
