/**
 * @fileoverview Bybit v5 kline client: every closed candle of a symbol in a time range, for any
 * interval and category, over as many pages as it takes.
 *
 * Paging. `GET {base}/v5/market/kline?category&symbol&interval&start&end&limit` returns at most `limit`
 * candles with open times in [start, end], newest first, and when more exist it serves the newest ones.
 * The client keeps a stack of unresolved sub-ranges: after a full page that covered open times
 * [oldest, newest] of a range [s, e], what may still be missing is [s, oldest − 1] and [newest + 1, e];
 * each is requested only if the neighbouring candle's open time (one interval, or calendar month,
 * away) falls inside it. Against Bybit this is exactly a walk
 * backwards from `end` (next end = oldest open − 1); against a server that serves the oldest candles
 * first it walks forwards, and it never loops, because every piece is strictly smaller than its parent.
 * A page with fewer than `limit` rows means that piece is complete. The one cost of not assuming the
 * server's order: when a page boundary falls exactly on a gap, one extra (empty) request confirms it.
 *
 * Afterwards: rows outside [start, end] are ignored, duplicates (overlapping pages) are dropped, the
 * result is ascending, candles still open at `now` (open + interval > now) are dropped, every candle
 * is validated like a file row (positive prices, OHLC consistency; see `candle-checks.ts`), and gaps
 * inside the range are reported (calendar months for 'M'; nothing is reported before the first or
 * after the last candle, e.g. before a listing).
 *
 * Robustness: request starts are throttled; network errors, timeouts, HTTP 429/5xx and retCode 10006
 * are retried with jittered exponential backoff (`retry.ts`); HTTP 403, other statuses, other retCodes
 * and malformed bodies stop with an error that says which.
 */
import nodeFetch from 'node-fetch';
import { allocateCandles, type Candles } from './candles.js';
import { validateCandles } from './candle-checks.js';
import { findGaps, type Gap } from './gaps.js';
import { nextOpenTime, parseInterval, previousOpenTime, type Interval } from './interval.js';
import { BybitError, readKlineReply, type KlineRow } from './bybit-response.js';
import { abortReason, backoffSchedule, sleep, Throttle } from './retry.js';

export type BybitCategory = 'spot' | 'linear' | 'inverse';
export const BYBIT_CATEGORIES: readonly BybitCategory[] = ['spot', 'linear', 'inverse'];
export const DEFAULT_BYBIT_BASE_URL = 'https://api.bybit.com';
/** Bybit's page-size ceiling for klines. */
export const MAX_KLINE_LIMIT = 1000;

/** The part of `fetch` the client needs (node-fetch, the global fetch, or a test double). */
export type FetchLike = (
  url: string,
  init: { signal: AbortSignal; headers: Record<string, string> },
) => Promise<{ status: number; text(): Promise<string>; headers: { get(name: string): string | null } }>;

export interface FetchProgress {
  requests: number;
  retries: number;
  /** Unique candles received so far (before dropping the open one). */
  candles: number;
  /** Share of the time range resolved, 0…1. */
  fraction: number;
}

export interface FetchCandlesOptions {
  symbol: string;
  /** Bybit code ('60', 'D') or alias ('1h', '1d'). */
  interval: string | Interval;
  /** First open time wanted (Unix ms or Date), inclusive. */
  start: number | Date;
  /** Last open time wanted, inclusive; default now. */
  end?: number | Date;
  category?: BybitCategory;
  /** Default: `BYBIT_BASE_URL` from the environment, else https://api.bybit.com. */
  baseUrl?: string;
  signal?: AbortSignal;
  onProgress?: (progress: FetchProgress) => void;
  /** Page size, 1…1000 (default 1000). */
  limit?: number;
  /** Minimum spacing of request starts, ms (default 100: 10 requests/s, well inside Bybit's IP limit). */
  minIntervalMs?: number;
  /** Retries of one page before giving up (default 5). */
  maxRetries?: number;
  /** Per-request timeout including the body, ms (default 15 000). */
  timeoutMs?: number;
  /** Nominal first backoff delay, ms (default 500), doubling per retry up to `retryMaxMs` (default 30 000). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Jitter source in [0, 1), or a seed for the default `Rng` stream. */
  jitter?: () => number;
  jitterSeed?: number;
  /** Clock for "is the last candle still open?" (default Date.now). */
  now?: () => number;
  fetchImpl?: FetchLike;
}

export interface FetchCandlesResult {
  candles: Candles;
  gaps: Gap[];
  /** HTTP requests made, retries included. */
  requests: number;
  retries: number;
  /** Candles dropped because they were still open at `now` (0 or 1 in practice). */
  droppedOpen: number;
  /** Rows received more than once (overlapping pages). */
  duplicates: number;
  interval: Interval;
  start: number;
  end: number;
}

/** The base URL to use: the option, else BYBIT_BASE_URL, else the public API; no trailing slash. */
export function bybitBaseUrl(option?: string): string {
  const raw = (option || process.env.BYBIT_BASE_URL || DEFAULT_BYBIT_BASE_URL).trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RangeError(`Bybit base URL "${raw}" is not a URL (expected e.g. ${DEFAULT_BYBIT_BASE_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`Bybit base URL "${raw}" must be http(s)`);
  return raw;
}

export async function fetchCandles(options: FetchCandlesOptions): Promise<FetchCandlesResult> {
  const interval = typeof options.interval === 'string' ? parseInterval(options.interval) : options.interval;
  const category = options.category ?? 'linear';
  if (!BYBIT_CATEGORIES.includes(category)) throw new RangeError(`category must be one of ${BYBIT_CATEGORIES.join(', ')}, got "${category}"`);
  const symbol = String(options.symbol ?? '').trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9-]*$/.test(symbol)) throw new RangeError(`symbol "${options.symbol}" is not a Bybit symbol such as BTCUSDT`);
  const now = options.now ?? Date.now;
  const start = toMs(options.start, 'start');
  const end = options.end === undefined ? now() : toMs(options.end, 'end');
  if (!(start <= end)) throw new RangeError(`start ${new Date(start).toISOString()} is after end ${new Date(end).toISOString()}`);
  const limit = options.limit ?? MAX_KLINE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_KLINE_LIMIT) throw new RangeError(`limit must be an integer 1…${MAX_KLINE_LIMIT}, got ${limit}`);
  const maxRetries = options.maxRetries ?? 5;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const base = bybitBaseUrl(options.baseUrl);
  const fetchImpl = options.fetchImpl ?? (nodeFetch as unknown as FetchLike);
  const throttle = new Throttle(options.minIntervalMs ?? 100);
  const retryMaxMs = options.retryMaxMs ?? 30_000;
  const backoff = backoffSchedule({ baseMs: options.retryBaseMs ?? 500, maxMs: retryMaxMs, jitter: options.jitter, seed: options.jitterSeed });
  const { signal, onProgress } = options;

  const byOpenTime = new Map<number, KlineRow>();
  let requests = 0, retries = 0, duplicates = 0;
  const total = end - start + 1;
  const pieces: Array<[number, number]> = [[start, end]];
  let unresolved = total;

  /** One page, retried until it succeeds, fails for good, or runs out of retries. */
  const page = async (s: number, e: number): Promise<KlineRow[]> => {
    const query = new URLSearchParams({ category, symbol, interval: interval.code, start: String(s), end: String(e), limit: String(limit) });
    const url = `${base}/v5/market/kline?${query}`;
    for (let attempt = 0; ; attempt++) {
      await throttle.wait(signal);
      requests++;
      try {
        return await requestOnce(fetchImpl, url, timeoutMs, signal);
      } catch (err) {
        if (!(err instanceof BybitError) || !err.retryable) throw err;
        if (attempt >= maxRetries) {
          throw new BybitError(`${err.message}; gave up after ${maxRetries} retr${maxRetries === 1 ? 'y' : 'ies'}`, false, err.details);
        }
        retries++;
        const wait = Math.max(backoff(attempt), Math.min(err.details.retryAfterMs ?? 0, retryMaxMs));
        await sleep(wait, signal);
      }
    }
  };

  while (pieces.length > 0) {
    const [s, e] = pieces.pop()!;
    unresolved -= e - s + 1;
    const rows = await page(s, e);
    let oldest = Infinity, newest = -Infinity;
    for (const row of rows) {
      const t = row[0];
      if (t >= s && t <= e) {
        if (t < oldest) oldest = t;
        if (t > newest) newest = t;
      }
      if (t < start || t > end) continue;
      if (byOpenTime.has(t)) duplicates++;
      else byOpenTime.set(t, row);
    }
    if (rows.length >= limit) {
      if (newest < oldest) {
        throw new BybitError(`Bybit returned a full page for ${symbol} with no candle inside the requested range ` +
          `${new Date(s).toISOString()} … ${new Date(e).toISOString()}; refusing to loop`, false);
      }
      // Push the newer piece first so the older one is fetched next: a backwards walk against Bybit.
      if (nextOpenTime(interval, newest) <= e) { pieces.push([newest + 1, e]); unresolved += e - newest; }
      if (previousOpenTime(interval, oldest) >= s) { pieces.push([s, oldest - 1]); unresolved += oldest - s; }
    }
    onProgress?.({ requests, retries, candles: byOpenTime.size, fraction: 1 - unresolved / total });
  }

  const openTimes = [...byOpenTime.keys()].sort((a, b) => a - b);
  const closedAt = now();
  let keep = openTimes.length;
  while (keep > 0 && nextOpenTime(interval, openTimes[keep - 1]) > closedAt) keep--;
  const candles = allocateCandles(keep);
  for (let i = 0; i < keep; i++) {
    const [t, o, h, l, c, v, q] = byOpenTime.get(openTimes[i])!;
    candles.timestamp[i] = t; candles.open[i] = o; candles.high[i] = h; candles.low[i] = l;
    candles.close[i] = c; candles.volume[i] = v; candles.turnover[i] = q;
  }
  validateCandles(candles, { source: `Bybit ${category} ${symbol} ${interval.label}` });
  return {
    candles, gaps: findGaps(candles.timestamp, interval), requests, retries,
    droppedOpen: openTimes.length - keep, duplicates, interval, start, end,
  };
}

async function requestOnce(fetchImpl: FetchLike, url: string, timeoutMs: number, signal?: AbortSignal): Promise<KlineRow[]> {
  if (signal?.aborted) throw abortReason(signal);
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
  let status: number, body: string, retryAfter: string | null;
  try {
    const res = await fetchImpl(url, { signal: controller.signal, headers: { accept: 'application/json' } });
    status = res.status;
    retryAfter = res.headers.get('retry-after');
    body = await res.text();
  } catch (err) {
    if (signal?.aborted) throw abortReason(signal);
    if (timedOut) throw new BybitError(`GET ${url} timed out after ${timeoutMs} ms`, true);
    throw new BybitError(`GET ${url} failed: ${(err as Error).message ?? err}`, true);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  return readKlineReply(status, body, `GET ${url}`, retryAfter);
}

function toMs(t: number | Date, what: string): number {
  const ms = t instanceof Date ? t.getTime() : t;
  if (!Number.isFinite(ms)) throw new RangeError(`${what} must be a time in Unix ms or a Date, got ${String(t)}`);
  return Math.trunc(ms);
}
