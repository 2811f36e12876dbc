/**
 * @fileoverview The report's input: a plain, JSON-able description of one model run (per-bar market
 * and strategy series, training history, latents, scenarios, metrics, a forecaster's per-bar VaR and
 * PIT) and its validation. A forecaster-only report has no backtest bars. The report
 * renders only what is here; whoever builds it (the `report`/`demo` commands) decides where it comes
 * from. Backtests carry their honest statistics and baselines (trading/honest-stats.ts, baselines.ts).
 * Validation names the field and index that is wrong, so a NaN never reaches a chart silently.
 */
import type { HonestStats } from '../trading/honest-stats.js';
import type { EqualRisk } from '../trading/equal-risk.js';
import type { MetricNotes, Metrics } from '../trading/metrics.js';

/** One line of the summary box: free text, e.g. { label: 'Model', value: 'L=3, K=4, H=64' }. */
export interface ReportSummaryItem {
  label: string;
  value: string;
}

/** Per-bar series, all of the same length (one entry per bar, ascending time). */
export interface ReportBars {
  /** Bar open time, Unix milliseconds UTC, strictly ascending. */
  timestamp: number[];
  /** Close price of the bar (> 0). */
  close: number[];
  /** Position held after the close of the bar, signed fraction of capital (+ long, − short, 0 flat). */
  position: number[];
  /** Strategy equity after the bar (≥ 0, 0 once a backtest has lost everything; any starting level, usually 1). */
  equity: number[];
  /** Buy-and-hold equity after the bar, on the same scale as `equity` (> 0). */
  benchmarkEquity: number[];
  /** The model's log-likelihood of the bar's feature vector, in nats. */
  logLikelihood: number[];
  /** The bar's latent regime (cluster id, integer ≥ 0). */
  regime: number[];
}

/** One training epoch. */
export interface ReportEpoch {
  epoch: number;
  /** Mean training NLL, nats per sample. */
  trainNll: number;
  /** Validation NLL, nats per sample; null when there was no validation split. */
  valNll: number | null;
}

/** Two latent coordinates per point (e.g. z_0 against z_1) with each point's regime. */
export interface ReportLatents {
  x: number[];
  y: number[];
  /** Regime of each point (integer ≥ 0), same ids as `bars.regime`. */
  regime: number[];
  /** What is plotted, e.g. "z_0 vs z_1 (test bars)"; used in the caption. */
  label?: string;
  /** Axis titles (default "z_0" and "z_1"). */
  xLabel?: string;
  yLabel?: string;
}

/** Scenario returns for one horizon with their risk numbers. */
export interface ReportScenarioSet {
  /** Horizon name shown as the panel title, e.g. "1 bar", "20 bars". */
  horizon: string;
  /** Simulated simple returns over the horizon (fractions, 0.01 = +1%). */
  returns: number[];
  /** Value at risk and conditional VaR as positive loss fractions (0.03 = a 3% loss). */
  var95: number;
  var99: number;
  cvar95: number;
  cvar99: number;
}

/** A table of already formatted cells (e.g. the stress table, the VaR test), with lines under it. */
export interface ReportTable {
  /** Anchor and `data-table` id: letters, digits and '-'. */
  id: string;
  title: string;
  /** What the table shows, under the title. */
  caption?: string;
  header: string[];
  /** Rows of cells, each as long as `header`. */
  rows: string[][];
  /** Lines shown under the table (verdicts, caveats). */
  notes?: string[];
}

/**
 * A forecaster's 1-bar risk on its tested bars: per bar whose next-bar outcome is known, the
 * realised return, the forecast VaR and the PIT. Charted as VaR bands with exceedances marked and
 * as a PIT histogram (see charts-forecast.ts).
 */
export interface ReportForecast {
  /** Close time of each tested bar (when the forecast is made), Unix ms UTC, strictly ascending. */
  timestamp: number[];
  /** Realised simple return over the next bar (0.01 = +1%). */
  realized: number[];
  /** The forecaster's 1-bar VaR at 95% and 99%, positive loss fractions (a negative VaR is a forecast gain). */
  var95: number[];
  var99: number[];
  /** PIT: the share of the bar's scenarios at or below the realised return, in [0, 1]. */
  pit: number[];
  /** Scenarios per bar (the PIT's resolution is 1 / scenarios). */
  scenarios: number;
  /** Who made the forecasts, e.g. "forecaster"; used in captions. */
  label?: string;
}

/** How a metric value is printed: percentage of a fraction, plain number, or integer. */
export type MetricFormat = 'pct' | 'num' | 'int';

/** One row of the metrics table; null means "not defined here" and prints "n/a". */
export interface ReportMetric {
  name: string;
  strategy: number | null;
  benchmark: number | null;
  format: MetricFormat;
  /** Why a value is n/a, or how it is defined; shown in the table's note column. */
  note?: string;
}

/**
 * One row of a backtest's comparison table: the strategy or a baseline, run on the same bars with
 * the same costs. The honest statistics are trading/honest-stats.ts's, as they are (not recomputed).
 */
export interface ReportBacktestRow {
  /** Shown in the first column, e.g. 'strategy "glow"', 'buy & hold'. */
  name: string;
  role: 'strategy' | 'baseline';
  metrics: Metrics;
  /** Why a metric is null (metrics.ts notes). */
  notes?: MetricNotes;
  honest: HonestStats;
  /** CAGR at 60% of buy & hold's max drawdown, the row's and buy & hold's (trading/equal-risk.ts); absent in older JSON. */
  equalRisk?: EqualRisk;
  finalEquity: number;
}

/** A named per-bar series, e.g. one equity curve. */
export interface ReportCurve {
  name: string;
  values: number[];
}

/**
 * One backtest with its honest statistics and baselines: a statistics block for the strategy (the
 * first row), the strategy-vs-baselines table, and optionally the equity curves of every row and the
 * strategy's exposure over time beside the risk it was sized on.
 */
export interface ReportBacktest {
  /** Anchor (`backtest-<id>`): letters, digits and '-'. */
  id: string;
  title: string;
  caption?: string;
  /** The strategy first, then the baselines; at least one row. */
  rows: ReportBacktestRow[];
  /** Equity after each bar of every row (same order and names as `rows`), ≥ 0. */
  equity?: { timestamp: number[]; curves: ReportCurve[] };
  /**
   * The strategy's exposure decided at each close, and the predicted risk it was sized on (a positive
   * fraction, what `riskLabel` names); null where the prediction was not finite (an overflowed tail).
   */
  exposure?: { timestamp: number[]; exposure: number[]; risk?: Array<number | null>; riskLabel?: string };
  notes?: string[];
}

/** Everything the report shows. JSON-able: numbers must be finite (JSON has no NaN). */
export interface ReportData {
  title: string;
  subtitle?: string;
  /** When the report was made, ISO 8601. */
  generatedAt: string;
  /** Model, configuration, seed, data ranges — free text, shown in order. */
  summary: ReportSummaryItem[];
  /** The backtest's bars; absent in a forecaster-only report (then `forecast` or a table must be present). */
  bars?: ReportBars;
  /** The strategy's likelihood filter: bars with log-likelihood below it are not traded (nats); required with `bars`. */
  likelihoodThreshold?: number;
  /** Training curves; may be empty (the chart is then left out). */
  history: ReportEpoch[];
  latents?: ReportLatents;
  scenarios?: ReportScenarioSet[];
  /** The performance table (left out when empty). */
  metrics: ReportMetric[];
  /** A forecaster's per-bar 1-bar risk and PIT, charted after the other charts. */
  forecast?: ReportForecast;
  /** Backtests with honest statistics and baselines, shown right after the performance table. */
  backtests?: ReportBacktest[];
  /** Risk tables shown after the charts (stress table, VaR test). */
  tables?: ReportTable[];
  /** Free-text remarks shown at the end (caveats, warnings such as train/test overlap). */
  notes?: string[];
}

/** A backtest report's data: the bars and the likelihood threshold are there. */
export type BacktestReportData = ReportData & { bars: ReportBars; likelihoodThreshold: number };

/** A field of ReportData that breaks a rule; the message names the field path and index. */
export class ReportDataError extends Error {
  constructor(readonly field: string, message: string) {
    super(`report data: ${field}: ${message}`);
    this.name = 'ReportDataError';
  }
}

type Rule = 'finite' | 'positive' | 'nonNegative' | 'regime' | 'unit';

function checkSeries(field: string, values: unknown, length: number | undefined, rule: Rule): number {
  if (!Array.isArray(values)) throw new ReportDataError(field, `expected an array of numbers, got ${typeof values}`);
  if (length !== undefined && values.length !== length) {
    throw new ReportDataError(field, `has ${values.length} values, expected ${length} (one per bar/point)`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const ok = typeof v === 'number' && Number.isFinite(v)
      && (rule !== 'positive' || v > 0) && (rule !== 'nonNegative' || v >= 0) && (rule !== 'regime' || (Number.isInteger(v) && v >= 0))
      && (rule !== 'unit' || (v >= 0 && v <= 1));
    if (!ok) {
      const expected = rule === 'positive' ? 'a finite number > 0' : rule === 'nonNegative' ? 'a finite number ≥ 0'
        : rule === 'regime' ? 'an integer ≥ 0' : rule === 'unit' ? 'a number in [0, 1]' : 'a finite number';
      throw new ReportDataError(`${field}[${i}]`, `is ${String(v)}, expected ${expected}`);
    }
  }
  return values.length;
}

function checkNumber(field: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ReportDataError(field, `is ${String(v)}, expected a finite number`);
}

function checkText(field: string, v: unknown): void {
  if (typeof v !== 'string') throw new ReportDataError(field, `expected a string, got ${typeof v}`);
}

function checkBars(b: ReportBars, likelihoodThreshold: number | undefined): void {
  const n = checkTimes('bars.timestamp', b.timestamp);
  checkSeries('bars.close', b.close, n, 'positive');
  checkSeries('bars.position', b.position, n, 'finite');
  checkSeries('bars.equity', b.equity, n, 'nonNegative');
  checkSeries('bars.benchmarkEquity', b.benchmarkEquity, n, 'positive');
  checkSeries('bars.logLikelihood', b.logLikelihood, n, 'finite');
  checkSeries('bars.regime', b.regime, n, 'regime');
  checkNumber('likelihoodThreshold', likelihoodThreshold);
}

/** Strictly ascending finite times, at least one. */
function checkTimes(field: string, ts: unknown): number {
  const n = checkSeries(field, ts, undefined, 'finite');
  if (n === 0) throw new ReportDataError(field, 'is empty, expected at least one bar');
  const t = ts as number[];
  for (let i = 1; i < n; i++) {
    if (!(t[i] > t[i - 1])) throw new ReportDataError(`${field}[${i}]`, `is ${t[i]}, expected > ${t[i - 1]} (strictly ascending)`);
  }
  return n;
}

function checkForecast(f: ReportForecast): void {
  const n = checkTimes('forecast.timestamp', f.timestamp);
  checkSeries('forecast.realized', f.realized, n, 'finite');
  checkSeries('forecast.var95', f.var95, n, 'finite');
  checkSeries('forecast.var99', f.var99, n, 'finite');
  checkSeries('forecast.pit', f.pit, n, 'unit');
  if (!(Number.isInteger(f.scenarios) && f.scenarios >= 1)) throw new ReportDataError('forecast.scenarios', `is ${String(f.scenarios)}, expected an integer ≥ 1`);
  if (f.label !== undefined) checkText('forecast.label', f.label);
}

/** A number or null (the guarded statistics' "undefined here"). */
function checkNullable(field: string, v: unknown): void {
  if (v !== null) checkNumber(field, v);
}

function checkId(field: string, id: unknown): void {
  checkText(field, id);
  if (!/^[a-z0-9-]+$/i.test(id as string)) throw new ReportDataError(field, `"${String(id)}" must be letters, digits and '-'`);
}

function checkBacktest(field: string, b: ReportBacktest): void {
  checkId(`${field}.id`, b.id);
  checkText(`${field}.title`, b.title);
  if (b.caption !== undefined) checkText(`${field}.caption`, b.caption);
  if (!Array.isArray(b.rows) || b.rows.length === 0) throw new ReportDataError(`${field}.rows`, 'is empty, expected the strategy\'s row at least');
  b.rows.forEach((r, k) => {
    const f = `${field}.rows[${k}]`;
    checkText(`${f}.name`, r.name);
    if (r.role !== 'strategy' && r.role !== 'baseline') throw new ReportDataError(`${f}.role`, `is "${String(r.role)}", expected strategy or baseline`);
    for (const [name, v] of Object.entries(r.metrics)) checkNullable(`${f}.metrics.${name}`, v);
    for (const name of ['beta', 'alphaPerBar', 'alphaAnnual', 'alphaT', 'sharpe', 'skew', 'kurtosis', 'deflatedSharpe', 'costShare'] as const) {
      checkNullable(`${f}.honest.${name}`, r.honest[name]);
    }
    for (const name of ['bars', 'lag', 'trials', 'grossProfit', 'costs'] as const) checkNumber(`${f}.honest.${name}`, r.honest[name]);
    if (r.honest.sharpeCI) for (const name of ['low', 'high', 'level', 'resamples', 'meanBlock', 'seed'] as const) checkNumber(`${f}.honest.sharpeCI.${name}`, r.honest.sharpeCI[name]);
    checkText(`${f}.honest.verdict`, r.honest.verdict);
    checkNumber(`${f}.finalEquity`, r.finalEquity);
  });
  if (b.equity) {
    const n = checkTimes(`${field}.equity.timestamp`, b.equity.timestamp);
    b.equity.curves.forEach((c, k) => { checkText(`${field}.equity.curves[${k}].name`, c.name); checkSeries(`${field}.equity.curves[${k}].values`, c.values, n, 'nonNegative'); });
  }
  if (b.exposure) {
    const n = checkTimes(`${field}.exposure.timestamp`, b.exposure.timestamp);
    checkSeries(`${field}.exposure.exposure`, b.exposure.exposure, n, 'finite');
    if (b.exposure.risk) {
      const risk = b.exposure.risk;
      if (!Array.isArray(risk) || risk.length !== n) throw new ReportDataError(`${field}.exposure.risk`, `expected ${n} values (one per bar) or nulls`);
      risk.forEach((v, k) => checkNullable(`${field}.exposure.risk[${k}]`, v));
    }
    if (b.exposure.riskLabel !== undefined) checkText(`${field}.exposure.riskLabel`, b.exposure.riskLabel);
  }
  b.notes?.forEach((x, k) => checkText(`${field}.notes[${k}]`, x));
}

/** Throws a ReportDataError at the first field that breaks a rule documented on ReportData. */
export function validateReportData(data: ReportData): void {
  checkText('title', data.title);
  if (data.subtitle !== undefined) checkText('subtitle', data.subtitle);
  checkText('generatedAt', data.generatedAt);
  if (Number.isNaN(Date.parse(data.generatedAt))) throw new ReportDataError('generatedAt', `"${data.generatedAt}" is not an ISO date`);
  data.summary.forEach((s, i) => { checkText(`summary[${i}].label`, s.label); checkText(`summary[${i}].value`, s.value); });

  if (!data.bars && !data.forecast && !data.tables?.length && !data.backtests?.length) {
    throw new ReportDataError('bars', 'is missing, expected the backtest\'s bars, a backtest section, a forecast or a table');
  }
  if (data.bars) checkBars(data.bars, data.likelihoodThreshold);
  data.history.forEach((h, i) => {
    checkNumber(`history[${i}].epoch`, h.epoch);
    checkNumber(`history[${i}].trainNll`, h.trainNll);
    if (h.valNll !== null) checkNumber(`history[${i}].valNll`, h.valNll);
  });
  if (data.latents) {
    const m = checkSeries('latents.x', data.latents.x, undefined, 'finite');
    checkSeries('latents.y', data.latents.y, m, 'finite');
    checkSeries('latents.regime', data.latents.regime, m, 'regime');
  }
  data.scenarios?.forEach((s, i) => {
    checkText(`scenarios[${i}].horizon`, s.horizon);
    const m = checkSeries(`scenarios[${i}].returns`, s.returns, undefined, 'finite');
    if (m === 0) throw new ReportDataError(`scenarios[${i}].returns`, 'is empty, expected at least one scenario');
    for (const k of ['var95', 'var99', 'cvar95', 'cvar99'] as const) checkNumber(`scenarios[${i}].${k}`, s[k]);
  });
  data.metrics.forEach((m, i) => {
    checkText(`metrics[${i}].name`, m.name);
    if (!['pct', 'num', 'int'].includes(m.format)) throw new ReportDataError(`metrics[${i}].format`, `is "${m.format}", expected pct, num or int`);
    if (m.strategy !== null) checkNumber(`metrics[${i}].strategy`, m.strategy);
    if (m.benchmark !== null) checkNumber(`metrics[${i}].benchmark`, m.benchmark);
  });
  if (data.forecast) checkForecast(data.forecast);
  data.backtests?.forEach((b, i) => checkBacktest(`backtests[${i}]`, b));
  data.tables?.forEach((t, i) => {
    checkId(`tables[${i}].id`, t.id);
    checkText(`tables[${i}].title`, t.title);
    if (t.caption !== undefined) checkText(`tables[${i}].caption`, t.caption);
    t.header.forEach((h, j) => checkText(`tables[${i}].header[${j}]`, h));
    t.rows.forEach((r, k) => {
      if (!Array.isArray(r) || r.length !== t.header.length) {
        throw new ReportDataError(`tables[${i}].rows[${k}]`, `has ${Array.isArray(r) ? r.length : 'no'} cells, expected ${t.header.length} (one per header)`);
      }
      r.forEach((c, j) => checkText(`tables[${i}].rows[${k}][${j}]`, c));
    });
    t.notes?.forEach((x, k) => checkText(`tables[${i}].notes[${k}]`, x));
  });
  data.notes?.forEach((t, i) => checkText(`notes[${i}]`, t));
}
