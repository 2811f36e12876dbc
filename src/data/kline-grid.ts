/**
 * @fileoverview Where Bybit candles may open: on the interval's grid in UTC. Minute and hour intervals
 * (all divide a day) open on multiples of their length since the Unix epoch, days at 00:00 UTC, weeks
 * on Monday 00:00 UTC (the epoch was a Thursday, so the week grid is offset by 4 days), months at
 * 00:00 UTC on the 1st. A candle off this grid is not a candle of the requested interval.
 */
import type { Interval } from './interval.js';

const DAY = 86_400_000;
/** 1970-01-05, the first Monday after the epoch: where Bybit's weekly candles line up. */
const WEEK_ORIGIN = 4 * DAY;

/** True when a candle of `interval` may open at `openTime` (Unix ms UTC). */
export function onKlineGrid(interval: Interval, openTime: number): boolean {
  if (!Number.isSafeInteger(openTime)) return false;
  if (interval.calendarMonths) {
    const d = new Date(openTime);
    return d.getUTCDate() === 1 && openTime % DAY === 0;
  }
  const origin = interval.code === 'W' ? WEEK_ORIGIN : 0;
  const r = (openTime - origin) % interval.ms;
  return r === 0;
}
