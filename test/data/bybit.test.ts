import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fetchCandles, type FetchCandlesOptions, type FetchLike, type FetchProgress, type RetryNotice } from '../../src/data/bybit.js';
import { rejects } from '../helpers/assert.js';
import { makeHistory, startBybitServer, type BybitServer, type Fault, type HistoryRow } from '../helpers/bybit-server.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const N = 2500;
/** The exchange lost candles 1000…1006 (an outage); the last candle is still open at NOW. */
const OUTAGE = new Set([1000, 1001, 1002, 1003, 1004, 1005, 1006]);
const HISTORY = makeHistory(N, T0, H, OUTAGE);
const NOW = T0 + (N - 1) * H + H / 2;
/** What a correct client returns: every closed candle, ascending. */
const CLOSED = HISTORY.slice(0, -1);

function rowsOf(c: { timestamp: Float64Array; open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; volume: Float64Array; turnover: Float64Array }): HistoryRow[] {
  return Array.from(c.timestamp, (t, i) => [t, c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i], c.turnover[i]] as HistoryRow);
}

async function withServer<T>(options: Parameters<typeof startBybitServer>[0], body: (s: BybitServer) => Promise<T>): Promise<T> {
  const server = await startBybitServer(options);
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}

/** Fast, deterministic client options against a local server. */
const local = (server: BybitServer, extra: Partial<FetchCandlesOptions> = {}): FetchCandlesOptions => ({
  symbol: 'BTCUSDT', interval: '1h', start: T0, end: NOW, baseUrl: server.baseUrl, limit: 100,
  minIntervalMs: 0, retryBaseMs: 1, retryMaxMs: 5, jitterSeed: 1, now: () => NOW, ...extra,
});

test('walks 2 500 candles backwards over many overlapping pages: all closed candles once, ascending; open one dropped; gap reported', async () => {
  await withServer({ history: HISTORY, overlap: 5 }, async (server) => {
    const progress: FetchProgress[] = [];
    const res = await fetchCandles(local(server, { onProgress: (p) => progress.push(p) }));
    assert.equal(rowsOf(res.candles), CLOSED);
    // One report per page; the resolved share of the range only grows, to 1.
    assert.is(progress.length, res.requests);
    progress.forEach((p, i) => {
      assert.is(p.requests, i + 1);
      if (i > 0) assert.ok(p.fraction > progress[i - 1].fraction && p.candles > progress[i - 1].candles);
    });
    assert.equal(progress.at(-1), { requests: res.requests, retries: 0, candles: HISTORY.length, fraction: 1 });
    assert.is(res.droppedOpen, 1);
    assert.equal(res.gaps, [{ from: T0 + 1000 * H, to: T0 + 1006 * H, missing: 7 }]);
    assert.is(res.retries, 0);
    assert.is(res.requests, server.requests.length);
    // The first page brings 100 new rows, every later one 95 (5 of its 100 repeat the page before).
    assert.is(res.requests, 1 + Math.ceil((HISTORY.length - 100) / 95));
    assert.is(res.requests, 27);
    assert.is(res.duplicates, 5 * (res.requests - 1));
    // A backwards walk: start fixed, each next end just below the previous page's oldest candle.
    const [first, ...rest] = server.requests;
    assert.equal(first.query, { category: 'linear', symbol: 'BTCUSDT', interval: '60', start: String(T0), end: String(NOW), limit: '100' });
    let previousEnd = Infinity;
    for (const r of rest) {
      assert.is(r.start, T0);
      assert.ok(r.end < previousEnd);
      assert.ok(CLOSED.some((row) => row[0] === r.end + 1), `end ${r.end} is one ms before a candle`);
      previousEnd = r.end;
    }
  });
});

test('a server that serves the oldest page of an oversized range is walked forwards with the same result', async () => {
  await withServer({ history: HISTORY, serve: 'oldest' }, async (server) => {
    const res = await fetchCandles(local(server));
    assert.equal(rowsOf(res.candles), CLOSED);
    assert.is(res.duplicates, 0);
    const starts = server.requests.map((r) => r.start);
    assert.equal(starts, [...starts].sort((a, b) => a - b));
    // 25 pages, plus one request for hours 999…1007: a page ended just before the outage, and
    // only asking shows that nothing opened in it.
    assert.is(res.requests, Math.ceil(HISTORY.length / 100) + 1);
    assert.equal([server.requests[11].start, server.requests[11].end], [T0 + 999 * H + 1, T0 + 1007 * H - 1]);
  });
});

test('retries 429, 500, retCode 10006, a dropped connection and a timeout, then finishes with nothing lost or duplicated', async () => {
  const faults: Record<number, Fault> = {
    2: { status: 429, headers: { 'retry-after': '0' } },
    3: { status: 500, body: 'oops' },
    5: { retCode: 10006, retMsg: 'Too many visits!' },
    7: { destroy: true },
    9: { delayMs: 900 },
  };
  const clean = await withServer({ history: HISTORY, overlap: 5 }, (server) => fetchCandles(local(server)));
  await withServer({ history: HISTORY, overlap: 5, fault: (n) => faults[n] }, async (server) => {
    const res = await fetchCandles(local(server, { timeoutMs: 300 }));
    assert.equal(rowsOf(res.candles), CLOSED);
    assert.equal(res.gaps, clean.gaps);
    assert.is(res.duplicates, clean.duplicates);
    assert.is(res.retries, 5);
    assert.is(res.requests, clean.requests + 5);
    assert.is(res.requests, server.requests.length);
    // Each retry repeats the failed request exactly.
    for (const n of [2, 3, 5, 7, 9]) assert.equal(server.requests[n].query, server.requests[n - 1].query);
  });
});

test('gives up after maxRetries with the last error', async () => {
  await withServer({ history: HISTORY, fault: () => ({ status: 503, body: 'unavailable' }) }, async (server) => {
    await rejects(fetchCandles(local(server, { maxRetries: 2 })), (e: Error) => /^HTTP 503 from GET http:\/\/127\.0\.0\.1:\d+\/v5\/market\/kline\?category=linear&symbol=BTCUSDT&interval=60&start=\d+&end=\d+&limit=100; gave up after 2 retries$/.test(e.message));
    assert.is(server.requests.length, 3);
  });
});

test('HTTP 403 stops at once with "IP banned/forbidden"', async () => {
  await withServer({ history: HISTORY, fault: () => ({ status: 403, body: 'Forbidden' }) }, async (server) => {
    await rejects(fetchCandles(local(server)), /^HTTP 403 from GET .*: IP banned\/forbidden/);
    assert.is(server.requests.length, 1);
  });
});

test('a non-zero retCode with an empty result stops with retCode and retMsg, not a parse error', async () => {
  await withServer({ history: HISTORY, fault: () => ({ retCode: 10001, retMsg: 'params error: symbol invalid' }) }, async (server) => {
    await rejects(fetchCandles(local(server, { symbol: 'NOPEUSDT' })), /retCode 10001: params error: symbol invalid$/);
    assert.is(server.requests.length, 1);
  });
});

test('malformed bodies stop with what was wrong, on whichever page they come', async () => {
  const badRow = JSON.stringify({ retCode: 0, retMsg: 'OK', result: { list: [['1704067200000', '1', '2', '0.5', 'NaN?', '1', '1']] } });
  await withServer({ history: HISTORY, fault: (n) => (n === 3 ? { body: badRow } : undefined) }, async (server) => {
    await rejects(fetchCandles(local(server)), /result\.list\[0\] \(startTime "1704067200000"\) field close is "NaN\?", not a number$/);
    assert.is(server.requests.length, 3);
  });
  const inconsistent = JSON.stringify({ retCode: 0, retMsg: 'OK', result: { symbol: 'BTCUSDT', category: 'linear', list: [['1704067200000', '10', '9', '8', '9.5', '1', '9.5']] } });
  await withServer({ history: HISTORY, fault: () => ({ body: inconsistent }) }, async (server) => {
    await rejects(fetchCandles(local(server)), (e) =>
      e.message === 'Bybit linear BTCUSDT 1h: candle 0 (2024-01-01T00:00:00.000Z), high: high 9 is below max(open, close) = 10');
  });
  await withServer({ history: HISTORY, fault: () => ({ body: '{"retCode":0,"retMsg":"OK","result":{}}' }) }, async (server) => {
    await rejects(fetchCandles(local(server)), /returned retCode 0 but "result\.list" is missing or not an array/);
  });
  await withServer({ history: HISTORY, fault: () => ({ body: 'Service Unavailable' }) }, async (server) => {
    await rejects(fetchCandles(local(server)), /returned a body that is not JSON: Service Unavailable$/);
  });
});

test('waits between retries: the backoff schedule, or longer when Retry-After / X-Bapi-Limit-Reset-Timestamp ask', async () => {
  // Requests 1–5 fail on the first page, so the retries are attempts 0…4 of one page: backoff with
  // jitter 0 is 50, 100, 200, 400, 800 ms (base 100 ms, halved), unless the server asks for more.
  const faults: Record<number, Fault> = {
    1: { status: 429, headers: { 'retry-after': '2' } },
    2: { retCode: 10006, retMsg: 'Too many visits!', headers: { 'x-bapi-limit-reset-timestamp': String(NOW + 1500) } },
    3: { status: 500, body: 'oops' },
    4: { status: 429, headers: { 'retry-after': '0' } },
    5: { retCode: 10006, retMsg: 'Too many visits!', headers: { 'x-bapi-limit-reset-timestamp': String(NOW - 5) } },
  };
  await withServer({ history: makeHistory(30, T0), fault: (n) => faults[n] }, async (server) => {
    const slept: number[] = [];
    const notices: RetryNotice[] = [];
    const res = await fetchCandles(local(server, {
      end: T0 + 29 * H, retryBaseMs: 100, retryMaxMs: 10_000, jitter: () => 0,
      sleep: async (ms) => { slept.push(ms); }, onRetry: (n) => notices.push(n),
    }));
    assert.is(res.candles.timestamp.length, 30);
    assert.equal(slept, [2000, 1500, 200, 400, 800]);
    assert.equal(notices.map((n) => [n.retry, n.waitMs, n.serverAsked]), [
      [1, 2000, 'Retry-After: 2'], [2, 1500, `X-Bapi-Limit-Reset-Timestamp: ${NOW + 1500}`], [3, 200, undefined], [4, 400, undefined], [5, 800, undefined],
    ]);
    assert.match(notices[0].reason, /^HTTP 429 from GET http:\/\/127\.0\.0\.1:\d+\/v5\/market\/kline\?.* \(rate limited\)$/);
    assert.is(res.retries, 5);
  });
});

test('a server that asks to wait longer than maxWaitMs stops the fetch at once, saying when to come back', async () => {
  await withServer({ history: HISTORY, fault: () => ({ status: 429, headers: { 'retry-after': '120' } }) }, async (server) => {
    const slept: number[] = [];
    await rejects(fetchCandles(local(server, { maxWaitMs: 60_000, sleep: async (ms) => { slept.push(ms); } })), (e) =>
      e.message === `HTTP 429 from GET ${server.baseUrl}/v5/market/kline?category=linear&symbol=BTCUSDT&interval=60&start=${T0}&end=${NOW}&limit=100 (rate limited); ` +
        `the server asks to wait 120 s (Retry-After: 120), longer than the 60 s allowed; try again after ${new Date(NOW + 120_000).toISOString()}`);
    assert.equal(slept, []);
    assert.is(server.requests.length, 1);
  });
  await withServer({ history: HISTORY, fault: () => ({ retCode: 10006, retMsg: 'Too many visits!', headers: { 'x-bapi-limit-reset-timestamp': String(NOW + 90_000) } }) }, async (server) => {
    await rejects(fetchCandles(local(server, { maxWaitMs: 60_000 })), /the server asks to wait 90 s \(X-Bapi-Limit-Reset-Timestamp: \d+\), longer than the 60 s allowed/);
    assert.is(server.requests.length, 1);
  });
});

test('an endless 200 body is abandoned at maxBodyBytes with a clear error (node-fetch and WHATWG fetch)', async () => {
  await withServer({ history: HISTORY, fault: () => ({ endless: true }) }, async (server) => {
    for (const fetchImpl of [undefined, fetch as unknown as FetchLike]) {
      const before = server.requests.length;
      await rejects(fetchCandles(local(server, { maxBodyBytes: 256 * 1024, fetchImpl })), (e) =>
        /^GET http:\/\/127\.0\.0\.1:\d+\/v5\/market\/kline\?\S+ sent a reply body larger than the 256 KiB limit \(a page of 1000 candles is about 150 KB\); stopped reading after \d+(\.\d)? KiB\. Is the base URL a Bybit v5 API\?$/.test(e.message));
      assert.is(server.requests.length, before + 1, 'not retried: the same server would send the same');
    }
  });
  // A Content-Length above the cap is refused before reading.
  await withServer({ history: HISTORY, fault: () => ({ endless: true, contentLength: 10 * 1024 * 1024 * 1024 }) }, async (server) => {
    await rejects(fetchCandles(local(server)), /sent a reply body larger than the 4 MiB limit .*; stopped reading after 0 bytes\./);
  });
});

test('a reply for another symbol or category is refused, whichever page it comes on', async () => {
  const other = (symbol: string, category: string) => (reply: { result: { symbol: string; category: string } }, r: { n: number }) => {
    if (r.n === 3) Object.assign(reply.result, { symbol, category });
  };
  await withServer({ history: HISTORY, transform: other('ETHUSDT', 'linear') }, async (server) => {
    await rejects(fetchCandles(local(server)), /^GET \S+ returned candles for symbol "ETHUSDT", but symbol BTCUSDT was requested; nothing written$/);
    assert.is(server.requests.length, 3);
  });
  await withServer({ history: HISTORY, transform: other('BTCUSDT', 'spot') }, async (server) => {
    await rejects(fetchCandles(local(server)), /returned candles for category "spot", but category linear was requested/);
  });
});

test('conflicting duplicates are reported (later copy kept); off-grid candles are dropped and reported', async () => {
  const history = makeHistory(250, T0);
  const end = T0 + 249 * H;
  // Overlapping pages: every page repeats 5 candles of the one before. The second page changes the
  // close of one of them (hour 152) and slips in a candle at 10:30 (off the hourly grid).
  const transform = (reply: { result: { list: string[][] } }, r: { n: number }) => {
    if (r.n !== 2) return;
    const row = reply.result.list.find((x) => Number(x[0]) === T0 + 152 * H)!;
    row[4] = String(Number(row[4]) + 0.5);
    row[2] = String(Number(row[2]) + 0.5);
    reply.result.list.push([String(T0 + 10.5 * H), '1000', '1003', '999', '1001', '1', '1000']);
  };
  await withServer({ history, overlap: 5, transform }, async (server) => {
    const res = await fetchCandles(local(server, { end, now: () => end + 2 * H }));
    const h = history[152];
    assert.equal(res.conflicts, [{ openTime: T0 + 152 * H, earlier: [h[1], h[2], h[3], h[4], h[5]], later: [h[1], h[2] + 0.5, h[3], h[4] + 0.5, h[5]] }]);
    assert.equal(res.offGrid, [T0 + 10.5 * H]);
    assert.equal(Array.from(res.candles.timestamp), history.map((r) => r[0]));
    assert.is(res.candles.close[152], h[4] + 0.5);
  });
  // Identical repeats are plain duplicates, not conflicts.
  await withServer({ history, overlap: 5 }, async (server) => {
    const res = await fetchCandles(local(server, { end, now: () => end + 2 * H }));
    assert.equal([res.conflicts, res.offGrid, res.duplicates > 0], [[], [], true]);
  });
});

test('weekly candles open on Mondays, month candles on the 1st: those grids are not off-grid', async () => {
  const W = 7 * 86_400_000;
  const monday = Date.UTC(2024, 0, 1); // a Monday
  const weekly = makeHistory(20, monday, W);
  await withServer({ history: weekly }, async (server) => {
    const res = await fetchCandles(local(server, { interval: 'W', start: monday, end: monday + 19 * W, now: () => monday + 20 * W }));
    assert.equal([res.candles.timestamp.length, res.offGrid], [20, []]);
  });
  const thursdays = makeHistory(5, monday + 3 * 86_400_000, W);
  await withServer({ history: thursdays }, async (server) => {
    const res = await fetchCandles(local(server, { interval: 'W', start: monday, end: monday + 19 * W, now: () => monday + 20 * W }));
    assert.equal([res.candles.timestamp.length, res.offGrid.length], [0, 5]);
  });
});

test('throttles: before each request after the first, waits what remains of minIntervalMs since the last start', async () => {
  await withServer({ history: makeHistory(400, T0) }, async (server) => {
    const slept: number[] = [];
    // A fake sleep returns at once, so the requests themselves take far less than the 10 s interval.
    const res = await fetchCandles(local(server, { end: T0 + 399 * H, minIntervalMs: 10_000, sleep: async (ms) => { slept.push(ms); } }));
    assert.is(res.requests, 4); // 4 full pages; the last reaches `start`, so no fifth request
    assert.is(slept.length, 3);
    for (const ms of slept) assert.ok(ms > 9_000 && ms <= 10_000, `asked to sleep ${ms} ms`);
  });
});

test('query carries category, Bybit interval code and symbol; BYBIT_BASE_URL is used when no base URL is given', async () => {
  const D = 86_400_000;
  await withServer({ history: makeHistory(10, T0, D) }, async (server) => {
    const saved = process.env.BYBIT_BASE_URL;
    process.env.BYBIT_BASE_URL = server.baseUrl + '/';
    try {
      const res = await fetchCandles({ ...local(server, { interval: '1d', category: 'spot', symbol: 'ethusdt', end: T0 + 9 * D, now: () => T0 + 10 * D }), baseUrl: undefined });
      assert.is(res.candles.timestamp.length, 10);
      assert.is(res.droppedOpen, 0);
    } finally {
      if (saved === undefined) delete process.env.BYBIT_BASE_URL;
      else process.env.BYBIT_BASE_URL = saved;
    }
    assert.equal(server.requests[0].query, { category: 'spot', symbol: 'ETHUSDT', interval: 'D', start: String(T0), end: String(T0 + 9 * D), limit: '100' });
  });
});

test('any fetch implementation can be injected, e.g. the WHATWG fetch built into Node', async () => {
  await withServer({ history: makeHistory(30, T0) }, async (server) => {
    const urls: string[] = [];
    const fetchImpl: FetchLike = (url, init) => { urls.push(url); return fetch(url, init); };
    const res = await fetchCandles(local(server, { end: T0 + 29 * H, fetchImpl }));
    assert.is(res.candles.timestamp.length, 30);
    assert.equal(urls, [`${server.baseUrl}/v5/market/kline?category=linear&symbol=BTCUSDT&interval=60&start=${T0}&end=${T0 + 29 * H}&limit=100`]);
  });
});

test('month candles: calendar gaps, the open month dropped, rows outside the range ignored', async () => {
  const month = (i: number) => Date.UTC(2020, i, 1);
  const history: HistoryRow[] = [];
  for (let i = 0; i < 30; i++) if (i !== 13) history.push([month(i), 10, 12, 9, 11, 1, 11]);
  await withServer({ history }, async (server) => {
    const res = await fetchCandles(local(server, { interval: 'M', start: month(2), end: month(29), limit: 7, now: () => month(29) + 5 * 86_400_000 }));
    assert.equal(Array.from(res.candles.timestamp), history.filter((r) => r[0] >= month(2) && r[0] <= month(28)).map((r) => r[0]));
    assert.is(res.droppedOpen, 1);
    assert.equal(res.gaps, [{ from: month(13), to: month(13), missing: 1 }]);
    assert.is(res.requests, 4); // 7 + 7 + 7 + 6 rows
  });
});

test('an abort signal stops the fetch with its reason', async () => {
  const controller = new AbortController();
  // Abort while the first request is in flight (the server holds its reply for 10 s).
  const fault = () => { setImmediate(() => controller.abort(new Error('user pressed ctrl-c'))); return { delayMs: 10_000 }; };
  await withServer({ history: HISTORY, fault }, async (server) => {
    await rejects(fetchCandles(local(server, { signal: controller.signal })), /^user pressed ctrl-c$/);
    assert.is(server.requests.length, 1);
  });
});

test('bad options are refused before any request', async () => {
  const base = { symbol: 'BTCUSDT', interval: '1h', start: T0, end: NOW, baseUrl: 'http://127.0.0.1:9', fetchImpl: () => { throw new Error('no request expected'); } };
  await rejects(fetchCandles({ ...base, symbol: 'BTC/USDT' }), /symbol "BTC\/USDT" is not a Bybit symbol/);
  await rejects(fetchCandles({ ...base, start: NOW, end: T0 }), /start 2024-04-14T\d\d:30:00\.000Z is after end 2024-01-01T00:00:00\.000Z/);
  await rejects(fetchCandles({ ...base, limit: 1001 }), /limit must be an integer 1…1000, got 1001/);
  await rejects(fetchCandles({ ...base, category: 'option' as any }), /category must be one of spot, linear, inverse/);
  await rejects(fetchCandles({ ...base, interval: '2d' }), /unknown interval "2d"/);
  await rejects(fetchCandles({ ...base, baseUrl: 'api.bybit.com' }), /base URL "api\.bybit\.com" is not a URL/);
  await rejects(fetchCandles({ ...base, start: -3_600_000, end: T0 }), (e) =>
    e.message === 'start 1969-12-31T23:00:00.000Z is before the Unix epoch (1970-01-01T00:00:00.000Z); Bybit has no candles that old');
});

test.run();
