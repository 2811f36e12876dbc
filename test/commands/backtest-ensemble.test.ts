import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import Backtest from '../../src/commands/backtest.js';
import { writeCandles } from '../../src/data/candles-csv.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { trainOnCandles } from '../../src/pipeline/train-on-candles.js';
import { trainForecaster } from '../../src/pipeline/train-forecaster.js';
import { saveBundle } from '../../src/trading/bundle.js';
import { backtestPositions } from '../../src/trading/backtest.js';
import { saveForecasterBundle } from '../../src/trading/forecaster-bundle.js';
import { runBacktest } from '../../src/trading/run-backtest.js';
import { runCommand } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const candles = simulateMarket({ bars: 700, seed: 4 });
const train = (seed: number) => trainOnCandles(candles, { seed, model: { levels: 2, steps: 1, hidden: 8 }, fit: { epochs: 2 } }).bundle;
const members = [train(1), train(2)];
let data = '', a = '', b = '', f = '';
test.before(() => {
  const dir = tempDir();
  data = join(dir, 'candles.csv'); a = join(dir, 'a.bin'); b = join(dir, 'b.bin'); f = join(dir, 'f.bin');
  writeCandles(data, candles);
  saveBundle(a, members[0]);
  saveBundle(b, members[1]);
  saveForecasterBundle(f, trainForecaster(candles, { seed: 1, horizon: 10, model: { levels: 2, steps: 1, hidden: 8, embed: 4, contextHidden: 8 }, fit: { epochs: 1 } }).bundle);
});
test.after(() => removeTempDirs());

test('--model a --model b trades the averaged positions and reports each member and the spread', async () => {
  const run = await runCommand(Backtest, ['--model', a, '--model', b, '--data', data, '--trials', '3', '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const j = run.json;
  const [ra, rb] = members.map((m) => runBacktest(m, candles, { trials: 6 }));
  const direct = backtestPositions({
    timestamps: ra.series.timestamp, closes: ra.series.close, decisions: Array.from(ra.series.decision, (d, t) => (d + rb.series.decision[t]) / 2),
    periodsPerYear: ra.periodsPerYear, trials: 6,
  });
  assert.equal(j.metrics, JSON.parse(JSON.stringify(direct.metrics)));
  assert.equal([j.model, j.strategy, j.honest.trials, j.ensemble.trials], [[a, b], 'glow (ensemble of 2)', 6, 6]);
  assert.equal(j.ensemble.members.map((m: any) => [m.source, m.seed, m.honest.trials]), [[a, 1, 6], [b, 2, 6]]);
  assert.equal(j.ensemble.members[0].metrics, JSON.parse(JSON.stringify(ra.metrics)));
  const sharpes = [ra.metrics.sharpe!, rb.metrics.sharpe!];
  assert.equal([j.ensemble.spread.sharpe.min, j.ensemble.spread.sharpe.max], [Math.min(...sharpes), Math.max(...sharpes)]);
  const human = await runCommand(Backtest, ['--model', a, '--model', b, '--data', data]);
  assert.match(human.stdout, /Members \(the deflated Sharpe counts 2 trials: configurations × seeds\):/);
  assert.match(human.stdout, /spread over the members \(min \/ median \/ max\): Sharpe/);
});

test('files of different kinds are refused', async () => {
  const run = await runCommand(Backtest, ['--model', a, '--model', f, '--data', data]);
  assert.match(run.error!.message, /--model files must be of one kind to be traded together: .*a\.bin \(glow\), .*f\.bin \(forecaster\)/);
});

test.run();
