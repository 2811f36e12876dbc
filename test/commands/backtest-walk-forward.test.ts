import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import Backtest from '../../src/commands/backtest.js';
import { writeCandles } from '../../src/data/candles-csv.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { walkForward } from '../../src/pipeline/walk-forward.js';
import { METRIC_NAMES } from '../../src/trading/metrics.js';
import { runCommand } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const candles = simulateMarket({ bars: 700, seed: 11 });
let data = '';
test.before(() => {
  data = join(tempDir(), 'candles.csv');
  writeCandles(data, candles);
});
test.after(() => removeTempDirs());

// a tiny configuration from the training flags: no --model
const TINY = ['--levels', '2', '--steps', '1', '--hidden', '8', '--epochs', '2'];
const WF = ['--data', '', '--walk-forward', '--train-bars', '400', '--test-bars', '130', ...TINY];
const argv = (...more: string[]) => WF.map((a, i) => (i === 1 ? data : a)).concat(more);

test('--walk-forward without --model trains from the flags; --seeds gives an ensemble with its members and spread; progress on stderr with --json', async () => {
  const run = await runCommand(Backtest, argv('--seeds', '1,2', '--json'));
  assert.is(run.error, undefined, run.error?.message);
  const j = run.json; // stdout is the JSON document alone
  const wf = j.walkForward;
  assert.equal([j.mode, j.model, j.strategy, j.range.rows], ['walk-forward', null, 'glow', 300]);
  // --test-bars counts rows; the final incomplete window is a fold
  assert.equal(wf.folds.map((f: any) => f.test.rows), [130, 130, 40]);
  assert.equal([wf.seeds, wf.trials, j.honest.trials, wf.testBarsCount], [[1, 2], 2, 2, 'rows']);
  assert.equal(wf.members.map((m: any) => m.seed), [1, 2]);
  assert.equal(Object.keys(wf.spread), [...METRIC_NAMES]);
  assert.equal(Object.keys(wf.spread.sharpe), ['min', 'median', 'max', 'members']);
  const sharpes = wf.members.map((m: any) => m.metrics.sharpe);
  assert.equal([wf.spread.sharpe.min, wf.spread.sharpe.max], [Math.min(...sharpes), Math.max(...sharpes)]);
  for (const f of wf.folds) {
    assert.equal(Object.keys(f.baselines), ['buyAndHold', 'volTarget', 'momentum']);
    assert.equal(Object.keys(f.baselines.volTarget), ['metrics', 'notes', 'honest']);
    assert.is(f.honest.trials, 2);
    assert.equal(f.members.map((m: any) => m.seed), [1, 2]);
    assert.ok(f.spread.totalReturn.min <= f.spread.totalReturn.max);
  }
  assert.equal(Object.keys(j.baselines), ['buyAndHold', 'volTarget', 'momentum']);
  // the same run through the library: the CLI's defaults are train's (patience 10, validation 15%)
  const direct = walkForward(candles, {
    trainBars: 400, testBars: 130, seeds: [1, 2], model: { levels: 2, steps: 1, hidden: 8, coupling: 'affine' }, fit: { epochs: 2, patience: 10, batchSize: 256, learningRate: 0.001 },
    strategyOptions: { horizon: 8, costRate: 0.0015, minEdge: 1.5, rebalanceBand: 0.75, belowEdge: 'hold' },
  });
  assert.is(j.metrics.totalReturn, direct.metrics.totalReturn);
  const progress = run.stderr.trim().split('\n');
  assert.equal(progress.length, 6);
  assert.match(progress[0], /^walk-forward: fold 1 \(1\/3 run\), member 1\/2, seed 1: trained and traded in \d+\.\d s$/);
  assert.match(progress[5], /^walk-forward: fold 3 \(3\/3 run\), member 2\/2, seed 2: /);
});

test('human output: the folds table with the baselines, and the members table with the spread', async () => {
  const run = await runCommand(Backtest, argv('--ensemble', '2', '--folds', '1,3'));
  assert.is(run.error, undefined, run.error?.message);
  assert.match(run.stdout, /Walk-forward folds \(expanding window, 400 training candles, 130 tested rows per fold; 2 of 3 folds run\):/);
  assert.match(run.stdout, /fold +test bars +rows +ensemble of 2 return +Sharpe +max DD +alpha t +members Sharpe min\/med\/max +buy & hold return +Sharpe +vol target Sharpe +momentum Sharpe/);
  assert.match(run.stdout, /\n1 +\d{4}-\d\d-\d\d \d\d:\d\d → \S+ \S+ +130 /);
  assert.match(run.stdout, /\n3 +\S+ \S+ → \S+ \S+ +40 /);
  assert.match(run.stdout, /Members \(the deflated Sharpe counts 2 trials: configurations × seeds\):/);
  assert.match(run.stdout, /\nseed 0 /);
  assert.match(run.stdout, /\nensemble /);
  assert.match(run.stdout, /spread over the members \(min \/ median \/ max\): Sharpe -?\d/);
  assert.match(run.stderr, /walk-forward: fold 3 \(2\/2 run\), member 2\/2, seed 1/);
});

test('--conditional without --model: forecasters trained from the flags trade the forecast strategy', async () => {
  const run = await runCommand(Backtest, argv('--conditional', '--forecast-bars', '10', '--embed', '4', '--folds', '3', '--json'));
  assert.is(run.error, undefined, run.error?.message);
  const j = run.json;
  assert.equal([j.strategy, j.walkForward.conditional, j.range.rows, j.walkForward.folds[0].fold], ['forecast', true, 40, 3]);
  assert.is(j.walkForward.folds[0].model.likelihoodThreshold, null);
  assert.match(run.stderr, /^walk-forward: fold 3 \(1\/1 run\), seed 0: trained and traded in/);
});

test('walk-forward flags are checked', async () => {
  const err = async (...more: string[]) => (await runCommand(Backtest, argv(...more))).error?.message ?? '';
  assert.match(await err('--seeds', '1,x'), /--seeds must be distinct whole numbers ≥ 0 separated by commas \(e\.g\. 0,1,2\), got "1,x"/);
  assert.match(await err('--seeds', '1,1'), /--seeds must be distinct/);
  assert.match(await err('--seeds', '1', '--ensemble', '2'), /give --seeds or --ensemble, not both/);
  assert.match(await err('--folds', '4'), /fold 4 does not exist; this run has folds 1 to 3/);
  assert.match(await err('--folds', 'one'), /--folds must be fold numbers ≥ 1/);
  assert.match(await err('--threads', '0'), /--threads must be an integer from 1 to 64 or "auto", got 0/);
  assert.match(await err('--hidden', '100000'), /--hidden/);
  assert.match(await err('--strategy', 'glow', '--conditional', '--forecast-bars', '10'), /strategy "glow" trades on GLOW models only/);
  assert.match((await runCommand(Backtest, ['--data', data])).error!.message, /give --model \(or --walk-forward, which can train from flags\)/);
});

test.run();
