import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseInterval } from '../../src/data/interval.js';
import { onKlineGrid } from '../../src/data/kline-grid.js';

const H = 3_600_000, D = 86_400_000;
const T = Date.UTC(2024, 0, 1); // Monday 2024-01-01 00:00 UTC

test('minute and hour candles open on multiples of their length, days at 00:00 UTC', () => {
  const h1 = parseInterval('1h'), h4 = parseInterval('4h'), m15 = parseInterval('15m'), d = parseInterval('1d');
  assert.equal([onKlineGrid(h1, T + 5 * H), onKlineGrid(h1, T + 5.5 * H), onKlineGrid(h1, T + 1)], [true, false, false]);
  assert.equal([onKlineGrid(h4, T + 8 * H), onKlineGrid(h4, T + 9 * H)], [true, false]);
  assert.equal([onKlineGrid(m15, T + 45 * 60_000), onKlineGrid(m15, T + 50 * 60_000)], [true, false]);
  assert.equal([onKlineGrid(d, T + 3 * D), onKlineGrid(d, T + 3 * D + H)], [true, false]);
});

test('weeks open on Mondays, months on the 1st, both at 00:00 UTC', () => {
  const w = parseInterval('W'), m = parseInterval('M');
  assert.equal([onKlineGrid(w, T), onKlineGrid(w, T + 7 * D), onKlineGrid(w, T + 3 * D), onKlineGrid(w, 4 * D), onKlineGrid(w, 0)], [true, true, false, true, false]);
  assert.equal([onKlineGrid(m, Date.UTC(2024, 1, 1)), onKlineGrid(m, Date.UTC(2024, 1, 2)), onKlineGrid(m, Date.UTC(2024, 1, 1, 1))], [true, false, false]);
  assert.is(onKlineGrid(parseInterval('1h'), 1.5), false);
});

test.run();
