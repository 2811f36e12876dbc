import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fetch, { type FetchSummary } from '../../src/commands/fetch.js';
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

/** The exit code the CLI would end with (oclif's handler exits with the error's `oclif.exit`). */
const exit = (run: { error?: Error }) => (run.error as { oclif?: { exit?: number } } | undefined)?.oclif?.exit;
/** stderr as plain words: oclif colours the warning marker and wraps long warnings. */
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '').replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' ');

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
      requests: 4, retries: 0, droppedOpen: 0, conflicts: [], offGrid: [], metaFile: `${out}.meta.json`,
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
    assert.equal((run.result as FetchSummary).added, 47);
    assert.is((run.result as FetchSummary).rows, 147);
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
  assert.equal(readdirSync(dir).sort(), ['btc.csv', 'btc.csv.meta.json']);
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

test('--symbol ETHUSDT --output btc.csv: refused with exit 2, the BTC file untouched', async () => {
  await withServer({ history: HISTORY }, async (server) => {
    const dir = tempDir();
    const out = join(dir, 'btc.csv');
    await runCommand(Fetch, argv(server, out, '--start', iso(0), '--end', iso(49)));
    const before = readFileSync(out, 'utf8');
    server.requests.length = 0;
    const run = await runCommand(Fetch, argv(server, out, '--start', iso(0), '--end', iso(99)).map((a) => (a === 'BTCUSDT' ? 'ETHUSDT' : a)));
    assert.is(run.error!.message, `${out} holds linear BTCUSDT 1h candles (per ${out}.meta.json), but linear ETHUSDT 1h was requested; refusing to mix them; use another output file`);
    assert.is(exit(run), 2);
    assert.is(server.requests.length, 0);
    assert.is(readFileSync(out, 'utf8'), before);
  });
});

test('a reply for another symbol: exit 1, nothing written', async () => {
  const transform = (reply: { result: { symbol: string } }) => { reply.result.symbol = 'ETHUSDT'; };
  await withServer({ history: HISTORY, transform }, async (server) => {
    const dir = tempDir();
    const run = await runCommand(Fetch, argv(server, join(dir, 'btc.csv'), '--start', iso(0), '--end', iso(99)));
    assert.match(run.error!.message, /^GET \S+ returned candles for symbol "ETHUSDT", but symbol BTCUSDT was requested; nothing written$/);
    assert.is(run.exitCode, 1);
    assert.equal(readdirSync(dir), []);
  });
});

test('start times before 1970 are refused with exit 2, naming the flag', async () => {
  await withServer({ history: HISTORY }, async (server) => {
    const out = join(tempDir(), 'btc.csv');
    const early = await runCommand(Fetch, argv(server, out, '--start', '1969-12-31', '--end', iso(10)));
    assert.is(early.error!.message, '--start "1969-12-31" is 1969-12-31T00:00:00.000Z, before the Unix epoch (1970-01-01T00:00:00.000Z); Bybit has no candles that old');
    assert.is(exit(early), 2);
    const days = await runCommand(Fetch, argv(server, out, '--days', '11000', '--end', '2000-01-01'));
    assert.is(days.error!.message, '--days 11000 reaches back to 1969-11-19T00:00:00.000Z, before the Unix epoch (1970-01-01T00:00:00.000Z); from --end 2000-01-01T00:00:00.000Z use at most --days 10957');
    assert.is(exit(days), 2);
    const reversed = await runCommand(Fetch, argv(server, out, '--start', iso(10), '--end', iso(0)));
    assert.is(reversed.error!.message, `--start ${iso(10)} is after --end ${iso(0)}`);
    assert.is(exit(reversed), 2);
    assert.is(server.requests.length, 0);
    assert.not.ok(existsSync(out));
  });
});

test('retries are announced on stderr; a wait longer than --max-wait-ms stops the fetch with exit 1', async () => {
  await withServer({ history: HISTORY, fault: (n) => (n === 1 ? { status: 429, headers: { 'retry-after': '0' } } : undefined) }, async (server) => {
    const run = await runCommand(Fetch, argv(server, join(tempDir(), 'btc.csv'), '--start', iso(0), '--end', iso(9), '--json'));
    assert.is(run.error, undefined);
    assert.match(run.stderr, /^HTTP 429 from GET http:\/\/127\.0\.0\.1:\d+\/v5\/market\/kline\?\S+ \(rate limited\): waiting 0\.\d+ s \(retry 1 of 5\)\n$/);
    assert.is(run.json.retries, 1);
  });
  await withServer({ history: HISTORY, fault: () => ({ status: 429, headers: { 'retry-after': '30' } }) }, async (server) => {
    const dir = tempDir();
    const run = await runCommand(Fetch, argv(server, join(dir, 'btc.csv'), '--start', iso(0), '--end', iso(9), '--max-wait-ms', '1000'));
    assert.match(run.error!.message, /\(rate limited\); the server asks to wait 30 s \(Retry-After: 30\), longer than the 1 s allowed; try again after \d{4}-\d\d-\d\dT[\d:.]+Z$/);
    assert.is(run.exitCode, 1);
    assert.is(server.requests.length, 1);
    assert.equal(readdirSync(dir), []);
  });
});

test('an endless reply body stops at the size cap with exit 1 and writes nothing', async () => {
  await withServer({ history: HISTORY, fault: () => ({ endless: true }) }, async (server) => {
    const dir = tempDir();
    const run = await runCommand(Fetch, argv(server, join(dir, 'btc.csv'), '--start', iso(0), '--end', iso(9)));
    assert.match(run.error!.message, /^GET \S+ sent a reply body larger than the 4 MiB limit \(a page of 1000 candles is about 150 KB\); stopped reading after 4(\.\d)? MiB\. Is the base URL a Bybit v5 API\?$/);
    assert.is(run.exitCode, 1);
    assert.equal(readdirSync(dir), []);
  });
});

test('conflicting duplicates and off-grid candles are reported on stderr and in --json', async () => {
  const transform = (reply: { result: { list: string[][] } }, r: { n: number }) => {
    if (r.n !== 2) return;
    const row = reply.result.list.find((x) => Number(x[0]) === T0 + 57 * H)!;
    row[4] = String(Number(row[4]) + 0.5);
    row[2] = String(Number(row[2]) + 0.5);
    reply.result.list.push([String(T0 + 10.5 * H), '1000', '1003', '999', '1001', '1', '1000']);
  };
  await withServer({ history: HISTORY, overlap: 5, transform }, async (server) => {
    const out = join(tempDir(), 'btc.csv');
    const run = await runCommand(Fetch, argv(server, out, '--start', iso(0), '--end', iso(99)));
    assert.is(run.error, undefined);
    const h = HISTORY[57];
    assert.equal((run.result as FetchSummary).conflicts, [{ time: iso(57), timeMs: T0 + 57 * H, earlier: h.slice(1, 6), later: [h[1], h[2] + 0.5, h[3], h[4] + 0.5, h[5]] }]);
    assert.equal((run.result as FetchSummary).offGrid, [{ time: new Date(T0 + 10.5 * H).toISOString(), timeMs: T0 + 10.5 * H }]);
    assert.match(plain(run.stderr), `1 candle came twice with different values (kept the later copy); first: ${iso(57)} open/high/low/close/volume ${h.slice(1, 6).join('/')} then ${h[1]}/${h[2] + 0.5}/${h[3]}/${h[4] + 0.5}/${h[5]}`);
    assert.match(plain(run.stderr), `1 candle not on the 1h grid left out; first: ${new Date(T0 + 10.5 * H).toISOString()}`);
    assert.is(readCandles(out).close[57], h[4] + 0.5);
  });
});

test('--symbols with --dir: one file per market, resumable; a rerun fetches only what each file lacks', async () => {
  await withServer({ history: HISTORY }, async (server) => {
    const dir = tempDir();
    const set = (end: number, ...more: string[]) => ['--symbols', 'BTCUSDT,ethusdt', '--dir', dir, '--base-url', server.baseUrl, '--limit', '50',
      '--throttle-ms', '0', '--start', iso(0), '--end', iso(end), ...more];
    const run = await runCommand(Fetch, set(99, '--json'));
    assert.is(run.error, undefined);
    assert.equal(run.json.markets.map((m: FetchSummary) => [m.symbol, m.output, m.rows, m.added]), [
      ['BTCUSDT', join(dir, 'BTCUSDT_1h.csv'), 100, 100], ['ETHUSDT', join(dir, 'ETHUSDT_1h.csv'), 100, 100],
    ]);
    assert.equal([run.json.dir, run.json.interval, run.json.failed, run.json.requests], [dir, '60', 0, 4]);
    assert.match(run.stderr, /BTCUSDT: .*BTCUSDT_1h\.csv 100 candles \(100 new\), 2 request\(s\) \[\d\/2\]/);
    server.requests.length = 0;
    const again = await runCommand(Fetch, set(109));
    assert.is(again.error, undefined);
    assert.equal(server.requests.map((r) => [r.query.symbol, r.start]).sort(), [['BTCUSDT', T0 + 100 * H], ['ETHUSDT', T0 + 100 * H]]);
    assert.match(again.stdout, /2 of 2 markets up to date in .*, 2 requests/);
    assert.is(readCandles(join(dir, 'ETHUSDT_1h.csv')).timestamp.length, 110);
  });
});

test('--symbols needs --dir; --output and --dir exclude each other (exit 2)', async () => {
  const a = await runCommand(Fetch, ['--symbols', 'BTCUSDT', '--output', 'x.csv']);
  assert.is(exit(a), 2);
  const b = await runCommand(Fetch, ['--dir', 'd', '--output', 'x.csv']);
  assert.is(exit(b), 2);
});

test.after(removeTempDirs);
test.run();
