import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromCSV } from 'arquero';
import Features from '../../src/commands/features.js';
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

test('a gap in the input drops and counts the rows whose windows cross it', async () => {
  const dir = tempDir();
  const input = join(dir, 'gappy.csv'), output = join(dir, 'f.csv');
  writeFileSync(input, candlesToCsv(mergeCandles(sliceCandles(candles, 0, 60), sliceCandles(candles, 61))));
  const run = await runCommand(Features, ['--input', input, '--output', output]);
  assert.is(run.error, undefined);
  assert.equal([run.result!.rows, run.result!.dropped], [59, { warmup: 20, gaps: 20 }]);
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

test.after(removeTempDirs);
test.run();
