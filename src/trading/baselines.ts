/**
 * @fileoverview The baselines every strategy must beat, as positions DECIDED at each close (the
 * engine's convention: held over the next bar), to be run through backtestPositions with the same
 * costs as the strategy:
 *
 *   buy & hold      decision 1 at every close (pays the entry cost once, like any strategy).
 *   vol target      long-only EWMA volatility targeting with a rebalance band:
 *                   σ²_t = λ σ²_{t−1} + (1 − λ) r_t² (r_t = log c_t / c_{t−1}, RiskMetrics λ = 0.94,
 *                   seeded with r_1²); target = the given per-bar volatility, or else the running
 *                   mean of σ over the bars seen so far (no look-ahead; exposure then averages about
 *                   1); exposure = clamp(target / σ_t, 0, max), max 1 by default (no leverage); the
 *                   decision changes only when the new exposure differs from the held one by more
 *                   than `band` (default 0.1), which keeps costs down. Warm-up (fewer than
 *                   `warmup` returns, default 20): decision 1, i.e. buy & hold.
 *   momentum        20-bar time-series momentum: long (1) when c_t > c_{t−L}, else flat (0), or
 *                   short (−1) with longShort; flat for the first L rows.
 * Measured on real hourly markets, vol targeting keeps about 0.8× buy & hold's Sharpe (issue 14).
 */
import { backtestPositions, type BacktestResult } from './backtest.js';
import type { EqualRisk } from './equal-risk.js';
import type { HonestStats } from './honest-stats.js';
import type { MetricNotes, Metrics } from './metrics.js';

export interface VolTargetOptions {
  lambda?: number;
  /** Target volatility per bar; default the running mean of the EWMA volatility. */
  targetVol?: number;
  maxExposure?: number;
  band?: number;
  warmup?: number;
}

export const DEFAULT_EWMA_LAMBDA = 0.94;
export const DEFAULT_REBALANCE_BAND = 0.1;
export const DEFAULT_MOMENTUM_LOOKBACK = 20;

/** Buy & hold: 1 at every close. */
export function buyAndHoldDecisions(n: number): Float64Array {
  return new Float64Array(n).fill(1);
}

/** EWMA volatility-targeted buy & hold with a rebalance band (see the file comment). */
export function volTargetDecisions(closes: ArrayLike<number>, opts: VolTargetOptions = {}): Float64Array {
  const lambda = opts.lambda ?? DEFAULT_EWMA_LAMBDA;
  const max = opts.maxExposure ?? 1;
  const band = opts.band ?? DEFAULT_REBALANCE_BAND;
  const warmup = opts.warmup ?? 20;
  if (!(lambda > 0 && lambda < 1)) throw new RangeError(`vol target: lambda must lie in (0, 1), got ${lambda}`);
  if (!(max > 0) || !Number.isFinite(max)) throw new RangeError(`vol target: maxExposure must be a finite number > 0, got ${max}`);
  if (!(band >= 0)) throw new RangeError(`vol target: band must be ≥ 0, got ${band}`);
  if (opts.targetVol !== undefined && !(opts.targetVol > 0)) throw new RangeError(`vol target: targetVol must be > 0, got ${opts.targetVol}`);
  if (!(Number.isInteger(warmup) && warmup >= 1)) throw new RangeError(`vol target: warmup must be a whole number ≥ 1, got ${warmup}`);
  const n = closes.length;
  const out = new Float64Array(n);
  let variance = NaN, sumSigma = 0, held = 1;
  for (let t = 0; t < n; t++) {
    if (t > 0) {
      const r = Math.log(closes[t] / closes[t - 1]);
      variance = Number.isNaN(variance) ? r * r : lambda * variance + (1 - lambda) * r * r;
      sumSigma += Math.sqrt(variance);
    }
    if (t < warmup) { out[t] = held = 1; continue; }
    const sigma = Math.sqrt(variance);
    const target = opts.targetVol ?? sumSigma / t;
    const want = sigma > 0 ? Math.min(max, Math.max(0, target / sigma)) : max;
    if (Math.abs(want - held) > band) held = want;
    out[t] = held;
  }
  return out;
}

/** Time-series momentum over `lookback` bars (see the file comment). */
export function momentumDecisions(closes: ArrayLike<number>, lookback = DEFAULT_MOMENTUM_LOOKBACK, longShort = false): Float64Array {
  if (!(Number.isInteger(lookback) && lookback >= 1)) throw new RangeError(`momentum: lookback must be a whole number ≥ 1, got ${lookback}`);
  const out = new Float64Array(closes.length);
  for (let t = lookback; t < closes.length; t++) out[t] = closes[t] > closes[t - lookback] ? 1 : longShort ? -1 : 0;
  return out;
}

export interface BaselineInput {
  timestamps: ArrayLike<number>;
  closes: ArrayLike<number>;
  periodsPerYear: number;
  fee?: number;
  slippage?: number;
  capital?: number;
  trials?: number;
  volTarget?: VolTargetOptions;
  momentumLookback?: number;
}

/** The three baselines backtested on the same bars with the same costs. */
export function runBaselines(input: BaselineInput): { buyAndHold: BacktestResult; volTarget: BacktestResult; momentum: BacktestResult } {
  const run = (decisions: Float64Array) => backtestPositions({
    timestamps: input.timestamps, closes: input.closes, decisions, periodsPerYear: input.periodsPerYear,
    fee: input.fee, slippage: input.slippage, capital: input.capital, trials: input.trials,
  });
  return {
    buyAndHold: run(buyAndHoldDecisions(input.closes.length)),
    volTarget: run(volTargetDecisions(input.closes, input.volTarget)),
    momentum: run(momentumDecisions(input.closes, input.momentumLookback)),
  };
}

/** The baselines' display names, keyed as runBaselines returns them. */
export const BASELINE_NAMES = { buyAndHold: 'buy & hold', volTarget: 'EWMA vol target', momentum: '20-bar momentum' } as const;
export type BaselineKey = keyof typeof BASELINE_NAMES;
export type Baselines = Record<BaselineKey, BacktestResult>;

/** The three baselines on the bars of `result`, with its costs and trial count (default: the result's). */
export function baselinesOf(result: BacktestResult, trials?: number): Baselines {
  return runBaselines({
    timestamps: result.series.timestamp, closes: result.series.close, periodsPerYear: result.periodsPerYear,
    fee: result.fee, slippage: result.slippage, capital: result.capital, trials: trials ?? result.honest.trials,
  });
}

/** One baseline as `backtest --json` prints it. */
export interface BaselineSummary { metrics: Metrics; notes: MetricNotes; honest: HonestStats; equalRisk: EqualRisk; finalEquity: number }

/** The baselines as `backtest --json` prints them: per key, metrics, notes, honest statistics, equal risk, final equity. */
export function baselineSummaries(baselines: Baselines): Record<BaselineKey, BaselineSummary> {
  return Object.fromEntries((Object.keys(BASELINE_NAMES) as BaselineKey[]).map((k) => [k, {
    metrics: baselines[k].metrics, notes: baselines[k].notes.strategy, honest: baselines[k].honest,
    equalRisk: baselines[k].equalRisk, finalEquity: baselines[k].finalEquity,
  }])) as Record<BaselineKey, BaselineSummary>;
}
