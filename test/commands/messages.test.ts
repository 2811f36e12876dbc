/**
 * Error messages in the user's terms: flags, not library options; how many candles training needs
 * and which flag to change; and one exit code (1, a data error) for candles of another interval in
 * every command that scores them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import Backtest from '../../src/commands/backtest.js';
import Evaluate from '../../src/commands/evaluate.js';
import Signal from '../../src/commands/signal.js';
import Train from '../../src/commands/train.js';
import { sliceCandles } from '../../src/data/candles.js';
import { writeCandles } from '../../src/data/candles-csv.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { type CliRun, runCommand } from '../helpers/cli.js';
import { smallModel, writeModelFiles } from '../helpers/model-files.js';
import { removeTempDirs } from '../helpers/tmp.js';

let dir = '', model = '', fourHour = '', short = '';
test.before(() => {
  const { candles, bundle } = smallModel({ bars: 500, seed: 6, epochs: 1 });
  ({ dir, model } = writeModelFiles(candles, bundle));
  fourHour = join(dir, '4h.csv');
  writeCandles(fourHour, simulateMarket({ bars: 100, seed: 2, intervalMs: 4 * 3_600_000 }));
  // The model's own candles, cut before its validation range ends: nothing out of sample is left.
  short = join(dir, 'short.csv');
  writeCandles(short, sliceCandles(candles, 0, 400));
});
test.after(removeTempDirs);

/** The exit code the CLI would give: oclif's on the error when it set one, else the failed run's. */
const exitOf = (run: CliRun<unknown>) => (run.error as { oclif?: { exit?: number } } | undefined)?.oclif?.exit ?? run.exitCode;

test('candles of another interval: the same message and exit code 1 in evaluate, backtest and signal', async () => {
  const runs = {
    evaluate: await runCommand(Evaluate, ['--model', model, '--data', fourHour]),
    backtest: await runCommand(Backtest, ['--model', model, '--data', fourHour]),
    signal: await runCommand(Signal, ['--model', model, '--data', fourHour]),
  };
  for (const [name, run] of Object.entries(runs)) {
    assert.match(run.error?.message ?? '', /candles are 4h apart but the model was trained on 1h candles$/, name);
    assert.is(exitOf(run), 1, name);
  }
});

test('backtest on candles with no bar after the validation range names the flags, not library options', async () => {
  const run = await runCommand(Backtest, ['--model', model, '--data', short]);
  const message = run.error?.message ?? '';
  assert.match(message, /^the data has no bars after the model's validation range/);
  assert.ok(message.endsWith('Give newer candles, or choose a period with --from/--to (and --allow-in-sample to test seen bars).'), message);
});

test('train on too few candles says how many are needed and which flags to change, before fitting', async () => {
  const tiny = join(dir, 'tiny.csv');
  writeCandles(tiny, simulateMarket({ bars: 300, seed: 1 }));
  const run = await runCommand(Train, ['--input', tiny, '--output', join(dir, 'm.bin'), '--epochs', '1']);
  // 300 candles → 280 feature rows → ⌊0.7·280⌋ = 196 training rows; 256 need 366 rows (⌊0.7·366⌋ = 256) + 20 warm-up.
  assert.is(run.error?.message, `${tiny}: 300 candles give 196 training rows at --train-fraction 0.7; training needs at least 256: ` +
    'give at least 386 candles (--input), or raise --train-fraction');
  assert.is(exitOf(run), 1);
  const few = await runCommand(Train, ['--input', tiny, '--output', join(dir, 'm.bin'), '--epochs', '1', '--train-fraction', '0.95', '--validation-fraction', '0.05']);
  // ⌊0.95·280⌋ = 266 ≥ 256: enough, so this one trains.
  assert.is(few.error, undefined);
});

test.run();
