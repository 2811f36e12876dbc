import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Train from '../../src/commands/train.js';
import Evaluate from '../../src/commands/evaluate.js';
import { writeCandles } from '../../src/data/candles-csv.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { minuteTime as isoTime } from '../../src/data/time.js';
import { loadBundle } from '../../src/trading/bundle.js';
import { runCommand } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const TINY = ['--levels', '2', '--steps', '1', '--hidden', '8', '--epochs', '2', '--seed', '3'];
// Made in `before`, not at load time: other suites' `after` hooks empty the shared temp-dir list.
let dir = '', candles = '';
test.before(() => {
  dir = tempDir();
  candles = join(dir, 'c.csv');
  writeCandles(candles, simulateMarket({ bars: 1200, seed: 5 }));
});

test('train writes one model file with scaler, strategy and ranges; --json summarises; the test rows stay unseen', async () => {
  const model = join(dir, 'm.bin');
  const run = await runCommand(Train, ['--input', candles, '--output', model, ...TINY, '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const j = run.json;
  assert.equal([j.model, j.seed, j.epochs, j.stopReason], [model, 3, 2, 'epochs']);
  assert.equal(j.config, { features: 16, levels: 2, steps: 1, hidden: 8, coupling: 'affine' });
  // 1200 candles → 1180 feature rows → 70/15/15 chronologically.
  assert.equal(j.rows, { train: 826, validation: 177, test: 177 });
  assert.ok(j.ranges.train.toMs < j.ranges.validation.fromMs && j.ranges.validation.toMs < j.ranges.test.fromMs);
  assert.ok(Number.isFinite(j.validationNll) && Number.isFinite(j.likelihoodThreshold));
  const bundle = loadBundle(model);
  assert.is(bundle.glow.numParameters, j.parameters);
  const tr = bundle.training.train;
  assert.equal(j.ranges.train, { from: isoTime(tr.start), to: isoTime(tr.end), fromMs: tr.start, toMs: tr.end, rows: tr.rows });
  assert.is(bundle.featureNames.length, 16);
  assert.is(bundle.strategy.calibration.rows, 826);
  const o = bundle.strategy.calibration.options;
  assert.equal([o.horizon, o.costRate, o.minEdge, o.rebalanceBand, o.belowEdge], [8, 0.0015, 1.5, 0.75, 'hold']);
  assert.equal(j.strategy, o);
});

test('strategy flags reach the calibration stored in the model file', async () => {
  const model = join(dir, 's.bin');
  const run = await runCommand(Train, ['--input', candles, '--output', model, ...TINY, '--horizon', '4', '--cost-rate', '0.001',
    '--min-edge', '0', '--rebalance-band', '0.25', '--below-edge', 'flat']);
  assert.is(run.error, undefined, run.error?.message);
  const o = loadBundle(model).strategy.calibration.options;
  assert.equal([o.horizon, o.costRate, o.minEdge, o.rebalanceBand, o.belowEdge], [4, 0.001, 0, 0.25, 'flat']);
  const bad = await runCommand(Train, ['--input', candles, '--output', join(dir, 'x.bin'), ...TINY, '--min-edge', '-1']);
  assert.match(bad.error!.message, /--min-edge must be a number ≥ 0, got "-1"/);
});

test('same flags, same seed ⇒ bit-identical parameters and calibration (only timings differ)', async () => {
  const a = join(dir, 'a.bin'), b = join(dir, 'b.bin'), c = join(dir, 'c.bin');
  await runCommand(Train, ['--input', candles, '--output', a, ...TINY]);
  await runCommand(Train, ['--input', candles, '--output', b, ...TINY]);
  await runCommand(Train, ['--input', candles, '--output', c, ...TINY.slice(0, -1), '4']);
  const [ma, mb, mc] = [a, b, c].map((p) => loadBundle(p));
  assert.equal(Array.from(ma.glow.getParameters()), Array.from(mb.glow.getParameters()));
  assert.equal(ma.strategy.calibration, mb.strategy.calibration);
  assert.not.equal(Array.from(ma.glow.getParameters()), Array.from(mc.glow.getParameters()));
});

test('bad input fails clearly and writes no model', async () => {
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'timestamp,open,high,low,close,volume,turnover\n1000,1,2,0.5,1.5,1,1\n1000,1,2,0.5,1.5,1,1\n');
  const out = join(dir, 'never.bin');
  const r1 = await runCommand(Train, ['--input', bad, '--output', out, ...TINY]);
  assert.match(r1.error!.message, /bad\.csv.*row/);
  const r2 = await runCommand(Train, ['--input', candles, '--output', out, ...TINY, '--learning-rate', 'fast']);
  assert.match(r2.error!.message, /--learning-rate must be a number > 0, got "fast"/);
  assert.not.ok(existsSync(out));
});

test('evaluate scores new candles against the threshold and flags in-sample rows', async () => {
  const model = join(dir, 'e.bin');
  await runCommand(Train, ['--input', candles, '--output', model, ...TINY]);
  const run = await runCommand(Evaluate, ['--model', model, '--data', candles, '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const j = run.json;
  assert.is(j.rows, 1180);
  assert.equal(Object.keys(j.range), ['from', 'to', 'fromMs', 'toMs', 'rows']);
  assert.is(j.range.rows, 1180);
  assert.ok(Math.abs(j.nll + j.meanLogLikelihood) < 1e-12);
  assert.ok(Math.abs(j.bitsPerDim - j.nll / (16 * Math.LN2)) < 1e-12);
  assert.ok(j.shareBelowThreshold > 0 && j.shareBelowThreshold < 0.5);
  assert.is(j.rowsInTrainingPeriod, 826);
  assert.is(j.rowsInValidationPeriod, 177);
  // candles of another interval are refused, as backtest and report refuse them
  const twoHourly = join(dir, 'c2h.csv');
  writeCandles(twoHourly, simulateMarket({ bars: 300, seed: 6, intervalMs: 7_200_000 }));
  const wrong = await runCommand(Evaluate, ['--model', model, '--data', twoHourly]);
  assert.match(wrong.error?.message ?? '', /c2h\.csv: candles are 2h apart but the model was trained on 1h candles/);
  const missing = await runCommand(Evaluate, ['--model', join(dir, 'nope.bin'), '--data', candles]);
  assert.match(missing.error!.message, /nope\.bin/);
});

test.after(removeTempDirs);
test.run();
