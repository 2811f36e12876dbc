/**
 * @fileoverview Candle data once per content hash, against an in-memory stand-in for the three Redis
 * commands it uses (the executor and worker tests run it against a real server).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CandleDataCache, DATA_TTL_SECONDS, publishCandleData, type DataClient } from '../../src/sweep/redis-data.js';
import { dataKey } from '../../src/sweep/redis-connection.js';
import { sha256 } from '../../src/sweep/job.js';
import { readCandles, writeCandles } from '../../src/data/candles-csv.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { rejects } from '../helpers/assert.js';

test.after(removeTempDirs);

/** SET … EX … NX, EXPIRE and GET as Redis does them, with every call logged. */
function fakeRedis() {
  const store = new Map<string, { value: Buffer; ttl: number }>();
  const calls: string[] = [];
  const client: DataClient = {
    async set(key, value, _ex, seconds, _nx) {
      calls.push(`SET ${key}`);
      if (store.has(key)) return null;
      store.set(key, { value, ttl: seconds });
      return 'OK';
    },
    async expire(key, seconds) {
      calls.push(`EXPIRE ${key}`);
      store.get(key)!.ttl = seconds;
      return 1;
    },
    async getBuffer(key) {
      calls.push(`GET ${key}`);
      return store.get(key)?.value ?? null;
    },
  };
  return { client, store, calls };
}

function market(dir: string, name: string, seed: number) {
  const path = join(dir, `${name}.csv`);
  writeCandles(path, simulateMarket({ bars: 50, seed }));
  return { market: name, dataPath: path, dataHash: sha256(readFileSync(path)) };
}

test('each file is stored once under its hash; a second sweep stores nothing and refreshes the TTL', async () => {
  const dir = tempDir();
  const a = market(dir, 'A', 1), b = market(dir, 'B', 2);
  const redis = fakeRedis();
  const files = [a, b].map((m) => ({ hash: m.dataHash, path: m.dataPath }));
  assert.equal(await publishCandleData(redis.client, files), { stored: 2, present: 0, bytes: readFileSync(a.dataPath).length + readFileSync(b.dataPath).length });
  assert.equal(await publishCandleData(redis.client, files), { stored: 0, present: 2, bytes: 0 });
  assert.equal(redis.calls, [`SET ${dataKey(a.dataHash)}`, `SET ${dataKey(b.dataHash)}`, `SET ${dataKey(a.dataHash)}`, `EXPIRE ${dataKey(a.dataHash)}`, `SET ${dataKey(b.dataHash)}`, `EXPIRE ${dataKey(b.dataHash)}`]);
  assert.ok(redis.store.get(dataKey(a.dataHash))!.value.equals(readFileSync(a.dataPath)));
  assert.is(redis.store.get(dataKey(a.dataHash))!.ttl, DATA_TTL_SECONDS);
});

test('a file changed since the sweep hashed it is refused, naming it', async () => {
  const dir = tempDir();
  const a = market(dir, 'A', 1);
  writeFileSync(a.dataPath, `${readFileSync(a.dataPath, 'utf8')}\n`);
  await rejects(publishCandleData(fakeRedis().client, [{ hash: a.dataHash, path: a.dataPath }]), new RegExp(`^${a.dataPath} changed since the sweep read it \\(content hash [0-9a-f]{64}, the jobs say ${a.dataHash}\\)`));
});

test('a worker fetches each hash once, checks it, and falls back to the job path when Redis lacks it', async () => {
  const dir = tempDir();
  const a = market(dir, 'A', 1), b = market(dir, 'B', 2);
  const redis = fakeRedis();
  await publishCandleData(redis.client, [{ hash: a.dataHash, path: a.dataPath }]);
  redis.calls.length = 0;
  const cache = new CandleDataCache(redis.client);
  const [first, second] = await Promise.all([cache.get(a), cache.get(a)]);
  assert.is(first, second);
  assert.equal(first, readCandles(a.dataPath));
  assert.equal(redis.calls, [`GET ${dataKey(a.dataHash)}`]);
  // B is not in Redis: read from its path (a shared file system), still checked against the hash.
  assert.equal(await cache.get(b), readCandles(b.dataPath));
  const wrong = { ...b, dataHash: 'f'.repeat(64) };
  await rejects(cache.get(wrong), /the file changed since the sweep was planned/);
  // Bytes in Redis that do not match their key's hash fail the job; the next job fetches again.
  redis.store.set(dataKey(wrong.dataHash), { value: readFileSync(b.dataPath), ttl: 1 });
  await rejects(cache.get(wrong), new RegExp(`^candle data of market B in Redis key ${dataKey(wrong.dataHash)} has content hash ${b.dataHash}, the job expects ${wrong.dataHash}$`));
  assert.is(cache.size, 2);
});

test.run();
