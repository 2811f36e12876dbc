import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Backtest from '../../src/commands/backtest.js';
import { runBacktest } from '../../src/trading/run-backtest.js';
import { runBaselines } from '../../src/trading/baselines.js';
import { runCommand } from '../helpers/cli.js';
import { smallModel, writeModelFiles } from '../helpers/model-files.js';
import { removeTempDirs } from '../helpers/tmp.js';

let data = '', model = '';
const { candles, bundle } = smallModel({ bars: 700, seed: 11, epochs: 3 });
test.before(() => {
  ({ data, model } = writeModelFiles(candles, bundle));
});
test.after(() => removeTempDirs());

const HONEST_KEYS = [
  'bars', 'beta', 'alphaPerBar', 'alphaAnnual', 'alphaT', 'lag', 'sharpe', 'sharpeCI', 'skew', 'kurtosis', 'trials',
  'deflatedSharpe', 'grossProfit', 'costs', 'costShare', 'notes', 'distinguishable', 'verdict',
];

test('--json carries the honest statistics of the tested bars, and --trials deflates the Sharpe', async () => {
  const one = await runCommand(Backtest, ['--model', model, '--data', data, '--json']);
  assert.is(one.error, undefined);
  const h = one.json.honest;
  assert.equal(Object.keys(h).sort(), [...HONEST_KEYS].sort());
  const direct = runBacktest(bundle, candles);
  assert.equal(h, JSON.parse(JSON.stringify(direct.honest)));
  assert.is(h.bars, direct.period.rows - 1); // row 0 holds nothing
  assert.is(h.trials, 1);
  assert.is(h.sharpe, one.json.metrics.sharpe); // the same Sharpe as the metrics table
  const many = await runCommand(Backtest, ['--model', model, '--data', data, '--trials', '20', '--json']);
  assert.is(many.error, undefined);
  assert.is(many.json.honest.trials, 20);
  if (h.deflatedSharpe !== null) assert.ok(many.json.honest.deflatedSharpe < h.deflatedSharpe, `${many.json.honest.deflatedSharpe} < ${h.deflatedSharpe}`);
  // the rest does not depend on the number of trials
  assert.equal(many.json.honest.sharpeCI, h.sharpeCI);
  assert.is(many.json.honest.alphaT, h.alphaT);
});

test('--json: the baselines on the same bars with the same costs, each with its honest statistics', async () => {
  const run = await runCommand(Backtest, ['--model', model, '--data', data, '--fee', '0.002', '--json']);
  assert.is(run.error, undefined);
  const b = run.json.baselines;
  assert.equal(Object.keys(b), ['buyAndHold', 'volTarget', 'momentum']);
  const s = runBacktest(bundle, candles, { fee: 0.002 }).series;
  const direct = runBaselines({ timestamps: s.timestamp, closes: s.close, periodsPerYear: 8760, fee: 0.002 });
  for (const name of ['buyAndHold', 'volTarget', 'momentum'] as const) {
    assert.equal(b[name].metrics, JSON.parse(JSON.stringify(direct[name].metrics)));
    assert.equal(b[name].honest, JSON.parse(JSON.stringify(direct[name].honest)));
    assert.is(b[name].finalEquity, direct[name].finalEquity);
  }
  // buy & hold with costs pays its entry once: the costs-free benchmark ends higher
  assert.ok(b.buyAndHold.finalEquity < run.json.benchmarkFinalEquity);
});

test('human output: an "Honest statistics" block ending in a verdict in words', async () => {
  const run = await runCommand(Backtest, ['--model', model, '--data', data, '--trials', '4']);
  assert.is(run.error, undefined);
  assert.match(run.stdout, /\nHonest statistics \(\d+ bars\):\n/);
  assert.match(run.stdout, /\n {2}alpha vs the asset .* t = .*\(Newey–West, lag \d+\); beta /);
  assert.match(run.stdout, /\n {2}Sharpe .*95% interval \[/);
  assert.match(run.stdout, /best of 4 no-skill trials/);
  assert.match(run.stdout, /\n {2}verdict: the (edge|strategy) /);
  assert.match(run.stdout, /\nBaselines \(same bars, same costs\):\n {2}buy & hold +return .*\n {2}EWMA vol target +return .*\n {2}20-bar momentum +return .*Sharpe .*alpha t /);
});

test('--walk-forward: the honest statistics count the --trials given', async () => {
  const run = await runCommand(Backtest, [
    '--model', model, '--data', data, '--walk-forward', '--train-bars', '400', '--test-bars', '150', '--epochs', '1', '--trials', '6', '--json',
  ]);
  assert.is(run.error, undefined);
  assert.is(run.json.honest.trials, 6);
  assert.is(run.json.honest.bars, run.json.range.rows - 1);
  assert.is(run.json.honest.sharpe, run.json.metrics.sharpe);
  assert.is(run.json.baselines.momentum.honest.trials, 6);
});

test('--trials 0 is a usage error (exit 2) naming the flag', async () => {
  const run = await runCommand(Backtest, ['--model', model, '--data', data, '--trials', '0']);
  assert.is(run.exitCode, 2);
  assert.match(String(run.error?.message), /--trials[\s\S]*Expected an integer greater than or equal to 1/);
});

test.run();
