import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromCSV } from 'arquero';
import Backtest from '../../src/commands/backtest.js';
import Features, { type FeaturesSummary } from '../../src/commands/features.js';
import Scenarios from '../../src/commands/scenarios.js';
import Train from '../../src/commands/train.js';
import { loadBundle } from '../../src/trading/bundle.js';
import { sliceCandles, mergeCandles } from '../../src/data/candles.js';
import { candlesToCsv, writeCandles } from '../../src/data/candles-csv.js';
import { computeFeatures, FEATURE_NAMES } from '../../src/data/features.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { runCommand } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const candles = simulateMarket({ bars: 100, seed: 8 });

test('candle CSV in, timestamp + 16 feature columns out, equal to the library values; JSON summary', async () => {
  const dir = tempDir();
  const input = join(dir, 'candles.csv'), output = join(dir, 'features.csv');
  writeCandles(input, candles);
  const run = await runCommand(Features, ['--input', input, '--output', output, '--json']);
  assert.is(run.error, undefined);
  const expected = computeFeatures(candles);
  assert.equal(run.json, {
    input, output, candles: 100, rows: 80, dropped: { warmup: 20, gaps: 0 }, intervalMs: 3_600_000,
    range: { from: '2024-01-01 20:00', to: '2024-01-05 03:00', fromMs: expected.timestamps[0], toMs: expected.timestamps[79], rows: 80 },
    names: [...FEATURE_NAMES],
  });
  const text = readFileSync(output, 'utf8');
  assert.is(text.split('\n')[0], ['timestamp', ...FEATURE_NAMES].join(','));
  const table = fromCSV(text);
  assert.equal(Array.from(table.array('timestamp') as ArrayLike<number>), Array.from(expected.timestamps));
  for (const [j, name] of FEATURE_NAMES.entries()) {
    const col = table.array(name) as ArrayLike<number>;
    for (let i = 0; i < 80; i++) assert.is(col[i], expected.data[i * 16 + j]);
  }
});

test('an --interval that names no interval is a usage error (exit 2) and writes nothing', async () => {
  const dir = tempDir();
  const input = join(dir, 'c.csv'), output = join(dir, 'f.csv');
  writeCandles(input, simulateMarket({ bars: 60, seed: 2 }));
  const run = await runCommand(Features, ['--input', input, '--output', output, '--interval', 'bogus']);
  assert.is(run.exitCode, 2);
  assert.match(run.error!.message, /--interval: unknown interval "bogus"/);
  assert.not.ok(existsSync(output));
});

test('a gap in the input drops and counts the rows whose windows cross it', async () => {
  const dir = tempDir();
  const input = join(dir, 'gappy.csv'), output = join(dir, 'f.csv');
  writeFileSync(input, candlesToCsv(mergeCandles(sliceCandles(candles, 0, 60), sliceCandles(candles, 61))));
  const run = await runCommand(Features, ['--input', input, '--output', output]);
  assert.is(run.error, undefined);
  assert.equal([(run.result as FeaturesSummary).rows, (run.result as FeaturesSummary).dropped], [59, { warmup: 20, gaps: 20 }]);
  assert.match(run.stdout, /59 feature rows from 99 candles \(dropped 20 warm-up, 20 across gaps\)/);
});

test('a bad input names the file, line and field, and no output appears', async () => {
  const dir = tempDir();
  const input = join(dir, 'bad.csv'), output = join(dir, 'f.csv');
  const lines = candlesToCsv(candles).split('\n');
  lines[4] = lines[4].replace(/^(\d+),([^,]+),([^,]+),/, '$1,$2,-1,');
  writeFileSync(input, lines.join('\n'));
  const run = await runCommand(Features, ['--input', input, '--output', output]);
  assert.is(run.error!.message, `${input}: line 5, high: -1 is not a positive price`);
  assert.is(run.exitCode, 1);
  assert.not.ok(existsSync(output));
  const missing = await runCommand(Features, ['--input', join(dir, 'nope.csv'), '--output', output]);
  assert.is(missing.error!.message, `${join(dir, 'nope.csv')}: no such file`);
});

test('inputs that are not regular files are refused at once (no read of an endless /dev/zero), with exit 1', async () => {
  const dir = tempDir();
  const output = join(dir, 'f.csv');
  const inputs: Array<[string, string]> = [];
  if (process.platform !== 'win32') inputs.push(['/dev/zero', 'a character device']);
  for (const [input, kind] of inputs) {
    const run = await runCommand(Features, ['--input', input, '--output', output]);
    assert.is(run.error!.message, `${input}: is ${kind}, not a regular file; give a candle CSV file`);
    assert.is(run.exitCode, 1);
  }
  // A directory stands for its candle files; one without any is a usage error.
  const empty = await runCommand(Features, ['--input', dir, '--output', output]);
  assert.is(empty.error!.message, `${dir}: no .csv candle files in this directory`);
  assert.is(empty.exitCode, 2);
  assert.not.ok(existsSync(output));
});

test('a binary file given as CSV is refused in one short line', async () => {
  const dir = tempDir();
  const input = join(dir, 'model.bin'), output = join(dir, 'f.csv');
  // No zero byte in the first chunk: the "header" is 50 KB of binary-looking text without a line break.
  writeFileSync(input, Buffer.from(Array.from({ length: 50_000 }, (_, i) => 128 + (i * 7) % 128)));
  const run = await runCommand(Features, ['--input', input, '--output', output]);
  assert.is(run.exitCode, 1);
  assert.match(run.error!.message, new RegExp(`^${input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 1: missing columns timestamp, open, high, low, close, volume \\(header has: .{200}… \\(\\d+ characters\\); expected timestamp,open,high,low,close,volume\\[,turnover\\]\\)$`, 's'));
  assert.ok(run.error!.message.length < 600, `${run.error!.message.length} characters`);
});

test('a file as users write them: fully quoted, CRLF, ISO times or Unix seconds (with a note on stderr), no turnover', async () => {
  const dir = tempDir();
  const output = join(dir, 'f.csv');
  const rows = (time: (i: number) => string) => ['"timestamp","open","high","low","close","volume"',
    ...Array.from({ length: 30 }, (_, i) => [time(i), candles.open[i], candles.high[i], candles.low[i], candles.close[i], candles.volume[i]].map((v) => `"${v}"`).join(','))].join('\r\n') + '\r\n';
  const iso = join(dir, 'iso.csv'), seconds = join(dir, 'seconds.csv');
  writeFileSync(iso, rows((i) => new Date(candles.timestamp[i]).toISOString().replace('.000Z', '+00:00')));
  writeFileSync(seconds, rows((i) => String(candles.timestamp[i] / 1000)));
  const a = await runCommand(Features, ['--input', iso, '--output', output, '--json']);
  assert.is(a.error, undefined, a.error?.message);
  assert.equal([a.json.candles, a.json.rows, a.json.range.from], [30, 10, '2024-01-01 20:00']);
  assert.is(a.stderr, '');
  const b = await runCommand(Features, ['--input', seconds, '--output', output, '--json']);
  assert.is(b.error, undefined, b.error?.message);
  assert.equal([b.json.candles, b.json.rows, b.json.range.from], [30, 10, '2024-01-01 20:00']);
  assert.is(b.stderr, `Note: ${seconds}: timestamps read as Unix seconds and converted to milliseconds (every value lies between 1e8 and 1e11: ` +
    'as milliseconds that would be 1970–1973); first candle 2024-01-01T00:00:00.000Z, last 2024-01-02T05:00:00.000Z\n');
});

test('month candles work end to end: features, train and backtest (12 bars a year, calendar months, no false gaps)', async () => {
  const dir = tempDir();
  const input = join(dir, 'monthly.csv'), output = join(dir, 'f.csv'), model = join(dir, 'm.bin');
  // 420 month candles from January 1985, written as a user's file would be (ISO times, no turnover).
  const c = simulateMarket({ bars: 420, seed: 4, intervalMs: 30 * 86_400_000 });
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < 420; i++) lines.push(`${new Date(Date.UTC(1985, i, 1)).toISOString()},${c.open[i]},${c.high[i]},${c.low[i]},${c.close[i]},${c.volume[i]}`);
  writeFileSync(input, lines.join('\n') + '\n');
  const features = await runCommand(Features, ['--input', input, '--output', output, '--json']);
  assert.is(features.error, undefined, features.error?.message);
  assert.equal([features.json.rows, features.json.dropped, features.json.intervalMs], [400, { warmup: 20, gaps: 0 }, 30 * 86_400_000]);
  const train = await runCommand(Train, ['--input', input, '--output', model, '--levels', '2', '--steps', '1', '--hidden', '8', '--epochs', '2', '--seed', '3', '--json']);
  assert.is(train.error, undefined, train.error?.message);
  assert.equal(train.json.rows, { train: 280, validation: 60, test: 60 });
  // The strategy was calibrated on month-apart forward returns (none were lost as "gaps").
  assert.is(loadBundle(model).strategy.calibration.rows, 280);
  const backtest = await runCommand(Backtest, ['--model', model, '--data', input, '--json']);
  assert.is(backtest.error, undefined, backtest.error?.message);
  const j = backtest.json;
  assert.equal([j.range.rows, j.warnings], [60, []]);
  // CAGR annualises with 12 bars a year: (1 + total)^(12 / returns) − 1 over the 59 returns of 60 bars.
  assert.ok(Math.abs(j.metrics.cagr - ((1 + j.metrics.totalReturn) ** (12 / 59) - 1)) < 1e-12, `cagr ${j.metrics.cagr}`);
  // The VaR test counts month-apart forward returns: every bar after the validation range, none skipped.
  const scenarios = await runCommand(Scenarios, ['--model', model, '--var-test', input, '--num', '500', '--json']);
  assert.is(scenarios.error, undefined, scenarios.error?.message);
  const one = scenarios.json.varTest.horizons.return_1;
  assert.equal([one.n, one.skippedGaps], [59, 0]);
});

test('a directory or a comma list of inputs: one feature file per market in the --output directory', async () => {
  const dir = tempDir();
  writeCandles(join(dir, 'A.csv'), sliceCandles(candles, 0, 50));
  writeCandles(join(dir, 'B.csv'), sliceCandles(candles, 0, 60));
  const out = join(tempDir(), 'features');
  const run = await runCommand(Features, ['--input', dir, '--output', out, '--json']);
  assert.is(run.error, undefined);
  assert.equal(run.json.files.map((f: FeaturesSummary) => [f.input, f.output, f.rows]), [
    [join(dir, 'A.csv'), join(out, 'A_features.csv'), 30], [join(dir, 'B.csv'), join(out, 'B_features.csv'), 40],
  ]);
  const list = await runCommand(Features, ['--input', `${join(dir, 'B.csv')},${join(dir, 'A.csv')}`, '--output', out, '--json']);
  assert.equal(list.json.files.map((f: FeaturesSummary) => f.output), [join(out, 'B_features.csv'), join(out, 'A_features.csv')]);
  assert.is(readFileSync(join(out, 'A_features.csv'), 'utf8').split('\n').length, 32);
});

test.after(removeTempDirs);
test.run();
