/**
 * @fileoverview `npm run bench:cluster`: what the Redis cluster costs per job against the local pool
 * (issue 15 target: ≤ 5% of a 20-epoch job). The same grid — a synthetic market (2,000 hourly
 * candles, 4 walk-forward folds of 250 bars) × 2 seeds = 8 jobs of the default model trained for
 * exactly 20 epochs — runs on the local pool with 2 processes and through Redis with 2 worker
 * processes (`glow-trade worker`, concurrency 1) on this machine. Repetitions alternate local,
 * Redis, Redis, local, … so drift in the machine's load hits both; figures are medians.
 *
 * Per repetition: the wall time from the first job handed over to the last result back, and the
 * overhead per job = (2 slots × wall − Σ the jobs' own run times) / jobs, i.e. slot time not spent
 * inside a job: process start-up and job hand-over for the pool; queueing, data fetch, Redis round
 * trips and result collection for the cluster. The workers are long-lived, as on a real fleet: they
 * are started once and warmed with one job before the first timed repetition. Also printed: the
 * cores other processes used meanwhile (the machine is shared).
 *
 * Redis: $GLOW_TRADE_BENCH_REDIS (a URL) or a private redis-server on a free loopback port.
 * Options: --quick (one repetition each), --out <file> (JSON; default bench/results/cluster.json).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCandles } from '../src/data/candles-csv.js';
import { simulateMarket } from '../src/data/synthetic.js';
import type { SweepExecutor } from '../src/sweep/executor.js';
import { expandGrid, loadMarket } from '../src/sweep/grid.js';
import type { SweepJobSpec } from '../src/sweep/job.js';
import { createLocalExecutor } from '../src/sweep/local-executor.js';
import { createRedisExecutor } from '../src/sweep/redis-executor.js';
import { startRedis, type RedisServer } from '../test/helpers/redis-server.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const outArg = argv.indexOf('--out');
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outFile = outArg >= 0 ? resolve(argv[outArg + 1]) : resolve(repoRoot, 'bench', 'results', 'cluster.json');
const SLOTS = 2;
const QUEUE = 'bench-cluster';

/** CPU seconds (user + system) of a live process from /proc/<pid>/stat, or 0 when unreadable. */
function processSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(')')[1].trim().split(/\s+/);
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime (fields 14, 15)
  } catch {
    return 0;
  }
}

/** Busy seconds of the machine, and of this process with its reaped children and the given live ones. */
function cpuSeconds(live: Array<number | undefined>): { machine: number; ours: number } | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const machine = f.reduce((s, v, i) => (i === 3 || i === 4 ? s : s + v), 0) / 100;
    const own = readFileSync('/proc/self/stat', 'utf8').split(')')[1].trim().split(/\s+/).slice(11, 15).map(Number);
    return { machine, ours: own.reduce((a, b) => a + b, 0) / 100 + live.reduce((s: number, pid) => s + processSeconds(pid), 0) };
  } catch {
    return null;
  }
}

interface Rep { executor: 'local' | 'redis'; seconds: number; jobSeconds: number; overheadPerJob: number; otherCores: number | null }

async function timeGrid(kind: Rep['executor'], executor: SweepExecutor, jobs: SweepJobSpec[], live: Array<number | undefined>): Promise<Rep> {
  const c0 = cpuSeconds(live);
  const t0 = performance.now();
  let jobSeconds = 0;
  try {
    await executor.run(jobs, {
      result: (o) => {
        if (!o.ok) throw new Error(`job ${o.id} failed: ${o.error}`);
        jobSeconds += o.seconds;
      },
    });
  } finally {
    if (kind === 'local') await executor.close(); // the pool's children are reaped: their CPU is in cutime now
  }
  const seconds = (performance.now() - t0) / 1000;
  const c1 = cpuSeconds(live);
  const otherCores = c0 && c1 ? Math.max(0, (c1.machine - c0.machine - (c1.ours - c0.ours)) / seconds) : null;
  return { executor: kind, seconds, jobSeconds, overheadPerJob: (SLOTS * seconds - jobSeconds) / jobs.length, otherCores };
}

/** `glow-trade worker` processes, resolved once each says it is ready. */
async function startWorkers(url: string, n: number): Promise<ChildProcess[]> {
  return Promise.all(Array.from({ length: n }, () => new Promise<ChildProcess>((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/run.js'), 'worker', '--redis', url, '--queue', QUEUE], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
      if (err.includes('worker ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${err}`)));
  })));
}

const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'glow-trade-bench-cluster-'));
  let server: RedisServer | undefined;
  let workers: ChildProcess[] = [];
  try {
    const path = join(dir, 'SYN_1h.csv');
    writeCandles(path, simulateMarket({ bars: 2000, seed: 11 }));
    const options = { trainBars: 1000, testBars: 250, fit: { epochs: 20, patience: 0 } };
    const market = loadMarket({ market: 'SYN_1h', path });
    const jobs = expandGrid([market], options, [], [1, 2]);
    const warmup = expandGrid([market], { ...options, fit: { epochs: 1, patience: 0 } }, [], [99]).slice(0, SLOTS);
    const url = process.env.GLOW_TRADE_BENCH_REDIS ?? (server = await startRedis()).url;
    workers = await startWorkers(url, SLOTS);
    const redis = createRedisExecutor({ url, attempts: 1, backoffMs: 0, queue: QUEUE, log: (l) => console.error(`  ${l}`) });
    await redis.run(warmup, { result: () => {} });
    const order: Array<Rep['executor']> = quick ? ['local', 'redis'] : ['local', 'redis', 'redis', 'local', 'local', 'redis'];
    console.error(`glow-trade bench:cluster: ${jobs.length} jobs (1 market × 2 seeds × ${jobs.length / 2} folds, default model, 20 epochs), ` +
      `${SLOTS} pool processes vs ${SLOTS} Redis workers, repetitions ${order.join(', ')}; ${cpus().length} cores, load average ${loadavg()[0].toFixed(2)}`);
    const reps: Rep[] = [];
    for (const kind of order) {
      const r = kind === 'local'
        ? await timeGrid(kind, createLocalExecutor({ jobs: SLOTS, attempts: 1 }), jobs, [])
        : await timeGrid(kind, redis, jobs, [...workers.map((w) => w.pid), server?.process.pid]);
      reps.push(r);
      console.error(`  ${kind}: ${r.seconds.toFixed(2)} s wall, jobs ran ${(r.jobSeconds / jobs.length).toFixed(2)} s each, ` +
        `overhead ${r.overheadPerJob.toFixed(3)} s per job; other processes used ${r.otherCores === null ? '?' : r.otherCores.toFixed(2)} cores`);
    }
    await redis.close();
    const pick = (kind: Rep['executor'], f: (r: Rep) => number) => median(reps.filter((r) => r.executor === kind).map(f));
    const wall = { local: pick('local', (r) => r.seconds), redis: pick('redis', (r) => r.seconds) };
    const perJob = { local: pick('local', (r) => r.overheadPerJob), redis: pick('redis', (r) => r.overheadPerJob) };
    const jobSeconds = pick('local', (r) => r.jobSeconds / jobs.length);
    const redisJobSeconds = pick('redis', (r) => r.jobSeconds / jobs.length);
    const extra = (perJob.redis - perJob.local) / jobSeconds;
    // Both figures: against the pool (what moving a sweep to the cluster costs) and in absolute terms
    // (the cluster's own slot time outside jobs, which the pool's process start-ups may hide).
    console.log(`cluster overhead: wall ${wall.local.toFixed(2)} s local vs ${wall.redis.toFixed(2)} s Redis (${((wall.redis / wall.local - 1) * 100).toFixed(1)}%); ` +
      `overhead per job ${perJob.local.toFixed(3)} s local, ${perJob.redis.toFixed(3)} s Redis (${((perJob.redis / redisJobSeconds) * 100).toFixed(1)}% of its ` +
      `${redisJobSeconds.toFixed(2)} s job) → against the pool the cluster adds ${(extra * 100).toFixed(1)}% of a ${jobSeconds.toFixed(2)} s job ` +
      `(target ≤ 5%) ${extra <= 0.05 ? 'met' : 'NOT met'}`);
    const out = {
      date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length,
      grid: { jobs: jobs.length, candles: 2000, ...options, seeds: [1, 2] }, slots: SLOTS, reps,
      medianWallSeconds: wall, medianOverheadPerJob: perJob, medianJobSeconds: { local: jobSeconds, redis: redisJobSeconds }, clusterExtraShareOfJob: extra, target: 0.05,
    };
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, JSON.stringify(out, null, 2));
    console.log(`wrote ${outFile}`);
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
