import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backtestPositions } from '../../src/trading/backtest.js';
import { runBaselines } from '../../src/trading/baselines.js';
import { verdictOf, type HonestStats } from '../../src/trading/honest-stats.js';
import type { Metrics } from '../../src/trading/metrics.js';
import { backtestReportPart, baselinesJson, baselinesOf } from '../../src/report/from-backtest.js';
import { buildBacktestCharts } from '../../src/report/charts-backtest.js';
import { BACKTEST_TABLE_HEADER } from '../../src/report/html-backtest.js';
import { renderReport } from '../../src/report/html.js';
import { ReportDataError, validateReportData, type ReportBacktest, type ReportData } from '../../src/report/types.js';
import { rejects } from '../helpers/assert.js';

const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

/** Honest statistics with known values; the verdict comes from verdictOf, as the engine makes it. */
function honest(over: Partial<Omit<HonestStats, 'verdict' | 'distinguishable'>> = {}): HonestStats {
  const base = {
    bars: 2624, beta: 0.0449, alphaPerBar: 6.99e-6, alphaAnnual: 0.06123, alphaT: 0.3567, lag: 8, sharpe: 0.6734,
    sharpeCI: { low: -2.3012, high: 3.4655, level: 0.95, resamples: 1000, meanBlock: 52, seed: 7 },
    skew: 0.1, kurtosis: 9.2, trials: 3, deflatedSharpe: 0.64412, grossProfit: 0.025, costs: 0.0059, costShare: 0.23634, notes: {},
    ...over,
  };
  return { ...base, ...verdictOf(base) };
}

function metrics(over: Partial<Metrics> = {}): Metrics {
  return {
    totalReturn: 0.0193, cagr: 0.0658, sharpe: 0.6734, sortino: 0.99, maxDrawdown: 0.0479, calmar: 1.37,
    winRate: 0.75, profitFactor: 2.96, trades: 4, exposure: 0.34, turnover: 4.26, ...over,
  };
}

function section(): ReportBacktest {
  const ts = [T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR];
  return {
    id: 'glow', title: 'Is the edge <real>?', caption: 'same bars & costs',
    rows: [
      { name: 'strategy "glow"', role: 'strategy', metrics: metrics(), honest: honest(), finalEquity: 10193 },
      {
        name: 'buy & hold', role: 'baseline', finalEquity: 9000,
        metrics: metrics({ totalReturn: -0.1, cagr: -0.3, sharpe: -1.234, maxDrawdown: 0.2913, trades: 1 }),
        notes: { profitFactor: 'no losing trades' },
        // no gross profit: the cost share is undefined; a strong negative alpha
        honest: honest({ beta: 1, alphaAnnual: -0.5, alphaT: -3.456, sharpe: -1.234, sharpeCI: { low: -2.5, high: -0.25, level: 0.95, resamples: 998, meanBlock: 52, seed: 7 },
          deflatedSharpe: 0.0012, grossProfit: -0.1, costShare: null, notes: { costShare: 'no gross profit before costs' } }),
      },
    ],
    equity: { timestamp: ts, curves: [{ name: 'strategy "glow"', values: [1, 1.1, 1.05, 1.2] }, { name: 'buy & hold', values: [1, 0.9, 0.95, 0.9] }] },
    exposure: { timestamp: ts, exposure: [0, 0.5, 1, 0.25], risk: [0.02, 0.03, 0.01, 0.04], riskLabel: '20-bar CVaR 95%' },
    notes: ['costs <0.15%> per unit traded'],
  };
}

function page(b: ReportBacktest): ReportData {
  return { title: 'honest', generatedAt: '2024-01-01T00:00:00Z', summary: [], history: [], metrics: [], backtests: [b] };
}

test('the statistics block prints the known honest statistics with their digits, the verdict last', async () => {
  const b = section();
  b.rows[0].equalRisk = {
    drawdown: 0.12, fraction: 0.6, beats: false,
    strategy: { scale: 2.4, cagr: 0.05123, maxDrawdown: 0.12 }, benchmark: { scale: 0.6, cagr: 0.0812, maxDrawdown: 0.12 },
  };
  const html = await renderReport(page(b));
  const dl = html.match(/<dl class="honest" data-honest="glow">([\s\S]*?)<\/dl>/)![1];
  assert.is(dl, [
    '<dt>Bars</dt><dd>2624</dd>',
    '<dt>Alpha vs the asset</dt><dd>6.12% a year, t = 0.36 (Newey–West, lag 8)</dd>',
    '<dt>Beta</dt><dd>0.04</dd>',
    '<dt>Sharpe</dt><dd>0.67, 95% interval [-2.30, 3.47] (stationary bootstrap, 1000 resamples, mean block 52 bars, seed 7)</dd>',
    '<dt>Deflated Sharpe</dt><dd>0.644 after 3 trials (probability that the true Sharpe beats the best of that many no-skill trials)</dd>',
    '<dt>Costs</dt><dd>23.63% of the gross profit</dd>',
    '<dt>At equal risk</dt><dd>CAGR 5.12% (returns × 2.40) against buy &amp; hold&#39;s 8.12% (× 0.60), both at a max drawdown of 12.00% (0.6 × buy &amp; hold&#39;s): does not beat holding less</dd>',
    '<dt>Verdict</dt><dd class="verdict noise">the edge is not distinguishable from zero: alpha t = 0.36 (|t| &lt; 2) and the Sharpe 95% interval [-2.30, 3.47] contains 0</dd>',
  ].join(''));
  assert.ok(html.includes('<section id="backtest-glow" class="backtest"><h2>Is the edge &lt;real&gt;?</h2><p class="caption">same bars &amp; costs</p>'));
  assert.ok(html.includes('<a href="#backtest-glow">Is the edge &lt;real&gt;?</a>'));
});

test('the baselines table: one row per backtest with the same columns, n/a where undefined, each verdict under it', async () => {
  const html = await renderReport(page(section()));
  const table = html.match(/<table data-table="baselines-glow">([\s\S]*?)<\/table>/)![1];
  assert.ok(table.startsWith(`<thead><tr>${BACKTEST_TABLE_HEADER.map((h) => `<th>${h.replace(/&/g, '&amp;')}</th>`).join('')}</tr></thead>`));
  const rows = [...table.matchAll(/<tr class="(\w+)">(.*?)<\/tr>/g)];
  assert.equal(rows.map((r) => r[1]), ['strategy', 'baseline']);
  assert.is(rows[0][2], '<td>strategy &quot;glow&quot;</td><td>1.93%</td><td>6.58%</td><td>0.67</td><td>[-2.30, 3.47]</td><td>4.79%</td><td>4</td>'
    + '<td>0.04</td><td>6.12%</td><td>0.36</td><td>0.644</td><td>23.63%</td><td>no</td>');
  assert.is(rows[1][2], '<td>buy &amp; hold</td><td>-10.00%</td><td>-30.00%</td><td>-1.23</td><td>[-2.50, -0.25]</td><td>29.13%</td><td>1</td>'
    + '<td>1.00</td><td>-50.00%</td><td>-3.46</td><td>0.001</td><td class="na">n/a</td><td>no</td>');
  assert.ok(html.includes('<li>buy &amp; hold: the strategy loses to its own exposure to the asset: alpha t = -3.46</li>'));
  assert.ok(html.includes('<ul class="backtest-notes"><li>costs &lt;0.15%&gt; per unit traded</li></ul>'));
});

test('a distinguishable edge is marked as such; undefined statistics print n/a with their reason', async () => {
  const b = section();
  b.rows[0].honest = honest({ alphaT: 2.5, sharpeCI: { low: 0.1, high: 2, level: 0.95, resamples: 1000, meanBlock: 52, seed: 7 }, deflatedSharpe: 0.99 });
  assert.is(b.rows[0].honest.distinguishable, true);
  let html = await renderReport(page(b));
  assert.match(html, /<dt>Verdict<\/dt><dd class="verdict edge">the edge is distinguishable from zero: alpha t = 2\.50, Sharpe 95% interval \[0\.10, 2\.00\]<\/dd>/);
  assert.match(html, /<td>yes<\/td><\/tr>/);
  b.rows[0].honest = honest({ beta: null, alphaAnnual: null, alphaT: null, sharpe: null, sharpeCI: null, deflatedSharpe: null, costShare: null,
    notes: { beta: 'the asset did not move', alphaT: 'zero residual variance', sharpe: 'zero volatility', sharpeCI: 'no resample has any volatility', deflatedSharpe: 'zero volatility', costShare: 'no gross profit before costs' } });
  html = await renderReport(page(b));
  const dl = html.match(/<dl class="honest" data-honest="glow">([\s\S]*?)<\/dl>/)![1];
  assert.match(dl, /<dt>Alpha vs the asset<\/dt><dd>n\/a \(zero residual variance\)<\/dd>/);
  assert.match(dl, /<dt>Beta<\/dt><dd>n\/a \(the asset did not move\)<\/dd>/);
  assert.match(dl, /<dt>Sharpe<\/dt><dd>n\/a \(zero volatility\), no interval \(no resample has any volatility\)<\/dd>/);
  assert.match(dl, /<dt>Costs<\/dt><dd>n\/a \(no gross profit before costs\)<\/dd>/);
  assert.match(dl, /too few bars, or no variation in the returns, to tell an edge from zero/);
});

test('the section charts: equity of every curve and exposure over the predicted risk, without Vega warnings', async () => {
  const charts = await buildBacktestCharts(section());
  assert.equal(charts.map((c) => c.id), ['glow-equity', 'glow-exposure']);
  for (const c of charts) assert.equal(c.warnings, [], `${c.id} warnings`);
  assert.is(charts[0].caption, 'Equity of the strategy and of each baseline over 4 bars from 2024-01-01 00:00 UTC to 2024-01-01 03:00 UTC, '
    + 'all with the same costs. Growth from first to last bar: strategy "glow" 20.00%, buy & hold -10.00%.');
  assert.is(charts[1].title, 'Exposure vs predicted risk');
  assert.match(charts[1].caption, /from 0\.00 to 1\.00; below it, the 20-bar CVaR 95% the exposure was sized on\.$/);
  const html = await renderReport(page(section()));
  // figures follow their section, before the nav
  assert.ok(html.indexOf('data-chart="glow-equity"') > html.indexOf('data-table="baselines-glow"'));
  assert.ok(html.indexOf('data-chart="glow-exposure"') < html.indexOf('<nav>'));
});

test('backtestReportPart: the engine\'s own statistics (not recomputed), the baselines on the same bars and costs, curves per row', () => {
  const n = 300;
  const closes = Array.from({ length: n }, (_, t) => 100 * Math.exp(0.01 * Math.sin(t / 7) + 0.0004 * t));
  const timestamps = closes.map((_, t) => T0 + t * HOUR);
  const decisions = closes.map((_, t) => (t % 40 < 25 ? 1 : 0));
  const result = backtestPositions({ timestamps, closes, decisions, periodsPerYear: 8760, fee: 0.002, slippage: 0.001, trials: 4 });
  const baselines = baselinesOf(result);
  const direct = runBaselines({ timestamps, closes, periodsPerYear: 8760, fee: 0.002, slippage: 0.001, trials: 4 });
  for (const k of ['buyAndHold', 'volTarget', 'momentum'] as const) {
    assert.equal(baselines[k].metrics, direct[k].metrics, k);
    assert.equal(baselines[k].honest, direct[k].honest, k);
    assert.is(baselines[k].costRate, 0.003);
    assert.is(baselines[k].honest.trials, 4);
  }
  const part = backtestReportPart({ id: 'x', title: 't', strategyName: 'mine', result, baselines, risk: { values: closes.map(() => 0.01), label: 'std' } });
  assert.equal(part.rows.map((r) => [r.name, r.role]), [['mine', 'strategy'], ['buy & hold', 'baseline'], ['EWMA vol target', 'baseline'], ['20-bar momentum', 'baseline']]);
  assert.is(part.rows[0].honest, result.honest);
  assert.is(part.rows[2].honest, baselines.volTarget.honest);
  assert.equal(part.equity!.curves.map((c) => c.values.length), [n, n, n, n]);
  assert.equal(part.equity!.curves[3].values, Array.from(baselines.momentum.series.equity));
  assert.equal(part.exposure!.exposure, decisions);
  assert.is(part.exposure!.riskLabel, 'std');
  validateReportData(page(part));
  const json = baselinesJson(baselines);
  assert.equal(Object.keys(json), ['buyAndHold', 'volTarget', 'momentum']);
  assert.equal(Object.keys(json.volTarget), ['metrics', 'notes', 'honest', 'finalEquity']);
  assert.equal(JSON.parse(JSON.stringify(json)).momentum.honest, JSON.parse(JSON.stringify(baselines.momentum.honest)));
});

test('validation names the backtest field that is wrong', async () => {
  const b = section();
  b.equity!.curves[1].values[3] = NaN;
  await rejects(renderReport(page(b)), /report data: backtests\[0\]\.equity\.curves\[1\]\.values\[3\]: is NaN, expected a finite number ≥ 0/);
  const c = section();
  c.id = 'a b';
  assert.throws(() => validateReportData(page(c)), (e: unknown) => e instanceof ReportDataError && e.field === 'backtests[0].id');
  const d = section();
  (d.rows[1].honest as { alphaT: number | null }).alphaT = Infinity;
  assert.throws(() => validateReportData(page(d)), /backtests\[0\]\.rows\[1\]\.honest\.alphaT: is Infinity/);
  const e = section();
  e.rows = [];
  assert.throws(() => validateReportData(page(e)), /backtests\[0\]\.rows: is empty/);
});

test.run();
