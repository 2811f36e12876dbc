import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCandles } from '../../src/data/candles-csv.js';
import { updateCandlesFile, type UpdateCandlesFileOptions } from '../../src/data/update-file.js';
import { rejects } from '../helpers/assert.js';
import { makeHistory, startBybitServer, type BybitServer } from '../helpers/bybit-server.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 3, 1);
/** Candles from T0 − 100 h to T0 + 299 h. */
const HISTORY = makeHistory(400, T0 - 100 * H);

let server: BybitServer;
test.before(async () => { server = await startBybitServer({ history: HISTORY }); });
test.after(async () => { await server.close(); removeTempDirs(); });
test.before.each(() => { server.requests.length = 0; });

const options = (output: string, now: number, extra: Partial<UpdateCandlesFileOptions> = {}): UpdateCandlesFileOptions => ({
  output, symbol: 'BTCUSDT', interval: '1h', start: T0, end: now, now: () => now, baseUrl: server.baseUrl, minIntervalMs: 0, limit: 1000, ...extra,
});
const timestamps = (path: string) => Array.from(readCandles(path).timestamp);
const hours = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => T0 + (from + i) * H);

test('creates the file, then extends it with only the newer candles, then backfills older ones', async () => {
  const dir = tempDir();
  const out = join(dir, 'btc.csv');
  const first = await updateCandlesFile(options(out, T0 + 100.5 * H));
  assert.equal(timestamps(out), hours(0, 99));
  assert.equal([first.rows, first.added, first.existingRows, first.written, first.droppedOpen, first.requests], [100, 100, 0, true, 1, 1]);

  server.requests.length = 0;
  const second = await updateCandlesFile(options(out, T0 + 200.5 * H));
  assert.equal(server.requests.map((r) => [r.start, r.end]), [[T0 + 100 * H, T0 + 200.5 * H]]);
  assert.equal(timestamps(out), hours(0, 199));
  assert.equal([second.rows, second.added, second.existingRows, second.first, second.last], [200, 100, 100, T0, T0 + 199 * H]);

  server.requests.length = 0;
  const progress: { candles: number; requests: number; fraction: number }[] = [];
  const third = await updateCandlesFile(options(out, T0 + 200.5 * H, { start: T0 - 50 * H, onProgress: (p) => progress.push(p) }));
  // counts run on across the two ranges: 50 closed candles before the file, then the open one after it
  for (let i = 1; i < progress.length; i++) {
    assert.ok(progress[i].candles >= progress[i - 1].candles && progress[i].requests >= progress[i - 1].requests && progress[i].fraction >= progress[i - 1].fraction, `progress went back at event ${i}`);
  }
  assert.equal([progress.at(-1)!.candles, progress.at(-1)!.requests, progress.at(-1)!.fraction], [51, 2, 1]);
  assert.equal(server.requests.map((r) => [r.start, r.end]), [[T0 - 50 * H, T0 - 1], [T0 + 200 * H, T0 + 200.5 * H]]);
  assert.equal(timestamps(out), hours(-50, 199));
  assert.equal([third.added, third.gaps, third.missing], [50, [], 0]);
  assert.equal(readdirSync(dir).sort(), ['btc.csv', 'btc.csv.meta.json']);
  assert.equal(JSON.parse(readFileSync(`${out}.meta.json`, 'utf8')), { source: 'bybit', category: 'linear', symbol: 'BTCUSDT', interval: '60' });
  assert.is(third.metaFile, `${out}.meta.json`);
});

test('nothing new: the file is left untouched and reported as not written', async () => {
  const out = join(tempDir(), 'btc.csv');
  await updateCandlesFile(options(out, T0 + 10.5 * H));
  const before = readFileSync(out, 'utf8');
  const again = await updateCandlesFile(options(out, T0 + 10.5 * H));
  assert.equal([again.added, again.written, again.rows], [0, false, 10]);
  assert.is(readFileSync(out, 'utf8'), before);
});

test('a failing fetch leaves an existing file byte for byte as it was, and creates nothing new', async () => {
  const dir = tempDir();
  const out = join(dir, 'btc.csv');
  await updateCandlesFile(options(out, T0 + 10.5 * H));
  const before = readFileSync(out, 'utf8');
  const banned = await startBybitServer({ history: HISTORY, fault: (n) => (n >= 2 ? { status: 403 } : undefined) });
  try {
    // Two ranges to fetch (older and newer); the second request is refused after the first succeeded.
    await rejects(updateCandlesFile(options(out, T0 + 20.5 * H, { start: T0 - 5 * H, baseUrl: banned.baseUrl })), /IP banned\/forbidden/);
    assert.is(banned.requests.length, 2);
    await rejects(updateCandlesFile(options(join(dir, 'new.csv'), T0 + 20.5 * H, { baseUrl: banned.baseUrl })), /IP banned\/forbidden/);
  } finally {
    await banned.close();
  }
  assert.is(readFileSync(out, 'utf8'), before);
  assert.equal(readdirSync(dir).sort(), ['btc.csv', 'btc.csv.meta.json']);
});

test('refuses a file of another interval, an invalid file, and an empty result, without writing', async () => {
  const dir = tempDir();
  const out = join(dir, 'btc.csv');
  await updateCandlesFile(options(out, T0 + 10.5 * H));
  await rejects(updateCandlesFile(options(out, T0 + 20.5 * H, { interval: '4h' })), (e) =>
    e.message === `${out} holds linear BTCUSDT 1h candles (per ${out}.meta.json), but linear BTCUSDT 4h was requested; refusing to mix them; use another output file`);
  // Without its sidecar, the spacing of the candles still tells.
  rmSync(`${out}.meta.json`);
  await rejects(updateCandlesFile(options(out, T0 + 20.5 * H, { interval: '4h' })), (e) =>
    e.message === `${out} holds candles every 60 minutes, but the requested interval is 4h; use another output file`);

  const broken = join(dir, 'broken.csv');
  writeFileSync(broken, 'timestamp,open,high,low,close,volume,turnover\n1,2,3,1,2,oops,0\n');
  await rejects(updateCandlesFile(options(broken, T0 + 20.5 * H)), (e) => e.message === `${broken}: line 2, volume: "oops" is not a number`);

  const none = join(dir, 'none.csv');
  await rejects(updateCandlesFile(options(none, T0 - 200 * H, { start: T0 - 300 * H })), (e) =>
    e.message === `no closed 1h candles for BTCUSDT between ${new Date(T0 - 300 * H).toISOString()} and ${new Date(T0 - 200 * H).toISOString()}; nothing written to ${none}`);
  assert.not.ok(existsSync(none));
  assert.equal(server.requests.length, 2, 'no request for the mismatched or broken file; one each for the two fetches');
});

test('ETHUSDT is never appended to a BTCUSDT file: the sidecar records the market, and a mismatch is refused before any request', async () => {
  const dir = tempDir();
  const out = join(dir, 'btc.csv');
  await updateCandlesFile(options(out, T0 + 10.5 * H));
  const csv = readFileSync(out, 'utf8'), meta = readFileSync(`${out}.meta.json`, 'utf8');
  server.requests.length = 0;
  for (const [extra, wanted] of [
    [{ symbol: 'ETHUSDT' }, 'linear ETHUSDT 1h'],
    [{ symbol: 'ethusdt' }, 'linear ETHUSDT 1h'],
    [{ category: 'spot' as const }, 'spot BTCUSDT 1h'],
  ] as const) {
    await rejects(updateCandlesFile(options(out, T0 + 20.5 * H, extra)), (e) =>
      e.name === 'OutputMismatchError' &&
      e.message === `${out} holds linear BTCUSDT 1h candles (per ${out}.meta.json), but ${wanted} was requested; refusing to mix them; use another output file`);
  }
  assert.is(server.requests.length, 0);
  assert.is(readFileSync(out, 'utf8'), csv);
  assert.is(readFileSync(`${out}.meta.json`, 'utf8'), meta);
  // A sidecar that is not ours is refused, naming it.
  writeFileSync(`${out}.meta.json`, '{"symbol":');
  await rejects(updateCandlesFile(options(out, T0 + 20.5 * H)), (e) => e.message.startsWith(`${out}.meta.json: not readable JSON (`));
});

test('a file without a sidecar is checked against its last candle: the same market is extended, another is refused', async () => {
  const dir = tempDir();
  const out = join(dir, 'btc.csv');
  await updateCandlesFile(options(out, T0 + 10.5 * H));
  rmSync(`${out}.meta.json`);
  const csv = readFileSync(out, 'utf8');

  // Another market: same times, other prices (ETH is not BTC to the last digit).
  const eth = await startBybitServer({ history: HISTORY.map(([t, o, h, l, c, v, q]) => [t, o / 20, h / 20, l / 20, c / 20, v, q]) });
  try {
    await rejects(updateCandlesFile(options(out, T0 + 20.5 * H, { symbol: 'ETHUSDT', baseUrl: eth.baseUrl })), (e) =>
      e.name === 'OutputMismatchError' &&
      e.message === `${out} does not hold linear ETHUSDT 1h candles: its last candle (${new Date(T0 + 9 * H).toISOString()}) has open 1012, ` +
        `Bybit linear ETHUSDT 1h has 50.6; refusing to mix them: use another output file, or, if it does hold linear ETHUSDT 1h candles, ` +
        `create ${out}.meta.json containing {"source":"bybit","category":"linear","symbol":"ETHUSDT","interval":"60"}`);
    assert.equal(eth.requests.map((r) => [r.start, r.end]), [[T0 + 9 * H, T0 + 9 * H]]);
  } finally {
    await eth.close();
  }
  assert.is(readFileSync(out, 'utf8'), csv);
  assert.equal(readdirSync(dir), ['btc.csv']);

  // The same market: one request confirms the last candle, then the file is extended and gets its sidecar.
  server.requests.length = 0;
  const res = await updateCandlesFile(options(out, T0 + 20.5 * H));
  assert.equal(server.requests.map((r) => [r.start, r.end]), [[T0 + 9 * H, T0 + 9 * H], [T0 + 10 * H, T0 + 20.5 * H]]);
  assert.equal([res.added, res.requests], [10, 2]);
  assert.equal(JSON.parse(readFileSync(`${out}.meta.json`, 'utf8')), { source: 'bybit', category: 'linear', symbol: 'BTCUSDT', interval: '60' });
});

test('a start before 1970 is refused before anything is read or requested', async () => {
  const out = join(tempDir(), 'old.csv');
  await rejects(updateCandlesFile(options(out, T0, { start: -86_400_000 })), (e) =>
    e.message === 'start 1969-12-31T00:00:00.000Z is before the Unix epoch (1970-01-01T00:00:00.000Z); Bybit has no candles that old');
  assert.is(server.requests.length, 0);
  assert.not.ok(existsSync(out));
});

test.run();
