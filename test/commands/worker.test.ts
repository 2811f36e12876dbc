/**
 * @fileoverview `glow-trade worker` as users run it: separate processes (`node bin/run.js worker`)
 * against a real redis-server, one of them SIGKILLed in the middle of its first job, the other
 * stopped with SIGTERM at the end.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createRedisExecutor } from '../../src/sweep/redis-executor.js';
import type { SweepJobOutcome, SweepJobSpec } from '../../src/sweep/job.js';
import Worker from '../../src/commands/worker.js';
import Sweep from '../../src/commands/sweep.js';
import { writeCandles } from '../../src/data/candles-csv.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { NONDETERMINISTIC_COLUMNS, readResults } from '../../src/sweep/results-csv.js';
import { runCommand, repoRoot } from '../helpers/cli.js';
import { redisMissing, redisTest, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { localRows, tinySweep } from '../helpers/sweep-jobs.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

let redis: RedisServer | undefined;
let specs: SweepJobSpec[] = [];

test.before(async () => {
  if (redisMissing() === null) {
    redis = await startRedis();
    specs = tinySweep(tempDir(), 2, [1, 2]);
  }
});

test.after(async () => {
  await redis?.stop();
  removeTempDirs();
});

interface WorkerProcess {
  child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the first stderr line matching `re`. */
  line(re: RegExp): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWorker(...args: string[]): WorkerProcess {
  const child = spawn(process.execPath, [join(repoRoot(), 'bin/run.js'), 'worker', '--redis', redis!.url, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  child.stderr!.on('data', (d) => {
    err += d;
    for (const w of [...waiters]) {
      const hit = err.split('\n').find((l) => w.re.test(l));
      if (hit !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  });
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child, exited, stderr: () => err,
    line: (re) => new Promise((resolve) => {
      const hit = err.split('\n').find((l) => re.test(l));
      if (hit !== undefined) resolve(hit);
      else waiters.push({ re, resolve });
    }),
  };
}

const startedIds = (text: string) => [...text.matchAll(/^job (\S+) started/gm)].map((m) => m[1]);
const doneIds = (text: string) => [...text.matchAll(/^job (\S+) done/gm)].map((m) => m[1]);

redisTest(test, 'two worker processes, one SIGKILLed mid-job: the sweep completes with the local executor rows, every job once', async () => {
  const flags = ['--queue', 'killed', '--lock-duration', '2', '--stalled-interval', '0.5'];
  const victim = startWorker(...flags);
  const survivor = startWorker(...flags);
  const executor = createRedisExecutor({ url: redis!.url, attempts: 2, backoffMs: 50, queue: 'killed', pollMs: 200 });
  const outcomes: SweepJobOutcome[] = [];
  const running = executor.run(specs, { result: (o) => { outcomes.push(o); } });
  // Its first job includes starting the job thread and compiling the engine: it is surely still running.
  const first = /^job (\S+) started/.exec(await victim.line(/^job \S+ started/))![1];
  victim.child.kill('SIGKILL');
  await running;
  await executor.close();
  survivor.child.kill('SIGTERM');
  const end = await survivor.exited;
  assert.equal(await victim.exited, { code: null, signal: 'SIGKILL' });

  assert.equal(outcomes.map((o) => o.id).sort(), specs.map((s) => s.id).sort());
  const reference = await localRows(specs);
  for (const o of outcomes) assert.equal(o.ok && o.row, reference.get(o.id));
  // The killed run counts as an attempt, as a dead process does in the local pool.
  assert.equal(outcomes.map((o) => o.attempts), outcomes.map((o) => (o.id === first ? 2 : 1)));
  // The killed job never finished there and ran again on the survivor, which ran every other job once.
  assert.not.ok(doneIds(victim.stderr()).includes(first));
  const ranBySurvivor = startedIds(survivor.stderr());
  assert.equal([...ranBySurvivor].sort(), specs.map((s) => s.id).filter((id) => !doneIds(victim.stderr()).includes(id)).sort());
  assert.ok(ranBySurvivor.includes(first));
  // SIGTERM: a graceful stop, exit code 0, with the worker's own count.
  assert.equal(end, { code: 0, signal: null });
  assert.match(survivor.stderr(), new RegExp(`SIGTERM: finishing the running jobs .*\\nworker stopped: ${ranBySurvivor.length} jobs completed, 0 failed\\n$`));
});

redisTest(test, 'sweep --redis with two workers writes the results file of a local sweep, equal on the deterministic columns', async () => {
  const dir = tempDir();
  writeCandles(join(dir, 'A.csv'), simulateMarket({ bars: 600, seed: 5 }));
  writeCandles(join(dir, 'B.csv'), simulateMarket({ bars: 600, seed: 6 }));
  const out = tempDir();
  const grid = ['--dir', dir, '--seeds', '1,2', '--train-bars', '400', '--test-bars', '100', '--epochs', '2', '--levels', '2', '--steps', '1', '--hidden', '8', '--json'];
  const local = await runCommand(Sweep, [...grid, '--output', join(out, 'local.csv'), '--jobs', '2']);
  assert.equal(local.json?.jobs, { total: 8, skipped: 0, ran: 8, done: 8, failed: 0 }, local.stdout);
  const workers = [startWorker('--queue', 'cli'), startWorker('--queue', 'cli')];
  const cluster = await runCommand(Sweep, [...grid, '--output', join(out, 'redis.csv'), '--redis', redis!.url, '--queue', 'cli']);
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  assert.equal(cluster.json?.jobs, { total: 8, skipped: 0, ran: 8, done: 8, failed: 0 }, cluster.stdout);
  const deterministic = (path: string) => readResults(path).map((r) => Object.entries(r).filter(([k]) => !NONDETERMINISTIC_COLUMNS.includes(k)));
  assert.equal(deterministic(join(out, 'redis.csv')), deterministic(join(out, 'local.csv')));
  assert.is(readResults(join(out, 'redis.csv')).length, 8);
});

redisTest(test, 'SIGTERM during a job: the worker finishes it, reports it, and exits 0', async () => {
  const worker = startWorker('--queue', 'graceful');
  const executor = createRedisExecutor({ url: redis!.url, attempts: 1, backoffMs: 0, queue: 'graceful', pollMs: 100 });
  const outcomes: SweepJobOutcome[] = [];
  const running = executor.run(specs.slice(0, 1), { result: (o) => { outcomes.push(o); } });
  await worker.line(/^job \S+ started/);
  worker.child.kill('SIGTERM');
  await running;
  await executor.close();
  assert.equal(await worker.exited, { code: 0, signal: null });
  assert.equal(outcomes.map((o) => [o.id, o.ok, o.attempts]), [[specs[0].id, true, 1]]);
  assert.match(worker.stderr(), new RegExp(`started: .*\\nSIGTERM: finishing the running jobs .*\\njob ${specs[0].id} done in .*\\nworker stopped: 1 jobs completed, 0 failed\\n$`));
});

redisTest(test, 'a bad --redis or --lock-duration is a usage error naming the flag', async () => {
  const bad = await runCommand(Worker, ['--redis', 'localhost:6379']);
  assert.match(bad.error!.message, /--redis must start with redis:\/\/ or rediss:\/\/ \(TLS\), got "localhost:6379"/);
  assert.is((bad.error as any).oclif.exit, 2);
  const lock = await runCommand(Worker, ['--redis', redis!.url, '--lock-duration', '0.1']);
  assert.is(lock.error!.message, '--lock-duration must be seconds from 0.5 to 86400, got "0.1"');
});

test.run();
