/**
 * @fileoverview Public API of the HTML report (`glow-trade/report`): a separate entry point because
 * it loads Vega and Vega-Lite (~0.3 s), which the rest of the library should not pay for.
 */
export { renderReport, writeReport, reportHtml, type WrittenReport } from './html.js';
export { buildCharts, CHART_IDS, type ChartId, type ReportChart } from './charts.js';
export {
  validateReportData, ReportDataError, type ReportData, type ReportBars, type ReportEpoch, type ReportLatents,
  type ReportScenarioSet, type ReportForecast, type BacktestReportData, type ReportBacktest, type ReportBacktestRow, type ReportCurve, type ReportMetric, type ReportSummaryItem, type ReportTable, type MetricFormat,
} from './types.js';
export { syntheticReportData, syntheticForecast, type SyntheticReportOptions } from './synthetic.js';
export { reportDataFromRun, stressReportTable, varTestReportTable, type ReportInputs } from './from-run.js';
export { drawdownSeries } from './downsample.js';
export { reportDataFromRisk, forecastReportPart, riskEvaluationTable, type RiskReportInputs } from './from-risk.js';
export { backtestReportPart, baselinesOf, baselinesJson, BASELINE_NAMES, type BacktestPartInput, type Baselines } from './from-backtest.js';
export { buildBacktestCharts, type SectionChart } from './charts-backtest.js';
export { buildSectionCharts } from './html.js';
export { forecastBacktestPart, forecastBacktestSummary, forecastOptionsJson, forecastRiskLabel } from './from-forecast-backtest.js';
export { reportDataFromWalkForward, checkWalkForwardJson, walkForwardFoldsTable, walkForwardMembersTable, type WalkForwardJson } from './from-walk-forward.js';
