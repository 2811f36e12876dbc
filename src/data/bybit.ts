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
 * Not trusting the server: a reply must name the requested symbol and category (`bybit-response.ts`);
 * its body is read as a stream and abandoned past `maxBodyBytes` (a 1000-candle page is ~150 KB, so an
 * endless or huge body is not a kline page); a candle whose open time is off the interval's grid
 * (`kline-grid.ts`) is dropped and reported; a candle served twice with different OHLCV (a
 * "conflicting duplicate") is reported and the later copy kept, since it is the fresher one.
 *
 * Robustness: request starts are throttled; network errors, timeouts, HTTP 429/5xx and retCode 10006
 * are retried with jittered exponential backoff (`retry.ts`), waiting longer when the server asks to
 * (`Retry-After`, `X-Bapi-Limit-Reset-Timestamp`) and stopping with the time to come back when it
 * asks for more than `maxWaitMs`; HTTP 403, other statuses, other retCodes and malformed bodies stop
 * with an error that says which.
 */
import nodeFetch from 'node-fetch';
import { allocateCandles, type Candles } from './candles.js';
import { validateCandles } from './candle-checks.js';
import { findGaps, type Gap } from './gaps.js';
import { nextOpenTime, parseInterval, previousOpenTime, type Interval } from './interval.js';
import { BybitError, readKlineReply, type KlineRow } from './bybit-response.js';
import { onKlineGrid } from './kline-grid.js';
import { readBodyCapped } from './read-body.js';
import { abortReason, backoffSchedule, sleep as defaultSleep, Throttle } from './retry.js';

export type BybitCategory = 'spot' | 'linear' | 'inverse';
export const BYBIT_CATEGORIES: readonly BybitCategory[] = ['spot', 'linear', 'inverse'];
export const DEFAULT_BYBIT_BASE_URL = 'https://api.bybit.com';
/** Bybit's page-size ceiling for klines. */
export const MAX_KLINE_LIMIT = 1000;
/** Default cap on one reply's body: a full 1000-candle page is ~150 KB, so 4 MiB is ~25× that. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Default cap on a wait the server asks for (Retry-After, X-Bapi-Limit-Reset-Timestamp), ms. */
export const DEFAULT_MAX_WAIT_MS = 60_000;

/**
 * The part of `fetch` the client needs (node-fetch, the global fetch, or a test double). `body`, when
 * it is an async iterable of bytes (node-fetch's stream, the WHATWG ReadableStream), is read chunk by
 * chunk so that reading can stop at the size cap; otherwise `text()` is used.
 */
export type FetchLike = (
  url: string,
  init: { signal: AbortSignal; headers: Record<string, string> },
) => Promise<{ status: number; text(): Promise<string>; headers: { get(name: string): string | null }; body?: unknown }>;

/** A retry about to wait: which attempt, how long, and why (for a progress line). */
export interface RetryNotice {
  /** 1-based retry number of this page, and the most allowed. */
  retry: number;
  maxRetries: number;
  waitMs: number;
  /** What failed, e.g. "HTTP 429 from GET …". */
  reason: string;
  /** The header that set the wait ("Retry-After: 2"), or undefined for plain backoff. */
  serverAsked?: string;
}

/** Two copies of one candle with different OHLCV, as [open, high, low, close, volume]. */
export interface ConflictingDuplicate {
  openTime: number;
  earlier: number[];
  later: number[];
}

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
  /** A throttle shared with other downloads (several markets at once under one rate); replaces `minIntervalMs`. */
  throttle?: Throttle;
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
  /** Clock, Unix ms: "is the last candle still open?", and when a rate-limit reset is (default Date.now). */
  now?: () => number;
  fetchImpl?: FetchLike;
  /** Cap on one reply's body, bytes (default 4 MiB). */
  maxBodyBytes?: number;
  /** Longest wait the server may ask for before a retry, ms (default 60 000); a longer one stops the fetch. */
  maxWaitMs?: number;
  /** Sleep used for retry waits and the throttle (injectable so tests can see the delays asked for). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each retry's wait. */
  onRetry?: (notice: RetryNotice) => void;
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
  /** Closed candles received twice with different OHLCV (the later copy is kept), ascending. */
  conflicts: ConflictingDuplicate[];
  /** Open times of candles dropped because they are off the interval's grid, ascending. */
  offGrid: number[];
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
  checkAfterEpoch(start);
  if (!(start <= end)) throw new RangeError(`start ${safeIso(start)} is after end ${safeIso(end)}`);
  const limit = options.limit ?? MAX_KLINE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_KLINE_LIMIT) throw new RangeError(`limit must be an integer 1…${MAX_KLINE_LIMIT}, got ${limit}`);
  const maxRetries = options.maxRetries ?? 5;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const sleep = options.sleep ?? defaultSleep;
  const base = bybitBaseUrl(options.baseUrl);
  const fetchImpl = options.fetchImpl ?? (nodeFetch as unknown as FetchLike);
  const throttle = options.throttle ?? new Throttle(options.minIntervalMs ?? 100, undefined, sleep);
  const retryMaxMs = options.retryMaxMs ?? 30_000;
  const backoff = backoffSchedule({ baseMs: options.retryBaseMs ?? 500, maxMs: retryMaxMs, jitter: options.jitter, seed: options.jitterSeed });
  const { signal, onProgress, onRetry } = options;

  const byOpenTime = new Map<number, KlineRow>();
  const conflicts = new Map<number, ConflictingDuplicate>();
  const offGrid = new Set<number>();
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
        return await requestOnce(fetchImpl, url, { timeoutMs, maxBodyBytes, now, symbol, category }, signal);
      } catch (err) {
        if (!(err instanceof BybitError) || !err.retryable) throw err;
        const asked = err.details.retryAfterMs;
        if (asked !== undefined && asked > maxWaitMs) {
          // Retrying sooner than asked only prolongs a rate limit (and risks an IP ban): stop and say when.
          throw new BybitError(`${err.message}; the server asks to wait ${seconds(asked)} (${err.details.retryAfterSource}), ` +
            `longer than the ${seconds(maxWaitMs)} allowed; try again after ${safeIso(now() + asked)}`, false, err.details);
        }
        if (attempt >= maxRetries) {
          throw new BybitError(`${err.message}; gave up after ${maxRetries} retr${maxRetries === 1 ? 'y' : 'ies'}`, false, err.details);
        }
        retries++;
        // Never sooner than the backoff, nor sooner than the server asked.
        const delay = backoff(attempt);
        const serverFirst = asked !== undefined && asked > delay;
        const waitMs = serverFirst ? asked : delay;
        onRetry?.({ retry: attempt + 1, maxRetries, waitMs, reason: err.message, serverAsked: serverFirst ? err.details.retryAfterSource : undefined });
        await sleep(waitMs, signal);
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
      // An off-grid row must not move the page's bounds: it would hide the real candles beyond it.
      if (t >= s && t <= e && onKlineGrid(interval, t)) {
        if (t < oldest) oldest = t;
        if (t > newest) newest = t;
      }
      if (t < start || t > end) continue;
      if (!onKlineGrid(interval, t)) { offGrid.add(t); continue; }
      const seen = byOpenTime.get(t);
      if (seen === undefined) { byOpenTime.set(t, row); continue; }
      duplicates++;
      if (!sameOhlcv(seen, row)) {
        const first = conflicts.get(t)?.earlier ?? seen.slice(1, 6);
        conflicts.set(t, { openTime: t, earlier: first, later: row.slice(1, 6) });
        byOpenTime.set(t, row);
      }
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
  // The still-open candle legitimately changes between pages; only closed candles can conflict.
  const lastKept = keep > 0 ? openTimes[keep - 1] : -Infinity;
  return {
    candles, gaps: findGaps(candles.timestamp, interval), requests, retries,
    droppedOpen: openTimes.length - keep, duplicates,
    conflicts: [...conflicts.values()].filter((c) => c.openTime <= lastKept).sort((a, b) => a.openTime - b.openTime),
    offGrid: [...offGrid].sort((a, b) => a - b),
    interval, start, end,
  };
}

/** Same open, high, low, close and volume (turnover is derived and may be rounded differently). */
function sameOhlcv(a: KlineRow, b: KlineRow): boolean {
  for (let f = 1; f <= 5; f++) if (a[f] !== b[f]) return false;
  return true;
}

interface RequestSettings {
  timeoutMs: number;
  maxBodyBytes: number;
  now: () => number;
  symbol: string;
  category: string;
}

async function requestOnce(fetchImpl: FetchLike, url: string, settings: RequestSettings, signal?: AbortSignal): Promise<KlineRow[]> {
  if (signal?.aborted) throw abortReason(signal);
  const { timeoutMs, maxBodyBytes } = settings;
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
  let status: number, body: string, retryAfter: string | null, limitReset: string | null;
  const where = `GET ${url}`;
  try {
    const res = await fetchImpl(url, { signal: controller.signal, headers: { accept: 'application/json' } });
    status = res.status;
    retryAfter = res.headers.get('retry-after');
    limitReset = res.headers.get('x-bapi-limit-reset-timestamp');
    const read = await readBodyCapped(res, maxBodyBytes, res.headers.get('content-length'));
    if (read.tooLarge) {
      controller.abort(); // close the connection: the rest of the body is not wanted
      throw new BybitError(`${where} sent a reply body larger than the ${formatBytes(maxBodyBytes)} limit ` +
        `(a page of ${MAX_KLINE_LIMIT} candles is about 150 KB); stopped reading after ${formatBytes(read.bytesRead)}. ` +
        `Is the base URL a Bybit v5 API?`, false, { status });
    }
    body = read.text;
  } catch (err) {
    if (err instanceof BybitError) throw err;
    if (signal?.aborted) throw abortReason(signal);
    if (timedOut) throw new BybitError(`${where} timed out after ${timeoutMs} ms`, true);
    throw new BybitError(`${where} failed: ${(err as Error).message ?? err}`, true);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  return readKlineReply(status, body, where, { retryAfter, limitReset, now: settings.now(), symbol: settings.symbol, category: settings.category });
}

function toMs(t: number | Date, what: string): number {
  const ms = t instanceof Date ? t.getTime() : t;
  if (!Number.isFinite(ms)) throw new RangeError(`${what} must be a time in Unix ms or a Date, got ${String(t)}`);
  return Math.trunc(ms);
}

/** Refuses a start before 1970: Bybit has no such candles, and negative times break the grid arithmetic. */
export function checkAfterEpoch(start: number, what = 'start'): void {
  if (start < 0) throw new RangeError(`${what} ${safeIso(start)} is before the Unix epoch (1970-01-01T00:00:00.000Z); Bybit has no candles that old`);
}

/** ISO text of a Unix ms time, or the number itself when it is beyond what a Date can hold. */
export function safeIso(ms: number): string {
  const d = new Date(ms);
  return Number.isFinite(d.getTime()) ? d.toISOString() : `${ms} ms`;
}

function seconds(ms: number): string {
  return `${+(ms / 1000).toFixed(3)} s`;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${+(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}
