/**
 * @fileoverview The one JSON shape of a time range in every command's `--json` output:
 * `{ from, to, fromMs, toMs, rows }` — ISO minute times (UTC), the same instants in Unix ms, and
 * how many rows (bars, candles or feature rows, as the command says) the range holds.
 */
import { minuteTime } from '../data/time.js';

export interface JsonRange {
  from: string;
  to: string;
  fromMs: number;
  toMs: number;
  rows: number;
}

/** The JSON range of [fromMs, toMs] holding `rows` rows, or null for an empty range. */
export function jsonRange(fromMs: number | undefined, toMs: number | undefined, rows: number): JsonRange | null {
  if (rows <= 0 || fromMs === undefined || toMs === undefined) return null;
  return { from: minuteTime(fromMs), to: minuteTime(toMs), fromMs, toMs, rows };
}
