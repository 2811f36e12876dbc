/**
 * @fileoverview ReportData from what the product computes: a model bundle, a backtest of it, and
 * (optionally) one scenario set with its per-horizon risk, the temperature stress table and the
 * out-of-sample VaR test. The one place that maps backtest series, training history, latents,
 * scenarios and risk tables onto the report's plain structure, used by the `report` and `demo`
 * commands alike, and exported as `glow-trade/report`'s `reportDataFromRun`.
 */
import { minuteTime } from '../data/time.js';
import type { ModelBundle } from '../trading/bundle.js';
import type { RunBacktestResult } from '../trading/run-backtest.js';
import { METRIC_LABELS, METRIC_NAMES, type MetricName, type MetricNotes, type Metrics } from '../trading/metrics.js';
import { RISK_HORIZONS, scenarioColumn, type RiskHorizon, type ScenarioSet } from '../risk/scenarios.js';
import type { StressRow } from '../risk/stress.js';
import type { ReturnRisk } from '../risk/var.js';
import type { VarTestResult } from '../risk/var-test.js';
import { formatNumber, formatPercent } from './format.js';
import type { BacktestReportData, MetricFormat, ReportData, ReportMetric, ReportSummaryItem, ReportTable } from './types.js';

export interface ReportInputs {
  bundle: ModelBundle;
  backtest: RunBacktestResult;
  scenarios?: { set: ScenarioSet; risk: Record<RiskHorizon, ReturnRisk> };
  /** The temperature stress table (see risk/stress.ts), shown as a table. */
  stress?: StressRow[];
  /** The out-of-sample VaR test of the scenarios' VaR, shown as a table with its verdicts. */
  varTest?: VarTestResult;
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

/** The stress table: VaR/CVaR per temperature and horizon, the main set's row marked. */
export function stressReportTable(stress: readonly StressRow[]): ReportTable {
  const rows = stress.flatMap((s) => RISK_HORIZONS.map((h, i) => {
    const r = s.horizons[h];
    return [i === 0 ? `${s.temperature}${s.main ? ' (main set)' : ''}` : '', i === 0 ? String(s.seed) : '', HORIZON_TITLES[h],
      formatPercent(r.var95), formatPercent(r.cvar95), formatPercent(r.var99), formatPercent(r.cvar99)];
  }));
  return {
    id: 'stress', title: 'Stress: VaR and CVaR by temperature',
    caption: 'Each temperature T (the spread of the latent draws) is its own seeded scenario set, except the main set\'s row; ' +
      'losses are positive fractions of the price.',
    header: ['T', 'Seed', 'Horizon', 'VaR 95%', 'CVaR 95%', 'VaR 99%', 'CVaR 99%'], rows,
    notes: stress.filter((s) => s.rejected > 0).map((s) => `T = ${s.temperature}: ${s.rejected} of ${s.draws} draws were impossible market states and were redrawn`),
  };
}

/**
 * The VaR test: per horizon, losses beyond the VaR against the expected count, Kupiec p and the
 * verdict in words — all on the independent windows (every h-th bar), which the verdict uses.
 */
export function varTestReportTable(test: VarTestResult): ReportTable {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const h of RISK_HORIZONS) {
    const t = test.horizons[h];
    if (t === null) {
      rows.push([HORIZON_TITLES[h], '0', '0', ...Array<string>(8).fill('n/a')]);
      continue;
    }
    const o = t.nonOverlapping;
    rows.push([HORIZON_TITLES[h], String(t.n), String(o.n),
      formatPercent(t.var95), `${o.exceedances95} (${(0.05 * o.n).toFixed(1)})`, formatNumber(o.kupiecP95), t.verdict95.result,
      formatPercent(t.var99), `${o.exceedances99} (${(0.01 * o.n).toFixed(1)})`, formatNumber(o.kupiecP99), t.verdict99.result]);
    notes.push(`${HORIZON_TITLES[h]}, 95%: ${t.verdict95.text}`, `${HORIZON_TITLES[h]}, 99%: ${t.verdict99.text}`);
  }
  return {
    id: 'var-test', title: 'Out-of-sample VaR test',
    caption: `Realised returns of the bars after ${iso(test.after)} UTC (never seen in training) against the scenarios' VaR: ` +
      'an exceedance is a loss beyond the VaR, the expected count is in brackets. Over h > 1 bars consecutive windows ' +
      'overlap and their losses are not independent, so the counts, the Kupiec p-values (5% significance) and the ' +
      'verdicts use every h-th bar only ("independent bars").',
    header: ['Horizon', 'Bars', 'Independent bars', 'VaR 95%', 'Losses beyond (expected)', 'Kupiec p', 'Verdict 95%',
      'VaR 99%', 'Losses beyond (expected)', 'Kupiec p', 'Verdict 99%'],
    rows, notes,
  };
}

/** The performance table's rows: every metric of the strategy and of buy & hold, with the reason where one is n/a. */
export function reportMetrics(strategy: Metrics, benchmark: Metrics, notes: { strategy: MetricNotes; benchmark: MetricNotes }): ReportMetric[] {
  return METRIC_NAMES.map((name) => {
    const note = notes.strategy[name] ?? notes.benchmark[name];
    return { name: METRIC_LABELS[name], strategy: strategy[name], benchmark: benchmark[name], format: FORMATS[name], ...(note ? { note } : {}) };
  });
}

export function reportDataFromRun(input: ReportInputs): BacktestReportData {
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
  const metrics = reportMetrics(bt.metrics, bt.benchmark, bt.notes);
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
    ...(input.stress || input.varTest ? {
      tables: [...(input.stress ? [stressReportTable(input.stress)] : []), ...(input.varTest ? [varTestReportTable(input.varTest)] : [])],
    } : {}),
    notes: [...bt.warnings, ...(input.notes ?? [])],
  };
}
