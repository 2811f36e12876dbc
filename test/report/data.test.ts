import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countOf, escapeHtml, formatMetric, formatNumber, formatPercent, formatTime } from '../../src/report/format.js';
import { ReportDataError, validateReportData, type BacktestReportData, type ReportData } from '../../src/report/types.js';
import { syntheticReportData } from '../../src/report/synthetic.js';

test('escapeHtml escapes the five HTML metacharacters and nothing else', () => {
  assert.is(escapeHtml(`<a href="x">Tom & Jerry's</a> €`), '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt; €');
});

test('numbers: fixed en-US formats, and "n/a" for null, NaN and ±Infinity', () => {
  assert.is(formatMetric(0.1234, 'pct'), '12.34%');
  assert.is(formatMetric(-1.5, 'pct'), '-150.00%');
  assert.is(formatMetric(12345.6, 'int'), '12,346');
  assert.is(formatMetric(1234.5678, 'num'), '1,234.57');
  assert.is(formatNumber(0.5), '0.5000');
  assert.is(formatNumber(0.000012345), '1.23e-5');
  assert.is(formatNumber(123456.7), '123,457');
  assert.is(formatNumber(0), '0');
  for (const v of [null, NaN, Infinity, -Infinity]) {
    assert.is(formatMetric(v, 'num'), 'n/a');
    assert.is(formatPercent(v), 'n/a');
  }
  assert.is(formatPercent(-0.00001), '0.00%', 'no minus sign on a value that rounds to zero');
  assert.is(formatMetric(-0.4, 'int'), '0');
  assert.equal([countOf(1, 'bar'), countOf(2000, 'bar')], ['1 bar', '2,000 bars']);
  assert.is(formatTime(Date.UTC(2024, 1, 29, 13, 5)), '2024-02-29 13:05 UTC');
});

/** A deep copy of a valid report's data with `change` applied. */
function broken(change: (d: BacktestReportData) => void): ReportData {
  const d = structuredClone(syntheticReportData({ bars: 30, scenarios: 50 }));
  change(d);
  return d;
}

test('glow-trade/report exports the function that builds a report from a run', async () => {
  const api = await import('../../src/report/index.js');
  const { reportDataFromRun } = await import('../../src/report/from-run.js');
  assert.is(api.reportDataFromRun, reportDataFromRun);
  assert.type(api.stressReportTable, 'function');
  assert.type(api.varTestReportTable, 'function');
});

test('the VaR test table: counts, Kupiec p and verdicts of the independent windows, the verdict texts as notes', async () => {
  const { varTestReportTable } = await import('../../src/report/from-run.js');
  const { exceedanceCounts, varVerdict } = await import('../../src/risk/var-test.js');
  const risk = { var95: 0.03, var99: 0.05 };
  const all = exceedanceCounts([-0.04, -0.06, 0, 0, 0.01, 0, -0.04, 0], risk);
  const every = exceedanceCounts([-0.04, 0, -0.04, 0], risk);
  const h = { ...all, ...risk, expected95: 0.4, expected99: 0.08, from: 0, to: 7 * 3_600_000, skippedGaps: 0, nonOverlapping: every,
    verdict95: varVerdict(95, every), verdict99: varVerdict(99, every) };
  const table = varTestReportTable({ after: -3_600_000, horizons: { return_1: null, return_5: null, return_10: null, return_20: h }, note: '' });
  assert.equal(table.rows[0], ['1 bar', '0', '0', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a', 'n/a']);
  assert.equal(table.rows[3], ['20 bars', '8', '4', '3.00%', '2 (0.2)', formatNumber(every.kupiecP95), 'too few bars', '5.00%', '0 (0.0)', formatNumber(every.kupiecP99), 'too few bars']);
  assert.equal(table.notes, [
    '20 bars, 95%: undecided: 2 losses beyond the 95% VaR in 4 bars, 0.2 expected; 20 bars are needed for a verdict',
    '20 bars, 99%: undecided: 0 losses beyond the 99% VaR in 4 bars, 0.0 expected; 20 bars are needed for a verdict',
  ]);
  assert.match(table.caption!, /after 1969-12-31 23:00 UTC/);
});

test('validateReportData accepts the synthetic data and names the field and index of each problem', () => {
  validateReportData(syntheticReportData({ bars: 30, scenarios: 50 }));
  const cases: [(d: BacktestReportData) => void, RegExp][] = [
    [(d) => { d.bars.equity[3] = NaN; }, /^report data: bars\.equity\[3\]: is NaN, expected a finite number ≥ 0$/],
    [(d) => { d.bars.equity[3] = -0.5; }, /bars\.equity\[3\]: is -0.5, expected a finite number ≥ 0/],
    [(d) => { d.tables = [{ id: 'var test', title: 't', header: ['a'], rows: [] }]; }, /tables\[0\]\.id: "var test" must be letters, digits and '-'/],
    [(d) => { d.tables = [{ id: 'stress', title: 't', header: ['a', 'b'], rows: [['1', '2'], ['1']] }]; }, /tables\[0\]\.rows\[1\]: has 1 cells, expected 2/],
    [(d) => { d.bars.close[0] = -1; }, /bars\.close\[0\]: is -1, expected a finite number > 0/],
    [(d) => { d.bars.position.pop(); }, /bars\.position: has 29 values, expected 30/],
    [(d) => { d.bars.timestamp[5] = d.bars.timestamp[4]; }, /bars\.timestamp\[5\]: .*strictly ascending/],
    [(d) => { d.bars.regime[2] = 1.5; }, /bars\.regime\[2\]: is 1\.5, expected an integer ≥ 0/],
    [(d) => { d.bars.logLikelihood[7] = -Infinity; }, /bars\.logLikelihood\[7\]: is -Infinity/],
    [(d) => { d.likelihoodThreshold = NaN; }, /likelihoodThreshold: is NaN/],
    [(d) => { d.history[1].valNll = NaN; }, /history\[1\]\.valNll: is NaN/],
    [(d) => { d.latents!.y.push(0); }, /latents\.y: has 31 values, expected 30/],
    [(d) => { d.scenarios![2].returns = []; }, /scenarios\[2\]\.returns: is empty/],
    [(d) => { d.scenarios![0].var99 = NaN; }, /scenarios\[0\]\.var99: is NaN/],
    [(d) => { d.metrics[0].strategy = NaN; }, /metrics\[0\]\.strategy: is NaN, expected a finite number/],
    [(d) => { (d.metrics[1] as { format: string }).format = 'percent'; }, /metrics\[1\]\.format: is "percent", expected pct, num or int/],
    [(d) => { d.generatedAt = 'yesterday'; }, /generatedAt: "yesterday" is not an ISO date/],
    [(d) => { d.bars = { timestamp: [], close: [], position: [], equity: [], benchmarkEquity: [], logLikelihood: [], regime: [] }; }, /bars\.timestamp: is empty/],
  ];
  for (const [change, expected] of cases) {
    const error = (() => { try { validateReportData(broken(change)); } catch (e) { return e as Error; } return undefined; })();
    assert.instance(error, ReportDataError, `expected a ReportDataError matching ${expected}`);
    assert.match(error!.message, expected);
  }
});

test('synthetic report data is reproducible by seed and its equity compounds the previous position', () => {
  const a = syntheticReportData({ bars: 200, seed: 4 });
  assert.equal(syntheticReportData({ bars: 200, seed: 4 }), a);
  assert.not.equal(syntheticReportData({ bars: 200, seed: 5 }).bars.close, a.bars.close);
  const { close, position, equity } = a.bars;
  for (let t = 2; t < 200; t++) {
    const r = close[t] / close[t - 1] - 1;
    const expected = equity[t - 1] * (1 + position[t - 1] * r - 0.0015 * Math.abs(position[t - 1] - position[t - 2]));
    assert.ok(Math.abs(equity[t] - expected) <= 1e-12 * expected, `equity[${t}]`);
  }
});

test.run();
