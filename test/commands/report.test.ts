import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Report from '../../src/commands/report.js';
import Backtest from '../../src/commands/backtest.js';
import { writeFileSync } from 'node:fs';
import { runCommand } from '../helpers/cli.js';
import { smallModel, writeModelFiles } from '../helpers/model-files.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { trainForecaster } from '../../src/pipeline/train-forecaster.js';
import { saveForecasterBundle } from '../../src/trading/forecaster-bundle.js';

let dir = '', data = '', model = '', forecaster = '';
test.before(() => {
  const { candles, bundle } = smallModel({ bars: 1500, seed: 11, trainSeed: 2, epochs: 2 });
  ({ dir, data, model } = writeModelFiles(candles, bundle));
  forecaster = join(dir, 'forecaster.bin');
  const small = { levels: 2, steps: 1, hidden: 8, embed: 4, contextHidden: 8 };
  // strategy.horizon: the forecast strategy's default horizon (10) exceeds this model's 5 bars, and training refuses that
  saveForecasterBundle(forecaster, trainForecaster(candles, { seed: 2, horizon: 5, model: small, strategy: { horizon: 5 }, fit: { epochs: 1, batchSize: 128 } }).bundle);
});

test('writes one offline HTML file with every chart for the out-of-sample bars', async () => {
  const out = join(dir, 'r.html');
  const run = await runCommand(Report, ['--model', model, '--data', data, '--output', out, '--scenarios', '500', '--seed', '4', '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const j = run.json;
  assert.equal(j.charts, ['price', 'equity', 'drawdown', 'likelihood', 'regime-timeline', 'latent-regimes', 'training', 'scenarios']);
  assert.equal(j.scenarios, { num: 500, temperature: 1, seed: 4 });
  // 1500 candles → 1480 rows; the default period is every row after the validation range (the last 15%).
  assert.is(j.range.rows, 1480 - Math.floor(1480 * 0.7) - Math.floor(1480 * 0.15));
  assert.equal(Object.keys(j.range), ['from', 'to', 'fromMs', 'toMs', 'rows']);
  const html = readFileSync(out, 'utf8');
  assert.is(j.bytes, Buffer.byteLength(html));
  assert.is((html.match(/<figure[^>]*data-chart=/g) ?? []).length, 10, 'the 8 charts and the backtest section\'s 2');
  assert.equal(j.sectionCharts, ['glow-equity', 'glow-exposure']);
  assert.not.match(html, /(src|href)=["']https?:/);
  assert.match(html, /Sharpe/);
  // the stress table (its T = 1 row is the main set) and the VaR test with a verdict in words
  assert.match(html, /<table data-table="stress">[\s\S]*?<td>1 \(main set\)<\/td><td>4<\/td>/);
  assert.match(html, /<table data-table="var-test">/);
  assert.match(html, /<li>1 bar, 95%: (passes|FAILS|undecided): \d+ loss(es)? beyond the 95% VaR in \d+ bars/);
  assert.not.match(html, /nonOverlapping/);
  assert.equal(Object.keys(j.varTest), ['return_1', 'return_5', 'return_10', 'return_20']);
  assert.ok(['consistent', 'VaR too low', 'VaR too high', 'too few bars'].includes(j.varTest.return_1.verdict95));
});

test('the honest statistics and the baselines (same bars, same costs) are in the page and in --json, counting --trials', async () => {
  const out = join(dir, 'h.html');
  const run = await runCommand(Report, ['--model', model, '--data', data, '--output', out, '--scenarios', '0', '--trials', '3', '--fee', '0.002', '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const j = run.json;
  assert.equal(j.sectionCharts, ['glow-equity', 'glow-exposure']);
  assert.is(j.honest.trials, 3);
  assert.is(j.honest.bars, j.range.rows - 1);
  assert.equal(Object.keys(j.baselines), ['buyAndHold', 'volTarget', 'momentum']);
  for (const b of Object.values(j.baselines) as Array<{ honest: { trials: number; bars: number }; metrics: object }>) {
    assert.is(b.honest.trials, 3);
    assert.is(b.honest.bars, j.honest.bars);
  }
  const html = readFileSync(out, 'utf8');
  const table = html.match(/<table data-table="baselines-glow">([\s\S]*?)<\/table>/)![1];
  const rows = [...table.matchAll(/<tr class="(\w+)"><td>([^<]*)<\/td>/g)].map((m) => [m[1], m[2]]);
  assert.equal(rows, [['strategy', 'strategy &quot;glow&quot;'], ['baseline', 'buy &amp; hold'], ['baseline', 'EWMA vol target'], ['baseline', '20-bar momentum']]);
  // the page prints the very numbers of --json (the engine's statistics, not recomputed)
  const dsr = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
  assert.ok(html.includes(`<dt>Deflated Sharpe</dt><dd>${dsr(j.honest.deflatedSharpe)} after 3 trials`), 'deflated Sharpe');
  assert.ok(html.includes(`seed ${j.honest.sharpeCI.seed})</dd>`), 'bootstrap seed');
  assert.ok(html.includes(`<dd class="verdict ${j.honest.distinguishable ? 'edge' : 'noise'}">${j.honest.verdict.replace(/</g, '&lt;')}</dd>`), 'verdict');
});

test('refuses in-sample bars and a bad temperature, writing nothing', async () => {
  const out = join(dir, 'never.html');
  const r1 = await runCommand(Report, ['--model', model, '--data', data, '--output', out, '--from', '2024-01-02']);
  assert.match(r1.error!.message, /overlaps the model's training range/);
  const r2 = await runCommand(Report, ['--model', model, '--data', data, '--output', out, '--temperature', '0']);
  assert.match(r2.error!.message, /--temperature must be a number > 0, got "0"/);
  assert.not.ok(existsSync(out));
});

test('a forecaster model file gives the per-bar risk report: VaR bands, PIT histogram and the test table with verdicts', async () => {
  const out = join(dir, 'f.html');
  const run = await runCommand(Report, ['--model', forecaster, '--data', data, '--output', out, '--scenarios', '200', '--seed', '3', '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const j = run.json;
  assert.is(j.kind, 'forecaster');
  assert.equal(j.charts, ['training', 'var-bands', 'pit']);
  assert.equal(j.horizons, [1, 5]);
  assert.equal([j.scenarios, j.seed], [200, 3]);
  assert.is(j.range.rows, 1480 - Math.floor(1480 * 0.7) - Math.floor(1480 * 0.15));
  assert.equal([...new Set(j.evaluation.map((e: { method: string }) => e.method))], ['forecaster', 'hs', 'ewma', 'ewma-hour', 'garch-t', 'garch-t-hour']);
  const html = readFileSync(out, 'utf8');
  assert.is(j.bytes, Buffer.byteLength(html));
  assert.match(html, /<title>glow-trade forecaster risk report<\/title>/);
  assert.not.match(html, /data-table="metrics"/);
  // one row per method and level for each horizon, each ending in its verdict
  const table = html.match(/<table data-table="forecast-evaluation">([\s\S]*?)<\/table>/)![1];
  assert.is((table.match(/<tr>/g) ?? []).length, 1 + 2 * 6 * 2);
  const verdict = j.evaluation[0].levels[0].verdict as string;
  assert.ok(table.includes(`<td>${verdict.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</td></tr>`), verdict);
  assert.match(table, /<td>1 bar \(ref\. [a-z-]+\)<\/td><td>forecaster<\/td><td>95%<\/td>/);
});

test('a forecaster report refuses too few scenarios with a usage error, writing nothing', async () => {
  const out = join(dir, 'f-never.html');
  const run = await runCommand(Report, ['--model', forecaster, '--data', data, '--output', out, '--scenarios', '50']);
  assert.match(run.error!.message, /--scenarios must be at least 100 per bar for a forecaster report .*got 50/);
  assert.is((run.error as { oclif?: { exit?: number } }).oclif?.exit, 2);
  assert.not.ok(existsSync(out));
});

test('a forecaster report refuses --temperature, which it would ignore, writing nothing', async () => {
  const out = join(dir, 'f-flags.html');
  const run = await runCommand(Report, ['--model', forecaster, '--data', data, '--output', out, '--temperature', '1']);
  assert.match(run.error!.message, /^--temperature does not apply to a forecaster model file: its scenarios are drawn from the predictive distribution as it is \(no temperature\)\. Leave it out\.$/);
  assert.is((run.error as { oclif?: { exit?: number } }).oclif?.exit, 2);
  assert.not.ok(existsSync(out));
});

test('a forecaster report backtests the forecast strategy with the costs given: exposure vs predicted risk, equity vs baselines, honest statistics', async () => {
  const out = join(dir, 'f-bt.html');
  const run = await runCommand(Report, ['--model', forecaster, '--data', data, '--output', out, '--scenarios', '100', '--fee', '0.002', '--slippage', '0',
    '--trials', '2', '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const j = run.json;
  assert.equal(j.sectionCharts, ['forecast-equity', 'forecast-exposure']);
  const bt = j.backtest;
  assert.is(bt.strategy, 'forecast');
  assert.equal([bt.fee, bt.slippage], [0.002, 0]);
  assert.is(bt.range.rows, j.range.rows, 'the same bars as the per-bar risk');
  assert.is(bt.honest.trials, 2);
  assert.is(bt.honest.bars, bt.range.rows - 1);
  assert.equal(Object.keys(bt.baselines), ['buyAndHold', 'volTarget', 'momentum']);
  for (const b of Object.values(bt.baselines) as Array<{ honest: { bars: number; trials: number } }>) assert.equal([b.honest.bars, b.honest.trials], [bt.honest.bars, 2]);
  assert.ok(bt.forecast.options.horizon >= 1 && bt.forecast.options.horizon <= 5, `horizon ${bt.forecast.options.horizon}`);
  assert.ok(bt.forecast.target > 0);
  assert.ok(Math.abs(bt.forecast.hurdle - bt.forecast.options.minEdge * 0.002) < 1e-15);
  const html = readFileSync(out, 'utf8');
  const table = html.match(/<table data-table="baselines-forecast">([\s\S]*?)<\/table>/)![1];
  assert.is((table.match(/<tr class="(strategy|baseline)">/g) ?? []).length, 4);
  assert.match(table, /<tr class="strategy"><td>strategy &quot;forecast&quot;<\/td>/);
  assert.ok(html.includes(`<dt>Deflated Sharpe</dt><dd>${bt.honest.deflatedSharpe === null ? 'n/a' : bt.honest.deflatedSharpe.toFixed(3)}`));
  const label = `predicted ${bt.forecast.options.horizon}-bar ${bt.forecast.options.risk === 'cvar' ? 'CVaR 95%' : 'std'}`;
  assert.match(html, new RegExp(`<figure id="chart-forecast-exposure" data-chart="forecast-exposure"><h3>Exposure vs predicted risk</h3>[\\s\\S]*?the ${label} the exposure was sized on\\.</figcaption>`));
  // the strategy section comes before the forecaster's risk charts
  assert.ok(html.indexOf('id="backtest-forecast"') < html.indexOf('data-chart="var-bands"'));
  // a strategy without forecastPositions is refused by name
  const glow = await runCommand(Report, ['--model', forecaster, '--data', data, '--output', join(dir, 'f-glow.html'), '--scenarios', '100', '--strategy', 'glow']);
  assert.match(glow.error!.message, /strategy "glow" trades on GLOW models only/);
});

test('--walk-forward-json renders a walk-forward: folds with honest statistics and baselines, the ensemble members and their spread', async () => {
  const wfJson = join(dir, 'wf.json');
  const bt = await runCommand(Backtest, ['--data', data, '--walk-forward', '--train-bars', '900', '--test-bars', '250', '--levels', '2', '--steps', '1',
    '--hidden', '8', '--epochs', '1', '--seeds', '1,2', '--json']);
  assert.is(bt.error, undefined, bt.error?.message);
  writeFileSync(wfJson, JSON.stringify(bt.json));
  const folds = bt.json.walkForward.folds as Array<{ fold: number; honest: { alphaT: number | null; verdict: string }; test: { rows: number } }>;
  const out = join(dir, 'wf.html');
  const run = await runCommand(Report, ['--walk-forward-json', wfJson, '--output', out, '--json']);
  assert.is(run.error, undefined, run.error?.message);
  assert.equal([run.json.kind, run.json.folds], ['walk-forward', folds.length]);
  const html = readFileSync(out, 'utf8');
  const table = html.match(/<table data-table="walk-forward-folds">([\s\S]*?)<\/table>/)![1];
  assert.match(table, /<th>Fold<\/th>.*<th>Alpha t<\/th><th>Sharpe 95%<\/th><th>Deflated Sharpe<\/th><th>Edge ≠ 0<\/th><th>Members Sharpe min\/med\/max<\/th><th>Buy &amp; hold return<\/th>/);
  const rows = [...table.matchAll(/<tr><td>(\d+)<\/td><td>[^<]*<\/td><td>(\d+)<\/td>(?:<td[^>]*>[^<]*<\/td>){3}<td[^>]*>([^<]*)<\/td>/g)];
  assert.equal(rows.map((r) => [Number(r[1]), Number(r[2]), r[3]]), folds.map((f) => [f.fold, f.test.rows, f.honest.alphaT === null ? 'n/a' : f.honest.alphaT.toFixed(2)]));
  for (const f of folds) assert.ok(html.includes(`<li>fold ${f.fold}: ${f.honest.verdict.replace(/</g, '&lt;')}</li>`), `fold ${f.fold} verdict`);
  const members = html.match(/<table data-table="walk-forward-members">([\s\S]*?)<\/table>/)![1];
  assert.equal([...members.matchAll(/<tr><td>([^<]+)<\/td>/g)].map((m) => m[1]), ['seed 1', 'seed 2', 'ensemble']);
  assert.match(html, /<li>spread over the members \(min \/ median \/ max\): Sharpe -?\d+\.\d\d \/ /);
  assert.is((html.match(/<tr class="(strategy|baseline)">/g) ?? []).length, 4, 'the stitched run beside the three baselines');
  // a file that is not a walk-forward is refused, naming it
  const bad = join(dir, 'not-wf.json');
  writeFileSync(bad, JSON.stringify({ mode: 'backtest' }));
  const refused = await runCommand(Report, ['--walk-forward-json', bad, '--output', join(dir, 'never.html')]);
  assert.match(refused.error!.message, /not-wf\.json: mode is "backtest", not "walk-forward" \(expected the output of "glow-trade backtest --walk-forward --json"\)/);
  assert.is((refused.error as { oclif?: { exit?: number } }).oclif?.exit, 2);
  const ignored = await runCommand(Report, ['--walk-forward-json', wfJson, '--output', join(dir, 'never.html'), '--fee', '0.002', '--data', data]);
  assert.match(ignored.error!.message, /^--data, --fee do not apply with --walk-forward-json: the walk-forward was run and priced by "backtest --walk-forward", which took them\. Leave them out\.$/);
  const both = await runCommand(Report, ['--walk-forward-json', wfJson, '--model', model, '--data', data, '--output', join(dir, 'never.html')]);
  assert.ok(both.error, 'one of --model and --walk-forward-json');
  assert.not.ok(existsSync(join(dir, 'never.html')));
});

test.after(removeTempDirs);
test.run();
