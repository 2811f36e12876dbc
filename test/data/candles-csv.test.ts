import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { candlesToCsv, MAX_CANDLE_FILE_BYTES, parseCandlesCsv, readCandles, writeCandles } from '../../src/data/candles-csv.js';
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
  assert.is(errorOf(['timestamp,open,high,low', rows[1]]), 'x.csv: line 1: missing columns close, volume (header has: timestamp,open,high,low; expected timestamp,open,high,low,close,volume[,turnover])');
  assert.is(errorOf(['timestamp;open;high;low;close;volume', '1704067200000;100;101.5;99.25;101;12.5']),
    'x.csv: line 1: missing columns timestamp, open, high, low, close, volume (header has: timestamp;open;high;low;close;volume; ' +
    'expected timestamp,open,high,low,close,volume[,turnover]); cells are separated by ";", but a candle CSV separates them by commas');
  assert.is(errorOf(['timestamp,open,high,low,close,volume,Close', rows[1]]), 'x.csv: line 1: column close appears twice in the header (cells 5 and 7)');
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
  assert.is(errorOf(['']), 'x.csv: line 1: file is empty; expected the header timestamp,open,high,low,close,volume[,turnover]');
});

test('fully quoted cells (the last line too), CRLF, any-case names and no turnover column are read', () => {
  const quoted = '"Timestamp","Open","High","Low","Close","Volume","Turnover"\r\n' +
    '"1704067200000","100","101.5","99.25","101","12.5","1262.5"\r\n"1704070800000","101","102","100.5","100.75","79337351.2","0"\r\n';
  const c = parseCandlesCsv(quoted);
  assert.equal(Array.from(c.timestamp), [1704067200000, 1704070800000]);
  assert.equal(Array.from(c.volume), [12.5, 79337351.2]);
  const noTurnover = parseCandlesCsv('timestamp,open,high,low,close,volume\n1704067200000,100,101.5,99.25,101,12.5');
  assert.equal([noTurnover.close[0], noTurnover.turnover[0]], [101, 0]);
  // A quoted cell may hold commas, escaped quotes and line breaks; lines after it keep their numbers.
  const tricky = 'note,timestamp,open,high,low,close,volume\n"a, ""b""\nc",1704067200000,100,101.5,99.25,101,12.5\nx,1704070800000,101,102,100.5,-1,0\n';
  assert.throws(() => parseCandlesCsv(tricky, { file: 'x.csv' }), (e: Error) => e.message === 'x.csv: line 4, close: -1 is not a positive price');
  assert.is(errorOf([HEADER, '"1704067200000,100,101.5,99.25,101,12.5,1262.5']), 'x.csv: line 2: a quoted cell is never closed (a " without its closing ")');
  assert.is(errorOf([HEADER, '"1704067200000"x,100,101.5,99.25,101,12.5,1262.5']), 'x.csv: line 2: text after the closing quote of a quoted cell: "x,100,101.5,99.25,10"');
});

test('ISO 8601 timestamps are read as UTC milliseconds', () => {
  const c = parseCandlesCsv([
    'timestamp,open,high,low,close,volume',
    '2023-01-01T00:00:00Z,100,101,99,100,1',
    '2023-01-01T01:00:00+00:00,100,101,99,100,1',
    '2023-01-01 02:00:00,100,101,99,100,1',
    '2023-01-01T04:00:00.000000+01:00,100,101,99,100,1',
  ].join('\n'));
  const h = 3_600_000, t0 = Date.UTC(2023, 0, 1);
  assert.equal(Array.from(c.timestamp), [t0, t0 + h, t0 + 2 * h, t0 + 3 * h]);
  assert.is(errorOf([HEADER, '2023-02-30T00:00:00Z,100,101,99,100,1,1']), 'x.csv: line 2, timestamp: "2023-02-30T00:00:00Z" is not a valid date and time');
  assert.is(errorOf([HEADER, 'yesterday,100,101,99,100,1,1']),
    'x.csv: line 2, timestamp: "yesterday" is neither Unix milliseconds (or seconds) nor an ISO 8601 time such as 2024-01-31T12:00:00Z');
});

test('Unix seconds are converted to milliseconds with a note; micro- and nanoseconds are refused', () => {
  const notes: string[] = [];
  const c = parseCandlesCsv([HEADER, '1704067200,100,101,99,100,1,1', '1704070800,100,101,99,100,1,1'].join('\n'), { file: 's.csv', onNote: (n) => notes.push(n) });
  assert.equal(Array.from(c.timestamp), [1704067200000, 1704070800000]);
  assert.equal(notes, ['s.csv: timestamps read as Unix seconds and converted to milliseconds (every value lies between 1e8 and 1e11: ' +
    'as milliseconds that would be 1970–1973); first candle 2024-01-01T00:00:00.000Z, last 2024-01-01T01:00:00.000Z']);
  // Small millisecond values (tests, synthetic data from 0) are left alone, and so is ISO text.
  const quiet: string[] = [];
  assert.equal(Array.from(parseCandlesCsv([HEADER, '0,1,1,1,1,0,0', '1000000000,1,1,1,1,0,0'].join('\n'), { onNote: (n) => quiet.push(n) }).timestamp), [0, 1e9]);
  assert.equal(quiet, []);
  assert.is(errorOf([HEADER, '1704067200000000,100,101,99,100,1,1']),
    'x.csv: line 2, timestamp: 1704067200000000 is after the year 5000 as Unix milliseconds: microseconds or nanoseconds? Timestamps must be Unix milliseconds, Unix seconds or ISO 8601 text');
});

test('quoted input in messages is cut to 200 characters and control characters are escaped', () => {
  const junk = 'x\u0001'.repeat(50_000);
  const message = errorOf([junk, '1,2,3']);
  assert.is(message, `x.csv: line 1: missing columns timestamp, open, high, low, close, volume (header has: ${'x\\u0001'.repeat(100)}… (100000 characters); expected timestamp,open,high,low,close,volume[,turnover])`);
  assert.ok(message.length < 1000);
  const cell = errorOf([HEADER, `1704067200000,${'9'.repeat(300)}x,101,99,100,1,1`]);
  assert.is(cell, `x.csv: line 2, open: "${'9'.repeat(200)}… (301 characters)" is not a number`);
});

test('readCandles refuses a binary file, naming the first zero byte', () => {
  const path = join(tempDir(), 'model.bin');
  writeFileSync(path, Buffer.from([0x47, 0x4c, 0x4f, 0x57, 0, 1, 2]));
  assert.throws(() => readCandles(path), (e: Error) => e.message ===
    `${path}: line 1: not a text file (byte 5 is 0): a binary file, or text in UTF-16; expected a UTF-8 CSV with the header timestamp,open,high,low,close,volume[,turnover]`);
});

test('readCandles refuses devices, FIFOs and folders, and files over the size limit, before reading', () => {
  const dir = tempDir();
  assert.throws(() => readCandles(dir), (e: Error) => e.message === `${dir}: is a directory, not a regular file; give a candle CSV file`);
  if (process.platform !== 'win32') {
    assert.throws(() => readCandles('/dev/zero'), (e: Error) => e.message === '/dev/zero: is a character device, not a regular file; give a candle CSV file');
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    assert.throws(() => readCandles(fifo), (e: Error) => e.message === `${fifo}: is a named pipe (FIFO), not a regular file; give a candle CSV file`);
  }
  // A sparse file: its size is over the limit, its disk use nothing.
  const big = join(dir, 'big.csv');
  writeFileSync(big, HEADER + '\n');
  truncateSync(big, MAX_CANDLE_FILE_BYTES + 1);
  assert.throws(() => readCandles(big), (e: Error) => e.message ===
    `${big}: the file is larger than the 2 GiB a candle file may have (about 15 million candles; this one has more); split it by date or use a longer interval`);
});

test('readCandles reads a file larger than one read chunk, with lines split across chunks', () => {
  const rows = 60_000;
  const lines = [HEADER];
  for (let i = 0; i < rows; i++) lines.push(`"${1704067200000 + i * 60_000}",100.123456789,101.123456789,99.123456789,100.5,12.5,${i}`);
  const path = join(tempDir(), 'many.csv');
  writeFileSync(path, lines.join('\r\n'));
  const c = readCandles(path);
  assert.is(c.timestamp.length, rows);
  assert.equal([c.timestamp[rows - 1], c.turnover[rows - 1], c.close[rows - 1]], [1704067200000 + (rows - 1) * 60_000, rows - 1, 100.5]);
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
