/**
 * @fileoverview A local HTTP server (127.0.0.1 only) that speaks Bybit v5's `/v5/market/kline` for
 * tests: it serves a given candle history, newest first, as strings; can serve the oldest page of an
 * oversized range instead of the newest, add rows beyond `end` (overlapping pages), rewrite a page's
 * rows or its `result` (another symbol, altered candles), and inject faults by request number (HTTP
 * status, retCode, raw body, a destroyed socket, a slow reply, an endless body). Every request is
 * logged with its parsed query and arrival time.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** [startTime, open, high, low, close, volume, turnover] as numbers. */
export type HistoryRow = [number, number, number, number, number, number, number];

export type Fault =
  | { status: number; body?: string; headers?: Record<string, string> }
  | { retCode: number; retMsg: string; headers?: Record<string, string> }
  | { body: string }
  | { destroy: true }
  | { delayMs: number }
  /** A 200 reply whose body never ends (64 KiB chunks of spaces until the client hangs up). */
  | { endless: true; contentLength?: number };

export interface KlineRequest {
  /** 1-based request number. */
  n: number;
  query: Record<string, string>;
  start: number;
  end: number;
  limit: number;
  /** performance.now() at arrival. */
  at: number;
}

export interface BybitServerOptions {
  /** The exchange's history (any order). */
  history: HistoryRow[];
  /** Which part of an oversized range to serve: Bybit serves the newest (default). */
  serve?: 'newest' | 'oldest';
  /** Extra candles newer than `end` to include in each page (counted within `limit`). */
  overlap?: number;
  /** Fault to inject for request number n (1-based), if any. */
  fault?: (n: number, request: KlineRequest) => Fault | undefined;
  /** Rewrite a normal reply before it is sent (its `result.list` rows are strings, newest first). */
  transform?: (reply: { retCode: number; retMsg: string; result: { symbol: string; category: string; list: string[][] } }, request: KlineRequest) => void;
}

export interface BybitServer {
  baseUrl: string;
  requests: KlineRequest[];
  close(): Promise<void>;
}

export async function startBybitServer(options: BybitServerOptions): Promise<BybitServer> {
  const ascending = [...options.history].sort((a, b) => a[0] - b[0]);
  const requests: KlineRequest[] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.statusCode = 599;
      res.end(String(err));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const request: KlineRequest = {
      n: requests.length + 1, query, start: Number(query.start), end: Number(query.end), limit: Number(query.limit ?? 200), at: performance.now(),
    };
    requests.push(request);
    if (url.pathname !== '/v5/market/kline') {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    const fault = options.fault?.(request.n, request);
    if (fault && 'destroy' in fault) {
      req.socket.destroy();
      return;
    }
    if (fault && 'delayMs' in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault && 'endless' in fault) {
      res.writeHead(200, { 'content-type': 'application/json', ...(fault.contentLength ? { 'content-length': String(fault.contentLength) } : {}) });
      const chunk = Buffer.alloc(65_536, 0x20);
      const more = () => { while (!res.destroyed && res.write(chunk)); };
      res.on('drain', more);
      more();
      return;
    }
    if (fault && 'status' in fault) {
      res.writeHead(fault.status, fault.headers ?? {});
      res.end(fault.body ?? '');
      return;
    }
    res.setHeader('content-type', 'application/json');
    if (fault && 'retCode' in fault) {
      for (const [k, v] of Object.entries(fault.headers ?? {})) res.setHeader(k, v);
      res.end(JSON.stringify({ retCode: fault.retCode, retMsg: fault.retMsg, result: {}, retExtInfo: {}, time: Date.now() }));
      return;
    }
    if (fault && 'body' in fault) {
      res.end(fault.body);
      return;
    }
    const reply = page(request);
    options.transform?.(reply, request);
    res.end(JSON.stringify(reply));
  }

  function page(r: KlineRequest) {
    const step = ascending.length > 1 ? ascending[1][0] - ascending[0][0] : 1;
    const upper = r.end + (options.overlap ?? 0) * step;
    const inRange = ascending.filter((row) => row[0] >= r.start && row[0] <= upper);
    const chosen = options.serve === 'oldest' ? inRange.slice(0, r.limit) : inRange.slice(Math.max(0, inRange.length - r.limit));
    const list: string[][] = chosen.reverse().map((row) => row.map(String));
    return {
      retCode: 0, retMsg: 'OK',
      result: { symbol: r.query.symbol, category: r.query.category, list },
      retExtInfo: {}, time: Date.now(),
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * A deterministic hourly (or `stepMs`) history of `count` candles from `start`, prices from simple
 * arithmetic so that every value is exactly representable in its decimal string.
 */
export function makeHistory(count: number, start: number, stepMs = 3_600_000, skip: ReadonlySet<number> = new Set()): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (let i = 0; i < count; i++) {
    if (skip.has(i)) continue;
    const open = 1000 + (i % 97);
    const close = 1000 + ((i + 1) % 97);
    const high = Math.max(open, close) + 2.5;
    const low = Math.min(open, close) - 1.25;
    const volume = 10 + (i % 13) + 0.5;
    rows.push([start + i * stepMs, open, high, low, close, volume, volume * 1000]);
  }
  return rows;
}
