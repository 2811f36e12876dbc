import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countMissing, findGaps, inferIntervalMs } from '../../src/data/gaps.js';
import { parseInterval } from '../../src/data/interval.js';

const H = 3_600_000;

test('no gaps in a regular series, or in one or zero candles', () => {
  assert.equal(findGaps([0, H, 2 * H, 3 * H], H), []);
  assert.equal(findGaps([5], H), []);
  assert.equal(findGaps([], H), []);
});

test('each gap gives the first and last missing open time and the count', () => {
  const ts = [0, H, 4 * H, 5 * H, 7 * H];
  const gaps = findGaps(ts, H);
  assert.equal(gaps, [{ from: 2 * H, to: 3 * H, missing: 2 }, { from: 6 * H, to: 6 * H, missing: 1 }]);
  assert.is(countMissing(gaps), 3);
  assert.equal(findGaps(ts, parseInterval('1h')), gaps);
});

test('a spacing that is not a whole number of intervals counts the grid points between', () => {
  assert.equal(findGaps([0, 2.5 * H], H), [{ from: H, to: 2 * H, missing: 2 }]);
});

test('a year-long outage is one gap, computed without stepping per candle', () => {
  assert.equal(findGaps([0, 8761 * H], H), [{ from: H, to: 8760 * H, missing: 8760 }]);
});

test('month candles use calendar months: Jan → Feb → Mar is contiguous, Jan → Apr misses two', () => {
  const M = parseInterval('M');
  const m = (month: number) => Date.UTC(2024, month, 1);
  assert.equal(findGaps([m(0), m(1), m(2)], M), []);
  assert.equal(findGaps([m(0), m(3), m(4)], M), [{ from: m(1), to: m(2), missing: 2 }]);
  // The nominal month length as a number (a feature set's or a model's intervalMs) means months too.
  assert.equal(findGaps([m(0), m(1), m(2), m(5)], 30 * 86_400_000), [{ from: m(3), to: m(4), missing: 2 }]);
});

test('inferIntervalMs is the most common positive spacing, the smaller on a tie', () => {
  assert.is(inferIntervalMs([0, H, 2 * H, 5 * H, 6 * H]), H);
  assert.is(inferIntervalMs([0, 2 * H, 3 * H]), H);
  assert.is(inferIntervalMs([0]), undefined);
  // Month starts, 28–31 days apart: calendar months (nominal 30 days), not the most common 31 days.
  const months = Array.from({ length: 14 }, (_, i) => Date.UTC(2023, i, 1));
  assert.is(inferIntervalMs(months), 30 * 86_400_000);
  // 31-day spacing that is not on month starts stays a fixed interval.
  assert.is(inferIntervalMs([0, 31 * 86_400_000, 62 * 86_400_000]), 31 * 86_400_000);
});

test.run();
