/**
 * @fileoverview Reading one Bybit v5 `/v5/market/kline` reply: HTTP status, JSON body
 * `{ retCode, retMsg, result: { list: [[startTime, open, high, low, close, volume, turnover], …] } }`
 * (list newest-first, all fields strings). Decides what is worth a retry (HTTP 429/5xx, retCode 10006)
 * and what is final (HTTP 403, other statuses, other retCodes, bodies of the wrong shape). The retCode is
 * checked before anything in `result` is required, so an API error always shows its code and message.
 */
import { parseDecimal } from './numbers.js';

/** Bybit's "too many visits" rate-limit code. */
export const RETCODE_RATE_LIMIT = 10006;

/** A failed Bybit request; `retryable` says whether trying again can help. */
export class BybitError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly details: { status?: number; retCode?: number; retMsg?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'BybitError';
  }
}

/** One kline row as numbers, in Bybit's field order. */
export type KlineRow = [startTime: number, open: number, high: number, low: number, close: number, volume: number, turnover: number];

const FIELDS = ['startTime', 'open', 'high', 'low', 'close', 'volume', 'turnover'] as const;

/**
 * The rows of a kline reply, or a `BybitError`. `where` names the request in messages
 * (e.g. "GET https://…/v5/market/kline?…").
 */
export function readKlineReply(status: number, body: string, where: string, retryAfter?: string | null): KlineRow[] {
  if (status === 403) {
    throw new BybitError(
      `HTTP 403 from ${where}: IP banned/forbidden. Bybit refuses this IP address (a rate-limit ban, which ` +
        `lifts after a while, or a restricted country or cloud region). Wait, or use another network or ` +
        `--base-url / BYBIT_BASE_URL.`,
      false, { status },
    );
  }
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    throw new BybitError(`HTTP ${status} from ${where}${status === 429 ? ' (rate limited)' : ''}`, true, { status, retryAfterMs });
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
    throw new BybitError(`Bybit rate limit from ${where} (retCode ${retCode}: ${retMsg})`, true, { status, retCode, retMsg });
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
  return list.map((row, i) => readRow(row, i, where));
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

/** Retry-After in ms from seconds or an HTTP date; undefined when absent or unreadable. */
function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return '(empty body)';
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}
