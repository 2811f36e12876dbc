import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import Signal from '../../src/commands/signal.js';
import { sliceCandles } from '../../src/data/candles.js';
import { writeCandles } from '../../src/data/candles-csv.js';
import { computeFeatures } from '../../src/data/features.js';
import { saveBundle, scaledRows } from '../../src/trading/bundle.js';
import { GlowStrategy } from '../../src/trading/strategy.js';
import { explainSignal } from '../../src/trading/explain-signal.js';
import { formatPrice } from '../../src/cli/price.js';
import { makeHistory, startBybitServer } from '../helpers/bybit-server.js';
import { runCommand } from '../helpers/cli.js';
import { smallModel, writeModelFiles } from '../helpers/model-files.js';
import { removeTempDirs } from '../helpers/tmp.js';

const H = 3_600_000;
let dir = '', data = '', model = '';
const { candles, bundle } = smallModel({ bars: 600, seed: 21, epochs: 3 });
test.before(() => {
  ({ dir, data, model } = writeModelFiles(candles, bundle));
});

test('--data: the signal of the last bar, as the model computes it', async () => {
  const run = await runCommand(Signal, ['--model', model, '--data', data, '--json']);
  assert.is(run.error, undefined);
  const j = run.json;
  const features = computeFeatures(candles);
  const last = features.rows - 1;
  const [s] = bundle.strategy.signal(scaledRows(bundle.scaler, features, last, last + 1));
  assert.equal(
    [j.source, j.timeMs, j.close, j.target, j.logLikelihood, j.inDistribution, j.confidence, j.regime, j.direction, j.inSample],
    [data, candles.timestamp[599], candles.close[599], s.position, s.logLikelihood, s.inDistribution, s.confidence, s.regime, s.raw, false],
  );
  // From flat, the position is the strategy's held position after this one bar.
  assert.equal([j.holding, j.position], [0, bundle.strategy.hold([s], 0)[0]]);
  assert.equal(j.latent, Array.from(s.latent));
  assert.is(j.latent.length, 16);
  assert.is(j.threshold, bundle.strategy.calibration.threshold);
});

test('--holding: the answer keeps a position held inside the rebalance band', async () => {
  const features = computeFeatures(candles);
  const last = features.rows - 1;
  const [s] = bundle.strategy.signal(scaledRows(bundle.scaler, features, last, last + 1));
  const band = bundle.strategy.calibration.options.rebalanceBand;
  // A holding just inside the band around the target is kept; one far outside moves to the target
  // (unless the cost hurdle says hold on, in which case the holding is kept in both cases).
  // (Both within the model's largest position, ±maxPosition, the range --holding accepts.)
  const max = bundle.strategy.calibration.options.maxPosition;
  const near = s.position + (s.position > 0 ? -band / 2 : band / 2), far = s.position > 0 ? -max : max;
  const a = (await runCommand(Signal, ['--model', model, '--data', data, '--holding', String(near), '--json'])).json;
  const b = (await runCommand(Signal, ['--model', model, '--data', data, '--holding', String(far), '--json'])).json;
  assert.is(a.position, near);
  assert.is(b.position, s.keep ? far : s.position);
  const bad = await runCommand(Signal, ['--model', model, '--data', data, '--holding', 'long']);
  assert.is(bad.error!.message, `--holding must be a fraction of equity from −${max} to ${max} (the model's largest position), got "long"`);
  const huge = await runCommand(Signal, ['--model', model, '--data', data, '--holding', '1e9']);
  assert.is(huge.error!.message, `--holding must be a fraction of equity from −${max} to ${max} (the model's largest position), got "1e9"`);
});

test('human output; a bar inside the training range is flagged as in-sample', async () => {
  const early = join(dir, 'early.csv');
  writeCandles(early, sliceCandles(candles, 0, 100));
  const run = await runCommand(Signal, ['--model', model, '--data', early]);
  assert.is(run.error, undefined);
  assert.match(run.stdout, /early\.csv: bar 2024-01-05 03:00 closed at /);
  assert.match(run.stdout, /\nposition +(LONG|SHORT|FLAT) /);
  assert.match(run.stdout, /\nlog-likelihood +-?\d+\.\d{3} nats \(threshold /);
  assert.match(run.stdout, /\nlatent +\[/);
  // oclif colours the marker and wraps long warnings: compare the plain words.
  const warning = run.stderr.replace(/\x1b\[[0-9;]*m/g, '').replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' ');
  assert.match(warning, "Warning: 2024-01-05T03:00:00.000Z lies inside the model's training/validation range: this signal is in-sample");
});

test('too few candles, or both sources, are refused clearly', async () => {
  const short = join(dir, 'short.csv');
  writeCandles(short, sliceCandles(candles, 0, 15));
  assert.match((await runCommand(Signal, ['--model', model, '--data', short])).error!.message, /short\.csv: the last bar \(.*\) has no feature row: it needs the 21 consecutive candles/);
  assert.match((await runCommand(Signal, ['--model', model, '--data', data, '--symbol', 'BTCUSDT'])).error!.message, /--data cannot also be provided when using --symbol/);
});

test('--symbol: live closed candles from Bybit on the model interval (against a local server)', async () => {
  const now = Date.now();
  const currentOpen = Math.floor(now / H) * H;
  const server = await startBybitServer({ history: makeHistory(60, currentOpen - 59 * H) });
  try {
    const run = await runCommand(Signal, ['--model', model, '--symbol', 'btcusdt', '--base-url', server.baseUrl, '--json']);
    assert.is(run.error, undefined);
    const hourNow = Math.floor(Date.now() / H) * H;
    // The candle still open is left out: the signal is for the bar before it.
    assert.ok([currentOpen - H, hourNow - H].includes(run.json.timeMs), `${run.json.time}`);
    assert.is(run.json.source, 'Bybit linear BTCUSDT 1h');
    assert.is(run.json.latent.length, 16);
    const q = server.requests[0].query;
    assert.equal([q.category, q.symbol, q.interval], ['linear', 'BTCUSDT', '60']);
  } finally {
    await server.close();
  }
});

test('--holding: with no cost hurdle the rebalance band alone decides (kept inside it, moved to the target outside)', async () => {
  // The default model's last bar is below the cost hurdle, which keeps any holding whatever the
  // band; this model file has no hurdle and a band of 0.5, so only the band can keep a holding.
  const cal = bundle.strategy.calibration;
  const banded = { ...bundle, strategy: new GlowStrategy(bundle.glow, { ...cal, options: { ...cal.options, minEdge: 0, rebalanceBand: 0.5 } }) };
  const path = join(dir, 'banded.bin');
  saveBundle(path, banded);
  const features = computeFeatures(candles);
  const last = features.rows - 1;
  const [s] = banded.strategy.signal(scaledRows(banded.scaler, features, last, last + 1));
  assert.is(s.keep, false);
  // Holdings 0.4 and 0.7 away from the target, towards zero (short decimals, inside ±1).
  const toward = s.position > 0 ? -1 : 1;
  const inside = Math.round((s.position + toward * 0.4) * 100) / 100, outside = Math.round((s.position + toward * 0.7) * 100) / 100;
  const run = async (holding: number) => (await runCommand(Signal, ['--model', path, '--data', data, '--holding', String(holding), '--json'])).json;
  const a = await run(inside), b = await run(outside);
  assert.equal([a.holding, a.target, a.position], [inside, s.position, inside]);
  assert.equal([b.holding, b.target, b.position], [outside, s.position, s.position]);
});

test('says why the position is flat or kept, gives the candles read as a JSON range, and rounds the price', async () => {
  const features = computeFeatures(candles);
  const last = features.rows - 1;
  const [s] = bundle.strategy.signal(scaledRows(bundle.scaler, features, last, last + 1));
  const j = (await runCommand(Signal, ['--model', model, '--data', data, '--json'])).json;
  assert.equal(j.reasons, explainSignal(s, bundle.strategy.calibration, 0, j.position));
  // this model's last bar is flat from flat: there is always a reason
  assert.is(j.position, 0);
  assert.ok(j.reasons.length > 0);
  assert.equal(j.range, { from: '2024-01-01 00:00', to: '2024-01-25 23:00', fromMs: candles.timestamp[0], toMs: candles.timestamp[599], rows: 600 });
  const human = await runCommand(Signal, ['--model', model, '--data', data]);
  assert.ok(human.stdout.includes(`closed at ${formatPrice(candles.close[599])}\n`), human.stdout);
  assert.ok(human.stdout.includes(`\nwhy flat        ${j.reasons[0]}\n`), human.stdout);
});

test.after(removeTempDirs);
test.run();
