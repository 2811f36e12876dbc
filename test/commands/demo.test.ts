import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Demo from '../../src/commands/demo.js';
import { readCandles } from '../../src/data/candles-csv.js';
import { EQUITY_COLUMNS } from '../../src/trading/backtest-files.js';
import { loadBundle } from '../../src/trading/bundle.js';
import { runCommand } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

test('the main job end to end: every file written, every number out of sample', async () => {
  const dir = join(tempDir(), 'out');
  // 1200 bars: fewer than 1,000 training candles, so the per-bar risk warns (and the demo must say so)
  const run = await runCommand(Demo, ['--output-dir', dir, '--bars', '1200', '--epochs', '2', '--scenarios', '500', '--seed', '3',
    '--forecaster-epochs', '1', '--forecaster-scenarios', '100', '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const j = run.json;
  for (const f of Object.values(j.files) as string[]) assert.ok(existsSync(f), f);
  assert.is(readCandles(j.files.candles).close.length, 1200);
  const bundle = loadBundle(j.files.model);
  // The backtest starts after the model's validation range: nothing tested was seen in training.
  assert.ok(j.backtest.range.fromMs > bundle.training.validation!.end);
  assert.equal(j.backtest.warnings, []);
  const equity = readFileSync(j.files.equity, 'utf8').trim().split('\n');
  assert.is(equity[0], EQUITY_COLUMNS.join(','));
  assert.is(equity.length - 1, j.backtest.range.rows);
  assert.is(readFileSync(j.files.scenarios, 'utf8').trim().split('\n').length, 501);
  assert.ok(j.risk.return_1.var99 >= j.risk.return_1.var95);
  assert.is(j.risk.varTest.n, j.backtest.range.rows - 1);
  const html = readFileSync(j.files.report, 'utf8');
  assert.match(html, /glow-trade demo/);
  assert.match(html, /<table data-table="stress">/);
  assert.match(html, /<table data-table="var-test">/);
  // The small forecaster on the same split: its per-bar risk on the held-out bars, beside the baselines.
  assert.ok(j.forecaster.range.fromMs > bundle.training.validation!.end);
  assert.is(j.forecaster.range.rows, j.backtest.range.rows);
  assert.equal(j.forecaster.horizons, [1, 5, 10, 20]);
  assert.is(j.forecaster.scenarios, 100);
  const h1 = j.forecaster.evaluation.find((e: { method: string; horizon: number }) => e.method === 'forecaster' && e.horizon === 1);
  assert.equal(h1.levels.map((l: { confidence: number }) => l.confidence), [0.95, 0.99]);
  assert.type(h1.levels[0].verdict, 'string');
  for (const id of ['var-bands', 'pit']) assert.match(html, new RegExp(`<figure id="chart-${id}" data-chart="${id}">`));
  assert.match(html, /<table data-table="forecast-evaluation">/);
  assert.ok(html.indexOf('data-chart="var-bands"') > html.indexOf('data-chart="scenarios"'));
  assert.ok(j.forecaster.warnings.some((w: string) => /fewer than 1,000 of the model's training candles/.test(w)), j.forecaster.warnings.join('; '));
  // honest statistics and baselines of the backtest, in --json and in the report
  assert.is(j.backtest.honest.bars, j.backtest.range.rows - 1);
  assert.type(j.backtest.honest.verdict, 'string');
  assert.equal(Object.keys(j.backtest.baselines), ['buyAndHold', 'volTarget', 'momentum']);
  for (const id of ['glow', 'forecast']) {
    const table = html.match(new RegExp(`<table data-table="baselines-${id}">([\\s\\S]*?)</table>`))![1];
    assert.is((table.match(/<tr class="(strategy|baseline)">/g) ?? []).length, 4, id);
  }
  // the small forecaster's forecast strategy on the same held-out bars, beside the baselines
  const fb = j.forecaster.backtest;
  assert.equal([fb.strategy, fb.range.rows, fb.honest.bars], ['forecast', j.backtest.range.rows, j.backtest.range.rows - 1]);
  assert.equal(Object.keys(fb.baselines), ['buyAndHold', 'volTarget', 'momentum']);
  assert.is(fb.baselines.buyAndHold.honest.sharpe, j.backtest.baselines.buyAndHold.honest.sharpe, 'the same bars and costs as the GLOW backtest');
  assert.ok(html.includes(`<dd class="verdict ${j.backtest.honest.distinguishable ? 'edge' : 'noise'}">`));
  assert.ok(html.indexOf('id="backtest-glow"') < html.indexOf('data-chart="price"'), 'right after the performance table');
});

test('the human output shows the honest statistics, the baselines, the verdict in words and the per-bar risk\'s warnings', async () => {
  const dir = join(tempDir(), 'human');
  const run = await runCommand(Demo, ['--output-dir', dir, '--bars', '800', '--epochs', '1', '--scenarios', '200',
    '--forecaster-epochs', '1', '--forecaster-scenarios', '100']);
  assert.is(run.error, undefined, run.error?.message);
  // 800 bars: fewer than 1,000 training candles, which runRisk warns about; the demo used to drop it
  assert.match(run.stderr, /Warning: the data holds fewer than 1,000 of the model's training candles/); // oclif wraps the rest
  assert.match(run.stdout, /   Honest statistics \(\d+ bars\):\n     alpha vs the asset .* t = .*\(Newey–West, lag \d+\); beta /);
  assert.match(run.stdout, /stationary bootstrap, 1000 resamples, mean block \d+ bars, seed 1\)/);
  assert.match(run.stdout, /   Baselines \(same bars, same costs\):\n     buy & hold +Sharpe .*\n     EWMA vol target +Sharpe .*\n     20-bar momentum +Sharpe /);
  assert.match(run.stdout, /\n   forecast strategy \(exposure budgeted on the predicted \d+-bar (CVaR 95%|std)\): Sharpe .*\n   verdict: (the edge is|the strategy loses|too few bars)/);
  assert.match(run.stdout, /\nverdict on the strategy: (the edge is|the strategy loses|too few bars)/);
});

test('--forecaster-epochs 0 leaves the forecaster out', async () => {
  const dir = join(tempDir(), 'out0');
  const run = await runCommand(Demo, ['--output-dir', dir, '--bars', '800', '--epochs', '1', '--scenarios', '200', '--forecaster-epochs', '0', '--json']);
  assert.is(run.error, undefined, run.error?.message);
  assert.is(run.json.forecaster, null);
  assert.is(run.json.files.forecaster, undefined);
  assert.not.match(readFileSync(run.json.files.report, 'utf8'), /data-chart="var-bands"|<table data-table="forecast-evaluation">/);
});

test.after(removeTempDirs);
test.run();
