/**
 * @fileoverview Candle CSV files: `timestamp,open,high,low,close,volume[,turnover]`, one candle per
 * line, ascending and unique open times. Reading accepts what users' files look like: columns by name
 * (any order, any case; extra columns ignored), `turnover` optional (read as 0 when absent; no feature
 * uses it), quoted cells, CRLF or LF line ends, a BOM, and timestamps as Unix milliseconds, Unix
 * seconds (converted, with a note) or ISO 8601 text (`2023-01-01T00:00:00Z`, `…+00:00`; no zone = UTC).
 *
 * A file is read in chunks through a streaming CSV splitter, so memory follows the number of candles,
 * not the file's text; only regular files up to MAX_CANDLE_FILE_BYTES are read (a device such as
 * /dev/zero or a FIFO never ends). Every row is converted strictly and validated, so an error names
 * the file, the 1-based line and the field. Writing is atomic: a failed run leaves the old file or
 * none, never a truncated one.
 */
import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { writeChunksAtomic } from '../util/atomic.js';
import { candleCount, CANDLE_COLUMNS, type CandleColumn, type Candles } from './candles.js';
import { CandleDataError, validateCandles } from './candle-checks.js';
import { CsvRecords, CsvSyntaxError } from './csv-records.js';
import { parseDecimal } from './numbers.js';
import { excerpt } from './quote.js';
import { isoTime, isoTimeMs } from './time.js';

/** Largest candle file read: 2 GiB, about 15 million candles of ~140 bytes. */
export const MAX_CANDLE_FILE_BYTES = 2 * 1024 ** 3;

/** Columns a file must have; `turnover` may be absent. */
const REQUIRED: readonly CandleColumn[] = ['timestamp', 'open', 'high', 'low', 'close', 'volume'];
const HEADER_TEXT = 'timestamp,open,high,low,close,volume[,turnover]';

/**
 * Timestamps all in [1e8, 1e11) are Unix seconds: as seconds they span 1973–5138, as milliseconds only
 * 1970-01-02 – 1973-03-03, when there were no markets to record. Values from 1e14 up (year 5138 in ms)
 * are microseconds or nanoseconds, which are refused rather than guessed.
 */
const SECONDS_FROM = 1e8, SECONDS_BELOW = 1e11, MS_BELOW = 1e14;

export interface ParseCandlesOptions {
  /** Name of the file in error messages. */
  file?: string;
  /**
   * Receives notes about how the file was read (today: seconds converted to milliseconds). Default:
   * printed to stderr as "Note: …".
   */
  onNote?: (note: string) => void;
}

const printNote = (note: string) => {
  process.stderr.write(`Note: ${note}\n`);
};

/** Parse and validate candle CSV text. */
export function parseCandlesCsv(text: string, options: ParseCandlesOptions = {}): Candles {
  const file = options.file ?? 'candles.csv';
  const reader = new CandleCsvReader(file, options.onNote ?? printNote);
  const records = new CsvRecords((cells, line) => reader.record(cells, line));
  try {
    records.push(text);
    records.end();
  } catch (err) {
    throw located(err, file);
  }
  return reader.finish();
}

/** Read and validate a candle CSV file (a regular file of at most MAX_CANDLE_FILE_BYTES). */
export function readCandles(path: string, options: Omit<ParseCandlesOptions, 'file'> = {}): Candles {
  checkCandleFile(path, () => statSync(path));
  const reader = new CandleCsvReader(path, options.onNote ?? printNote);
  const records = new CsvRecords((cells, line) => reader.record(cells, line));
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new Error(`${path}: cannot read (${(err as Error).message})`);
  }
  try {
    // The file may have changed since the stat; check what was opened, and count what is read.
    checkCandleFile(path, () => fstatSync(fd));
    const decoder = new TextDecoder('utf-8');
    const buf = Buffer.allocUnsafe(4 << 20);
    let total = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (err) {
        throw new Error(`${path}: cannot read (${(err as Error).message})`);
      }
      if (n === 0) break;
      if (total === 0) {
        const nul = buf.subarray(0, n).indexOf(0);
        if (nul >= 0) {
          throw new CandleDataError(`not a text file (byte ${nul + 1} is 0): a binary file, or text in UTF-16; ` +
            `expected a UTF-8 CSV with the header ${HEADER_TEXT}`, path, 'line 1');
        }
      }
      total += n;
      if (total > MAX_CANDLE_FILE_BYTES) throw tooLarge(path, total);
      records.push(decoder.decode(buf.subarray(0, n), { stream: true }));
    }
    records.push(decoder.decode());
    records.end();
  } catch (err) {
    throw located(err, path);
  } finally {
    closeSync(fd);
  }
  return reader.finish();
}

/** Refuse what is not a regular file of bounded size, before reading it. */
function checkCandleFile(path: string, stat: () => Stats): void {
  let st: Stats;
  try {
    st = stat();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${(err as Error).message})`);
  }
  if (!st.isFile()) {
    const kind = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a named pipe (FIFO)'
      : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device'
        : st.isSocket() ? 'a socket' : 'not a file';
    throw new Error(`${path}: is ${kind}, not a regular file; give a candle CSV file`);
  }
  if (st.size > MAX_CANDLE_FILE_BYTES) throw tooLarge(path, st.size);
}

function tooLarge(path: string, bytes: number): Error {
  const gib = (b: number) => `${(b / 1024 ** 3).toFixed(b % 1024 ** 3 === 0 ? 0 : 2)} GiB`;
  return new Error(`${path}: the file is larger than the ${gib(MAX_CANDLE_FILE_BYTES)} a candle file may have ` +
    `(about 15 million candles; this one has ${bytes > MAX_CANDLE_FILE_BYTES + 1 ? `at least ${gib(bytes)}` : 'more'}); ` +
    'split it by date or use a longer interval');
}

/** A CSV syntax error as a CandleDataError at its line; other errors unchanged. */
function located(err: unknown, file: string): unknown {
  return err instanceof CsvSyntaxError ? new CandleDataError(err.message, file, `line ${err.line}`) : err;
}

/** Builds candle columns from CSV records: the header first, then one candle per record. */
class CandleCsvReader {
  /** Cell index of each candle column in a record (-1: absent, only `turnover` may be). */
  private cellOf: Record<CandleColumn, number> | undefined;
  private columns: Record<CandleColumn, Float64Array> = growColumns(undefined, 1024);
  private lines = new Int32Array(1024);
  private n = 0;
  /** Line of a blank record not yet known to be trailing (blank lines inside the data are errors). */
  private blankLine = 0;
  private sawIsoTime = false;

  constructor(private readonly file: string, private readonly onNote: (note: string) => void) {}

  record(cells: string[], line: number): void {
    if (cells.length === 1 && cells[0].trim() === '') {
      if (this.cellOf && this.blankLine === 0) this.blankLine = line;
      return;
    }
    if (!this.cellOf) {
      this.cellOf = this.header(cells);
      return;
    }
    if (this.blankLine > 0) throw new CandleDataError('missing value', this.file, `line ${this.blankLine}`, 'timestamp');
    if (this.n === this.lines.length) {
      this.columns = growColumns(this.columns, this.n * 2);
      const lines = new Int32Array(this.n * 2);
      lines.set(this.lines);
      this.lines = lines;
    }
    const i = this.n++;
    this.lines[i] = line;
    for (const col of CANDLE_COLUMNS) {
      const at = this.cellOf[col];
      if (at < 0) continue;
      const raw = cells[at];
      const s = raw === undefined ? '' : raw.trim();
      if (s === '') throw new CandleDataError('missing value', this.file, `line ${line}`, col);
      let v = parseDecimal(s);
      if (v === undefined && col === 'timestamp') v = this.isoTimestamp(s, line);
      if (v === undefined) throw new CandleDataError(`"${excerpt(s)}" is not a number`, this.file, `line ${line}`, col);
      this.columns[col][i] = v;
    }
  }

  /** Map the header's names (trimmed, any case, BOM dropped) to cell indices. */
  private header(cells: string[]): Record<CandleColumn, number> {
    const names = cells.map((c, k) => (k === 0 ? c.replace(/^\uFEFF/, '') : c).trim().toLowerCase());
    const cellOf = {} as Record<CandleColumn, number>;
    const missing: string[] = [];
    for (const col of CANDLE_COLUMNS) {
      const at = names.indexOf(col);
      if (at >= 0 && names.indexOf(col, at + 1) >= 0) {
        throw new CandleDataError(`column ${col} appears twice in the header (cells ${at + 1} and ${names.indexOf(col, at + 1) + 1})`, this.file, 'line 1');
      }
      if (at < 0 && REQUIRED.includes(col)) missing.push(col);
      cellOf[col] = at;
    }
    if (missing.length > 0) {
      // A file exported with another separator arrives as one cell; say so rather than list every column.
      const separator = cells.length === 1 ? [';', '\t', '|'].find((c) => cells[0].includes(c)) : undefined;
      const hint = separator ? `; cells are separated by ${JSON.stringify(separator)}, but a candle CSV separates them by commas` : '';
      throw new CandleDataError(
        `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
          `(header has: ${excerpt(cells.join(','))}; expected ${HEADER_TEXT})${hint}`,
        this.file, 'line 1',
      );
    }
    return cellOf;
  }

  /** An ISO 8601 timestamp cell in ms, or undefined when the cell is not ISO-shaped. */
  private isoTimestamp(s: string, line: number): number | undefined {
    const ms = isoTimeMs(s);
    if (ms === null) {
      throw new CandleDataError(`"${excerpt(s)}" is neither Unix milliseconds (or seconds) nor an ISO 8601 time ` +
        'such as 2024-01-31T12:00:00Z', this.file, `line ${line}`, 'timestamp');
    }
    if (!Number.isFinite(ms)) throw new CandleDataError(`"${s}" is not a valid date and time`, this.file, `line ${line}`, 'timestamp');
    this.sawIsoTime = true;
    return ms;
  }

  finish(): Candles {
    if (!this.cellOf) throw new CandleDataError(`file is empty; expected the header ${HEADER_TEXT}`, this.file, 'line 1');
    const n = this.n;
    const candles = {} as Candles;
    for (const col of CANDLE_COLUMNS) candles[col] = this.columns[col].slice(0, n);
    this.unitsOfTime(candles.timestamp);
    const lines = this.lines;
    validateCandles(candles, { source: this.file, locate: (i) => `line ${lines[i]}` });
    return candles;
  }

  /** Convert second timestamps to ms (with a note); refuse micro- and nanoseconds. */
  private unitsOfTime(ts: Float64Array): void {
    let min = Infinity, max = -Infinity;
    for (let i = 0; i < ts.length; i++) {
      if (ts[i] < min) min = ts[i];
      if (ts[i] > max) max = ts[i];
      if (ts[i] >= MS_BELOW && Number.isFinite(ts[i])) {
        throw new CandleDataError(`${ts[i]} is after the year 5000 as Unix milliseconds: microseconds or nanoseconds? ` +
          'Timestamps must be Unix milliseconds, Unix seconds or ISO 8601 text', this.file, `line ${this.lines[i]}`, 'timestamp');
      }
    }
    if (ts.length === 0 || this.sawIsoTime || !(min >= SECONDS_FROM && max < SECONDS_BELOW)) return;
    // Whole seconds scale exactly; rounding only drops sub-millisecond digits of fractional seconds.
    for (let i = 0; i < ts.length; i++) ts[i] = Math.round(ts[i] * 1000);
    this.onNote(`${this.file}: timestamps read as Unix seconds and converted to milliseconds (every value lies ` +
      `between 1e8 and 1e11: as milliseconds that would be 1970–1973); first candle ${isoTime(ts[0])}, last ${isoTime(ts[ts.length - 1])}`);
  }
}

/** Columns of `capacity` rows holding the values of `old` (if any). */
function growColumns(old: Record<CandleColumn, Float64Array> | undefined, capacity: number): Record<CandleColumn, Float64Array> {
  const out = {} as Record<CandleColumn, Float64Array>;
  for (const col of CANDLE_COLUMNS) {
    out[col] = new Float64Array(capacity);
    if (old) out[col].set(old[col]);
  }
  return out;
}

/** Rows per written chunk: large enough for few writes, small enough for little memory. */
const ROWS_PER_CHUNK = 16_384;

/** The CSV text of a candle set in chunks: the header line, then up to ROWS_PER_CHUNK lines each. */
export function* candleCsvChunks(c: Candles): Generator<string> {
  yield CANDLE_COLUMNS.join(',') + '\n';
  const n = candleCount(c);
  for (let from = 0; from < n; from += ROWS_PER_CHUNK) {
    const to = Math.min(n, from + ROWS_PER_CHUNK);
    let s = '';
    for (let i = from; i < to; i++) {
      s += `${c.timestamp[i]},${c.open[i]},${c.high[i]},${c.low[i]},${c.close[i]},${c.volume[i]},${c.turnover[i]}\n`;
    }
    yield s;
  }
}

/** CSV text of a candle set (numbers in shortest round-trip form). */
export function candlesToCsv(c: Candles): string {
  return Array.from(candleCsvChunks(c)).join('');
}

/** Validate, then write a candle CSV file atomically, in chunks (any number of candles). */
export function writeCandles(path: string, c: Candles): void {
  validateCandles(c, { source: path });
  writeChunksAtomic(path, candleCsvChunks(c));
}
