/**
 * @fileoverview Candle CSV files: `timestamp,open,high,low,close,volume,turnover`, one candle per line,
 * timestamp = open time in Unix ms UTC, ascending and unique. Reading parses with arquero (columns by
 * name, in any order; extra columns are ignored), converts strictly and validates every row, so an error
 * names the file, the 1-based line and the field. Writing is atomic: a failed run leaves the old file
 * or none, never a truncated one.
 */
import { readFileSync } from 'node:fs';
import { fromCSV } from 'arquero';
import { writeFileAtomic } from '../util/atomic.js';
import { allocateCandles, candleCount, CANDLE_COLUMNS, type Candles } from './candles.js';
import { CandleDataError, validateCandles } from './candle-checks.js';
import { parseDecimal } from './numbers.js';

export interface ParseCandlesOptions {
  /** Name of the file in error messages. */
  file?: string;
}

/** Data row `i` (0-based, after the header) sits on line i + 2 of the file. */
const lineOf = (i: number) => `line ${i + 2}`;

/** Parse and validate candle CSV text. */
export function parseCandlesCsv(text: string, options: ParseCandlesOptions = {}): Candles {
  const file = options.file ?? 'candles.csv';
  // A BOM and trailing blank lines are harmless; blank lines inside the data are reported.
  const body = text.replace(/^\uFEFF/, '').replace(/[\r\n\s]+$/, '');
  if (body.length === 0) {
    throw new CandleDataError(`file is empty; expected the header ${CANDLE_COLUMNS.join(',')}`, file, 'line 1');
  }
  const table = fromCSV(body, { autoType: false });
  const names = table.columnNames();
  const missing = CANDLE_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw new CandleDataError(
      `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header has: ${names.join(',')}; ` +
        `expected ${CANDLE_COLUMNS.join(',')})`,
      file, 'line 1',
    );
  }
  const n = table.numRows();
  const candles = allocateCandles(n);
  for (const col of CANDLE_COLUMNS) {
    const text = table.array(col) as ArrayLike<string | null | undefined>;
    const out = candles[col];
    for (let i = 0; i < n; i++) {
      const raw = text[i];
      const s = raw == null ? '' : raw.trim();
      if (s === '') throw new CandleDataError('missing value', file, lineOf(i), col);
      const v = parseDecimal(s);
      if (v === undefined) throw new CandleDataError(`"${s}" is not a number`, file, lineOf(i), col);
      out[i] = v;
    }
  }
  validateCandles(candles, { source: file, locate: lineOf });
  return candles;
}

/** Read and validate a candle CSV file. */
export function readCandles(path: string): Candles {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${(err as Error).message})`);
  }
  return parseCandlesCsv(text, { file: path });
}

/** CSV text of a candle set (numbers in shortest round-trip form). */
export function candlesToCsv(c: Candles): string {
  const n = candleCount(c);
  const lines = new Array<string>(n + 1);
  lines[0] = CANDLE_COLUMNS.join(',');
  for (let i = 0; i < n; i++) {
    lines[i + 1] = `${c.timestamp[i]},${c.open[i]},${c.high[i]},${c.low[i]},${c.close[i]},${c.volume[i]},${c.turnover[i]}`;
  }
  return lines.join('\n') + '\n';
}

/** Validate, then write a candle CSV file atomically. */
export function writeCandles(path: string, c: Candles): void {
  validateCandles(c, { source: path });
  writeFileAtomic(path, candlesToCsv(c));
}
