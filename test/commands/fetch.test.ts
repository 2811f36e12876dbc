import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fetch from '../../src/commands/fetch.js';
import { readCandles } from '../../src/data/candles-csv.js';
import { makeHistory, startBybitServer, type BybitServer, type BybitServerOptions } from '../helpers/bybit-server.js';
import { runCommand } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const H = 3_600_000;
const T0 = Date.UTC(2023, 0, 1);
/** 300 hourly candles from T0 (all long closed), hours 120…122 missing. */
const HISTORY = makeHistory(300, T0, H, new Set([120, 121, 122]));
const iso = (hour: number) => new Date(T0 + hour * H).toISOString();

async function withServer<T>(options: BybitServerOptions, body: (s: BybitServer) => Promise<T>): Promise<T> {
  const server = await startBybitServer(options);
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}

/** Arguments for a fast fetch from the local server (the interval is the default, 1h). */
const argv = (server: BybitServer, output: string, ...more: string[]) => [
  '--symbol', 'BTCUSDT', '--output', output, '--base-url', server.baseUrl, '--limit', '50', '--throttle-ms', '0', ...more,
];

test('fetches a range over several pages into a CSV and prints the JSON summary', async () => {
  await withServer({ history: HISTORY }, async (server) => {
    const out = join(tempDir(), 'btc.csv');
    const run = await runCommand(Fetch, argv(server, out, '--start', iso(0), '--end', iso(199), '--json'));
    assert.is(run.error, undefined);
    assert.is(run.exitCode, undefined);
    assert.equal(run.json, {
      output: out, symbol: 'BTCUSDT', category: 'linear', interval: '60',
      rows: 197, added: 197, existingRows: 0, written: true,
      range: { from: iso(0).slice(0, 16).replace('T', ' '), to: iso(199).slice(0, 16).replace('T', ' '), fromMs: T0, toMs: T0 + 199 * H, rows: 197 },
      requested: { start: iso(0), end: iso(199) },
      gaps: [{ from: iso(120), to: iso(122), missing: 3 }], missing: 3,
      requests: 4, retries: 0, droppedOpen: 0,
    });
    assert.equal(run.result, run.json);
    assert.equal(Array.from(readCandles(out).timestamp), HISTORY.slice(0, 197).map((r) => r[0]));
    assert.is(server.requests[0].query.category, 'linear');
  });
});

test('extends an existing file with only what it lacks; human output without --json', async () => {
  await withServer({ history: HISTORY }, async (server) => {
    const out = join(tempDir(), 'btc.csv');
    await runCommand(Fetch, argv(server, out, '--start', iso(0), '--end', iso(99)));
    server.requests.length = 0;
    const run = await runCommand(Fetch, argv(server, out, '--start', iso(0), '--end', iso(149)));
    assert.is(run.error, undefined);
    assert.equal(server.requests.map((r) => [r.start, r.end]), [[T0 + 100 * H, T0 + 149 * H]]);
    assert.equal(run.result!.added, 47);
    assert.is(run.result!.rows, 147);
    assert.equal(Array.from(readCandles(out).timestamp), HISTORY.slice(0, 147).map((r) => r[0]));
    assert.ok(run.stdout.startsWith(`${out}: 147 candles (47 new) ${iso(0)} … ${iso(149)}\n1 request, 0 retries\n`), run.stdout);
    assert.match(run.stderr, /1 gap\(s\), 3 missing candle\(s\)/);
  });
});

test('HTTP 403: clear error, exit code 1, and no output file', async () => {
  await withServer({ history: HISTORY, fault: () => ({ status: 403, body: 'Forbidden' }) }, async (server) => {
    const dir = tempDir();
    const out = join(dir, 'btc.csv');
    const run = await runCommand(Fetch, argv(server, out, '--days', '3'));
    assert.match(run.error!.message, /^HTTP 403 from GET http:\/\/127\.0\.0\.1:\d+\/v5\/market\/kline\?.*: IP banned\/forbidden/);
    assert.is(run.exitCode, 1);
    assert.not.ok(existsSync(out));
    assert.equal(readdirSync(dir), []);
    const json = await runCommand(Fetch, argv(server, out, '--days', '3', '--json'));
    assert.match(json.json.error.message, /IP banned\/forbidden/);
    assert.is(json.exitCode, 1);
  });
});

test('a malformed reply while extending leaves the existing file unchanged', async () => {
  const dir = tempDir();
  const out = join(dir, 'btc.csv');
  await withServer({ history: HISTORY }, (server) => runCommand(Fetch, argv(server, out, '--start', iso(0), '--end', iso(49))));
  const before = readFileSync(out, 'utf8');
  await withServer({ history: HISTORY, fault: () => ({ body: '{"retCode":0,"retMsg":"OK","result":{"list":[["1","2"]]}}' }) }, async (server) => {
    const run = await runCommand(Fetch, argv(server, out, '--start', iso(0), '--end', iso(99)));
    assert.match(run.error!.message, /result\.list\[0\] is not a row of 7 fields/);
  });
  await withServer({ history: HISTORY, fault: () => ({ retCode: 10001, retMsg: 'params error' }) }, async (server) => {
    const run = await runCommand(Fetch, argv(server, out, '--start', iso(0), '--end', iso(99)));
    assert.match(run.error!.message, /retCode 10001: params error$/);
  });
  assert.is(readFileSync(out, 'utf8'), before);
  assert.equal(readdirSync(dir), ['btc.csv']);
});

test('bad flags are refused with the reason before any request', async () => {
  await withServer({ history: HISTORY }, async (server) => {
    const out = join(tempDir(), 'btc.csv');
    assert.match((await runCommand(Fetch, argv(server, out, '--interval', '2d'))).error!.message, /unknown interval "2d"/);
    assert.match((await runCommand(Fetch, argv(server, out, '--start', 'last week'))).error!.message, /--start "last week" is neither Unix milliseconds nor an ISO date/);
    assert.match((await runCommand(Fetch, argv(server, out, '--days', '2', '--start', '2023-01-01'))).error!.message, /--days=2 cannot also be provided when using --start/);
    assert.match((await runCommand(Fetch, argv(server, out, '--category', 'option'))).error!.message, /Expected --category=option to be one of: spot, linear, inverse/);
    assert.is(server.requests.length, 0);
    assert.not.ok(existsSync(out));
  });
});

test.after(removeTempDirs);
test.run();
