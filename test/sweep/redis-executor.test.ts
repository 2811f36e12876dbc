/**
 * @fileoverview The BullMQ coordinator against a real redis-server, with workers in this process
 * (startSweepWorker; the worker command's own test runs them as separate processes and kills one).
 * Every test uses its own queue name so their jobs never meet.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { createRedisExecutor } from '../../src/sweep/redis-executor.js';
import { startSweepWorker, type SweepWorker } from '../../src/sweep/redis-worker.js';
import { QUEUE_PREFIX, dataKey } from '../../src/sweep/redis-connection.js';
import { FAIL_ENV, type SweepJobOutcome, type SweepJobSpec } from '../../src/sweep/job.js';
import { redisMissing, redisTest, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { localRows, tinySweep } from '../helpers/sweep-jobs.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { rejects } from '../helpers/assert.js';

let redis: RedisServer | undefined;
let paths: string[] = [];
let specs: SweepJobSpec[] = [];
let reference = new Map<string, Record<string, string | number>>();

test.before(async () => {
  if (redisMissing() === null) {
    redis = await startRedis();
    specs = tinySweep(tempDir(), 2, [1, 2]);
    paths = [...new Set(specs.map((s) => s.dataPath))];
    reference = await localRows(specs);
  }
});

test.after(async () => {
  await redis?.stop();
  removeTempDirs();
});

/** Workers in this process; each line they log is kept, with the ids of the jobs they started. */
async function workers(queue: string, n: number, concurrency = 1): Promise<{ all: SweepWorker[]; started: string[]; lines: string[]; close(): Promise<void> }> {
  const started: string[] = [], lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    const m = /^job (\S+) started/.exec(line);
    if (m) started.push(m[1]);
  };
  const all = await Promise.all(Array.from({ length: n }, () => startSweepWorker({ url: redis!.url, queue, concurrency, lockDurationMs: 5000, stalledIntervalMs: 1000, log })));
  return { all, started, lines, close: async () => { await Promise.all(all.map((w) => w.close())); } };
}

const count = (ids: string[]) => ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());

redisTest(test, 'a sweep through Redis gives every job once, with the local executor rows; candle data is stored once per content hash', async () => {
  const fleet = await workers('basic', 1, 2); // one worker running two jobs at once
  const notices: string[] = [];
  const executor = createRedisExecutor({ url: redis!.url, attempts: 2, backoffMs: 50, queue: 'basic', pollMs: 200, log: (l) => notices.push(l) });
  const outcomes: SweepJobOutcome[] = [];
  const progress: Array<{ done: number; left: number }> = [];
  try {
    await executor.run([...specs, specs[0]], { result: (o) => { outcomes.push(o); }, progress: (p) => progress.push(p) });
  } finally {
    await executor.close();
    await fleet.close();
  }
  assert.equal(outcomes.map((o) => o.id).sort(), specs.map((s) => s.id).sort());
  for (const o of outcomes) {
    assert.ok(o.ok, JSON.stringify(o));
    if (o.ok) {
      assert.equal(o.row, reference.get(o.id));
      assert.is(o.attempts, 1);
      assert.ok(o.seconds > 0);
    }
  }
  assert.equal([...count(fleet.started).values()], specs.map(() => 1));
  assert.equal(progress.at(-1), { done: specs.length, failed: 0, left: 0, running: 0 });
  assert.equal(notices, []);
  // The data went once per market, byte for byte; collected jobs left nothing behind in the queue.
  const q = new Queue('basic', { connection: { url: redis!.url }, prefix: QUEUE_PREFIX });
  const client = (await q.client) as any; // an ioredis instance
  assert.equal((await client.keys('glow-trade:data:*')).sort(), [...new Set(specs.map((s) => dataKey(s.dataHash)))].sort());
  for (const path of paths) {
    const stored = await client.getBuffer(dataKey(specs.find((s) => s.dataPath === path)!.dataHash));
    assert.ok(Buffer.compare(stored, readFileSync(path)) === 0);
  }
  assert.equal(await q.getJobCounts('completed', 'failed', 'wait', 'active', 'delayed'), { completed: 0, failed: 0, wait: 0, active: 0, delayed: 0 });
  await q.close();
});

redisTest(test, 'a job that always throws ends failed with its error after its attempts; the others complete', async () => {
  const bad = specs[1];
  process.env[FAIL_ENV] = bad.id; // copied into the job threads the workers start
  const fleet = await workers('failing', 2);
  const executor = createRedisExecutor({ url: redis!.url, attempts: 3, backoffMs: 20, queue: 'failing', pollMs: 200 });
  const outcomes: SweepJobOutcome[] = [];
  try {
    await executor.run(specs, { result: (o) => { outcomes.push(o); } });
  } finally {
    delete process.env[FAIL_ENV];
    await executor.close();
    await fleet.close();
  }
  assert.is(outcomes.length, specs.length);
  const failed = outcomes.filter((o) => !o.ok);
  assert.equal(failed, [{
    id: bad.id, ok: false, attempts: 3,
    error: `injected failure (${FAIL_ENV}) in job ${bad.id} (${bad.market} seed ${bad.seed} fold ${bad.fold} base)`,
  }]);
  assert.is(count(fleet.started).get(bad.id), 3);
  for (const o of outcomes) if (o.ok) assert.equal(o.row, reference.get(o.id));
});

redisTest(test, 'a coordinator restarted mid-sweep collects the jobs finished meanwhile and runs none of them again', async () => {
  const queue = 'restart';
  const first = createRedisExecutor({ url: redis!.url, attempts: 2, backoffMs: 50, queue, pollMs: 100 });
  const written: SweepJobOutcome[] = []; // what the first coordinator got into results.csv before it "died"
  let fleet!: Awaited<ReturnType<typeof workers>>;
  const firstRun = first.run(specs, {
    result: async (o) => {
      written.push(o);
      if (written.length === 1) await first.close();
    },
  });
  fleet = await workers(queue, 1);
  await firstRun;
  assert.is(written.length, 1);
  // The worker goes on while no coordinator runs: wait until every job has finished in Redis.
  const q = new Queue(queue, { connection: { url: redis!.url }, prefix: QUEUE_PREFIX });
  const unfinished = async () => (await q.getWaitingCount()) + (await q.getActiveCount()) + (await q.getDelayedCount());
  for (let i = 0; i < 300 && (await unfinished()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.is(await unfinished(), 0);
  const notices: string[] = [];
  const second = createRedisExecutor({ url: redis!.url, attempts: 2, backoffMs: 50, queue, pollMs: 100, log: (l) => notices.push(l) });
  const rest = specs.filter((s) => !written.some((o) => o.id === s.id));
  try {
    await second.run(rest, { result: (o) => { written.push(o); } });
  } finally {
    await second.close();
    await fleet.close();
    await q.close();
  }
  assert.equal(written.map((o) => o.id).sort(), specs.map((s) => s.id).sort());
  for (const o of written) assert.equal(o.ok && o.row, reference.get(o.id));
  assert.equal([...count(fleet.started).values()], specs.map(() => 1));
  assert.equal(notices, [`queue ${queue}: ${rest.length} of these jobs already finished, 0 still queued or running, 0 failed before and retried`]);
});

redisTest(test, 'jobs Redis lost (flushed while the sweep waited) are enqueued again with their data', async () => {
  const queue = 'lost';
  const notices: string[] = [];
  const executor = createRedisExecutor({ url: redis!.url, attempts: 1, backoffMs: 0, queue, pollMs: 100, auditMs: 300, log: (l) => notices.push(l) });
  const some = specs.slice(0, 2);
  const outcomes: SweepJobOutcome[] = [];
  const run = executor.run(some, { result: (o) => { outcomes.push(o); } });
  const q = new Queue(queue, { connection: { url: redis!.url }, prefix: QUEUE_PREFIX });
  for (let i = 0; i < 100 && (await q.getWaitingCount()) < some.length; i++) await new Promise((r) => setTimeout(r, 50));
  await ((await q.client) as any).flushdb();
  const fleet = await workers(queue, 1);
  try {
    await run;
  } finally {
    await executor.close();
    await fleet.close();
    await q.close();
  }
  assert.equal(outcomes.map((o) => o.ok && o.row), some.map((s) => reference.get(s.id)));
  assert.equal(notices, [`queue ${queue}: 2 outstanding jobs were gone from Redis (restarted without persistence, or flushed?) and were enqueued again`]);
});

redisTest(test, 'bad options are refused up front; an unreachable server is named in the error', async () => {
  assert.throws(() => createRedisExecutor({ url: 'http://x', attempts: 1, backoffMs: 0 }), /--redis must start with redis:\/\/ or rediss:\/\/ \(TLS\), got "http:\/\/x"/);
  assert.throws(() => createRedisExecutor({ url: 'redis://h', attempts: 0, backoffMs: 0 }), /attempts must be a whole number ≥ 1, got 0/);
  assert.throws(() => createRedisExecutor({ url: 'redis://h', attempts: 1, backoffMs: 0, queue: 'a:b' }), /--queue must be letters/);
  const port = redis!.port + 1;
  const executor = createRedisExecutor({ url: `redis://:hunter2@127.0.0.1:${port}`, attempts: 1, backoffMs: 0, connectTimeoutMs: 300 });
  await rejects(executor.run(specs, { result: () => {} }), new RegExp(`^cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} within 0\\.3 s`));
  await executor.close();
});

test.run();
