/**
 * @fileoverview `npm run bench:sweep`: throughput of the local sweep pool with 1 and with 2 job
 * processes on the same grid (issue 15 target: ≥ 1.8× with 2). The grid is a synthetic market
 * (5,000 hourly candles, 4 walk-forward folds of 500 bars) × 2 seeds = 8 jobs of the default model
 * trained for 20 epochs (patience 20: every epoch runs), each single-threaded; a repetition is the whole grid's wall time, from the
 * first job sent to the last row back (process start-up included: it is part of a sweep's cost).
 * Repetitions alternate 1, 2, 2, 1, … so drift in the machine's load hits both; the ratio is of the
 * medians. Each repetition also reports the cores other processes used meanwhile (/proc/stat minus
 * this process and its children), since the figure means little on a busy machine.
 *
 * Options: --quick (one repetition each), --out <file> (JSON; default bench/results/sweep.json).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeCandles } from '../src/data/candles-csv.js';
import { simulateMarket } from '../src/data/synthetic.js';
import { expandGrid, loadMarket } from '../src/sweep/grid.js';
import { createLocalExecutor } from '../src/sweep/local-executor.js';
import type { SweepJobSpec } from '../src/sweep/job.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const outArg = argv.indexOf('--out');
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outFile = outArg >= 0 ? resolve(argv[outArg + 1]) : resolve(repoRoot, 'bench', 'results', 'sweep.json');

/** Busy CPU seconds of the machine and of this process plus its reaped children (Linux), or null. */
function cpuSeconds(): { machine: number; ours: number } | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const machine = f.reduce((s, v, i) => (i === 3 || i === 4 ? s : s + v), 0) / 100;
    // /proc/self/stat fields 14–17: utime stime cutime cstime (after the ")" of the command name)
    const own = readFileSync('/proc/self/stat', 'utf8').split(')')[1].trim().split(/\s+/).slice(11, 15).map(Number);
    return { machine, ours: own.reduce((a, b) => a + b, 0) / 100 };
  } catch {
    return null;
  }
}

async function timeGrid(jobs: SweepJobSpec[], n: number): Promise<{ seconds: number; cpuSeconds: number | null; otherCores: number | null; failed: number }> {
  const ex = createLocalExecutor({ jobs: n, attempts: 1 });
  const c0 = cpuSeconds();
  const t0 = performance.now();
  let failed = 0;
  try {
    await ex.run(jobs, { result: (o) => { if (!o.ok) { failed++; console.error(`  job ${o.id} failed: ${o.error}`); } } });
  } finally {
    await ex.close(); // children reaped: their CPU time is in cutime/cstime now
  }
  const seconds = (performance.now() - t0) / 1000;
  const c1 = cpuSeconds();
  const otherCores = c0 && c1 ? Math.max(0, (c1.machine - c0.machine - (c1.ours - c0.ours)) / seconds) : null;
  return { seconds, cpuSeconds: c0 && c1 ? c1.ours - c0.ours : null, otherCores, failed };
}

const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'glow-trade-bench-sweep-'));
  try {
    const path = join(dir, 'SYN_1h.csv');
    writeCandles(path, simulateMarket({ bars: 5000, seed: 11 }));
    const options = { trainBars: 3000, testBars: 500, fit: { epochs: 20, patience: 20 } };
    const jobs = expandGrid([loadMarket({ market: 'SYN_1h', path })], options, [], [1, 2]);
    const order = quick ? [1, 2] : [1, 2, 2, 1, 1, 2];
    console.error(`glow-trade bench:sweep: ${jobs.length} jobs (1 market × 2 seeds × ${jobs.length / 2} folds, default model, 20 epochs), ` +
      `repetitions with ${order.join(', ')} processes; ${cpus().length} cores, load average ${loadavg()[0].toFixed(2)}`);
    const reps: Array<{ processes: number; seconds: number; jobsPerSecond: number; cpuSeconds: number | null; otherCores: number | null }> = [];
    for (const n of order) {
      const r = await timeGrid(jobs, n);
      if (r.failed) throw new Error(`${r.failed} job(s) failed`);
      reps.push({ processes: n, seconds: r.seconds, jobsPerSecond: jobs.length / r.seconds, cpuSeconds: r.cpuSeconds, otherCores: r.otherCores });
      console.error(`  ${n} process(es): ${r.seconds.toFixed(2)} s, ${(jobs.length / r.seconds).toFixed(3)} jobs/s, ` +
        `CPU ${r.cpuSeconds === null ? '?' : r.cpuSeconds.toFixed(2)} s (sweep + runners), ` +
        `other processes used ${r.otherCores === null ? '?' : r.otherCores.toFixed(2)} cores`);
    }
    const t1 = median(reps.filter((r) => r.processes === 1).map((r) => r.seconds));
    const t2 = median(reps.filter((r) => r.processes === 2).map((r) => r.seconds));
    const ratio = t1 / t2;
    // CPU per job with 1 and 2 processes: equal means the jobs do not slow each other down (no shared
    // bottleneck), so on two otherwise idle cores the wall-time ratio can approach 2.
    const cpu = (n: number) => median(reps.filter((r) => r.processes === n && r.cpuSeconds !== null).map((r) => r.cpuSeconds!));
    const cpuRatio = cpu(2) / cpu(1);
    const busy = median(reps.map((r) => r.otherCores ?? 0));
    console.log(`CPU per grid: 1 process ${cpu(1).toFixed(2)} s, 2 processes ${cpu(2).toFixed(2)} s (ratio ${cpuRatio.toFixed(3)}); ` +
      `other processes used a median ${busy.toFixed(2)} of ${cpus().length} cores during the repetitions` +
      (busy > 0.25 ? ' — the wall-time ratio is not a measurement of the pool on this busy machine' : ''));
    console.log(`sweep throughput: 1 process ${(jobs.length / t1).toFixed(3)} jobs/s, 2 processes ${(jobs.length / t2).toFixed(3)} jobs/s → ` +
      `${ratio.toFixed(2)}× (target ≥ 1.8×) ${ratio >= 1.8 ? 'met' : 'NOT met'}`);
    const out = {
      date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length,
      grid: { jobs: jobs.length, candles: 5000, ...options, seeds: [1, 2] }, reps, medianSeconds: { 1: t1, 2: t2 }, speedup: ratio, target: 1.8, cpuSecondsRatio: cpuRatio, otherCoresMedian: busy,
    };
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, JSON.stringify(out, null, 2));
    console.log(`wrote ${outFile}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
