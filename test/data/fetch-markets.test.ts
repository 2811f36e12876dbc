import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCandles } from '../../src/data/candles-csv.js';
import { fetchMarkets, marketFile, parseSymbols } from '../../src/data/fetch-markets.js';
import { parseInterval } from '../../src/data/interval.js';
import { makeHistory, startBybitServer } from '../helpers/bybit-server.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const H = 3_600_000;
const T0 = Date.UTC(2023, 0, 1);

test('symbols: upper-cased, distinct, not empty; one file per market named by symbol and interval', () => {
  assert.equal(parseSymbols(' btcusdt,ETHUSDT ,'), ['BTCUSDT', 'ETHUSDT']);
  assert.throws(() => parseSymbols(' , '), /names no symbol/);
  assert.throws(() => parseSymbols('A,B,a'), /lists A twice/);
  assert.is(marketFile('data', 'btcusdt', parseInterval('1h')), join('data', 'BTCUSDT_1h.csv'));
});

test('every request of the set waits for ONE throttle, across markets fetched at once', async () => {
  const server = await startBybitServer({ history: makeHistory(300, T0) });
  try {
    const dir = tempDir();
    const slept: number[] = [];
    const outcomes = await fetchMarkets({
      symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], dir, interval: '1h', start: T0, end: T0 + 299 * H, baseUrl: server.baseUrl, limit: 100,
      minIntervalMs: 10_000, concurrency: 3, sleep: async (ms) => { slept.push(ms); },
    });
    assert.equal(outcomes.map((o) => [o.symbol, o.ok]), [['BTCUSDT', true], ['ETHUSDT', true], ['SOLUSDT', true]]);
    assert.is(server.requests.length, 9);
    // Only the very first request of the whole set starts without waiting (one throttle per market would let 3 through).
    assert.is(slept.length, 8);
    for (const ms of slept) assert.ok(ms > 9_000 && ms <= 10_000, `asked to sleep ${ms} ms`);
    assert.equal(new Set(server.requests.map((r) => r.query.symbol)), new Set(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']));
    assert.is(readCandles(join(dir, 'ETHUSDT_1h.csv')).timestamp.length, 300);
  } finally {
    await server.close();
  }
});

test('a market that fails is reported with its error; the others are written', async () => {
  const server = await startBybitServer({
    history: makeHistory(50, T0), fault: (_n, r) => (r.query.symbol === 'BADUSDT' ? { status: 403, body: 'Forbidden' } : undefined),
  });
  try {
    const dir = tempDir();
    const done: string[] = [];
    const outcomes = await fetchMarkets({
      symbols: ['BADUSDT', 'BTCUSDT'], dir, interval: '1h', start: T0, end: T0 + 49 * H, baseUrl: server.baseUrl, minIntervalMs: 0,
      onDone: (o) => done.push(o.symbol),
    });
    assert.is(outcomes[0].ok, false);
    assert.match((outcomes[0] as { error: Error }).error.message, /HTTP 403/);
    assert.is(outcomes[1].ok, true);
    assert.equal(done.sort(), ['BADUSDT', 'BTCUSDT']);
    assert.not.ok(existsSync(join(dir, 'BADUSDT_1h.csv')));
    assert.ok(existsSync(join(dir, 'BTCUSDT_1h.csv')));
  } finally {
    await server.close();
  }
});

test.after(removeTempDirs);
test.run();
