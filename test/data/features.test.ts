import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as aq from 'arquero';
import { candlesFromRows, sliceCandles, type Candles } from '../../src/data/candles.js';
import { computeFeatures, FEATURE_NAMES, type FeatureSet } from '../../src/data/features.js';
import { simulateMarket } from '../../src/data/synthetic.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

/** [t, open, high, low, close, volume]; bar 20 has its own shape. */
const TABLE = [
  [0, 100, 101.0, 99.5, 100, 10],
  [1, 100, 103.5, 99.25, 102, 20],
  [2, 102, 104.0, 100.0, 101, 30],
  [3, 101, 105.0, 99.75, 104, 40],
  [4, 104, 105.5, 102.5, 103, 50],
  [5, 103, 108.0, 102.25, 106, 60],
  [6, 106, 107.0, 104.0, 105, 70],
  [7, 105, 109.5, 103.75, 108, 80],
  [8, 108, 110.0, 106.5, 107, 90],
  [9, 107, 111.0, 106.25, 110, 100],
  [10, 110, 111.5, 108.0, 109, 110],
  [11, 109, 114.0, 107.75, 112, 120],
  [12, 112, 113.0, 110.5, 111, 130],
  [13, 111, 115.5, 110.25, 114, 140],
  [14, 114, 116.0, 112.0, 113, 150],
  [15, 113, 117.0, 111.75, 116, 160],
  [16, 116, 117.5, 114.5, 115, 170],
  [17, 115, 120.0, 114.25, 118, 180],
  [18, 118, 119.0, 116.0, 117, 190],
  [19, 117, 121.5, 115.75, 120, 200],
  [20, 120, 121.5, 118, 119, 210],
  [21, 119, 123.0, 118.25, 122, 220],
];
const tableCandles = (rows = TABLE, step = H) =>
  candlesFromRows(rows.map(([t, open, high, low, close, volume]) => ({ timestamp: T0 + t * step, open, high, low, close, volume, turnover: volume * close })));

const O = TABLE.map((r) => r[1]), Hi = TABLE.map((r) => r[2]), L = TABLE.map((r) => r[3]), C = TABLE.map((r) => r[4]);
const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
const sampleStd = (x: number[]) => Math.sqrt(x.reduce((s, v) => s + (v - mean(x)) ** 2, 0) / (x.length - 1));
/** r_t for t in [from, to]. */
const returns = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => C[from + k] / C[from + k - 1] - 1);
const trueRange = (t: number) => Math.max(Hi[t] - L[t], Math.abs(Hi[t] - C[t - 1]), Math.abs(L[t] - C[t - 1]));

function row(f: FeatureSet, k: number): Record<string, number> {
  return Object.fromEntries(f.names.map((name, j) => [name, f.data[k * f.names.length + j]]));
}

function assertClose(actual: Record<string, number>, expected: Record<string, number>) {
  assert.equal(Object.keys(actual), Object.keys(expected));
  for (const name of Object.keys(expected)) {
    assert.ok(Math.abs(actual[name] - expected[name]) <= 1e-12, `${name}: ${actual[name]} ≠ ${expected[name]}`);
  }
}

test('FEATURE_NAMES are the 16 of DESIGN §4 in order', () => {
  assert.equal([...FEATURE_NAMES], [
    'return_1', 'return_5', 'return_10', 'return_20', 'volatility_5', 'volatility_20', 'vol_ratio', 'momentum_10',
    'momentum_20', 'volume_ratio', 'price_position', 'body_ratio', 'upper_shadow', 'lower_shadow', 'atr_norm', 'rsi',
  ]);
});

test('all 16 features of bar 20 by hand (the first bar with 20 candles before it)', () => {
  const f = computeFeatures(tableCandles());
  assert.is(f.rows, 2);
  assert.equal(Array.from(f.index), [20, 21]);
  assert.equal(Array.from(f.timestamps), [T0 + 20 * H, T0 + 21 * H]);
  assert.equal(f.dropped, { warmup: 20, gaps: 0 });
  assert.is(f.intervalMs, H);
  const r16to20 = [115 / 116 - 1, 118 / 115 - 1, 117 / 118 - 1, 120 / 117 - 1, 119 / 120 - 1];
  const r7to20 = returns(7, 20);
  const up = r7to20.filter((r) => r > 0).reduce((s, r) => s + r, 0);
  const down = -r7to20.filter((r) => r < 0).reduce((s, r) => s + r, 0);
  assertClose(row(f, 0), {
    return_1: 119 / 120 - 1,
    return_5: 119 / 116 - 1,
    return_10: 119 / 109 - 1,
    return_20: 119 / 100 - 1,
    volatility_5: sampleStd(r16to20),
    volatility_20: sampleStd(returns(1, 20)),
    vol_ratio: sampleStd(r16to20) / sampleStd(returns(1, 20)),
    momentum_10: 119 / 115.5 - 1, // closes 11…20 sum to 1155
    momentum_20: 119 / 110.5 - 1, // closes 1…20 sum to 2210
    volume_ratio: 210 / 115, // volumes 20…210 average 115
    price_position: (119 - 99.25) / (121.5 - 99.25), // lowest low: bar 1; highest high: bars 19 and 20
    body_ratio: (119 - 120) / (121.5 - 118),
    upper_shadow: (121.5 - 120) / 119,
    lower_shadow: (119 - 118) / 119,
    atr_norm: mean(Array.from({ length: 20 }, (_, k) => trueRange(k + 1))) / 119,
    rsi: up / (up + down),
  });
  // Spot checks of the hand arithmetic above: bar 20's true range is its own high − low.
  assert.is(trueRange(20), 3.5);
  assert.is(mean(C.slice(11, 21)), 115.5);
  assert.is(mean(C.slice(1, 21)), 110.5);
});

test('the windows slide: bar 21', () => {
  const f = computeFeatures(tableCandles());
  const r = row(f, 1);
  assertClose(
    { return_1: r.return_1, return_20: r.return_20, momentum_10: r.momentum_10, price_position: r.price_position, body_ratio: r.body_ratio, volume_ratio: r.volume_ratio },
    {
      return_1: 122 / 119 - 1,
      return_20: 122 / 102 - 1,
      momentum_10: 122 / mean(C.slice(12, 22)) - 1,
      price_position: (122 - 99.75) / (123 - 99.75), // lowest low of bars 2…21: bar 3
      body_ratio: (122 - 119) / (123 - 118.25),
      volume_ratio: 220 / 125,
    },
  );
  assert.is(O[21], 119);
});

test('degenerate windows take the stated fallbacks: flat prices and zero volume', () => {
  const flat = TABLE.slice(0, 21).map(([t]) => [t, 50, 50, 50, 50, 0]);
  const f = computeFeatures(tableCandles(flat));
  assert.is(f.rows, 1);
  assert.equal(row(f, 0), {
    return_1: 0, return_5: 0, return_10: 0, return_20: 0, volatility_5: 0, volatility_20: 0, vol_ratio: 1,
    momentum_10: 0, momentum_20: 0, volume_ratio: 1, price_position: 0.5, body_ratio: 0, upper_shadow: 0,
    lower_shadow: 0, atr_norm: 0, rsi: 0.5,
  });
});

test('fewer than 21 candles give no rows, all counted as warm-up', () => {
  const f = computeFeatures(tableCandles(TABLE.slice(0, 20)));
  assert.is(f.rows, 0);
  assert.is(f.data.length, 0);
  assert.equal(f.dropped, { warmup: 20, gaps: 0 });
  assert.equal(computeFeatures(tableCandles([])).dropped, { warmup: 0, gaps: 0 });
});

test('no look-ahead: the rows of a prefix equal, bit for bit, the same bars computed with later candles appended', () => {
  const candles = simulateMarket({ bars: 300, seed: 11 });
  const full = computeFeatures(candles);
  for (const k of [21, 22, 57, 150, 299]) {
    const prefix = computeFeatures(sliceCandles(candles, 0, k));
    assert.is(prefix.rows, k - 20);
    assert.equal(Array.from(prefix.index), Array.from(full.index.subarray(0, k - 20)));
    assert.equal(Array.from(prefix.data), Array.from(full.data.subarray(0, (k - 20) * 16)));
  }
});

/** The series without candle `i` (a one-candle outage). */
function without(c: Candles, i: number): Candles {
  const keep = (a: Float64Array) => Float64Array.from([...a.subarray(0, i), ...a.subarray(i + 1)]);
  return { timestamp: keep(c.timestamp), open: keep(c.open), high: keep(c.high), low: keep(c.low), close: keep(c.close), volume: keep(c.volume), turnover: keep(c.turnover) };
}

test('a gap drops exactly the 20 bars whose windows cross it; the other rows are those of the unbroken series', () => {
  const candles = simulateMarket({ bars: 120, seed: 5 });
  const full = computeFeatures(candles);
  const gapped = computeFeatures(without(candles, 50));
  // After removal, candles 50…69 have c_{t−20} on the far side of the gap.
  assert.equal(gapped.dropped, { warmup: 20, gaps: 20 });
  assert.is(gapped.rows, 119 - 40);
  assert.equal(Array.from(gapped.index.subarray(29, 31)), [49, 70]);
  const ts = Array.from(gapped.timestamps);
  for (let k = 0; k < full.rows; k++) {
    const at = ts.indexOf(full.timestamps[k]);
    const t = full.index[k];
    const crosses = t >= 51 && t <= 70;
    assert.is(at >= 0, !crosses && t !== 50, `bar ${t}`);
    if (at >= 0) assert.equal(Array.from(gapped.data.subarray(at * 16, at * 16 + 16)), Array.from(full.data.subarray(k * 16, k * 16 + 16)));
  }
  // A gap inside the warm-up only drops the bars still reaching back across it.
  assert.equal(computeFeatures(without(candles, 10)).dropped, { warmup: 20, gaps: 10 });
});

test('the interval is the most common spacing unless given; calendar months with interval M', () => {
  const candles = simulateMarket({ bars: 60, seed: 2 });
  assert.equal(computeFeatures(candles, { intervalMs: 2 * H }).dropped, { warmup: 20, gaps: 40 });
  assert.is(computeFeatures(candles, { interval: '1h' }).rows, 40);
  const monthly = { ...tableCandles(), timestamp: Float64Array.from(TABLE, (_, i) => Date.UTC(2020, i, 1)) };
  assert.is(computeFeatures(monthly, { interval: 'M' }).rows, 2);
  // Month candles are recognised without --interval (by the most common spacing, 31 days, February and
  // the 30-day months would look like gaps), and the nominal 30 days as a number means months too.
  assert.equal([computeFeatures(monthly).rows, computeFeatures(monthly).intervalMs], [2, 30 * 86_400_000]);
  assert.is(computeFeatures(monthly, { intervalMs: 30 * 86_400_000 }).rows, 2);
});

test('invalid candles are refused with the place and the rule', () => {
  const c = tableCandles();
  c.timestamp[3] = c.timestamp[1];
  assert.throws(() => computeFeatures(c), /^computeFeatures: candle 3 \(2024-01-01T01:00:00\.000Z\), timestamp: timestamps are not ascending/);
});

test('the readable arquero twin (file comment) gives the same numbers as the kernel', () => {
  const candles = simulateMarket({ bars: 200, seed: 3 });
  const { op, rolling } = aq;
  const twin = aq.table({ ...candles })
    .derive({
      r: (d: any) => d.close / op.lag(d.close, 1) - 1,
      tr: (d: any) => op.greatest(d.high - d.low, op.abs(d.high - op.lag(d.close, 1)), op.abs(d.low - op.lag(d.close, 1))),
    })
    .derive({
      return_1: (d: any) => d.close / op.lag(d.close, 1) - 1,
      return_5: (d: any) => d.close / op.lag(d.close, 5) - 1,
      return_10: (d: any) => d.close / op.lag(d.close, 10) - 1,
      return_20: (d: any) => d.close / op.lag(d.close, 20) - 1,
      volatility_5: rolling((d: any) => op.stdev(d.r), [-4, 0]),
      volatility_20: rolling((d: any) => op.stdev(d.r), [-19, 0]),
      momentum_10: rolling((d: any) => d.close / op.mean(d.close) - 1, [-9, 0]),
      momentum_20: rolling((d: any) => d.close / op.mean(d.close) - 1, [-19, 0]),
      volume_ratio: rolling((d: any) => d.volume / op.mean(d.volume), [-19, 0]),
      price_position: rolling((d: any) => (d.close - op.min(d.low)) / (op.max(d.high) - op.min(d.low)), [-19, 0]),
      body_ratio: (d: any) => (d.close - d.open) / (d.high - d.low),
      upper_shadow: (d: any) => (d.high - op.greatest(d.open, d.close)) / d.close,
      lower_shadow: (d: any) => (op.least(d.open, d.close) - d.low) / d.close,
      atr_norm: rolling((d: any) => op.mean(d.tr) / d.close, [-19, 0]),
      rsi: rolling((d: any) => op.sum(op.greatest(d.r, 0)) / op.sum(op.abs(d.r)), [-13, 0]),
    })
    .derive({ vol_ratio: (d: any) => d.volatility_5 / d.volatility_20 })
    .slice(20);
  const f = computeFeatures(candles);
  assert.is(twin.numRows(), f.rows);
  for (const [j, name] of f.names.entries()) {
    const col = twin.array(name) as ArrayLike<number>;
    for (let i = 0; i < f.rows; i++) {
      const a = f.data[i * 16 + j], b = col[i];
      assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${name} row ${i}: kernel ${a}, arquero ${b}`);
    }
  }
});

test.run();
