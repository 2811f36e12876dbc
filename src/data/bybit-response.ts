/**
 * @fileoverview Reading one Bybit v5 `/v5/market/kline` reply: HTTP status, JSON body
 * `{ retCode, retMsg, result: { list: [[startTime, open, high, low, close, volume, turnover], …] } }`
 * (list newest-first, all fields strings). Decides what is worth a retry (HTTP 429/5xx, retCode 10006)
 * and what is final (HTTP 403, other statuses, other retCodes, bodies of the wrong shape, a reply for
 * another symbol or category than requested). The retCode is checked before anything in `result` is
 * required, so an API error always shows its code and message.
 *
 * How long to wait before a retry, when the server says: `Retry-After` (seconds, or an HTTP date) on
 * 429/5xx/10006, and Bybit's `X-Bapi-Limit-Reset-Timestamp` (Unix ms when the rate-limit window
 * resets) on 429/10006. The later of the two wins; the caller caps it.
 */
import { parseDecimal } from './numbers.js';

/** Bybit's "too many visits" rate-limit code. */
export const RETCODE_RATE_LIMIT = 10006;

/** A failed Bybit request; `retryable` says whether trying again can help. */
export class BybitError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly details: {
      status?: number; retCode?: number; retMsg?: string;
      /** How long the server asked to wait before the next request, ms, and which header said so. */
      retryAfterMs?: number; retryAfterSource?: string;
    } = {},
  ) {
    super(message);
    this.name = 'BybitError';
  }
}

/** One kline row as numbers, in Bybit's field order. */
export type KlineRow = [startTime: number, open: number, high: number, low: number, close: number, volume: number, turnover: number];

const FIELDS = ['startTime', 'open', 'high', 'low', 'close', 'volume', 'turnover'] as const;

/** What else the reader needs: wait headers, the clock they are read against, and the request. */
export interface KlineReplyContext {
  /** The `Retry-After` header, if any. */
  retryAfter?: string | null;
  /** The `X-Bapi-Limit-Reset-Timestamp` header, if any. */
  limitReset?: string | null;
  /** Current Unix ms, for reset timestamps and HTTP dates (default Date.now()). */
  now?: number;
  /** The requested symbol and category: a reply for anything else is refused. */
  symbol?: string;
  category?: string;
}

/**
 * The rows of a kline reply, or a `BybitError`. `where` names the request in messages
 * (e.g. "GET https://…/v5/market/kline?…").
 */
export function readKlineReply(status: number, body: string, where: string, context: KlineReplyContext = {}): KlineRow[] {
  const now = context.now ?? Date.now();
  if (status === 403) {
    throw new BybitError(
      `HTTP 403 from ${where}: IP banned/forbidden. Bybit refuses this IP address (a rate-limit ban, which ` +
        `lifts after a while, or a restricted country or cloud region). Wait, or use another network or ` +
        `--base-url / BYBIT_BASE_URL.`,
      false, { status },
    );
  }
  if (status === 429 || status >= 500) {
    const wait = serverWait(context, now, status === 429);
    throw new BybitError(`HTTP ${status} from ${where}${status === 429 ? ' (rate limited)' : ''}`, true, { status, ...wait });
  }
  const json = parseJson(body);
  if (status < 200 || status >= 300) {
    const api = json && typeof json === 'object' && 'retCode' in json ? ` (retCode ${(json as any).retCode}: ${(json as any).retMsg})` : '';
    throw new BybitError(`HTTP ${status} from ${where}${api}: ${snippet(body)}`, false, { status });
  }
  if (json === undefined) throw new BybitError(`${where} returned a body that is not JSON: ${snippet(body)}`, false, { status });
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new BybitError(`${where} returned JSON that is not an object: ${snippet(body)}`, false, { status });
  }
  const reply = json as Record<string, unknown>;
  const retCode = typeof reply.retCode === 'string' && /^-?\d+$/.test(reply.retCode) ? Number(reply.retCode) : reply.retCode;
  if (typeof retCode !== 'number') {
    throw new BybitError(`${where} returned a body without a numeric "retCode" (not a Bybit v5 reply): ${snippet(body)}`, false, { status });
  }
  const retMsg = typeof reply.retMsg === 'string' ? reply.retMsg : String(reply.retMsg ?? '');
  if (retCode === RETCODE_RATE_LIMIT) {
    const wait = serverWait(context, now, true);
    throw new BybitError(`Bybit rate limit from ${where} (retCode ${retCode}: ${retMsg})`, true, { status, retCode, retMsg, ...wait });
  }
  if (retCode !== 0) {
    throw new BybitError(`Bybit API error from ${where}: retCode ${retCode}: ${retMsg || '(no retMsg)'}`, false, { status, retCode, retMsg });
  }
  const result = reply.result;
  if (result === null || typeof result !== 'object' || Array.isArray(result)) {
    throw new BybitError(`${where} returned retCode 0 but no "result" object: ${snippet(body)}`, false, { status, retCode });
  }
  const list = (result as Record<string, unknown>).list;
  if (!Array.isArray(list)) {
    throw new BybitError(`${where} returned retCode 0 but "result.list" is missing or not an array: ${snippet(body)}`, false, { status, retCode });
  }
  const rows = list.map((row, i) => readRow(row, i, where));
  // An empty page writes nothing, so there is nothing to check (and no risk of refusing an odd echo).
  if (rows.length > 0) checkMarket(result as Record<string, unknown>, context, where, body, status);
  return rows;
}

function readRow(row: unknown, i: number, where: string): KlineRow {
  if (!Array.isArray(row) || row.length < 7) {
    throw new BybitError(`${where}: result.list[${i}] is not a row of 7 fields [startTime, open, high, low, close, volume, turnover]: ${snippet(JSON.stringify(row))}`, false);
  }
  const out = new Array<number>(7) as KlineRow;
  for (let f = 0; f < 7; f++) {
    const v = row[f];
    const num = typeof v === 'number' ? v : typeof v === 'string' ? parseDecimal(v) : undefined;
    if (num === undefined || !Number.isFinite(num)) {
      throw new BybitError(`${where}: result.list[${i}] (startTime ${JSON.stringify(row[0])}) field ${FIELDS[f]} is ${JSON.stringify(v)}, not a number`, false);
    }
    out[f] = num;
  }
  if (!Number.isSafeInteger(out[0])) {
    throw new BybitError(`${where}: result.list[${i}] startTime ${JSON.stringify(row[0])} is not an integer of milliseconds`, false);
  }
  return out;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * A reply names its market in `result.symbol` and `result.category`; one for another market (a proxy,
 * a cache, a mistyped base URL) must not be written as the requested one. A reply with candles that does
 * not say cannot be checked, so it is refused too.
 */
function checkMarket(result: Record<string, unknown>, context: KlineReplyContext, where: string, body: string, status: number): void {
  const checks: Array<[field: 'symbol' | 'category', wanted: string | undefined]> = [['symbol', context.symbol], ['category', context.category]];
  for (const [field, wanted] of checks) {
    if (wanted === undefined) continue;
    const got = result[field];
    if (got === undefined || got === null || got === '') {
      throw new BybitError(`${where} returned a reply without "result.${field}", so it cannot be checked to be for ${wanted}: ${snippet(body)}`, false, { status });
    }
    if (got !== wanted) {
      throw new BybitError(`${where} returned candles for ${field} ${JSON.stringify(got)}, but ${field} ${wanted} was requested; nothing written`, false, { status });
    }
  }
}

/** The wait the server asks for, from Retry-After and (for rate limits) the limit-reset timestamp. */
function serverWait(context: KlineReplyContext, now: number, rateLimited: boolean): { retryAfterMs?: number; retryAfterSource?: string } {
  const fromRetryAfter = parseRetryAfter(context.retryAfter, now);
  const fromReset = rateLimited ? parseResetTimestamp(context.limitReset, now) : undefined;
  if (fromRetryAfter === undefined && fromReset === undefined) return {};
  if (fromReset === undefined || (fromRetryAfter !== undefined && fromRetryAfter >= fromReset)) {
    return { retryAfterMs: fromRetryAfter, retryAfterSource: `Retry-After: ${String(context.retryAfter).trim()}` };
  }
  return { retryAfterMs: fromReset, retryAfterSource: `X-Bapi-Limit-Reset-Timestamp: ${String(context.limitReset).trim()}` };
}

/** Retry-After in ms from seconds or an HTTP date; undefined when absent or unreadable. */
function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** Milliseconds until a Unix-ms reset time (0 when it has passed); undefined when absent or unreadable. */
function parseResetTimestamp(value: string | null | undefined, now: number): number | undefined {
  if (!value || !/^\d+$/.test(value.trim())) return undefined;
  const at = Number(value);
  return Number.isSafeInteger(at) ? Math.max(0, at - now) : undefined;
}

function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return '(empty body)';
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}
