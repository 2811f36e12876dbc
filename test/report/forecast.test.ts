/**
 * The forecaster's report sections: VaR bands with every exceedance kept when thinned, the PIT
 * histogram, the forecaster-vs-baselines table built from a run, their validation, and a
 * forecaster-only report (no backtest bars, no metrics table).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exceedanceLevel, pitBins, varBandIndices, varBandSpec } from '../../src/report/charts-forecast.js';
import { buildCharts } from '../../src/report/charts.js';
import { forecastReportPart, riskEvaluationSummary, riskEvaluationTable } from '../../src/report/from-risk.js';
import { renderReport } from '../../src/report/html.js';
import { syntheticForecast, syntheticReportData } from '../../src/report/synthetic.js';
import { ReportDataError, validateReportData, type ReportData, type ReportForecast } from '../../src/report/types.js';
import type { RunRiskResult } from '../../src/pipeline/run-risk.js';
import type { LevelEvaluation } from '../../src/risk/forecast-evaluation.js';

const T0 = Date.UTC(2024, 0, 1), HOUR = 3_600_000;

/** A level's evaluation with the numbers the table prints; the rest is irrelevant here. */
function level(confidence: number, exceedances: number, n: number, p: [number, number, number], pinball: number, vs: number | null, dm: number | null, verdict: string): LevelEvaluation {
  const pv = (pValue: number) => ({ pValue }) as never;
  return {
    confidence, n, exceedances, rate: exceedances / n, pinball, vsReference: vs, verdict,
    coverage: { kupiec: pv(p[0]), independence: pv(p[1]), conditional: pv(p[2]), n } as never,
    hac: { z: 0, pValue: 1, lag: 0 }, dm: dm === null ? null : ({ statistic: dm, pValue: 0.01, lag: 3 } as never),
  };
}

/** A three-bar run: bar 2's outcome is not known yet, so only bars 0 and 1 reach the charts. */
function run(): RunRiskResult {
  const h1 = { horizon: 1, var95: Float64Array.of(0.01, 0.02, 0.03), var99: Float64Array.of(0.02, 0.03, 0.05) };
  return {
    bars: Int32Array.of(10, 11, 12), closeTimes: Float64Array.of(T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR),
    period: { from: T0, to: T0 + 2 * HOUR, rows: 3 }, horizons: [1],
    forecaster: { method: 'forecaster', bars: Int32Array.of(10, 11, 12), horizons: [h1 as never] }, baselines: [{ method: 'ewma' } as never],
    reference: { 1: 'ewma' },
    evaluation: [
      { method: 'forecaster', horizon: 1, levels: [level(0.95, 3, 50, [0.5, 0.25, 0.125], 0.00061111, -0.042, -2.345, 'calibrated; beats ewma'), level(0.99, 1, 50, [0.75, NaN, 0.5], 0.0002, 0.013, 0.5, 'calibrated')] },
      { method: 'ewma', horizon: 1, levels: [level(0.95, 9, 50, [0.001, 0.2, 0.002], 0.00064, null, null, 'FAILS <coverage>')] },
    ],
    realized: [Float64Array.of(-0.015, 0.004, NaN)], pit: [Float64Array.of(0.03, 0.6, NaN)],
    scenarios: 500, seed: 7, seconds: { forecaster: 1, baselines: 1 }, warnings: ['baselines fitted on <few> candles'],
  };
}

test('the forecast part keeps the bars with a known 1-bar outcome, in close time', () => {
  assert.equal(forecastReportPart(run()), {
    timestamp: [T0 + HOUR, T0 + 2 * HOUR], realized: [-0.015, 0.004], var95: [0.01, 0.02], var99: [0.02, 0.03], pit: [0.03, 0.6],
    scenarios: 500, label: 'forecaster',
  });
  assert.is(forecastReportPart({ ...run(), horizons: [5] }), null, 'no 1-bar horizon: no part');
});

test('the forecaster-vs-baselines table holds every method, level, test and verdict of the run', () => {
  const t = riskEvaluationTable(run());
  assert.is(t.id, 'forecast-evaluation');
  assert.equal(t.header, ['Horizon', 'Method', 'Level', 'Breaches', 'Kupiec p', 'Indep. p', 'CC p', 'Pinball bp', 'vs ref', 'DM t', 'Verdict']);
  assert.equal(t.rows, [
    ['1 bar (ref. ewma)', 'forecaster', '95%', '3/50 6.00%', '0.500', '0.250', '0.125', '6.111', '-4.2%', '-2.35', 'calibrated; beats ewma'],
    ['', 'forecaster', '99%', '1/50 2.00%', '0.750', 'n/a', '0.500', '2.000', '+1.3%', '0.50', 'calibrated'],
    ['', 'ewma', '95%', '9/50 18.00%', '0.001', '0.200', '0.002', '6.400', '', '', 'FAILS <coverage>'],
  ]);
  assert.equal(t.notes, ['baselines fitted on <few> candles']);
  const j = riskEvaluationSummary(run());
  assert.equal(j.evaluation[0].levels[0], {
    confidence: 0.95, forecasts: 50, exceedances: 3, rate: 0.06, kupiecP: 0.5, independenceP: 0.25, conditionalCoverageP: 0.125,
    pinball: 0.00061111, vsReference: -0.042, dmStatistic: -2.345, verdict: 'calibrated; beats ewma',
  });
});

test('the table renders escaped in its own section after the charts, with its verdicts', async () => {
  const data = syntheticReportData({ bars: 50, scenarios: 50 });
  data.forecast = forecastReportPart(run())!;
  data.tables = [riskEvaluationTable(run())];
  const html = await renderReport(data);
  assert.ok(html.includes('<section id="table-forecast-evaluation" class="risk-table"><h2>Forecaster vs baselines: per-bar VaR tests</h2>'));
  assert.ok(html.includes('<td>FAILS &lt;coverage&gt;</td>'));
  assert.ok(html.includes('<td>calibrated; beats ewma</td>'));
  assert.ok(html.indexOf('<table data-table="forecast-evaluation">') > html.lastIndexOf('<figure'));
  assert.ok(html.indexOf('data-chart="pit"') > html.indexOf('data-chart="var-bands"'));
  assert.ok(html.indexOf('data-chart="var-bands"') > html.indexOf('data-chart="scenarios"'), 'forecast charts come after the existing ones');
});

test('VaR bands: exceedance levels, and thinning keeps every exceedance and the extremes', () => {
  const f: ReportForecast = { timestamp: [1, 2, 3], realized: [-0.03, -0.015, 0], var95: [0.01, 0.01, 0.01], var99: [0.02, 0.02, 0.02], pit: [0, 0.02, 0.5], scenarios: 10 };
  assert.equal([0, 1, 2].map((i) => exceedanceLevel(f, i)), [2, 1, 0]);
  const long = syntheticForecast(20_000, 3);
  const keep = varBandIndices(long);
  const hits = long.realized.map((_, i) => i).filter((i) => exceedanceLevel(long, i) > 0);
  assert.ok(hits.length > 100, `${hits.length} exceedances`);
  const kept = new Set(keep);
  assert.ok(hits.every((i) => kept.has(i)), 'every exceedance is drawn');
  assert.ok(kept.has(0) && kept.has(19_999));
  assert.ok(keep.length <= 2000 + hits.length && keep.length < 20_000 / 3, `${keep.length} points`);
  const values = (varBandSpec(long) as any).data.values as { hit: string }[];
  assert.is(values.filter((v) => v.hit !== 'none').length, hits.length);
});

test('PIT bins: 10 below 200 bars, 20 from 200, over [0, 1] with the ends included', () => {
  assert.is(pitBins([0, 0.5, 1]).length, 10);
  assert.equal(pitBins([0, 0.5, 1]).map((b) => b.count), [1, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
  const bins = pitBins(syntheticForecast(400, 2).pit);
  assert.is(bins.length, 20);
  assert.is(bins.reduce((s, b) => s + b.count, 0), 400);
});

test('the forecast charts render without Vega warnings, the exceedance legend and the uniform line in the SVG', async () => {
  const data = syntheticReportData({ bars: 50, scenarios: 50 });
  data.forecast = syntheticForecast(3000, 4);
  const charts = await buildCharts(data);
  const bands = charts.find((c) => c.id === 'var-bands')!, pit = charts.find((c) => c.id === 'pit')!;
  assert.equal([bands.warnings, pit.warnings], [[], []]);
  assert.match(bands.svg, /beyond VaR 99%/);
  assert.match(bands.svg, /Exceedance/);
  assert.match(pit.svg, />uniform \(5% per bin\)<\/text>/, 'the legend label is not cut short');
  assert.match(pit.caption, /in 20 bins/);
});

test('a forecaster-only report: no bars, no metrics table, only the forecast charts and the table', async () => {
  const data: ReportData = {
    title: 'risk', generatedAt: '2024-01-02T00:00:00.000Z', summary: [], history: [], metrics: [],
    forecast: forecastReportPart(run())!, tables: [riskEvaluationTable(run())],
  };
  const html = await renderReport(data);
  assert.equal([...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1]), ['var-bands', 'pit']);
  assert.not.ok(html.includes('data-table="metrics"'));
  assert.ok(html.includes('<table data-table="forecast-evaluation">'));
});

test('forecast validation names the field and index', () => {
  const base = (): ReportData => ({ ...syntheticReportData({ bars: 20, scenarios: 20 }), forecast: syntheticForecast(30, 1) });
  validateReportData(base());
  const cases: [(d: ReportData) => void, RegExp][] = [
    [(d) => { d.forecast!.pit[4] = 1.5; }, /^report data: forecast\.pit\[4\]: is 1\.5, expected a number in \[0, 1\]$/],
    [(d) => { d.forecast!.pit[2] = NaN; }, /forecast\.pit\[2\]: is NaN, expected a number in \[0, 1\]/],
    [(d) => { d.forecast!.var95.pop(); }, /forecast\.var95: has 29 values, expected 30/],
    [(d) => { d.forecast!.realized[7] = Infinity; }, /forecast\.realized\[7\]: is Infinity, expected a finite number/],
    [(d) => { d.forecast!.timestamp[3] = d.forecast!.timestamp[2]; }, /forecast\.timestamp\[3\]: .*strictly ascending/],
    [(d) => { d.forecast!.timestamp = []; }, /forecast\.timestamp: is empty/],
    [(d) => { d.forecast!.scenarios = 0; }, /forecast\.scenarios: is 0, expected an integer ≥ 1/],
    [(d) => { delete d.bars; delete d.forecast; delete d.tables; delete d.backtests; }, /^report data: bars: is missing, expected the backtest's bars, a backtest section, a forecast or a table$/],
    [(d) => { delete d.likelihoodThreshold; }, /likelihoodThreshold: is undefined, expected a finite number/],
  ];
  for (const [change, expected] of cases) {
    const d = structuredClone(base());
    change(d);
    const error = (() => { try { validateReportData(d); } catch (e) { return e as Error; } return undefined; })();
    assert.instance(error, ReportDataError, `expected a ReportDataError matching ${expected}`);
    assert.match(error!.message, expected);
  }
});

test('glow-trade/report exports the forecaster report builders', async () => {
  const api = await import('../../src/report/index.js');
  const { reportDataFromRisk } = await import('../../src/report/from-risk.js');
  assert.is(api.reportDataFromRisk, reportDataFromRisk);
  assert.type(api.forecastReportPart, 'function');
  assert.type(api.riskEvaluationTable, 'function');
  assert.type(api.syntheticForecast, 'function');
});

test.run();
