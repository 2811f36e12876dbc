import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildCharts, CHART_IDS } from '../../src/report/charts.js';
import { priceSpec } from '../../src/report/charts-market.js';
import { renderReport, writeReport } from '../../src/report/html.js';
import { syntheticForecast, syntheticReportData } from '../../src/report/synthetic.js';
import { ReportDataError, type BacktestReportData, type ReportData } from '../../src/report/types.js';
import { rejects } from '../helpers/assert.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

/** Four bars with hostile text everywhere text goes, and numbers whose captions are worked out below. */
function tiny(): BacktestReportData {
  return {
    title: '<script>alert("x")</script> BTC & ETH',
    subtitle: 'held-out <b>test</b> period',
    generatedAt: '2024-01-01T04:00:00.000Z',
    summary: [{ label: 'Model <L=3>', value: 'seed "7" & co' }],
    bars: {
      timestamp: [T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR],
      close: [100, 110, 99, 108.9],
      position: [1, -0.5, 0, 0.5],
      equity: [1, 1.1, 0.99, 1.21],
      benchmarkEquity: [1, 0.8, 1.0, 0.9],
      logLikelihood: [-10, -30, -12, -11],
      regime: [0, 2, 2, 0],
    },
    likelihoodThreshold: -20,
    history: [{ epoch: 1, trainNll: 5.5, valNll: 6 }, { epoch: 2, trainNll: 4.5, valNll: 5 }, { epoch: 3, trainNll: 4, valNll: 5.25 }],
    latents: { x: [0.1, -0.2, 0.3], y: [1, 2, -1], regime: [0, 2, 0], label: '<img src=x onerror=alert(1)> z_0 vs z_1' },
    scenarios: [{ horizon: '<1 bar>', returns: [-0.05, -0.01, 0, 0.02, 0.03], var95: 0.042, var99: 0.0484, cvar95: 0.05, cvar99: 0.05 }],
    metrics: [
      { name: 'Sharpe <annualised>', strategy: 1.2345, benchmark: null, format: 'num', note: 'buy & hold "Sharpe" not defined' },
      { name: 'Total return', strategy: 0.21, benchmark: -0.1, format: 'pct' },
    ],
    // 1-bar VaR bands: bar 0 breaks the 95% VaR only, bar 2 the 99% VaR too.
    forecast: {
      timestamp: [T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR, T0 + 4 * HOUR],
      realized: [-0.03, 0.01, -0.025, 0.002], var95: [0.02, 0.02, 0.01, 0.01], var99: [0.04, 0.04, 0.02, 0.02],
      pit: [0.01, 0.7, 0.004, 0.55], scenarios: 1000, label: 'forecaster <v1>',
    },
    notes: ['Train & test overlap: <none>'],
  };
}

/** The text inside <figure data-chart="id">…</figure>. */
function figureOf(html: string, id: string): string {
  const m = html.match(new RegExp(`<figure id="chart-${id}" data-chart="${id}">([\\s\\S]*?)</figure>`));
  assert.ok(m, `figure ${id} present`);
  return m![1];
}

test.after(removeTempDirs);

test('every chart is an inline <svg> in its <figure data-chart>, rendered without Vega warnings', async () => {
  const charts = await buildCharts(tiny());
  assert.equal(charts.map((c) => c.id), [...CHART_IDS]);
  for (const c of charts) assert.equal(c.warnings, [], `${c.id} warnings`);
  const html = await renderReport(tiny());
  assert.is((html.match(/<figure /g) ?? []).length, CHART_IDS.length);
  assert.is((html.match(/<svg /g) ?? []).length, CHART_IDS.length);
  for (const id of CHART_IDS) {
    const body = figureOf(html, id);
    assert.match(body, /^<h3>[^<]+<\/h3>\n<svg role="img" aria-label="[^"]+" xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(body, /<\/svg>\n<figcaption>[^<]+<\/figcaption>/);
  }
});

test('captions carry the hand-computed numbers; n/a cells carry their note', async () => {
  const html = await renderReport(tiny());
  assert.match(figureOf(html, 'price'), /Long 50\.0% of bars, short 25\.0%, flat 25\.0%\./);
  assert.match(figureOf(html, 'equity'), /strategy 21\.00%, buy-and-hold -10\.00%\./);
  assert.match(figureOf(html, 'drawdown'), /Maximum drawdown: strategy 10\.00%, buy-and-hold 20\.00%\./);
  assert.match(figureOf(html, 'likelihood'), /trading threshold \(-20\.00\); 25\.0% of bars/);
  assert.match(figureOf(html, 'regime-timeline'), /regime 0 50\.0%, regime 2 50\.0%\./);
  assert.match(figureOf(html, 'training'), /Best validation NLL 5\.00 at epoch 2\./);
  assert.match(figureOf(html, 'scenarios'), /<tr><td>&lt;1 bar&gt;<\/td><td>5<\/td><td>-0\.20%<\/td><td>3\.11%<\/td><td>4\.20%<\/td><td>5\.00%<\/td><td>4\.84%<\/td><td>5\.00%<\/td><\/tr>/);
  assert.match(html, /<tr><td>Sharpe &lt;annualised&gt;<\/td><td>1\.23<\/td><td class="na">n\/a<\/td><td class="note">buy &amp; hold &quot;Sharpe&quot; not defined<\/td><\/tr>/);
  assert.match(html, /<tr><td>Total return<\/td><td>21\.00%<\/td><td>-10\.00%<\/td><td class="note"><\/td><\/tr>/);
  assert.match(figureOf(html, 'var-bands'), /Beyond the 95% VaR: 2 bars \(50\.00%; 5% expected\); beyond the 99% VaR: 1 \(25\.00%; 1% expected\)/);
  assert.match(figureOf(html, 'pit'), /share of its 1,000 scenarios at or below the realised 1-bar return, in 10 bins\./);
  assert.match(figureOf(html, 'pit'), /PIT ≤ 0\.05: 50\.0% of bars, PIT &gt; 0\.95: 0\.0%/);
});

test('all text is escaped: no injected markup survives, in the page or inside the SVGs', async () => {
  const html = await renderReport(tiny());
  assert.not.match(html, /<script|<img|<b>|<none>|<1 bar>|<L=3>|<annualised>|<v1>/i);
  assert.ok(html.includes('<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; BTC &amp; ETH</title>'));
  assert.ok(html.includes('<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; BTC &amp; ETH</h1>'));
  assert.ok(html.includes('<dt>Model &lt;L=3&gt;</dt><dd>seed &quot;7&quot; &amp; co</dd>'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt; z_0 vs z_1'));
  assert.ok(html.includes('<li>Train &amp; test overlap: &lt;none&gt;</li>'));
  assert.ok(figureOf(html, 'scenarios').includes('>&lt;1 bar&gt;</text>'), 'the panel title inside the SVG is escaped by Vega');
});

test('self-contained: no scripts, links, imports or remote src/href; CSP forbids fetching', async () => {
  const html = await renderReport(tiny());
  assert.not.match(html, /\b(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
  assert.not.match(html, /<script|<link|<iframe|<object|<embed|@import|url\(/i);
  for (const m of html.matchAll(/\bhref="([^"]*)"/g)) assert.match(m[1], /^#chart-/, `local anchor ${m[1]}`);
  assert.ok(html.includes(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`));
  assert.is(await renderReport(tiny()), html, 'the same data gives the same file');
});

test('charts whose data is absent are left out', async () => {
  const data = tiny();
  delete data.latents;
  delete data.scenarios;
  delete data.forecast;
  data.history = [];
  const html = await renderReport(data);
  const ids = [...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(ids, ['price', 'equity', 'drawdown', 'likelihood', 'regime-timeline']);
  assert.not.ok(html.includes('data-table="scenario-risk"'));
});

test('long series: the price line keeps first, last and extreme bars in ≤ 2000 points; 20k bars stay well under 3 MB', async () => {
  const data = syntheticReportData({ bars: 20_000, seed: 2 });
  data.forecast = syntheticForecast(20_000, 2);
  const { timestamp: ts, close } = data.bars;
  const line = (priceSpec(data.bars) as any).vconcat[0].layer[1].data.values as { t: number; close: number }[];
  assert.ok(line.length <= 2000 && line.length > 1000, `${line.length} points`);
  const times = new Set(line.map((p) => p.t));
  for (const i of [0, ts.length - 1, close.indexOf(Math.min(...close)), close.indexOf(Math.max(...close))]) {
    assert.ok(times.has(ts[i]), `bar ${i} kept`);
  }
  const dir = tempDir();
  const path = join(dir, 'report.html');
  const written = await writeReport(path, data);
  assert.is(written.bytes, statSync(path).size);
  assert.equal(written.charts, [...CHART_IDS]);
  assert.ok(written.bytes < 3_000_000, `${written.bytes} bytes`);
  assert.match(readFileSync(path, 'utf8'), /^<!doctype html>/);
  assert.equal(readdirSync(dir), ['report.html'], 'no temporary file left behind');
  console.log(`  20,000-bar report: ${(written.bytes / 1e6).toFixed(2)} MB`);
});

test('edge case: one flat bar, no validation split, constant scenarios — every chart renders without warnings', async () => {
  const data: ReportData = {
    title: 'one bar', generatedAt: '2024-01-01T00:00:00Z', summary: [], likelihoodThreshold: 5,
    bars: { timestamp: [T0], close: [1], position: [0], equity: [1], benchmarkEquity: [1], logLikelihood: [1], regime: [0] },
    history: [{ epoch: 1, trainNll: 2, valNll: null }],
    latents: { x: [1], y: [1], regime: [3] },
    scenarios: [{ horizon: '1 bar', returns: [0.01, 0.01], var95: -0.01, var99: -0.01, cvar95: -0.01, cvar99: -0.01 }],
    metrics: [],
    forecast: { timestamp: [T0 + HOUR], realized: [0], var95: [0], var99: [0], pit: [1], scenarios: 1 },
  };
  const charts = await buildCharts(data);
  assert.equal(charts.map((c) => c.id), [...CHART_IDS]);
  for (const c of charts) assert.equal(c.warnings, [], `${c.id} warnings`);
  const caption = (id: string) => charts.find((c) => c.id === id)!.caption;
  assert.match(caption('price'), /^Close price over 1 bar from 2024-01-01 00:00 UTC to 2024-01-01 00:00 UTC/);
  assert.match(caption('drawdown'), /strategy 0\.00%, buy-and-hold 0\.00%\.$/);
  assert.match(caption('training'), /No validation split was used\.$/);
  assert.match(caption('latent-regimes'), /: 1 point coloured by regime/);
  assert.match(caption('var-bands'), /Beyond the 95% VaR: 0 bars \(0\.00%; 5% expected\)/);
  assert.match(caption('pit'), /PIT ≤ 0\.05: 0\.0% of bars, PIT &gt; 0\.95: 100\.0%|PIT ≤ 0\.05: 0\.0% of bars, PIT > 0\.95: 100\.0%/);
});

test('risk tables (stress table, VaR test) render as escaped sections with their notes, linked from the nav', async () => {
  const data = tiny();
  data.tables = [
    { id: 'stress', title: 'Stress <T>', caption: 'each T & its seed', header: ['T', 'VaR 95%'], rows: [['1 (main set)', '0.86%'], ['2', 'n/a']] },
    { id: 'var-test', title: 'Out-of-sample VaR test', header: ['Horizon', 'Verdict 95%'], rows: [['1 bar', 'VaR too low']], notes: ['1 bar, 95%: FAILS: <9> losses'] },
  ];
  const html = await renderReport(data);
  assert.ok(html.includes('<a href="#table-stress">Stress &lt;T&gt;</a>'));
  assert.ok(html.includes('<section id="table-stress" class="risk-table"><h2>Stress &lt;T&gt;</h2><p class="caption">each T &amp; its seed</p>'));
  assert.ok(html.includes('<table data-table="stress"><thead><tr><th>T</th><th>VaR 95%</th></tr></thead><tbody>\n<tr><td>1 (main set)</td><td>0.86%</td></tr>\n<tr><td>2</td><td class="na">n/a</td></tr>'));
  assert.ok(html.includes('<tr><td>1 bar</td><td>VaR too low</td></tr>'));
  assert.ok(html.includes('<ul><li>1 bar, 95%: FAILS: &lt;9&gt; losses</li></ul></section>'));
  // tables come after the charts and before the notes
  assert.ok(html.indexOf('data-table="var-test"') > html.lastIndexOf('<figure') && html.indexOf('data-table="var-test"') < html.indexOf('class="notes"'));
});

test('a backtest that lost everything (equity 0 from some bar on) still renders', async () => {
  const data = tiny();
  data.bars.equity = [1, 1.1, 0, 0];
  const html = await renderReport(data);
  assert.match(html, /data-chart="equity"/);
});

test('writeReport refuses invalid data before writing anything', async () => {
  const dir = tempDir();
  const data = tiny();
  data.bars.equity[2] = NaN;
  await rejects(writeReport(join(dir, 'r.html'), data), /bars\.equity\[2\]: is NaN/);
  await rejects(renderReport(data), (e) => e instanceof ReportDataError);
  assert.not.ok(existsSync(join(dir, 'r.html')));
  assert.equal(readdirSync(dir), []);
});

test.run();
