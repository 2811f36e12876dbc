import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { candleAt, candlesFromRows, mergeCandles, sliceCandles, type CandleRow } from '../../src/data/candles.js';

const row = (timestamp: number, close: number): CandleRow => ({
  timestamp, open: close, high: close + 1, low: close - 1, close, volume: 1, turnover: close,
});

test('candlesFromRows and candleAt are inverse', () => {
  const rows = [row(0, 10), row(1, 11)];
  const c = candlesFromRows(rows);
  assert.ok(c.close instanceof Float64Array);
  assert.equal([candleAt(c, 0), candleAt(c, 1)], rows);
});

test('sliceCandles copies a row range', () => {
  const c = candlesFromRows([row(0, 10), row(1, 11), row(2, 12)]);
  const s = sliceCandles(c, 1, 3);
  assert.equal(Array.from(s.timestamp), [1, 2]);
  s.close[0] = 99;
  assert.is(c.close[1], 11);
});

test('mergeCandles interleaves by time, keeps each open time once, and prefers the incoming copy', () => {
  const existing = candlesFromRows([row(0, 10), row(2, 12), row(4, 14)]);
  const incoming = candlesFromRows([row(1, 21), row(2, 22), row(5, 25)]);
  const m = mergeCandles(existing, incoming);
  assert.equal(Array.from(m.timestamp), [0, 1, 2, 4, 5]);
  assert.equal(Array.from(m.close), [10, 21, 22, 14, 25]);
  assert.equal(Array.from(mergeCandles(existing, candlesFromRows([])).close), [10, 12, 14]);
});

test.run();
