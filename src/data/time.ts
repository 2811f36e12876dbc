/**
 * @fileoverview Points in time as the data layer speaks them: Unix milliseconds UTC. Parses what a user
 * types on the command line (an integer of ms, or an ISO 8601 date or date-time) and formats ms back to
 * ISO text for messages and summaries.
 *
 * A date-time written without a zone is read as UTC, not local time: "2024-01-01T00:00" means the same
 * candle on every machine.
 */

import { excerpt } from './quote.js';

// Fractions beyond milliseconds (exports often write microseconds) are accepted and truncated to ms.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Unix ms from an integer string ("1704067200000") or ISO text ("2024-01-01", "2024-01-01T12:00Z"). */
export function parseTime(text: string, what = 'time'): number {
  const s = String(text).trim();
  if (/^-?\d+$/.test(s)) {
    const ms = Number(s);
    if (!Number.isSafeInteger(ms)) throw new RangeError(`${what} "${excerpt(String(text))}" is not a safe integer of milliseconds`);
    return ms;
  }
  const ms = isoTimeMs(s);
  if (ms === null) {
    throw new RangeError(`${what} "${excerpt(String(text))}" is neither Unix milliseconds nor an ISO date such as 2024-01-31 or 2024-01-31T12:00Z`);
  }
  if (Number.isNaN(ms)) throw new RangeError(`${what} "${excerpt(String(text))}" is not a valid calendar date`);
  if (!Number.isFinite(ms)) throw new RangeError(`${what} "${excerpt(String(text))}" is not a valid date or time`);
  return ms;
}

/**
 * Unix ms of ISO 8601 text ("2024-01-01", "2024-01-01T12:00:00Z", "2024-01-01 12:00:00+00:00"; no zone
 * means UTC): null when the text is not ISO-shaped, NaN for a day the month does not have, Infinity for
 * an impossible time of day. Does not throw, so a CSV reader can try it on every cell.
 */
export function isoTimeMs(text: string): number | null {
  const s = text.trim();
  const m = ISO_DATE_TIME.exec(s);
  if (!m) return null;
  // Date.parse rolls 2024-02-30 over to March 1st; refuse days the month does not have.
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return NaN;
  // Date.parse reads "YYYY-MM-DD" as UTC but "YYYY-MM-DDTHH:MM" as local time; pin both to UTC.
  const hasTime = m[4] !== undefined;
  const hasZone = m[7] !== undefined;
  const normalised = s.replace(' ', 'T') + (hasTime && !hasZone ? 'Z' : '');
  const ms = Date.parse(normalised);
  return Number.isFinite(ms) ? ms : Infinity;
}

/** ISO 8601 UTC text of a Unix ms time, e.g. "2024-01-01T00:00:00.000Z". */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** "YYYY-MM-DD HH:MM" (UTC) of a Unix-ms timestamp, for messages and tables. */
export function minuteTime(ms: number): string {
  return isoTime(ms).slice(0, 16).replace('T', ' ');
}
