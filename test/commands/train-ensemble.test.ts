import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Train, { memberPath } from '../../src/commands/train.js';
import Backtest from '../../src/commands/backtest.js';
import { writeCandles } from '../../src/data/candles-csv.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { runCommand } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

let dir = '', data = '';
test.before(() => {
  dir = tempDir();
  data = join(dir, 'candles.csv');
  writeCandles(data, simulateMarket({ bars: 700, seed: 8 }));
});
test.after(() => removeTempDirs());

const TINY = ['--levels', '2', '--steps', '1', '--hidden', '8', '--epochs', '1'];

test('member files: .s<seed> before the extension', () => {
  assert.is(memberPath('m.bin', 0), 'm.s0.bin');
  assert.is(memberPath('/a.b/model.v2.bin', 3), '/a.b/model.v2.s3.bin');
  assert.is(memberPath('/a.b/model', 3), '/a.b/model.s3');
  assert.is(memberPath('.hidden', 1), '.hidden.s1');
});

test('train --ensemble K writes K member files, each as train --seed would; backtest trades them together', async () => {
  const out = join(dir, 'm.bin');
  const run = await runCommand(Train, ['--input', data, '--output', out, '--ensemble', '2', ...TINY, '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const files = [join(dir, 'm.s0.bin'), join(dir, 'm.s1.bin')];
  assert.equal([run.json.ensemble, run.json.seeds, run.json.models], [2, [0, 1], files]);
  assert.ok(files.every((f) => existsSync(f)) && !existsSync(out));
  const single = await runCommand(Train, ['--input', data, '--output', join(dir, 'one.bin'), '--seed', '1', ...TINY, '--json']);
  assert.is(run.json.members[1].validationNll, single.json.validationNll);
  assert.is(run.json.members[1].seed, 1);
  const bt = await runCommand(Backtest, ['--model', files[0], '--model', files[1], '--data', data, '--json']);
  assert.is(bt.error, undefined, bt.error?.message);
  assert.equal(bt.json.ensemble.members.map((m: any) => m.seed), [0, 1]);
  const bad = await runCommand(Train, ['--input', data, '--output', out, '--seeds', '0,0', ...TINY]);
  assert.match(bad.error!.message, /--seeds must be distinct whole numbers/);
});

test.run();
