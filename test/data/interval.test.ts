import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isMonthStart, nextOpenTime, NOMINAL_MONTH_MS, openTimeAfter, parseInterval, previousOpenTime } from '../../src/data/interval.js';

test('Bybit codes map to their length and periods per year (365-day year)', () => {
  assert.equal(parseInterval('60'), { code: '60', ms: 3_600_000, periodsPerYear: 8760, label: '1h', calendarMonths: false });
  assert.equal(parseInterval('1').ms, 60_000);
  assert.is(parseInterval('1').periodsPerYear, 525_600);
  assert.is(parseInterval('240').periodsPerYear, 2190);
  assert.is(parseInterval('D').periodsPerYear, 365);
  assert.is(parseInterval('W').periodsPerYear, 365 / 7);
  assert.is(parseInterval('W').ms, 604_800_000);
  assert.equal(parseInterval('M'), { code: 'M', ms: 2_592_000_000, periodsPerYear: 12, label: '1M', calendarMonths: true });
});

test('friendly aliases: 1h, 4h, 1d, 1w, 1M, and upper-case hours and days', () => {
  const codes = ['1m', '5m', '15m', '1h', '2h', '4h', '6h', '12h', '1d', '1w', '1M', '1H', '4H', '1D', '1W', 'd', ' 1h '].map((s) => parseInterval(s).code);
  assert.equal(codes, ['1', '5', '15', '60', '120', '240', '360', '720', 'D', 'W', 'M', '60', '240', 'D', 'W', 'D', '60']);
});

test('1m is a minute and 1M a month; unknown spellings are refused with the choices', () => {
  assert.is(parseInterval('1m').ms, 60_000);
  assert.is(parseInterval('1M').code, 'M');
  for (const bad of ['2d', 'hour', '', '7', 'm', '1y']) {
    assert.throws(() => parseInterval(bad), (e: Error) => e.message.includes(`unknown interval "${bad}"`) && e.message.includes('1M one month'));
  }
});

test('nextOpenTime and previousOpenTime step fixed intervals by ms and months by the calendar', () => {
  assert.is(nextOpenTime(3_600_000, 0), 3_600_000);
  assert.is(nextOpenTime(parseInterval('D'), Date.UTC(2024, 1, 28)), Date.UTC(2024, 1, 29));
  const month = parseInterval('M');
  assert.is(nextOpenTime(month, Date.UTC(2024, 0, 1)), Date.UTC(2024, 1, 1));
  assert.is(nextOpenTime(month, Date.UTC(2024, 1, 1)), Date.UTC(2024, 2, 1));
  assert.is(nextOpenTime(month, Date.UTC(2023, 11, 1)), Date.UTC(2024, 0, 1));
  assert.is(previousOpenTime(month, Date.UTC(2024, 2, 1)), Date.UTC(2024, 1, 1));
  assert.is(previousOpenTime(month, Date.UTC(2024, 0, 1)), Date.UTC(2023, 11, 1));
  assert.is(previousOpenTime(parseInterval('4h'), 14_400_000), 0);
  assert.is(previousOpenTime(60_000, 60_000), 0);
});

test('openTimeAfter steps n bars; the nominal month length as a number means calendar months', () => {
  assert.is(openTimeAfter(3_600_000, 0, 8), 8 * 3_600_000);
  assert.is(openTimeAfter(parseInterval('M'), Date.UTC(2023, 10, 1), 3), Date.UTC(2024, 1, 1));
  assert.is(openTimeAfter(NOMINAL_MONTH_MS, Date.UTC(2024, 0, 1), 2), Date.UTC(2024, 2, 1));
  assert.is(nextOpenTime(NOMINAL_MONTH_MS, Date.UTC(2024, 1, 1)), Date.UTC(2024, 2, 1));
  assert.is(openTimeAfter(NOMINAL_MONTH_MS, Date.UTC(2024, 0, 1), -1), Date.UTC(2023, 11, 1));
  assert.equal([isMonthStart(Date.UTC(2024, 1, 1)), isMonthStart(Date.UTC(2024, 1, 2)), isMonthStart(Date.UTC(2024, 1, 1, 1))], [true, false, false]);
  assert.is(NOMINAL_MONTH_MS, parseInterval('M').ms);
});

test.run();
