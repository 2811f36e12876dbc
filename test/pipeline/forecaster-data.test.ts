import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { candlesFromRows, sliceCandles } from '../../src/data/candles.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import {
  calendarColumns, CONTEXT_NAMES, forecasterDataset, scaledContext, scaledTargets, targetPaths,
} from '../../src/pipeline/forecaster-data.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1); // a Monday, 00:00 UTC

/** Candles at the given hour offsets with these closes (open = previous close). */
function candlesAt(hours: number[], closes: number[]) {
  return candlesFromRows(hours.map((h, i) => {
    const close = closes[i], open = i > 0 ? closes[i - 1] : close;
    return { timestamp: T0 + h * HOUR, open, high: Math.max(open, close) + 1, low: Math.min(open, close) - 1, close, volume: 10, turnover: 10 * close };
  }));
}

test('targetPaths: the next H log returns on the time grid, NaN where a candle is missing or past the data', () => {
  // hours 0 1 2 _ 4 5 (hour 3 missing)
  const c = candlesAt([0, 1, 2, 4, 5], [100, 110, 99, 120, 108]);
  const { targets, windowEnd } = targetPaths(c, [0, 1, 3], 2, HOUR);
  const ln = Math.log;
  // bar 0: ℓ1 = ln(110/100), ℓ2 = ln(99/110): complete, window ends at candle 2
  assert.equal(Array.from(targets.subarray(0, 2)), [ln(110 / 100), ln(99 / 110)]);
  // bar 1 (hour 1): ℓ(hour 2) = ln(99/110); hour 3 is missing → NaN
  assert.equal(Array.from(targets.subarray(2, 4)), [ln(99 / 110), NaN]);
  // bar at candle 3 (hour 4): ℓ(hour 5) = ln(108/120); hour 6 is past the data → NaN
  assert.equal(Array.from(targets.subarray(4, 6)), [ln(108 / 120), NaN]);
  assert.equal(Array.from(windowEnd), [2, -1, -1]);
  // after a gap the returns resume once two consecutive grid candles exist: from hour 2, H = 3
  const after = targetPaths(c, [2], 3, HOUR).targets;
  assert.equal(Array.from(after), [NaN, NaN, ln(108 / 120)]);
  assert.throws(() => targetPaths(c, [0], 0, HOUR), /horizon must be a whole number of bars ≥ 1, got 0/);
});

test('calendar columns: sin/cos of the UTC hour (period 24 h) and weekday (0 = Sunday, period 7)', () => {
  const monday0 = T0, sunday18 = T0 - 6 * HOUR;
  const cal = calendarColumns([monday0, sunday18]);
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-15;
  assert.ok(near(cal[0], 0) && near(cal[1], 1), 'hour 0');
  assert.ok(near(cal[2], Math.sin((2 * Math.PI) / 7)) && near(cal[3], Math.cos((2 * Math.PI) / 7)), 'Monday');
  assert.ok(near(cal[4], -1) && near(cal[5], 0), 'hour 18 → angle 3π/2');
  assert.ok(near(cal[6], 0) && near(cal[7], 1), 'Sunday');
});

const market = simulateMarket({ bars: 1200, seed: 3 });

test('dataset: context = 16 features + the next bar’s calendar; the last bar of a row is t, the calendar t + 1', () => {
  const ds = forecasterDataset(market);
  assert.is(CONTEXT_NAMES.length, 20);
  assert.equal(ds.contextNames.slice(16), ['next_hour_sin', 'next_hour_cos', 'next_weekday_sin', 'next_weekday_cos']);
  const k = 5;
  const ctx = scaledContext(ds, [k]);
  const nextOpen = ds.features.timestamps[k] + HOUR;
  assert.equal(Array.from(ctx.subarray(16)), Array.from(Float32Array.from(calendarColumns([nextOpen]))));
  assert.is(ds.horizon, 20);
});

test('a training row’s window ends at or before the last training candle (and validation’s before test)', () => {
  const ds = forecasterDataset(market, { horizon: 20 });
  const lastTrain = ds.features.index[ds.split.train[1] - 1];
  const lastValid = ds.features.index[ds.split.validation[1] - 1];
  const lastTrainRow = ds.rows.train[ds.rows.train.length - 1];
  for (const k of ds.rows.train) assert.ok(ds.windowEnd[k] <= lastTrain, `train row ${k}`);
  for (const k of ds.rows.validation) assert.ok(ds.windowEnd[k] <= lastValid, `validation row ${k}`);
  // not over-conservative: the last usable training row's window ends exactly at the last training candle
  assert.is(ds.windowEnd[lastTrainRow], lastTrain);
  // the H rows before the split boundary are purged, no more
  assert.is(ds.rows.train.length, ds.split.train[1] - 20);
  // every usable row is complete; test rows run to the last complete window
  for (const k of [...ds.rows.train, ...ds.rows.test]) assert.ok(ds.windowEnd[k] === ds.features.index[k] + 20);
});

test('appending candles changes no existing context row and no existing finite target', () => {
  const short = sliceCandles(market, 0, 900);
  const a = forecasterDataset(short, { horizon: 20 });
  const b = forecasterDataset(market, { horizon: 20 });
  const n = a.features.rows;
  // raw features and calendar (what the context is made of) are identical row for row
  assert.equal(Array.from(b.features.data.subarray(0, a.features.data.length)), Array.from(a.features.data));
  assert.equal(Array.from(b.calendar.subarray(0, a.calendar.length)), Array.from(a.calendar));
  let finite = 0;
  for (let q = 0; q < n * 20; q++) {
    if (!Number.isNaN(a.targets[q])) {
      finite++;
      assert.is(b.targets[q], a.targets[q], `target ${q}`);
    }
  }
  assert.ok(finite > 0);
  // the last 20 rows of the short set were incomplete and now are complete
  assert.is(a.windowEnd[n - 1], -1);
  assert.ok(b.windowEnd[n - 1] > 0);
});

test('target scale: population std of ℓ_{t+1} over the training rows; scaled targets divide by it', () => {
  const ds = forecasterDataset(market, { horizon: 5 });
  const first = Array.from(ds.rows.train, (k) => Math.log(market.close[ds.features.index[k] + 1] / market.close[ds.features.index[k]]));
  const m = first.reduce((s, v) => s + v, 0) / first.length;
  const sd = Math.sqrt(first.reduce((s, v) => s + (v - m) ** 2, 0) / first.length);
  assert.ok(Math.abs(ds.targetScale - sd) <= 1e-15 * sd * first.length);
  const k = ds.rows.train[3];
  const y = scaledTargets(ds, [k]);
  assert.is(y.length, 5);
  assert.is(y[2], Math.fround(ds.targets[k * 5 + 2] / ds.targetScale));
  const incomplete = ds.features.rows - 1;
  assert.throws(() => scaledTargets(ds, [incomplete]), new RegExp(`row ${incomplete} \\(bar .*Z\\) has an incomplete 5-bar window`));
});

test('clear errors: bad horizon, too few candles for a training window', () => {
  assert.throws(() => forecasterDataset(market, { horizon: 2.5 }), /horizon must be a whole number of bars ≥ 1, got 2.5/);
  assert.throws(() => forecasterDataset(sliceCandles(market, 0, 45), { horizon: 20 }), /0 training row\(s\) with a complete 20-bar window \(of 17 training feature rows\)/);
});

test.run();
