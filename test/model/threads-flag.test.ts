import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Train from '../../src/commands/train.js';
import { writeCandles } from '../../src/data/candles-csv.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { loadBundle } from '../../src/trading/bundle.js';
import { runCommand } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const TINY = ['--levels', '2', '--steps', '1', '--hidden', '8', '--epochs', '2', '--seed', '3', '--batch-size', '128'];
let dir = '', candles = '';
test.before(() => {
  dir = tempDir();
  candles = join(dir, 'c.csv');
  writeCandles(candles, simulateMarket({ bars: 1200, seed: 5 }));
});
test.after(removeTempDirs);

test('train --threads 2 trains on two threads, reproducibly, close to one thread', async () => {
  const runs = [];
  for (const [name, threads] of [['a', '2'], ['b', '2'], ['c', '1']]) {
    const model = join(dir, `${name}.bin`);
    const run = await runCommand(Train, ['--input', candles, '--output', model, ...TINY, '--threads', threads, '--json']);
    assert.is(run.error, undefined, run.error?.message);
    assert.is(run.json.threads, Number(threads));
    runs.push({ json: run.json, params: Array.from(loadBundle(model).glow.getParameters()) });
  }
  assert.equal(runs[0].params, runs[1].params);
  assert.ok(Math.abs(runs[0].json.validationNll - runs[2].json.validationNll) < 1e-3,
    `2 threads ${runs[0].json.validationNll} vs 1 thread ${runs[2].json.validationNll}`);
});

test('train --threads rejects what is not a thread count, and writes nothing', async () => {
  for (const bad of ['0', 'two', '1.5', '65']) {
    const model = join(dir, `bad-${bad}.bin`);
    const run = await runCommand(Train, ['--input', candles, '--output', model, ...TINY, '--threads', bad]);
    assert.ok(run.error, `--threads ${bad} was accepted`);
    assert.match(run.error!.message, new RegExp(`--threads must be an integer from 1 to 64 or "auto", got ${bad}`));
    assert.not.ok(existsSync(model));
  }
});

test.run();
