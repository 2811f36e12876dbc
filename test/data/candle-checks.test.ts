import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CandleDataError, validateCandles } from '../../src/data/candle-checks.js';
import { candlesFromRows, type CandleRow } from '../../src/data/candles.js';

const good: CandleRow = { timestamp: 3_600_000, open: 10, high: 11, low: 9, close: 10.5, volume: 2, turnover: 21 };

/** The message validating [good, bad] gives. */
function messageFor(bad: Partial<CandleRow>, options = {}): string {
  try {
    validateCandles(candlesFromRows([good, { ...good, timestamp: 7_200_000, ...bad }]), options);
  } catch (e) {
    assert.instance(e, CandleDataError);
    return (e as Error).message;
  }
  throw new Error('expected a CandleDataError');
}

test('valid candles pass, including zero volume and a doji with high = low', () => {
  validateCandles(candlesFromRows([good, { ...good, timestamp: 7_200_000, open: 5, high: 5, low: 5, close: 5, volume: 0, turnover: 0 }]));
});

test('in memory, errors locate the candle by index and open time', () => {
  assert.is(messageFor({ close: NaN }), 'candles: candle 1 (1970-01-01T02:00:00.000Z), close: NaN is not a finite number');
  assert.is(messageFor({ turnover: Infinity }), 'candles: candle 1 (1970-01-01T02:00:00.000Z), turnover: Infinity is not a finite number');
  assert.is(messageFor({ timestamp: -5 }, { source: 'Bybit BTCUSDT' }), 'Bybit BTCUSDT: candle 1 (1969-12-31T23:59:59.995Z), timestamp: -5 is negative');
  assert.is(messageFor({ timestamp: NaN }), 'candles: candle 1 (NaN), timestamp: NaN is not an integer of Unix milliseconds');
  assert.is(messageFor({ high: 10.25 }), 'candles: candle 1 (1970-01-01T02:00:00.000Z), high: high 10.25 is below max(open, close) = 10.5');
  assert.is(messageFor({ low: 10.2 }, { locate: (i: number) => `row #${i}` }), 'candles: row #1, low: low 10.2 is above min(open, close) = 10');
});

test('columns of different lengths are refused', () => {
  const c = candlesFromRows([good]);
  c.volume = new Float64Array(2);
  assert.throws(() => validateCandles(c), /volume: column has 2 values but timestamp has 1/);
});

test.run();
