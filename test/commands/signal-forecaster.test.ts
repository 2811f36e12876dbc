/**
 * `glow-trade signal` on a forecaster file: the next 1/5/10/20-bar risk (those within the path length)
 * given the last closed bar of --data or of live Bybit candles, with the bar's time, close and whether
 * it is in-sample. The GLOW path is tested in signal.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import Signal from '../../src/commands/signal.js';
import Train from '../../src/commands/train.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { sliceCandles, type Candles } from '../../src/data/candles.js';
import { writeCandles } from '../../src/data/candles-csv.js';
import { nowcast } from '../../src/pipeline/nowcast.js';
import { loadForecasterBundle } from '../../src/trading/forecaster-bundle.js';
import { formatPrice } from '../../src/cli/price.js';
import { makeHistory, startBybitServer } from '../helpers/bybit-server.js';
import { runCommand } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

test.after(removeTempDirs);

const H = 3_600_000;
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

const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' ');

test('--data --json: the risk of the next bars given the last bar, as nowcast() computes it', async () => {
  const run = await runCommand(Signal, ['--model', model, '--data', data, '--scenarios', '500', '--seed', '3', '--loss', '0.01', '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const j = run.json;
  const r = nowcast(loadForecasterBundle(model), candles, { scenarios: 500, seed: 3, loss: 0.01 });
  const n = candles.timestamp.length;
  assert.equal([j.kind, j.source, j.timeMs, j.closeTimeMs, j.close, j.inSample, j.scenarios, j.seed, j.loss],
    ['forecaster', data, candles.timestamp[n - 1], candles.timestamp[n - 1] + H, candles.close[n - 1], false, 500, 3, 0.01]);
  assert.equal(j.range, { from: '2024-01-01 00:00', to: '2024-04-14 03:00', fromMs: candles.timestamp[0], toMs: candles.timestamp[n - 1], rows: n });
  assert.equal(j.horizons, r.horizons.map((h) => ({
    horizon: h.horizon, var95: h.var95, cvar95: h.cvar95, var99: h.var99, cvar99: h.cvar99, mean: h.mean, std: h.std, lossProbability: h.lossProbability,
  })));
  assert.equal(j.horizons.map((h: { horizon: number }) => h.horizon), [1, 5]);
});

test('human output; a bar inside the training range is flagged as in-sample', async () => {
  const run = await runCommand(Signal, ['--model', model, '--data', data, '--scenarios', '300']);
  assert.is(run.error, undefined, run.error?.message);
  const n = candles.timestamp.length;
  assert.ok(run.stdout.startsWith(`${data}: bar 2024-04-14 03:00 closed at ${formatPrice(candles.close[n - 1])}; out of sample (not in the model's training/validation range)\n` +
    'risk of the next bars given this close, 300 scenarios (seed 0); losses positive:\n'), run.stdout);
  assert.match(run.stdout, /horizon +VaR95 +CVaR95 +VaR99 +CVaR99 +mean +std +P\(loss>2%\)\n1 bar +\d+\.\d\d% .*\n5 bars +\d+\.\d\d%/);
  const early = join(dir, 'early.csv');
  writeCandles(early, sliceCandles(candles, 0, 100));
  const e = await runCommand(Signal, ['--model', model, '--data', early, '--scenarios', '300']);
  assert.is(e.error, undefined, e.error?.message);
  assert.match(e.stdout, /early\.csv: bar 2024-01-05 03:00 closed at [\d.,]+; IN-SAMPLE \(inside the model's training\/validation range\)\n/);
  assert.match(plain(e.stderr), "Warning: 2024-01-05T03:00:00.000Z lies inside the model's training/validation range: this forecast is in-sample");
});

test('refusals: too few candles, a bad --loss, a --holding the strategy cannot take; forecaster flags on a GLOW model', async () => {
  const short = join(dir, 'short.csv');
  writeCandles(short, sliceCandles(candles, 0, 15));
  const s = await runCommand(Signal, ['--model', model, '--data', short]);
  assert.is(s.error!.message, `${short}: the bar 2024-01-01 14:00 has no feature row: it needs the 21 consecutive candles ending at it`);
  const loss = await runCommand(Signal, ['--model', model, '--data', data, '--loss', '-1']);
  assert.is(loss.error!.message, '--loss must be a fraction between 0 and 1 (0.02 = a 2% loss), got "-1"');
  assert.is((loss.error as any).oclif.exit, 2);
  const holding = await runCommand(Signal, ['--model', model, '--data', data, '--holding', '2']);
  assert.is(holding.error!.message, '--holding must be a fraction of equity from 0 to 1 (the strategy is long-only), got "2"');
  assert.is((holding.error as any).oclif.exit, 2);
  const glow = join(dir, 'g.bin');
  const g = await runCommand(Train, ['--input', data, '--output', glow, '--epochs', '1', '--levels', '1', '--steps', '1', '--hidden', '4']);
  assert.is(g.error, undefined, g.error?.message);
  const wrong = await runCommand(Signal, ['--model', glow, '--data', data, '--loss', '0.05', '--seed', '1']);
  assert.is(wrong.error!.message, `--loss, --seed: ${glow} is a GLOW model; these flags need a forecaster file (glow-trade train --conditional)`);
  assert.is((wrong.error as any).oclif.exit, 2);
  assert.is((await runCommand(Signal, ['--model', glow, '--data', data, '--json'])).json.latent.length, 16);
});

test('--symbol: live closed candles from Bybit on the model interval (against a local server)', async () => {
  const currentOpen = Math.floor(Date.now() / H) * H;
  const server = await startBybitServer({ history: makeHistory(60, currentOpen - 59 * H) });
  try {
    const run = await runCommand(Signal, ['--model', model, '--symbol', 'btcusdt', '--base-url', server.baseUrl, '--scenarios', '300', '--json']);
    assert.is(run.error, undefined, run.error?.message);
    const hourNow = Math.floor(Date.now() / H) * H;
    // The candle still open is left out: the forecast is made at the close of the bar before it.
    assert.ok([currentOpen - H, hourNow - H].includes(run.json.timeMs), run.json.time);
    assert.equal([run.json.kind, run.json.source, run.json.inSample], ['forecaster', 'Bybit linear BTCUSDT 1h', false]);
    assert.equal(run.json.horizons.map((h: { horizon: number }) => h.horizon), [1, 5]);
    assert.ok(run.json.horizons.every((h: { var99: number; var95: number }) => h.var99 >= h.var95));
    const q = server.requests[0].query;
    assert.equal([q.category, q.symbol, q.interval], ['linear', 'BTCUSDT', '60']);
  } finally {
    await server.close();
  }
});

test.run();
