/**
 * @fileoverview ReportData from what the product computes: a model bundle, a backtest of it, and
 * (optionally) one scenario set with its per-horizon risk. The one place that maps backtest
 * series, training history, latents and scenarios onto the report's plain structure, used by the
 * `report` and `demo` commands alike.
 */
import { minuteTime } from '../data/time.js';
import type { ModelBundle } from '../trading/bundle.js';
import type { RunBacktestResult } from '../trading/run-backtest.js';
import { METRIC_LABELS, METRIC_NAMES, type MetricName } from '../trading/metrics.js';
import { RISK_HORIZONS, scenarioColumn, type RiskHorizon, type ScenarioSet } from '../risk/scenarios.js';
import type { ReturnRisk } from '../risk/var.js';
import type { MetricFormat, ReportData, ReportSummaryItem } from './types.js';

export interface ReportInputs {
  bundle: ModelBundle;
  backtest: RunBacktestResult;
  scenarios?: { set: ScenarioSet; risk: Record<RiskHorizon, ReturnRisk> };
  title?: string;
  subtitle?: string;
  /** Extra summary lines (data source, seed, files…), shown after the model's own. */
  summary?: ReportSummaryItem[];
  notes?: string[];
  /** Clock for `generatedAt` (tests pin it). */
  now?: () => number;
}

const FORMATS: Record<MetricName, MetricFormat> = {
  totalReturn: 'pct', cagr: 'pct', sharpe: 'num', sortino: 'num', maxDrawdown: 'pct', calmar: 'num',
  winRate: 'pct', profitFactor: 'num', trades: 'int', exposure: 'pct', turnover: 'num',
};
const HORIZON_TITLES: Record<RiskHorizon, string> = { return_1: '1 bar', return_5: '5 bars', return_10: '10 bars', return_20: '20 bars' };
const iso = minuteTime;

export function reportDataFromRun(input: ReportInputs): ReportData {
  const { bundle, backtest: bt } = input;
  const s = bt.series;
  const cfg = bundle.glow.config;
  const t = bundle.training;
  const n = s.timestamp.length;
  const summary: ReportSummaryItem[] = [
    { label: 'Model', value: `GLOW, d=${cfg.features}, L=${cfg.levels}, K=${cfg.steps}, H=${cfg.hidden}, ${cfg.coupling} coupling, ${bundle.glow.numParameters.toLocaleString('en')} parameters` },
    { label: 'Training rows', value: `${t.train.rows} (${iso(t.train.start)} → ${iso(t.train.end)} UTC), seed ${t.seed}` },
    ...(t.validation ? [{ label: 'Validation rows', value: `${t.validation.rows} (${iso(t.validation.start)} → ${iso(t.validation.end)} UTC)` }] : []),
    { label: 'Backtest', value: `${bt.period.rows} bars, ${iso(bt.period.from)} → ${iso(bt.period.to)} UTC, strategy "${bt.strategy}", ` +
      `costs ${(bt.costRate * 100).toFixed(3)}% per unit traded, capital ${bt.capital.toLocaleString('en')}` },
    ...(input.summary ?? []),
  ];
  const metrics = METRIC_NAMES.map((name) => {
    const note = bt.notes.strategy[name] ?? bt.notes.benchmark[name];
    return {
      name: METRIC_LABELS[name], strategy: bt.metrics[name], benchmark: bt.benchmark[name], format: FORMATS[name],
      ...(note ? { note } : {}),
    };
  });
  const latent = bt.signals.length === n && bundle.glow.features >= 2
    ? { x: bt.signals.map((g) => g.latent[0]), y: bt.signals.map((g) => g.latent[1]), regime: bt.signals.map((g) => g.regime), label: 'z_0 vs z_1 of the backtest bars' }
    : undefined;
  const scenarios = input.scenarios
    ? RISK_HORIZONS.map((h) => {
      const r = input.scenarios!.risk[h];
      return { horizon: HORIZON_TITLES[h], returns: Array.from(scenarioColumn(input.scenarios!.set, h)), var95: r.var95, var99: r.var99, cvar95: r.cvar95, cvar99: r.cvar99 };
    })
    : undefined;
  return {
    title: input.title ?? 'glow-trade report',
    ...(input.subtitle ? { subtitle: input.subtitle } : {}),
    generatedAt: new Date((input.now ?? Date.now)()).toISOString(),
    summary,
    bars: {
      timestamp: Array.from(s.timestamp),
      close: Array.from(s.close),
      position: Array.from(s.decision),
      equity: Array.from(s.equity),
      benchmarkEquity: Array.from(s.benchmarkEquity),
      logLikelihood: Array.from(s.logLikelihood),
      regime: Array.from(s.regime),
    },
    likelihoodThreshold: bundle.strategy.calibration.threshold,
    history: t.history.map((h) => ({ epoch: h.epoch, trainNll: h.trainNll, valNll: h.valNll })),
    ...(latent ? { latents: latent } : {}),
    ...(scenarios ? { scenarios } : {}),
    metrics,
    notes: [...bt.warnings, ...(input.notes ?? [])],
  };
}
