import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Risk from '../../src/commands/risk.js';
import Train from '../../src/commands/train.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { writeCandles } from '../../src/data/candles-csv.js';
import { runCommand } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

test.after(removeTempDirs);

// Made in test.before, not at import: uvu imports every test file first, and another file's
// removeTempDirs would remove a folder made at import time.
let dir = '', data = '', model = '';
test.before(() => {
  dir = tempDir();
  data = join(dir, 'sim.csv');
  model = join(dir, 'f.bin');
  writeCandles(data, simulateMarket({ bars: 2500, seed: 3 }));
});

test('train --conditional writes a forecaster; risk reports every method per horizon and writes the CSV', async () => {
  const t = await runCommand(Train, ['--conditional', '--input', data, '--output', model, '--epochs', '2', '--forecast-bars', '4',
    '--levels', '2', '--steps', '1', '--hidden', '8', '--embed', '4', '--seed', '1', '--json']);
  assert.is(t.error, undefined, t.error?.message);
  assert.is(t.json.kind, 'forecaster');
  assert.equal([t.json.config.target, t.json.config.context, t.json.config.base], [4, 20, 'student-t']);
  const out = join(dir, 'risk.csv');
  const r = await runCommand(Risk, ['--model', model, '--data', data, '--horizons', '4,1', '--scenarios', '200', '--baselines', 'hs,ewma', '--no-hour-factor', '--output', out, '--json']);
  assert.is(r.error, undefined, r.error?.message);
  assert.equal(r.json.horizons, [1, 4]);
  assert.equal(r.json.methods.map((m: { method: string }) => m.method), ['forecaster', 'hs', 'ewma']);
  assert.is(r.json.evaluation.length, 6);
  const f1 = r.json.evaluation.find((e: any) => e.method === 'forecaster' && e.horizon === 1);
  assert.ok(f1.levels[0].dm && typeof f1.levels[0].verdict === 'string');
  assert.ok(['hs', 'ewma'].includes(r.json.reference[1]));
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.is(lines[0], 'timestamp,horizon,var95,cvar95,var99,cvar99,mean,std,realized');
  assert.is(lines.length, 1 + 2 * r.json.range.rows);
  const human = await runCommand(Risk, ['--model', model, '--data', data, '--horizons', '1', '--scenarios', '200', '--baselines', 'ewma']);
  assert.match(human.stdout, /1-bar return \(DM reference: ewma/);
  assert.match(human.stdout, /forecaster +95%/);
});

test('usage errors: bad horizons, unknown baselines, an output equal to an input, a GLOW model', async () => {
  const bad = await runCommand(Risk, ['--model', model, '--data', data, '--horizons', '1,x']);
  assert.match(bad.error!.message, /--horizons must be comma-separated whole numbers ≥ 1, got "1,x"/);
  const far = await runCommand(Risk, ['--model', model, '--data', data, '--horizons', '5']);
  assert.match(far.error!.message, /--horizons: 5 bars is beyond the model's 4-bar forecast/);
  const unknown = await runCommand(Risk, ['--model', model, '--data', data, '--baselines', 'garch,arima']);
  assert.match(unknown.error!.message, /--baselines: unknown arima/);
  const clash = await runCommand(Risk, ['--model', model, '--data', data, '--output', data]);
  assert.match(clash.error!.message, /refusing to overwrite an input/);
  const glow = join(dir, 'g.bin');
  writeFileSync(glow, readFileSync(model));
  const g = await runCommand(Train, ['--input', data, '--output', glow, '--epochs', '1', '--levels', '1', '--steps', '1', '--hidden', '4']);
  assert.is(g.error, undefined, g.error?.message);
  const wrong = await runCommand(Risk, ['--model', glow, '--data', data]);
  assert.match(wrong.error!.message, /this is a GLOW model file, not a forecaster \(train one with "glow-trade train --conditional"\)/);
});

test.run();
