/**
 * @fileoverview Small formatting helpers shared by the CLI commands (numbers, dates, guarded
 * values that print "n/a" instead of NaN or ±Infinity).
 */

/** ISO date-time (UTC, minutes) of a Unix-ms timestamp. */
export { minuteTime as isoTime } from '../data/time.js';

/** A number with `digits` decimals, or "n/a" when it is null or not finite. */
export function num(v: number | null | undefined, digits = 4): string {
  return v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits);
}

/** A fraction as a percentage, or "n/a". */
export function pct(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : `${(100 * v).toFixed(digits)}%`;
}
