/**
 * @fileoverview Validation of candle sets, with errors that say where and what: the file (or source),
 * the row — a 1-based line number for files — the field and the rule broken. Rules: finite numbers;
 * integer, non-negative open times; positive prices; non-negative volume and turnover; strictly
 * ascending timestamps (no duplicates); OHLC consistency (low ≤ min(open, close), high ≥ max(open,
 * close), low ≤ high). Gaps are not errors here (see `gaps.ts`).
 */
import { candleCount, type Candles } from './candles.js';
import { isoTime } from './time.js';

/** A problem in candle data, located precisely. */
export class CandleDataError extends Error {
  constructor(
    message: string,
    /** File path or other source name. */
    readonly source: string,
    /** Where in the source: "line 12" for files, "candle 11 (…)" in memory. */
    readonly location: string,
    readonly field?: string,
  ) {
    super(`${source}: ${location}${field ? `, ${field}` : ''}: ${message}`);
    this.name = 'CandleDataError';
  }
}

export interface ValidateOptions {
  /** Name used in messages (a file path, or e.g. "Bybit BTCUSDT"). */
  source?: string;
  /** Maps a candle index to its location text; files pass "line N". */
  locate?: (index: number) => string;
}

/** Throws a `CandleDataError` at the first candle that breaks a rule. */
export function validateCandles(c: Candles, options: ValidateOptions = {}): void {
  const source = options.source ?? 'candles';
  const locate = options.locate ?? ((i: number) => `candle ${i} (${safeIso(c.timestamp[i])})`);
  const n = candleCount(c);
  for (const col of ['open', 'high', 'low', 'close', 'volume', 'turnover'] as const) {
    if (c[col].length !== n) throw new CandleDataError(`column has ${c[col].length} values but timestamp has ${n}`, source, locate(0), col);
  }
  // Fast path: one boolean test per row (comparisons with NaN are false, so NaN fails every test);
  // only a failing row goes through `explain`, which names the first rule it breaks.
  const { timestamp: ts, open, high, low, close, volume, turnover } = c;
  for (let i = 0; i < n; i++) {
    const t = ts[i], o = open[i], h = high[i], l = low[i], cl = close[i], v = volume[i], q = turnover[i];
    const ok = Number.isSafeInteger(t) && t >= 0 && (i === 0 || t > ts[i - 1])
      && o > 0 && o < Infinity && h > 0 && h < Infinity && l > 0 && l < Infinity && cl > 0 && cl < Infinity
      && v >= 0 && v < Infinity && q >= 0 && q < Infinity
      && l <= h && l <= o && l <= cl && h >= o && h >= cl;
    if (!ok) explain(c, i, source, locate);
  }
}

/** Throw the error for the first rule candle `i` breaks. */
function explain(c: Candles, i: number, source: string, locate: (i: number) => string): never {
  const fail = (field: string, message: string): never => {
    throw new CandleDataError(message, source, locate(i), field);
  };
  const t = c.timestamp[i];
  if (!Number.isSafeInteger(t)) fail('timestamp', `${t} is not an integer of Unix milliseconds`);
  if (t < 0) fail('timestamp', `${t} is negative`);
  if (i > 0) {
    const prev = c.timestamp[i - 1];
    if (t === prev) fail('timestamp', `duplicate timestamp ${t} (${safeIso(t)}), same as the previous row`);
    if (t < prev) fail('timestamp', `timestamps are not ascending: ${t} (${safeIso(t)}) comes after ${prev} (${safeIso(prev)})`);
  }
  for (const field of ['open', 'high', 'low', 'close'] as const) {
    const v = c[field][i];
    if (!Number.isFinite(v)) fail(field, `${v} is not a finite number`);
    if (v <= 0) fail(field, `${v} is not a positive price`);
  }
  for (const field of ['volume', 'turnover'] as const) {
    const v = c[field][i];
    if (!Number.isFinite(v)) fail(field, `${v} is not a finite number`);
    if (v < 0) fail(field, `${v} is negative`);
  }
  const o = c.open[i], h = c.high[i], l = c.low[i], cl = c.close[i];
  if (l > h) fail('low', `low ${l} is above high ${h}`);
  if (l > Math.min(o, cl)) fail('low', `low ${l} is above min(open, close) = ${Math.min(o, cl)}`);
  return fail('high', `high ${h} is below max(open, close) = ${Math.max(o, cl)}`);
}

function safeIso(t: number): string {
  return Number.isFinite(t) && Math.abs(t) < 8.64e15 ? isoTime(t) : String(t);
}
