/**
 * @fileoverview Missing candles. A gap is not an error in a candle file (exchanges have outages), but it
 * must be known: features never use a window that crosses one, and `fetch` reports them.
 */
import { isCalendarMonths, isMonthStart, nextOpenTime, NOMINAL_MONTH_MS, type Interval } from './interval.js';

/** A run of missing candles: open times of the first and last missing candle (inclusive). */
export interface Gap {
  from: number;
  to: number;
  missing: number;
}

/**
 * Gaps in ascending open times. With a number, candles are expected every `interval` ms; month
 * candles (the month `Interval`, or NOMINAL_MONTH_MS) step by calendar months. A spacing that is not a
 * whole number of intervals counts the grid points strictly between the two candles, anchored at the
 * earlier one.
 */
export function findGaps(timestamps: ArrayLike<number>, interval: number | Interval): Gap[] {
  const gaps: Gap[] = [];
  const step = isCalendarMonths(interval) ? 0 : typeof interval === 'number' ? interval : interval.ms;
  for (let i = 1; i < timestamps.length; i++) {
    const prev = timestamps[i - 1], next = timestamps[i];
    const from = nextOpenTime(interval, prev);
    if (next <= from) continue;
    if (step > 0) {
      // Fixed intervals in one step: a multi-year outage must not loop per candle.
      const missing = Math.ceil((next - prev) / step) - 1;
      gaps.push({ from, to: prev + missing * step, missing });
    } else {
      let to = from, missing = 1;
      for (let t = nextOpenTime(interval, from); t < next; t = nextOpenTime(interval, t)) {
        to = t;
        missing++;
      }
      gaps.push({ from, to, missing });
    }
  }
  return gaps;
}

/** Total number of missing candles over a list of gaps. */
export function countMissing(gaps: readonly Gap[]): number {
  return gaps.reduce((s, g) => s + g.missing, 0);
}

const DAY = 86_400_000;

/**
 * The candle interval of a series as its most common positive spacing (ties → the smaller), or
 * undefined with fewer than two candles. Month candles — every open at 00:00 UTC on the 1st, mostly
 * 28–31 days apart — give NOMINAL_MONTH_MS (calendar months), not their most common length of 31
 * days, by which February and the 30-day months would look like gaps.
 */
export function inferIntervalMs(timestamps: ArrayLike<number>): number | undefined {
  const spacing = mostCommonSpacing(timestamps);
  if (spacing !== undefined && spacing >= 28 * DAY && spacing <= 31 * DAY) {
    let months = true;
    for (let i = 0; i < timestamps.length && months; i++) months = isMonthStart(timestamps[i]);
    if (months) return NOMINAL_MONTH_MS;
  }
  return spacing;
}

function mostCommonSpacing(timestamps: ArrayLike<number>): number | undefined {
  const counts = new Map<number, number>();
  for (let i = 1; i < timestamps.length; i++) {
    const d = timestamps[i] - timestamps[i - 1];
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best: number | undefined, bestCount = 0;
  for (const [d, n] of counts) {
    if (n > bestCount || (n === bestCount && best !== undefined && d < best)) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}
