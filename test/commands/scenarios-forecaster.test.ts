/**
 * `glow-trade scenarios` on a forecaster file: --at last|<time> of --data (or live --symbol) draws the
 * scenarios of one market state; the numbers are nowcast()'s, the --output CSV holds the paths, and
 * every misuse is a usage error that says what was expected. The GLOW path is tested in scenarios.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Scenarios from '../../src/commands/scenarios.js';
import Train from '../../src/commands/train.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { sliceCandles, type Candles } from '../../src/data/candles.js';
import { writeCandles } from '../../src/data/candles-csv.js';
import { cumulativeReturns, nowcast } from '../../src/pipeline/nowcast.js';
import { loadForecasterBundle } from '../../src/trading/forecaster-bundle.js';
import { makeHistory, startBybitServer } from '../helpers/bybit-server.js';
import { runCommand } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

test.after(removeTempDirs);

const H = 3_600_000;
let dir = '', data = '', model = '', glow = '';
let candles: Candles;
test.before(async () => {
  dir = tempDir();
  data = join(dir, 'sim.csv');
  model = join(dir, 'f.bin');
  glow = join(dir, 'g.bin');
  candles = simulateMarket({ bars: 2500, seed: 11 });
  writeCandles(data, candles);
  const t = await runCommand(Train, ['--conditional', '--input', data, '--output', model, '--forecast-bars', '5', '--levels', '2', '--steps', '1',
    '--hidden', '8', '--embed', '4', '--epochs', '2', '--seed', '1', '--json']);
  assert.is(t.error, undefined, t.error?.message);
  const g = await runCommand(Train, ['--input', data, '--output', glow, '--epochs', '1', '--levels', '1', '--steps', '1', '--hidden', '4']);
  assert.is(g.error, undefined, g.error?.message);
});

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' ');

test('--at last --json: nowcast()\'s numbers for the last bar; --output writes the paths', async () => {
  const out = join(dir, 'paths.csv');
  const run = await runCommand(Scenarios, ['--model', model, '--data', data, '--at', 'last', '--num', '300', '--seed', '5', '--output', out, '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const j = run.json;
  const bundle = loadForecasterBundle(model);
  const r = nowcast(bundle, candles, { scenarios: 300, seed: 5 });
  assert.equal(Object.keys(j.horizons), ['return_1', 'return_5']);
  for (const h of r.horizons) {
    const { horizon, ...rest } = h;
    assert.equal(j.horizons[`return_${horizon}`], JSON.parse(JSON.stringify(rest)));
  }
  const n = candles.timestamp.length;
  assert.equal([j.at.timeMs, j.at.closeTimeMs, j.at.close, j.at.inSample, j.at.source], [candles.timestamp[n - 1], candles.timestamp[n - 1] + H, candles.close[n - 1], false, data]);
  assert.equal([j.model.kind, j.model.horizon, j.num, j.seed, j.temperature, j.loss, j.output], ['forecaster', 5, 300, 5, 1, 0.02, out]);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.is(lines[0], 'return_1,return_2,return_3,return_4,return_5');
  assert.is(lines.length, 301);
  assert.equal(lines.slice(1).map((l) => Number(l.split(',')[4])), Array.from(cumulativeReturns(r.paths, 5, bundle.targetScale, 5)));
});

test('--at <time>: the state of that bar; later candles change nothing; in-sample is flagged', async () => {
  const k = 1200, time = new Date(candles.timestamp[k]).toISOString();
  const a = await runCommand(Scenarios, ['--model', model, '--data', data, '--at', time, '--num', '200', '--json']);
  assert.is(a.error, undefined, a.error?.message);
  assert.equal([a.json.at.timeMs, a.json.at.inSample], [candles.timestamp[k], true]);
  // (oclif prints warnings in human mode only; --json carries inSample)
  const human = await runCommand(Scenarios, ['--model', model, '--data', data, '--at', time, '--num', '200']);
  assert.match(plain(human.stderr), /Warning: 2024-02-20 00:00 lies inside the model's training\/validation range: these scenarios are in-sample/);
  assert.match(human.stdout, /at 2024-02-20 01:00, the close of the .* bar opened 2024-02-20 00:00 \(close [\d,.]+, in-sample\) — /);
  const cut = join(dir, 'cut.csv');
  writeCandles(cut, sliceCandles(candles, 0, k + 1));
  const b = await runCommand(Scenarios, ['--model', model, '--data', cut, '--at', String(candles.timestamp[k]), '--num', '200', '--json']);
  assert.equal(b.json.horizons, a.json.horizons);
});

test('human output: the state, the risk table with the loss probability, the percentiles', async () => {
  const run = await runCommand(Scenarios, ['--model', model, '--data', data, '--num', '200', '--loss', '0.03']);
  assert.is(run.error, undefined, run.error?.message);
  assert.match(run.stdout, /: 200 scenarios of the next 5 bars at T = 1, seed 0, for the state at 2024-04-14 04:00, the close of the .*sim\.csv bar opened 2024-04-14 03:00 \(close [\d,.]+\) — /);
  assert.match(run.stdout, /horizon +VaR95 +CVaR95 +VaR99 +CVaR99 +mean +std +P\(loss>3%\)\n1 bar +\d/);
  assert.match(run.stdout, /\n5 bars +\d+\.\d\d%/);
  assert.match(run.stdout, /percentiles of the return \(type 7, linear interpolation\):\nhorizon +p1 +p5/);
});

test('refusals: no candles, a time that is not a bar, a bar without a feature row, a bad --at or --loss, --var-test', async () => {
  const usage = async (argv: string[], message: string | RegExp) => {
    const run = await runCommand(Scenarios, argv);
    assert.ok(run.error, `no error for ${argv.join(' ')}`);
    if (typeof message === 'string') assert.is(run.error!.message, message);
    else assert.match(run.error!.message, message);
    assert.is((run.error as any).oclif.exit, 2, argv.join(' '));
  };
  await usage(['--model', model], `${model} is a forecaster: it draws scenarios for one market state; give --data <candles.csv> with --at last|<time> (or --symbol for live Bybit candles)`);
  await usage(['--model', model, '--at', 'last'], /is a forecaster: it draws scenarios for one market state; give --data/);
  await usage(['--model', model, '--data', data, '--at', '2024-01-03T00:30'],
    `--at: ${data}: 2024-01-03 00:30 is not a bar of the data (its bars run 2024-01-01 00:00 → 2024-04-14 03:00; give a bar's open time as in the CSV)`);
  await usage(['--model', model, '--data', data, '--at', '2024-01-01T03:00'],
    `--at: ${data}: the bar 2024-01-01 03:00 has no feature row: it needs the 21 consecutive candles ending at it`);
  await usage(['--model', model, '--data', data, '--at', 'yesterday'], /--at.*"yesterday".*\(or "last"\)$/);
  await usage(['--model', model, '--data', data, '--loss', '2'], '--loss must be a fraction between 0 and 1 (0.02 = a 2% loss), got "2"');
  await usage(['--model', model, '--data', data, '--var-test', data], `--var-test applies to GLOW models; for a forecaster, test its per-bar VaR with "glow-trade risk --model ${model} --data ${data}"`);
  await usage(['--model', glow, '--data', data, '--at', 'last'],
    `--at, --data: ${glow} is a GLOW model, which draws market states unconditionally; these flags need a forecaster file (glow-trade train --conditional)`);
  await usage(['--model', model, '--data', data, '--output', data], /refusing to overwrite an input/);
});

test('--symbol: the latest closed bar of live Bybit candles (against a local server)', async () => {
  const currentOpen = Math.floor(Date.now() / H) * H;
  const server = await startBybitServer({ history: makeHistory(60, currentOpen - 59 * H) });
  try {
    const run = await runCommand(Scenarios, ['--model', model, '--symbol', 'btcusdt', '--base-url', server.baseUrl, '--num', '200', '--json']);
    assert.is(run.error, undefined, run.error?.message);
    const hourNow = Math.floor(Date.now() / H) * H;
    // The candle still open is left out: the state is that of the bar before it.
    assert.ok([currentOpen - H, hourNow - H].includes(run.json.at.timeMs), run.json.at.time);
    assert.is(run.json.at.source, 'Bybit linear BTCUSDT 1h');
    assert.equal(Object.keys(run.json.horizons), ['return_1', 'return_5']);
    const q = server.requests[0].query;
    assert.equal([q.category, q.symbol, q.interval], ['linear', 'BTCUSDT', '60']);
  } finally {
    await server.close();
  }
});

test.run();
