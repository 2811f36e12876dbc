import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { candlesToCsv, parseCandlesCsv, readCandles, writeCandles } from '../../src/data/candles-csv.js';
import { CandleDataError } from '../../src/data/candle-checks.js';
import { candlesFromRows } from '../../src/data/candles.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const HEADER = 'timestamp,open,high,low,close,volume,turnover';
const GOOD = [
  HEADER,
  '1704067200000,100,101.5,99.25,101,12.5,1262.5',
  '1704070800000,101,102,100.5,100.75,0,0',
  '1704074400000,100.75,103,100,102.5,3e-1,30.75',
].join('\n');

/** The error message parsing `lines` (joined) gives, or a failure if it parses. */
function errorOf(lines: string[]): string {
  try {
    parseCandlesCsv(lines.join('\n'), { file: 'x.csv' });
  } catch (e) {
    assert.instance(e, CandleDataError);
    return (e as Error).message;
  }
  throw new assert.Assertion({ message: 'expected a CandleDataError', actual: 'parsed', expects: 'error', operator: 'throws' });
}

test('parses a valid file into Float64Array columns', () => {
  const c = parseCandlesCsv(GOOD);
  assert.equal(Array.from(c.timestamp), [1704067200000, 1704070800000, 1704074400000]);
  assert.equal(Array.from(c.low), [99.25, 100.5, 100]);
  assert.equal(Array.from(c.volume), [12.5, 0, 0.3]);
  assert.ok(c.turnover instanceof Float64Array);
});

test('columns by name in any order, extra columns ignored, CRLF, BOM and trailing blank lines accepted', () => {
  const text = '\uFEFFclose,timestamp,symbol,open,high,low,volume,turnover\r\n101,1704067200000,BTC,100,101.5,99.25,12.5,1262.5\r\n\r\n';
  const c = parseCandlesCsv(text);
  assert.equal([c.timestamp[0], c.open[0], c.close[0], c.turnover[0]], [1704067200000, 100, 101, 1262.5]);
});

test('errors name the file, the 1-based line, the field and the rule', () => {
  const rows = GOOD.split('\n');
  assert.is(errorOf(['timestamp,open,high,low,close', rows[1]]), 'x.csv: line 1: missing columns volume, turnover (header has: timestamp,open,high,low,close; expected timestamp,open,high,low,close,volume,turnover)');
  assert.is(errorOf([HEADER, rows[1], '1704070800000,101,abc,100.5,100.75,0,0']), 'x.csv: line 3, high: "abc" is not a number');
  assert.is(errorOf([HEADER, rows[1], '1704070800000,101,102,,100.75,0,0']), 'x.csv: line 3, low: missing value');
  assert.is(errorOf([HEADER, rows[1], '', rows[2]]), 'x.csv: line 3, timestamp: missing value');
  assert.is(errorOf([HEADER, rows[1], '1704070800000,101,102,100.5,100.75,-1,0']), 'x.csv: line 3, volume: -1 is negative');
  assert.is(errorOf([HEADER, '1704067200000,0,101.5,0,101,12.5,1262.5']), 'x.csv: line 2, open: 0 is not a positive price');
  assert.is(errorOf([HEADER, '1704067200000.5,100,101.5,99.25,101,12.5,1262.5']), 'x.csv: line 2, timestamp: 1704067200000.5 is not an integer of Unix milliseconds');
  assert.is(errorOf([HEADER, rows[1], rows[1]]), 'x.csv: line 3, timestamp: duplicate timestamp 1704067200000 (2024-01-01T00:00:00.000Z), same as the previous row');
  assert.is(errorOf([HEADER, rows[2], rows[1]]), 'x.csv: line 3, timestamp: timestamps are not ascending: 1704067200000 (2024-01-01T00:00:00.000Z) comes after 1704070800000 (2024-01-01T01:00:00.000Z)');
  assert.is(errorOf([HEADER, rows[1], '1704070800000,101,102,101.5,100.75,0,0']), 'x.csv: line 3, low: low 101.5 is above min(open, close) = 100.75');
  assert.is(errorOf([HEADER, rows[1], '1704070800000,101,100.9,100.5,100.75,0,0']), 'x.csv: line 3, high: high 100.9 is below max(open, close) = 101');
  assert.is(errorOf([HEADER, rows[1], '1704070800000,101,100,102,101,0,0']), 'x.csv: line 3, low: low 102 is above high 100');
  assert.is(errorOf(['']), 'x.csv: line 1: file is empty; expected the header timestamp,open,high,low,close,volume,turnover');
});

test('a header-only file is an empty candle set', () => {
  assert.is(parseCandlesCsv(HEADER + '\n').timestamp.length, 0);
});

test('write → read round-trips every value exactly', () => {
  const dir = tempDir();
  const c = candlesFromRows([
    { timestamp: 1, open: 0.1 + 0.2, high: 1 / 3 + 1, low: 1e-7, close: 0.5, volume: 123456789.123, turnover: 5e-324 },
  ]);
  const path = join(dir, 'c.csv');
  writeCandles(path, c);
  assert.equal(readCandles(path), c);
  assert.is(readFileSync(path, 'utf8'), `${HEADER}\n1,0.30000000000000004,1.3333333333333333,1e-7,0.5,123456789.123,5e-324\n`);
  assert.is(candlesToCsv(c), readFileSync(path, 'utf8'));
});

test('writeCandles refuses invalid candles and leaves the existing file and folder as they were', () => {
  const dir = tempDir();
  const path = join(dir, 'c.csv');
  writeFileSync(path, GOOD);
  const bad = candlesFromRows([{ timestamp: 1, open: 2, high: 1, low: 1, close: 1, volume: 0, turnover: 0 }]);
  assert.throws(() => writeCandles(path, bad), /c\.csv: candle 0 \(1970-01-01T00:00:00\.001Z\), high: high 1 is below max\(open, close\) = 2/);
  assert.is(readFileSync(path, 'utf8'), GOOD);
  assert.equal(readdirSync(dir), ['c.csv']);
});

test('readCandles names a missing file', () => {
  const path = join(tempDir(), 'nope.csv');
  assert.throws(() => readCandles(path), (e: Error) => e.message === `${path}: no such file`);
  assert.not.ok(existsSync(path));
});

test.after(removeTempDirs);
test.run();
