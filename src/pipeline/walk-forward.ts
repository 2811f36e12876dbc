/**
 * @fileoverview Walk-forward evaluation: retrain, then trade the bars that follow, fold after fold.
 *
 * Folds come from planFolds (fold-plan.ts): `trainBars` counts candles, `testBars` and `step` count
 * tested ROWS (feature rows), and the final incomplete window is a fold too. Each fold trains FRESH
 * models on candles [trainFrom, testFrom) — a GLOW model with its strategy calibration
 * (trainOnCandles), or with `conditional` a forecaster (trainForecaster) traded by the forecast
 * strategy (forecast-strategy.ts, contract C1) — each with its own chronological train/validation
 * split, so a fold's models never see its test bars. Test rows' features reach back 20 candles
 * before testFrom, which are past bars.
 *
 * Seeds. With `seeds` [s₁ … s_K] every fold trains K members that differ only in their seed. Each
 * member's positions are stitched across folds like a single model's, and the ENSEMBLE trades the
 * row-wise mean of the members' positions (trading/ensemble.ts). The result is the ensemble's; every
 * member is backtested too, and the spread (min / median / max) of their metrics is reported. The
 * Deflated Sharpe Ratio counts `trials` × K trials: each seed is a try.
 *
 * Stitching. Positions are run through the engine ONCE, so equity compounds across folds and the
 * change of position at a fold boundary pays its costs like any other. The position decided at a
 * fold's last close is held over the next fold's first bar, and is the position the next fold's
 * strategy starts from (`initialPosition`), so a rebalance band carries on across the retraining.
 * When the next fold that runs does not follow on directly (step > testBars, or a `folds` filter
 * skipping folds) the fold's last decision is forced flat, so nothing is held through untested bars.
 *
 * Every fold reports its metrics, its honest statistics (trading/honest-stats.ts) and the baselines'
 * (buy & hold, EWMA vol target, momentum: trading/baselines.ts) on its bars with the same costs; the
 * baselines run once over the stitched bars. Deterministic: every random choice follows the seeds.
 */
import type { EqualRisk } from '../trading/equal-risk.js';
import { sliceCandles, type Candles } from '../data/candles.js';
import { computeFeatures, type FeatureSet } from '../data/features.js';
import type { GlowConfig } from '../model/config.js';
import type { FitOptions } from '../model/fit.js';
import { trainOnCandles } from './train-on-candles.js';
import { trainForecaster, type TrainForecasterOptions } from './train-forecaster.js';
import { planFolds, selectFolds, type FoldPlan, type FoldPlanOptions } from './fold-plan.js';
import { type TimeRange } from '../trading/bundle.js';
import type { Engine } from '../wasm/engine.js';
import { resolveThreads, type ThreadsOption } from '../wasm/pool.js';
import { backtestPositions, DEFAULT_FEE, DEFAULT_SLIPPAGE, honestOfRows, metricsOfRows, type BacktestResult } from '../trading/backtest.js';
import { baselineSummaries, runBaselines, type BaselineKey, type BaselineSummary } from '../trading/baselines.js';
import { averageDecisions, metricSpread, type Spread } from '../trading/ensemble.js';
import { forecastPositions, type ForecastStrategyOptions } from '../trading/forecast-strategy.js';
import type { HonestStats } from '../trading/honest-stats.js';
import type { MetricName, MetricNotes, Metrics } from '../trading/metrics.js';
import { periodsPerYear } from '../trading/metrics.js';
import { forecastPositionsOf, forecastStrategy, getStrategy, type Strategy } from '../trading/registry.js';
import { forecasterContexts } from '../trading/forecaster-bundle.js';
import { decideRows } from '../trading/run-backtest.js';
import type { StrategyOptions } from '../trading/strategy.js';

export { planFolds, selectFolds, type FoldPlan, type FoldPlanOptions } from './fold-plan.js';

export interface WalkForwardOptions extends FoldPlanOptions {
  /** Share of each fold's feature rows used for validation / early stopping (default 0.15). */
  validationFraction?: number;
  /** Seed of a single-model run (default 0); ignored when `seeds` is given. */
  seed?: number;
  /** Ensemble members' seeds (distinct integers); default [seed]. */
  seeds?: number[];
  /** 1-based fold numbers to run (others are skipped); default all. */
  folds?: number[];
  /** Train forecasters and trade the forecast strategy instead of GLOW models and `strategy`. */
  conditional?: boolean;
  /** GLOW model configuration (not conditional). */
  model?: Partial<GlowConfig>;
  /** Training of every model (either kind); `threads` here, or `threads` below. */
  fit?: Omit<FitOptions, 'validation'>;
  /** Forecaster configuration and path length H (conditional). */
  forecaster?: { model?: TrainForecasterOptions['model']; horizon?: number };
  /** Options of the forecast strategy (conditional); its seed defaults to the member's. */
  forecast?: ForecastStrategyOptions;
  /** Strategy calibration options of GLOW models (their seed is the member's). */
  strategyOptions?: StrategyOptions;
  /** A registered strategy's name or a Strategy (default 'glow'; 'forecast' when conditional). */
  strategy?: string | Strategy;
  fee?: number;
  slippage?: number;
  capital?: number;
  engine?: Engine;
  /** Threads of every model's training and inference (the worker pool); default 1. */
  threads?: ThreadsOption;
  /** Configurations tried before this one; the Deflated Sharpe Ratio counts trials × seeds. */
  trials?: number;
  /** Called after each fold has been trained and has decided its positions (for progress). */
  onFold?: (done: number, folds: number) => void;
  /** Called after each member of each fold (for progress). */
  onMember?: (p: { fold: number; done: number; folds: number; member: number; members: number; seed: number; seconds: number; model: FoldModel }) => void;
}

/** What a fold's model was fitted on (feature-row ranges) and how training went. */
export interface FoldModel {
  seed: number;
  train: TimeRange;
  validation: TimeRange | null;
  epochs: number;
  bestEpoch: number;
  stopReason: string;
  /** GLOW models: the strategy's calibrated log-likelihood threshold; null for forecasters. */
  likelihoodThreshold: number | null;
  /** Wall time of training (with calibration) and of deciding the fold's positions. */
  seconds: { train: number; trade: number };
}

export interface BaselineFold { metrics: Metrics; notes: MetricNotes; honest: HonestStats }

export interface WalkForwardFold {
  fold: number;
  /** Candle indices of the fold (planFolds). */
  plan: FoldPlan;
  /** Open times of the first and last training candle, and their count. */
  train: { start: number; end: number; candles: number };
  /** First and last tested bar and the number of tested rows. */
  test: { start: number; end: number; rows: number };
  /** Rows [start, end) of this fold in the stitched series. */
  rows: [number, number];
  /** The first member's model (the only one without an ensemble). */
  model: FoldModel;
  /** The ensemble's (or single model's) metrics and honest statistics on this fold's bars. */
  metrics: Metrics;
  benchmark: Metrics;
  honest: HonestStats;
  notes: { strategy: MetricNotes; benchmark: MetricNotes };
  /** The baselines on this fold's bars, same costs. */
  baselines: Record<BaselineName, BaselineFold>;
  /** Every member's model and metrics on this fold, and their spread. */
  members: Array<{ seed: number; model: FoldModel; metrics: Metrics; notes: MetricNotes }>;
  spread: Record<MetricName, Spread | null>;
  seconds: number;
}

export type BaselineName = BaselineKey;

export interface WalkForwardMember {
  seed: number;
  metrics: Metrics;
  notes: MetricNotes;
  honest: HonestStats;
  /** Its CAGR and buy & hold's at 60% of buy & hold's max drawdown (trading/equal-risk.ts). */
  equalRisk: EqualRisk;
  finalEquity: number;
  /** Stitched decisions of this member (one per tested row). */
  decisions: Float64Array;
}

export interface WalkForwardResult extends BacktestResult {
  strategy: string;
  conditional: boolean;
  window: 'expanding' | 'rolling';
  trainBars: number;
  testBars: number;
  step: number;
  /** Seeds of the members, and the folds planned / run. */
  seeds: number[];
  plannedFolds: number;
  period: { from: number; to: number; rows: number };
  intervalMs: number;
  folds: WalkForwardFold[];
  /** Each member's stitched backtest (one entry without an ensemble: the result itself). */
  members: WalkForwardMember[];
  /** min / median / max of every metric over the members. */
  spread: Record<MetricName, Spread | null>;
  baselines: Record<BaselineName, BaselineSummary>;
  trials: number;
  /** Threads every model trained and ran on (training is reproducible for a given count). */
  threads: number;
  warnings: string[];
  seconds: number;
}

interface MemberFold { decisions: Float64Array; model: FoldModel; logLikelihood?: ArrayLike<number>; regime?: ArrayLike<number> }

function checkSeeds(seeds: readonly number[]): number[] {
  if (seeds.length === 0) throw new RangeError('walk-forward: seeds is empty; give at least one seed');
  for (const s of seeds) if (!Number.isInteger(s) || s < 0) throw new RangeError(`walk-forward: seed ${s} is not an integer ≥ 0`);
  if (new Set(seeds).size !== seeds.length) throw new RangeError(`walk-forward: seeds ${seeds.join(',')} repeat a seed; members must differ`);
  return [...seeds];
}

function fitRecord(seed: number, t: { train: TimeRange; validation: TimeRange | null },
  fit: { history: unknown[]; bestEpoch: number; stopReason: string }, threshold: number | null, t0: number, t1: number): FoldModel {
  return {
    seed, train: t.train, validation: t.validation, epochs: fit.history.length, bestEpoch: fit.bestEpoch, stopReason: fit.stopReason, likelihoodThreshold: threshold,
    seconds: { train: (t1 - t0) / 1000, trade: (performance.now() - t1) / 1000 },
  };
}

export function walkForward(candles: Candles, options: WalkForwardOptions): WalkForwardResult {
  const t0 = performance.now();
  const features: FeatureSet = computeFeatures(candles);
  const plan = planFolds(candles.timestamp, { ...options, rowIndex: features.index });
  const run = selectFolds(plan, options.folds);
  const window = options.window ?? 'expanding';
  const vf = options.validationFraction ?? 0.15;
  const seeds = checkSeeds(options.seeds ?? [options.seed ?? 0]);
  const conditional = options.conditional ?? false;
  const strategy = typeof options.strategy === 'object' ? options.strategy : getStrategy(options.strategy ?? (conditional ? 'forecast' : 'glow'));
  if (conditional && !strategy.forecastPositions) {
    throw new RangeError(`walk-forward: a conditional run trains forecasters; strategy "${strategy.name}" trades on GLOW models only (use "forecast" or a strategy with forecastPositions)`);
  }
  if (!conditional && !strategy.positions) {
    throw new RangeError(`walk-forward: strategy "${strategy.name}" trades on forecaster files only; add conditional (--conditional) to train forecasters`);
  }
  const trials = (options.trials ?? 1) * seeds.length;
  const fit: Omit<FitOptions, 'validation'> = { ...options.fit, ...(options.threads !== undefined ? { threads: options.threads } : {}) };
  const split = { train: 1 - vf, validation: vf };

  /** One member's positions on fold f's rows, starting from `held`. */
  const decide = (f: FoldPlan, seed: number, held: number): MemberFold => {
    const train = sliceCandles(candles, f.trainFrom, f.testFrom);
    const t0 = performance.now();
    if (conditional) {
      const { bundle, fit: r } = trainForecaster(train, {
        seed, horizon: options.forecaster?.horizon, model: options.forecaster?.model, fit, split, engine: options.engine, strategy: options.forecast,
      });
      const t1 = performance.now();
      try {
        // candles up to the fold's last tested bar: the strategy cannot look further
        const upTo = sliceCandles(candles, 0, f.testTo);
        const o = { seed, threads: options.threads, ...options.forecast, initialPosition: held, fee: options.fee, slippage: options.slippage };
        const out = forecastPositions(bundle, upTo, { a: f.rowFrom, b: f.rowTo }, o);
        let decisions = out.decisions;
        if (strategy !== forecastStrategy) {
          const { contexts, width } = forecasterContexts(bundle, upTo);
          decisions = forecastPositionsOf(strategy, {
            bundle, candles: upTo, rowStart: f.rowFrom, rowEnd: f.rowTo, rows: f.rowTo - f.rowFrom, contextNames: bundle.contextNames,
            contexts: contexts.slice(f.rowFrom * width, f.rowTo * width), forecast: out.outputs, timestamps: out.timestamps,
            candleIndex: features.index.slice(f.rowFrom, f.rowTo), fee: options.fee ?? DEFAULT_FEE, slippage: options.slippage ?? DEFAULT_SLIPPAGE,
            initialPosition: held,
          });
        }
        if (decisions.length !== f.rowTo - f.rowFrom) {
          throw new Error(`walk-forward: the forecast strategy decided ${decisions.length} rows of fold ${f.fold}, expected ${f.rowTo - f.rowFrom}`);
        }
        return { decisions: Float64Array.from(decisions), model: fitRecord(seed, bundle.training, r, null, t0, t1) };
      } finally {
        bundle.model.close();
      }
    }
    const { bundle, fit: r } = trainOnCandles(train, {
      seed, model: options.model, fit, strategy: { ...options.strategyOptions, seed }, engine: options.engine, split,
    });
    const t1 = performance.now();
    try {
      const { context, decisions } = decideRows(bundle, candles, features, f.rowFrom, f.rowTo, strategy, held);
      return {
        decisions, model: fitRecord(seed, bundle.training, r, bundle.strategy.calibration.threshold, t0, t1),
        logLikelihood: context.signals.map((s) => s.logLikelihood), regime: context.signals.map((s) => s.regime),
      };
    } finally {
      bundle.glow.close();
    }
  };

  const K = seeds.length;
  const memberDecisions: number[][] = seeds.map(() => []);
  const ts: number[] = [], closes: number[] = [], ll: number[] = [], regimes: number[] = [];
  const pending: Array<Pick<WalkForwardFold, 'fold' | 'plan' | 'train' | 'test' | 'rows' | 'model' | 'seconds'> & { models: FoldModel[] }> = [];
  for (const [j, f] of run.entries()) {
    const f0 = performance.now();
    // consecutive in rows: the previous fold that ran ends where this one starts
    const followsPrevious = j > 0 && run[j - 1].rowTo === f.rowFrom;
    const followedByNext = j + 1 < run.length && run[j + 1].rowFrom === f.rowTo;
    const models: FoldModel[] = [];
    for (const [m, seed] of seeds.entries()) {
      const m0 = performance.now();
      const own = memberDecisions[m];
      const out = decide(f, seed, followsPrevious ? own[own.length - 1] : 0);
      if (!followedByNext && j + 1 < run.length) out.decisions[out.decisions.length - 1] = 0;
      for (const d of out.decisions) own.push(d);
      if (m === 0) {
        for (let r = f.rowFrom; r < f.rowTo; r++) {
          ts.push(features.timestamps[r]);
          closes.push(candles.close[features.index[r]]);
        }
        // the log-likelihood and regime columns of the equity file: a single GLOW model's only
        for (let i = 0; i < out.decisions.length; i++) {
          ll.push(K === 1 && out.logLikelihood ? out.logLikelihood[i] : NaN);
          regimes.push(K === 1 && out.regime ? out.regime[i] : -1);
        }
      }
      models.push(out.model);
      options.onMember?.({ fold: f.fold, done: j + 1, folds: run.length, member: m + 1, members: K, seed, seconds: (performance.now() - m0) / 1000, model: out.model });
    }
    const first = ts.length - (f.rowTo - f.rowFrom);
    pending.push({
      fold: f.fold, plan: f,
      train: { start: candles.timestamp[f.trainFrom], end: candles.timestamp[f.testFrom - 1], candles: f.testFrom - f.trainFrom },
      test: { start: features.timestamps[f.rowFrom], end: features.timestamps[f.rowTo - 1], rows: f.rowTo - f.rowFrom },
      rows: [first, ts.length], model: models[0], models, seconds: (performance.now() - f0) / 1000,
    });
    options.onFold?.(j + 1, run.length);
  }

  const P = periodsPerYear(features.intervalMs);
  const engineInput = { timestamps: ts, closes, periodsPerYear: P, fee: options.fee, slippage: options.slippage, capital: options.capital };
  const ensemble = averageDecisions(memberDecisions);
  const result = backtestPositions({ ...engineInput, decisions: ensemble, trials, logLikelihood: ll, regime: regimes });
  const memberRuns = K === 1 ? [result] : memberDecisions.map((d) => backtestPositions({ ...engineInput, decisions: d, trials }));
  const members: WalkForwardMember[] = memberRuns.map((b, m) => ({
    seed: seeds[m], metrics: b.metrics, notes: b.notes.strategy, honest: b.honest, equalRisk: b.equalRisk, finalEquity: b.finalEquity, decisions: b.series.decision,
  }));
  const base = runBaselines({ ...engineInput, trials: options.trials ?? 1 });
  const baselineNames = Object.keys(base) as BaselineName[];
  const folds: WalkForwardFold[] = pending.map(({ models, ...f }) => {
    const [a, b] = f.rows;
    const { strategy: st, benchmark } = metricsOfRows(result.series, result.trades, a, b, P);
    const memberFolds = memberRuns.map((mr, m) => {
      const { strategy: ms } = metricsOfRows(mr.series, mr.trades, a, b, P);
      return { seed: seeds[m], model: models[m], metrics: ms.metrics, notes: ms.notes };
    });
    const baselines = Object.fromEntries(baselineNames.map((name) => {
      const r = base[name];
      const { strategy: bs } = metricsOfRows(r.series, r.trades, a, b, P);
      return [name, { metrics: bs.metrics, notes: bs.notes, honest: honestOfRows(r.series, a, b, P, { trials: options.trials ?? 1 }) }];
    })) as Record<BaselineName, BaselineFold>;
    return {
      ...f, metrics: st.metrics, benchmark: benchmark.metrics, honest: honestOfRows(result.series, a, b, P, { trials }),
      notes: { strategy: st.notes, benchmark: benchmark.notes }, baselines, members: memberFolds,
      spread: metricSpread(memberFolds.map((m) => m.metrics)),
    };
  });
  const baselines = baselineSummaries(base);
  return {
    ...result, strategy: strategy.name, conditional, window, trainBars: options.trainBars, testBars: options.testBars,
    step: options.step ?? options.testBars, seeds, plannedFolds: plan.length,
    period: { from: ts[0], to: ts[ts.length - 1], rows: ts.length }, intervalMs: features.intervalMs, folds,
    members, spread: metricSpread(members.map((m) => m.metrics)), baselines, trials, threads: resolveThreads(options.threads ?? options.fit?.threads), warnings: [],
    seconds: (performance.now() - t0) / 1000,
  };
}
