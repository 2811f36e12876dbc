/**
 * `glow-trade backtest` and `signal` on a forecaster file: the `forecast` strategy by default, with the
 * honest statistics and baselines of every backtest, the strategy flags overriding the options stored
 * in the file, refusals that name the flag or the model kind; and signal's position equal to the
 * backtest's decision at the same bar.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import Backtest from '../../src/commands/backtest.js';
import Signal from '../../src/commands/signal.js';
import Train from '../../src/commands/train.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import type { Candles } from '../../src/data/candles.js';
import { writeCandles } from '../../src/data/candles-csv.js';
import { loadForecasterBundle } from '../../src/trading/forecaster-bundle.js';
import { runForecastBacktest } from '../../src/trading/run-forecast-backtest.js';
import { runCommand } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

test.after(removeTempDirs);

let dir = '', data = '', model = '';
let candles: Candles;
test.before(async () => {
  dir = tempDir();
  data = join(dir, 'sim.csv');
  model = join(dir, 'f.bin');
  candles = simulateMarket({ bars: 2500, seed: 12 });
  writeCandles(data, candles);
  const t = await runCommand(Train, ['--conditional', '--input', data, '--output', model, '--forecast-bars', '5', '--levels', '2', '--steps', '1',
    '--hidden', '8', '--embed', '4', '--epochs', '2', '--seed', '2', '--json']);
  assert.is(t.error, undefined, t.error?.message);
});

test('--json: the forecast strategy by default, its options and outputs, honest statistics and baselines', async () => {
  const run = await runCommand(Backtest, ['--model', model, '--data', data, '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const j = run.json;
  const bundle = loadForecasterBundle(model);
  const direct = runForecastBacktest(bundle, candles);
  assert.equal([j.mode, j.strategy], ['backtest', 'forecast']);
  assert.equal(j.metrics, JSON.parse(JSON.stringify(direct.metrics)));
  assert.equal(j.honest, JSON.parse(JSON.stringify(direct.honest)));
  assert.equal(Object.keys(j.baselines), ['buyAndHold', 'volTarget', 'momentum']);
  assert.equal(j.forecast.options, { ...bundle.strategy!.options, horizon: bundle.strategy!.options.horizon });
  assert.is(j.forecast.target, direct.forecast.target);
  assert.is(j.range.rows, bundle.training.test!.rows + (direct.period.rows - bundle.training.test!.rows)); // every row after the validation range
  assert.equal(j.inSample, { train: 0, validation: 0 });
});

test('flags override the stored options; human output names the strategy, its settings and the verdict', async () => {
  const run = await runCommand(Backtest, ['--model', model, '--data', data, '--horizon', '2', '--risk', 'std', '--smooth', '3', '--band', '0',
    '--tilt', 'prob', '--tilt-strength', '1.5', '--long-short', '--max-position', '0.8', '--target-fraction', '0.5', '--min-edge', '1',
    '--scenarios', '64', '--scenario-seed', '4', '--threads', '1', '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const o = run.json.forecast.options;
  assert.equal([o.horizon, o.risk, o.smooth, o.band, o.tilt, o.tiltStrength, o.longShort, o.maxPosition, o.targetFraction, o.minEdge, o.scenarios, o.seed],
    [2, 'std', 3, 0, 'prob', 1.5, true, 0.8, 0.5, 1, 64, 4]);
  assert.is(run.json.forecast.hurdle, 1 * (0.001 + 0.0005));
  const human = await runCommand(Backtest, ['--model', model, '--data', data, '--tilt', 'mean', '--tilt-strength', '2']);
  assert.is(human.error, undefined, human.error?.message);
  assert.match(human.stdout, /^backtest of strategy "forecast": .* bars, costs 0\.150% per unit traded/);
  assert.match(human.stdout, /\nforecast strategy: \d+-bar CVaR 95% budget.*, target [\d.]+% \(1 × the training median\), max 1 long-only, band [\d.]+, tilt mean × 2 beyond a hurdle of 0\.300%; 256 scenarios per bar \(seed 2\); mean exposure [\d.]+\n/);
  assert.match(human.stdout, /verdict: /);
  assert.match(human.stdout, /Baselines \(same bars, same costs\):\n {2}buy & hold/);
});

test('refusals: a horizon beyond the paths, a GLOW strategy on a forecaster, forecast flags on a GLOW model', async () => {
  const far = await runCommand(Backtest, ['--model', model, '--data', data, '--horizon', '6']);
  assert.is(far.error!.message, "--horizon 6 is beyond the forecaster's 5-bar paths");
  assert.is((far.error as any).oclif.exit, 2);
  const bad = await runCommand(Backtest, ['--model', model, '--data', data, '--band', '-1']);
  assert.is(bad.error!.message, '--band must be a number ≥ 0, got "-1"');
  const glowStrategy = await runCommand(Backtest, ['--model', model, '--data', data, '--strategy', 'glow']);
  assert.match(glowStrategy.error!.message, /strategy "glow" trades on GLOW models only/);
  // (a walk-forward of a forecaster file retrains forecasters: test/commands/backtest-walk-forward.test.ts)
  const glow = join(dir, 'g.bin');
  const g = await runCommand(Train, ['--input', data, '--output', glow, '--epochs', '1', '--levels', '1', '--steps', '1', '--hidden', '4']);
  assert.is(g.error, undefined, g.error?.message);
  const wrong = await runCommand(Backtest, ['--model', glow, '--data', data, '--tilt', 'prob', '--smooth', '2']);
  assert.is(wrong.error!.message, `--smooth, --tilt: ${glow} is a GLOW model; these flags need a forecaster file (glow-trade train --conditional)`);
  assert.is((wrong.error as any).oclif.exit, 2);
  const forecastOnGlow = await runCommand(Backtest, ['--model', glow, '--data', data, '--strategy', 'forecast']);
  assert.match(forecastOnGlow.error!.message, /strategy "forecast" trades on forecaster files only/);
});

test('signal: the position the strategy holds over the next bar is the backtest\'s decision at that bar', async () => {
  const bt = runForecastBacktest(loadForecasterBundle(model), candles);
  const d = bt.series.decision, n = d.length;
  const run = await runCommand(Signal, ['--model', model, '--data', data, '--holding', String(d[n - 2]), '--scenarios', '300', '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const s = run.json.strategy;
  assert.equal([s.name, s.position, s.holding, s.target], ['forecast', d[n - 1], d[n - 2], bt.forecast.exposure[n - 1]]);
  assert.equal([s.cvar95, s.riskTarget], [bt.forecast.cvar95[n - 1], bt.forecast.target]);
  const human = await runCommand(Signal, ['--model', model, '--data', data, '--scenarios', '300']);
  assert.match(human.stdout, /\nposition +(LONG|FLAT) [\d.]+% of equity \([\d.]+; target [\d.]+, holding 0, band [\d.]+\)\nwhy +forecast strategy: predicted \d+-bar CVaR 95% /);
  const short = await runCommand(Signal, ['--model', model, '--data', data, '--holding', '-0.5']);
  assert.is(short.error!.message, '--holding must be a fraction of equity from 0 to 1 (the strategy is long-only), got "-0.5"');
  assert.is((short.error as any).oclif.exit, 2);
});

test.run();
