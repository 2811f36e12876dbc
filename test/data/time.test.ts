import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isoTime, isoTimeMs, parseTime } from '../../src/data/time.js';

test('integers are Unix ms; ISO dates and zone-less date-times are UTC', () => {
  assert.is(parseTime('1704067200000'), 1_704_067_200_000);
  assert.is(parseTime('2024-01-01'), Date.UTC(2024, 0, 1));
  assert.is(parseTime('2024-01-01T12:30'), Date.UTC(2024, 0, 1, 12, 30));
  assert.is(parseTime('2024-01-01 12:30:15'), Date.UTC(2024, 0, 1, 12, 30, 15));
  assert.is(parseTime('2024-01-01T12:30:15.250Z'), Date.UTC(2024, 0, 1, 12, 30, 15, 250));
  assert.is(parseTime('2024-01-01T12:00+02:00'), Date.UTC(2024, 0, 1, 10));
  assert.is(isoTime(Date.UTC(2024, 0, 1)), '2024-01-01T00:00:00.000Z');
});

test('isoTimeMs reads what exports write (microseconds, +0000) and says why it cannot, without throwing', () => {
  assert.is(isoTimeMs('2023-01-01T00:00:00.123456Z'), Date.UTC(2023, 0, 1, 0, 0, 0, 123));
  assert.is(isoTimeMs('2023-01-01T00:00:00+0000'), Date.UTC(2023, 0, 1));
  assert.is(isoTimeMs('2023-01-01 00:00:00+00:00'), Date.UTC(2023, 0, 1));
  assert.is(isoTimeMs('1704067200000'), null);
  assert.ok(Number.isNaN(isoTimeMs('2023-02-29')));
  assert.is(isoTimeMs('2023-01-01T25:00'), Infinity);
  assert.is(parseTime('2023-01-01T00:00:00.123456Z'), Date.UTC(2023, 0, 1, 0, 0, 0, 123));
});

test('anything else is refused with the flag name and the formats', () => {
  assert.throws(() => parseTime('yesterday', '--start'), /--start "yesterday" is neither Unix milliseconds nor an ISO date/);
  assert.throws(() => parseTime('2024-13-01', '--end'), /--end "2024-13-01" is not a valid calendar date/);
  assert.throws(() => parseTime('2023-02-29'), /"2023-02-29" is not a valid calendar date/);
  assert.is(parseTime('2024-02-29'), Date.UTC(2024, 1, 29));
  assert.throws(() => parseTime('2024-01-01T25:00'), /"2024-01-01T25:00" is not a valid date or time/);
  assert.throws(() => parseTime('1e3'), /neither/);
  assert.throws(() => parseTime('99999999999999999999'), /not a safe integer/);
  assert.throws(() => parseTime('x'.repeat(5000), '--start'), (e: Error) => e.message === `--start "${'x'.repeat(200)}… (5000 characters)" is neither Unix milliseconds nor an ISO date such as 2024-01-31 or 2024-01-31T12:00Z`);
});

test.run();
