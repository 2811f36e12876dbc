import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Simulate from '../../src/commands/simulate.js';
import { readCandles } from '../../src/data/candles-csv.js';
import { runCommand } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

test('writes a valid candle file and a JSON summary; the same flags give the same bytes', async () => {
  const dir = tempDir();
  const a = join(dir, 'a.csv'), b = join(dir, 'b.csv'), c = join(dir, 'c.csv');
  const run = await runCommand(Simulate, ['--bars', '100', '--seed', '9', '--output', a, '--json']);
  assert.is(run.error, undefined);
  assert.equal(Object.keys(run.json), ['output', 'rows', 'seed', 'interval', 'range', 'facts']);
  assert.equal([run.json.output, run.json.rows, run.json.seed, run.json.interval], [a, 100, 9, '60']);
  assert.equal(run.json.range, { from: '2024-01-01 00:00', to: '2024-01-05 03:00', fromMs: Date.UTC(2024, 0, 1), toMs: Date.UTC(2024, 0, 5, 3), rows: 100 });
  assert.is(run.json.facts.absReturnAutocorrelation.length, 10);
  assert.is(readCandles(a).timestamp.length, 100);
  await runCommand(Simulate, ['--bars', '100', '--seed', '9', '--output', b]);
  await runCommand(Simulate, ['--bars', '100', '--seed', '10', '--output', c]);
  assert.is(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));
  assert.not.equal(readFileSync(a, 'utf8'), readFileSync(c, 'utf8'));
});

test('--start, --interval and --start-price shape the series', async () => {
  const out = join(tempDir(), 's.csv');
  const run = await runCommand(Simulate, ['--bars', '3', '--seed', '1', '--start', '2022-06-01T12:00', '--interval', '4h', '--start-price', '250', '--output', out]);
  assert.is(run.error, undefined);
  const c = readCandles(out);
  assert.equal(Array.from(c.timestamp), [0, 4, 8].map((h) => Date.UTC(2022, 5, 1, 12 + h)));
  assert.is(c.open[0], 250);
  assert.match(run.stdout, /^.*s\.csv: 3 4h candles, seed 1, 2022-06-01T12:00:00\.000Z … 2022-06-01T20:00:00\.000Z\n/);
});

test('bad flags give clear errors and write nothing', async () => {
  const out = join(tempDir(), 'x.csv');
  assert.match((await runCommand(Simulate, ['--output', out, '--interval', 'M'])).error!.message, /simulate needs a fixed interval/);
  assert.match((await runCommand(Simulate, ['--output', out, '--start', 'soon'])).error!.message, /--start "soon" is neither/);
  assert.match((await runCommand(Simulate, ['--output', out, '--start-price', 'abc'])).error!.message, /startPrice must be positive, got NaN/);
  assert.match((await runCommand(Simulate, ['--output', out, '--bars', '0'])).error!.message, /Expected an integer greater than or equal to 1/);
  assert.not.ok(existsSync(out));
});

test.after(removeTempDirs);
test.run();
