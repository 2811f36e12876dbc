/**
 * @fileoverview Candle intervals: Bybit's interval codes, friendly aliases ('1h', '4h', '1d'), their
 * length in milliseconds, periods per year for annualising, and the open time of the next candle.
 *
 * Conventions: a year is 365 days of 24 hours (1h → 8760 periods, 1d → 365, W → 365/7 = 52.142857…),
 * except the month interval, which counts 12 calendar months a year. Month candles open at 00:00 UTC on
 * the 1st of each month, so their length varies (28–31 days): `ms` of 'M' is a nominal 30 days used
 * only for estimates, and `nextOpenTime` steps by calendar months.
 *
 * Where an interval travels as a plain number of ms (a feature set's `intervalMs`, a model file's
 * training record), NOMINAL_MONTH_MS stands for calendar months: no exchange has a fixed 30-day
 * candle, so the number is unambiguous, and every step function here reads it as months.
 */

import { excerpt } from './quote.js';

/** Bybit v5 kline interval codes. */
export type BybitIntervalCode =
  | '1' | '3' | '5' | '15' | '30' | '60' | '120' | '240' | '360' | '720' | 'D' | 'W' | 'M';

export interface Interval {
  /** The code Bybit expects in `interval=`. */
  code: BybitIntervalCode;
  /** Length of one candle in ms (nominal 30 days for 'M'). */
  ms: number;
  /** Candles per year: 365-day year for fixed intervals, 12 for months. */
  periodsPerYear: number;
  /** A short human label such as '1h' or '1M'. */
  label: string;
  /** True for the month interval, whose candles have calendar lengths. */
  calendarMonths: boolean;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const YEAR_MS = 365 * DAY;
/** The `ms` of the month interval, which stands for calendar months wherever an interval is a number. */
export const NOMINAL_MONTH_MS = 30 * DAY;

const CODES: Record<BybitIntervalCode, { minutes: number; label: string }> = {
  '1': { minutes: 1, label: '1m' },
  '3': { minutes: 3, label: '3m' },
  '5': { minutes: 5, label: '5m' },
  '15': { minutes: 15, label: '15m' },
  '30': { minutes: 30, label: '30m' },
  '60': { minutes: 60, label: '1h' },
  '120': { minutes: 120, label: '2h' },
  '240': { minutes: 240, label: '4h' },
  '360': { minutes: 360, label: '6h' },
  '720': { minutes: 720, label: '12h' },
  D: { minutes: 1440, label: '1d' },
  W: { minutes: 10080, label: '1w' },
  M: { minutes: 43200, label: '1M' },
};

/** Friendly spellings. Case matters only between minutes ('m') and months ('M'). */
const ALIASES: Record<string, BybitIntervalCode> = {
  '1m': '1', '3m': '3', '5m': '5', '15m': '15', '30m': '30',
  '1min': '1', '3min': '3', '5min': '5', '15min': '15', '30min': '30',
  '1h': '60', '2h': '120', '4h': '240', '6h': '360', '12h': '720',
  '1d': 'D', '1w': 'W', '1M': 'M', '1mo': 'M', '1mon': 'M', '1month': 'M',
};

/** All accepted spellings, for error messages and CLI help. */
export const INTERVAL_CHOICES: readonly string[] = [...Object.keys(CODES), ...Object.keys(ALIASES)];

/** Parse a Bybit code ('60', 'D') or an alias ('1h', '1d', '1M'); throws on anything else. */
export function parseInterval(text: string): Interval {
  const raw = String(text).trim();
  let code: BybitIntervalCode | undefined;
  if (raw in CODES) code = raw as BybitIntervalCode;
  else if (raw in ALIASES) code = ALIASES[raw];
  else {
    // '1H', '4H', '1D', '1W' are unambiguous in upper case; 'M' alone is already a code.
    const lower = raw.toLowerCase();
    if (lower in ALIASES && !lower.endsWith('m')) code = ALIASES[lower];
    else if (lower === 'd' || lower === 'w') code = lower.toUpperCase() as BybitIntervalCode;
  }
  if (!code) {
    throw new RangeError(
      `unknown interval "${excerpt(String(text))}": use a Bybit code (${Object.keys(CODES).join(', ')}) ` +
        `or an alias such as 1m, 5m, 1h, 4h, 1d, 1w, 1M (1m is one minute, 1M one month)`,
    );
  }
  const { minutes, label } = CODES[code];
  const ms = minutes * MINUTE;
  const calendarMonths = code === 'M';
  return { code, ms, periodsPerYear: calendarMonths ? 12 : YEAR_MS / ms, label, calendarMonths };
}

/** True for calendar months: the month interval, or its nominal length as a number. */
export function isCalendarMonths(interval: Interval | number): boolean {
  return typeof interval === 'number' ? interval === NOMINAL_MONTH_MS : interval.calendarMonths;
}

/**
 * Open time of the candle `bars` candles after the one opening at `openTime` (negative: before);
 * calendar months for the month interval and for NOMINAL_MONTH_MS.
 */
export function openTimeAfter(interval: Interval | number, openTime: number, bars: number): number {
  if (!isCalendarMonths(interval)) return openTime + bars * (typeof interval === 'number' ? interval : interval.ms);
  const d = new Date(openTime);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + bars, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(),
    d.getUTCSeconds(), d.getUTCMilliseconds());
}

/** Open time of the candle after the one opening at `openTime` (calendar-aware for months). */
export function nextOpenTime(interval: Interval | number, openTime: number): number {
  return openTimeAfter(interval, openTime, 1);
}

/** Open time of the candle before the one opening at `openTime` (calendar-aware for months). */
export function previousOpenTime(interval: Interval | number, openTime: number): number {
  return openTimeAfter(interval, openTime, -1);
}

/** True when `t` is 00:00:00.000 UTC on the 1st of a month (where month candles open). */
export function isMonthStart(t: number): boolean {
  return t % DAY === 0 && new Date(t).getUTCDate() === 1;
}
