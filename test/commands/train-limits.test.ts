/**
 * @fileoverview Model sizes at the command line: `train` refuses --levels/--steps/--hidden beyond
 * the limits or the memory budget as a usage error (exit 2) before it reads any candles, and
 * `evaluate` refuses a crafted model file at once with the file and the field named.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Train from '../../src/commands/train.js';
import Evaluate from '../../src/commands/evaluate.js';
import { writeCandles } from '../../src/data/candles-csv.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { trainOnCandles } from '../../src/pipeline/train-on-candles.js';
import { bundleToBytes } from '../../src/trading/bundle.js';
import { runCommand } from '../helpers/cli.js';
import { rewriteHeader } from '../helpers/model-bytes.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

let dir = '';
test.before(() => {
  dir = tempDir();
});
test.after(removeTempDirs);

/** Train with the given size flags on a file that does not exist: only the flag checks can answer. */
const train = (...flags: string[]) => runCommand(Train, ['--input', join(dir, 'never-read.csv'), '--output', join(dir, 'm.bin'), ...flags]);
const exitOf = (e: Error | undefined) => (e as any)?.oclif?.exit;

test('train: a size beyond a field limit is a usage error', async () => {
  const hidden = await train('--hidden', '1000000');
  assert.match(hidden.error!.message, /^Parsing --hidden \s*Expected an integer less than or equal to 16384 but received: 1000000/);
  assert.is(exitOf(hidden.error), 2);
  const steps = await train('--steps', '100000');
  assert.match(steps.error!.message, /^Parsing --steps \s*Expected an integer less than or equal to 1024 but received: 100000/);
  assert.is(exitOf(steps.error), 2);
});

test('train: a model beyond the memory budget is a usage error naming the budget, before the input is read', async () => {
  const run = await train('--hidden', '12000');
  assert.is(run.error!.message,
    '--levels 3 --steps 4 --hidden 12000: invalid model config: features=16, levels=3, steps=4, hidden=12000 needs 33.4 GiB of memory, ' +
    'more than the 1.0 GiB budget for one model (with the other fields unchanged, hidden ≤ 1896 fits)');
  assert.is(exitOf(run.error), 2);
});

test('evaluate: a crafted header is refused at once, with the file and the field named', async () => {
  const candles = simulateMarket({ bars: 900, seed: 11 });
  const { bundle } = trainOnCandles(candles, { model: { levels: 2, steps: 1, hidden: 8 }, fit: { epochs: 1, batchSize: 64 }, seed: 5 });
  const data = join(dir, 'c.csv');
  writeCandles(data, candles);
  const bytes = bundleToBytes(bundle);
  const cases: [(h: any) => void, string][] = [
    [(h) => { h.config.steps = 1e5; }, "the header's model config is invalid: invalid model config: steps must be at most 1024, got 100000"],
    [(h) => { h.training.validation.end = 1e20; }, 'header section training.validation.end must be an integer from 0 to 8640000000000000, got 100000000000000000000'],
    [(h) => { h.strategy = 1; }, 'header section strategy must be an object, got 1'],
  ];
  for (const [edit, message] of cases) {
    const model = join(dir, 'crafted.bin');
    writeFileSync(model, rewriteHeader(bytes, edit));
    const run = await runCommand(Evaluate, ['--model', model, '--data', data]);
    assert.is(run.error?.message, `${model}: ${message}`); // a plain Error: the CLI exits 1
  }
});

test.run();
