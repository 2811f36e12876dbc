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
  const run = await runCommand(Demo, ['--output-dir', dir, '--bars', '1500', '--epochs', '2', '--scenarios', '500', '--seed', '3', '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const j = run.json;
  for (const f of Object.values(j.files) as string[]) assert.ok(existsSync(f), f);
  assert.is(readCandles(j.files.candles).close.length, 1500);
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
});

test.after(removeTempDirs);
test.run();
