/**
 * @fileoverview Bring a candle CSV file up to date from Bybit without refetching what it holds: read
 * and validate the existing file, fetch only the part of the requested range before its first candle
 * and after its last one, merge, validate, and write atomically — once, after every request has
 * succeeded. Any error leaves the file exactly as it was (or absent).
 */
import { existsSync } from 'node:fs';
import { allocateCandles, candleCount, mergeCandles, type Candles } from './candles.js';
import { readCandles, writeCandles } from './candles-csv.js';
import { countMissing, findGaps, inferIntervalMs, type Gap } from './gaps.js';
import { nextOpenTime, parseInterval, previousOpenTime, type Interval } from './interval.js';
import { fetchCandles, type FetchCandlesOptions, type FetchProgress } from './bybit.js';

export interface UpdateCandlesFileOptions extends Omit<FetchCandlesOptions, 'start' | 'end' | 'onProgress'> {
  /** CSV file to create or extend. */
  output: string;
  start: number;
  /** Default: now. */
  end?: number;
  onProgress?: (progress: FetchProgress) => void;
}

export interface UpdateCandlesFileResult {
  output: string;
  symbol: string;
  category: string;
  interval: string;
  /** Candles in the file afterwards. */
  rows: number;
  /** Candles the file held before, and how many this run added. */
  existingRows: number;
  added: number;
  /** First and last open time in the file afterwards (null when empty). */
  first: number | null;
  last: number | null;
  requested: { start: number; end: number };
  /** Gaps anywhere in the file afterwards, and the number of candles they miss. */
  gaps: Gap[];
  missing: number;
  requests: number;
  retries: number;
  droppedOpen: number;
  /** False when there was nothing new, so the file was left untouched. */
  written: boolean;
}

export async function updateCandlesFile(options: UpdateCandlesFileOptions): Promise<UpdateCandlesFileResult> {
  const { output, onProgress } = options;
  const interval = typeof options.interval === 'string' ? parseInterval(options.interval) : options.interval;
  const now = options.now ?? Date.now;
  const start = options.start;
  const end = options.end ?? now();
  if (!(start <= end)) throw new RangeError(`start ${new Date(start).toISOString()} is after end ${new Date(end).toISOString()}`);

  const existed = existsSync(output);
  const existing = existed ? readCandles(output) : allocateCandles(0);
  const n0 = candleCount(existing);
  if (n0 >= 2) checkSameInterval(existing, interval, output);

  const ranges = missingRanges(existing, interval, start, end);
  const totalSpan = ranges.reduce((s, [a, b]) => s + (b - a + 1), 0);
  // Progress counts run on across the ranges (before the file and after it), like the fraction.
  let doneSpan = 0, requests = 0, retries = 0, received = 0, droppedOpen = 0;
  let merged: Candles = existing;
  for (const [a, b] of ranges) {
    const span = b - a + 1;
    const res = await fetchCandles({
      ...options, interval, start: a, end: b, now,
      onProgress: onProgress && ((p) => onProgress({
        requests: requests + p.requests, retries: retries + p.retries, candles: received + p.candles,
        fraction: (doneSpan + p.fraction * span) / totalSpan,
      })),
    });
    doneSpan += span;
    requests += res.requests;
    retries += res.retries;
    received += candleCount(res.candles) + res.droppedOpen;
    droppedOpen += res.droppedOpen;
    merged = mergeCandles(merged, res.candles);
  }

  const rows = candleCount(merged);
  if (rows === 0) {
    throw new Error(`no closed ${interval.label} candles for ${String(options.symbol).toUpperCase()} between ` +
      `${new Date(start).toISOString()} and ${new Date(end).toISOString()}; nothing written to ${output}`);
  }
  const added = rows - n0;
  const written = added > 0 || !existed;
  if (written) writeCandles(output, merged);
  const gaps = findGaps(merged.timestamp, interval);
  return {
    output, symbol: String(options.symbol).toUpperCase(), category: options.category ?? 'linear', interval: interval.code,
    rows, existingRows: n0, added,
    first: merged.timestamp[0], last: merged.timestamp[rows - 1],
    requested: { start, end }, gaps, missing: countMissing(gaps),
    requests, retries, droppedOpen, written,
  };
}

/** The parts of [start, end] before the file's first and after its last candle that could hold a candle. */
function missingRanges(existing: Candles, interval: Interval, start: number, end: number): Array<[number, number]> {
  const n = candleCount(existing);
  if (n === 0) return [[start, end]];
  const first = existing.timestamp[0], last = existing.timestamp[n - 1];
  const ranges: Array<[number, number]> = [];
  if (previousOpenTime(interval, first) >= start) ranges.push([start, Math.min(end, first - 1)]);
  const from = Math.max(start, nextOpenTime(interval, last));
  if (from <= end) ranges.push([from, end]);
  return ranges;
}

function checkSameInterval(existing: Candles, interval: Interval, output: string): void {
  const spacing = inferIntervalMs(existing.timestamp);
  if (spacing === undefined) return;
  const matches = interval.calendarMonths ? spacing >= 28 * 86_400_000 && spacing <= 31 * 86_400_000 : spacing === interval.ms;
  if (!matches) {
    throw new Error(`${output} holds candles every ${spacing / 60_000} minutes, but the requested interval is ${interval.label}; ` +
      `use another output file`);
  }
}
