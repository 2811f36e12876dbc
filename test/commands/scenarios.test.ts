import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Scenarios from '../../src/commands/scenarios.js';
import { FEATURE_NAMES } from '../../src/data/features.js';
import { STRESS_TEMPERATURES } from '../../src/risk/stress.js';
import { runCommand } from '../helpers/cli.js';
import { smallModel, writeModelFiles } from '../helpers/model-files.js';
import { removeTempDirs } from '../helpers/tmp.js';

let dir = '', model = '', candles = '';
test.before(() => {
  const trained = smallModel({ bars: 700, seed: 4, trainSeed: 2, epochs: 3 });
  ({ dir, model, data: candles } = writeModelFiles(trained.candles, trained.bundle));
});

const HORIZON_KEYS = ['var95', 'cvar95', 'var99', 'cvar99', 'mean', 'std', 'skewness', 'kurtosis', 'percentiles'];

test('--json prints exactly the agreed document; --output writes the scenarios under the 16 feature names', async () => {
  const out = join(dir, 's.csv');
  const run = await runCommand(Scenarios, ['--model', model, '--num', '500', '--temperature', '1.5', '--seed', '9', '--output', out, '--json']);
  assert.is(run.error, undefined);
  const j = run.json;
  assert.equal(Object.keys(j), ['model', 'horizons', 'stress', 'seed', 'temperature', 'num', 'draws', 'redrawn']);
  assert.equal([j.seed, j.temperature, j.num], [9, 1.5, 500]);
  assert.equal([j.model.path, j.model.config, j.model.intervalMs], [model, { features: 16, levels: 2, steps: 1, hidden: 8, coupling: 'affine' }, 3_600_000]);
  assert.equal(Object.keys(j.model.train), ['from', 'to', 'fromMs', 'toMs', 'rows']);
  assert.is(j.draws, j.num + j.redrawn);
  // the stress row at T = 1.5 is the main set: the same VaR, its seed, its redraws
  const row = j.stress[STRESS_TEMPERATURES.indexOf(1.5)];
  assert.equal([row.main, row.seed, row.rejected], [true, 9, j.redrawn]);
  for (const h of Object.keys(j.horizons)) assert.is(row.horizons[h].var95, j.horizons[h].var95);
  assert.equal(Object.keys(j.horizons), ['return_1', 'return_5', 'return_10', 'return_20']);
  for (const h of Object.values<any>(j.horizons)) {
    assert.equal(Object.keys(h), HORIZON_KEYS);
    assert.equal(Object.keys(h.percentiles), ['p1', 'p5', 'p10', 'p25', 'p50', 'p75', 'p90', 'p95', 'p99']);
    assert.ok(h.cvar95 >= h.var95 && h.cvar99 >= h.var99 && h.var99 >= h.var95);
    assert.is(h.var95, -h.percentiles.p5);
  }
  assert.equal(j.stress.map((s: any) => s.temperature), [...STRESS_TEMPERATURES]);
  for (const s of j.stress) assert.equal(Object.keys(s.horizons.return_20), ['var95', 'cvar95', 'var99', 'cvar99']);
  const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
  assert.is(lines[0], FEATURE_NAMES.join(','));
  assert.is(lines.length, 501);
  // The file is the set the numbers came from: its return_1 column has the reported mean.
  const r1 = lines.slice(1).map((l) => Number(l.split(',')[0]));
  assert.ok(Math.abs(r1.reduce((s, v) => s + v, 0) / 500 - j.horizons.return_1.mean) < 1e-12);
  const again = await runCommand(Scenarios, ['--model', model, '--num', '500', '--temperature', '1.5', '--seed', '9', '--json']);
  assert.equal(again.json, j, 'same flags, same numbers');
  const other = await runCommand(Scenarios, ['--model', model, '--num', '500', '--temperature', '1.5', '--seed', '10', '--json']);
  assert.is.not(other.json.horizons.return_1.var95, j.horizons.return_1.var95);
});

test('--var-test adds exceedances and Kupiec p-values on the bars after the validation range', async () => {
  const run = await runCommand(Scenarios, ['--model', model, '--num', '1000', '--var-test', candles, '--json']);
  assert.is(run.error, undefined);
  assert.equal(Object.keys(run.json), ['model', 'horizons', 'stress', 'varTest', 'seed', 'temperature', 'num', 'draws', 'redrawn']);
  const v = run.json.varTest;
  assert.is(v.data, candles);
  assert.match(v.note, /overlap/);
  assert.is(v.after, new Date(v.afterMs).toISOString().slice(0, 16).replace('T', ' '));
  const t = v.horizons.return_1;
  assert.equal(Object.keys(t.range), ['from', 'to', 'fromMs', 'toMs', 'rows']);
  assert.ok(t.n > 50 && t.range.rows === t.n && t.range.fromMs > v.afterMs, `${t.n} bars from ${t.range.from}`);
  assert.equal(Object.keys(t.verdict95), ['result', 'text']);
  assert.is(t.var95, run.json.horizons.return_1.var95);
  for (const k of ['exceedances95', 'kupiecP95', 'exceedances99', 'kupiecP99']) assert.type(t[k], 'number');
  assert.ok(t.kupiecP95 >= 0 && t.kupiecP95 <= 1);
  // in words for people: a verdict per horizon and level, and no internal field names
  const human = await runCommand(Scenarios, ['--model', model, '--num', '1000', '--var-test', candles]);
  assert.match(human.stdout, /verdict 95%\s+verdict 99%\n/);
  assert.match(human.stdout, /\nreturn_1: (passes|FAILS|undecided): \d+ loss(es)? beyond the 95% VaR in \d+ bars, [\d.]+ expected/);
  assert.not.match(human.stdout, /nonOverlapping/);
});

test('human output: the horizon table, percentiles, the stress table and where the file went', async () => {
  const out = join(dir, 'h.csv');
  const run = await runCommand(Scenarios, ['--model', model, '--num', '200', '--output', out]);
  assert.is(run.error, undefined);
  assert.match(run.stdout, /200 scenarios at T = 1, seed 0/);
  assert.match(run.stdout, /horizon\s+VaR95\s+CVaR95\s+VaR99\s+CVaR99\s+mean\s+std\s+skewness\s+ex\.kurtosis\nreturn_1 /);
  assert.match(run.stdout, /p1\s+p5\s+p10\s+p25\s+p50\s+p75\s+p90\s+p95\s+p99/);
  assert.match(run.stdout, /\n2\s+\d+\s+return_1\s/);
  // T = 1 is the main set (seed 0): the same VaR95 as the horizon table above it
  const var95 = /\nreturn_1\s+(\S+)/.exec(run.stdout)![1];
  assert.match(run.stdout, new RegExp(`\\n1 \\(main set\\)\\s+0\\s+return_1\\s+${var95.replace('.', '\\.')}\\s`));
  assert.match(run.stdout, /wrote 200 scenarios × 16 features → .*h\.csv/);
  assert.ok(existsSync(out));
});

test('a bad --temperature or a missing model file is a clear error, and nothing is written', async () => {
  const out = join(dir, 'bad.csv');
  for (const t of ['0', 'abc', '-0.5', 'Infinity', '']) {
    const run = await runCommand(Scenarios, ['--model', model, `--temperature=${t}`, '--output', out]);
    assert.match(run.error?.message ?? '', /--temperature must be a finite number > 0, got "/, `T=${t}`);
  }
  const missing = await runCommand(Scenarios, ['--model', join(dir, 'nope.bin'), '--output', out]);
  assert.match(missing.error?.message ?? '', /nope\.bin: cannot read the model file: ENOENT/);
  const few = await runCommand(Scenarios, ['--model', model, '--num', '10']);
  assert.match(few.error?.message ?? '', /greater than or equal to 100/);
  assert.not.ok(existsSync(out));
});

test.after(removeTempDirs);
test.run();
