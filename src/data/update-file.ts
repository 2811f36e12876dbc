/**
 * @fileoverview Bring a candle CSV file up to date from Bybit without refetching what it holds: read
 * and validate the existing file, fetch only the part of the requested range before its first candle
 * and after its last one, merge, validate, and write atomically — once, after every request has
 * succeeded. Any error leaves the file exactly as it was (or absent).
 *
 * Which market a file holds is recorded in its sidecar `<file>.meta.json` (`candles-meta.ts`), written
 * after the CSV. A file with a sidecar for another symbol, category or interval is refused. A file
 * without one (written before sidecars, or by another tool) is checked against the exchange first: its
 * last candle is fetched again and must match in open, high, low and close — ETH candles are never
 * appended to a BTC file — and then the sidecar is written.
 */
import { existsSync } from 'node:fs';
import { allocateCandles, candleCount, mergeCandles, type Candles } from './candles.js';
import { readCandles, writeCandles } from './candles-csv.js';
import { candlesMetaPath, describeMarket, OutputMismatchError, readCandlesMeta, sameMarket, writeCandlesMeta, type CandlesMeta } from './candles-meta.js';
import { countMissing, findGaps, inferIntervalMs, type Gap } from './gaps.js';
import { nextOpenTime, parseInterval, previousOpenTime, type Interval } from './interval.js';
import { checkAfterEpoch, fetchCandles, type ConflictingDuplicate, type FetchCandlesOptions, type FetchProgress } from './bybit.js';

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
  /** Candles the exchange served twice with different OHLCV (the later copy was kept). */
  conflicts: ConflictingDuplicate[];
  /** Open times of candles dropped for being off the interval's grid. */
  offGrid: number[];
  /** The sidecar recording the file's market. */
  metaFile: string;
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

  checkAfterEpoch(start);
  const market: CandlesMeta = {
    source: 'bybit', category: options.category ?? 'linear', symbol: String(options.symbol ?? '').trim().toUpperCase(), interval: interval.code,
  };

  const existed = existsSync(output);
  // A sidecar without its CSV is a leftover: the new file gets a new one.
  const recorded = existed ? readCandlesMeta(output) : undefined;
  if (recorded && !sameMarket(recorded, market)) {
    throw new OutputMismatchError(`${output} holds ${describeMarket(recorded)} candles (per ${candlesMetaPath(output)}), but ` +
      `${describeMarket(market)} was requested; refusing to mix them; use another output file`);
  }
  const existing = existed ? readCandles(output) : allocateCandles(0);
  const n0 = candleCount(existing);
  if (n0 >= 2) checkSameInterval(existing, interval, output);

  let requests = 0, retries = 0;
  if (n0 > 0 && !recorded) {
    const check = await confirmMarket(options, existing, interval, market, output, now);
    requests += check.requests;
    retries += check.retries;
  }

  const ranges = missingRanges(existing, interval, start, end);
  const totalSpan = ranges.reduce((s, [a, b]) => s + (b - a + 1), 0);
  // Progress counts run on across the ranges (before the file and after it), like the fraction.
  let doneSpan = 0, received = 0, droppedOpen = 0;
  const conflicts: ConflictingDuplicate[] = [], offGrid: number[] = [];
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
    conflicts.push(...res.conflicts);
    offGrid.push(...res.offGrid);
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
  // After the CSV: a crash in between leaves a file without sidecar, which the next run checks.
  if (written || !recorded) writeCandlesMeta(output, market);
  const gaps = findGaps(merged.timestamp, interval);
  return {
    output, symbol: market.symbol, category: market.category, interval: interval.code,
    rows, existingRows: n0, added,
    first: merged.timestamp[0], last: merged.timestamp[rows - 1],
    requested: { start, end }, gaps, missing: countMissing(gaps),
    requests, retries, droppedOpen, conflicts, offGrid, metaFile: candlesMetaPath(output), written,
  };
}

/**
 * For a file without a sidecar: fetch its last candle again and require the same open, high, low and
 * close (volume and turnover are left out: other tools round or omit them). Prices of two markets do
 * not agree to the last digit, so this tells a BTC file from ETH candles.
 */
async function confirmMarket(
  options: UpdateCandlesFileOptions, existing: Candles, interval: Interval, market: CandlesMeta, output: string, now: () => number,
): Promise<{ requests: number; retries: number }> {
  const i = candleCount(existing) - 1;
  const t = existing.timestamp[i];
  const res = await fetchCandles({ ...options, onProgress: undefined, interval, start: t, end: t, now });
  const wanted = describeMarket(market);
  const advice = `use another output file, or, if it does hold ${wanted} candles, create ${candlesMetaPath(output)} ` +
    `containing ${JSON.stringify(market)}`;
  const got = res.candles;
  if (got.timestamp.length !== 1 || got.timestamp[0] !== t) {
    throw new OutputMismatchError(`${output} has no ${candlesMetaPath(output)} saying which market it holds, and Bybit has no closed ` +
      `${wanted} candle at its last open time ${new Date(t).toISOString()} to compare with; ${advice}`);
  }
  const fields = ['open', 'high', 'low', 'close'] as const;
  const differ = fields.filter((f) => got[f][0] !== existing[f][i]);
  if (differ.length > 0) {
    const f = differ[0];
    throw new OutputMismatchError(`${output} does not hold ${wanted} candles: its last candle (${new Date(t).toISOString()}) has ` +
      `${f} ${existing[f][i]}, Bybit ${wanted} has ${got[f][0]}; refusing to mix them: ${advice}`);
  }
  return { requests: res.requests, retries: res.retries };
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
    throw new OutputMismatchError(`${output} holds candles every ${spacing / 60_000} minutes, but the requested interval is ${interval.label}; ` +
      `use another output file`);
  }
}
