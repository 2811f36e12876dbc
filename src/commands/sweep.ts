/**
 * @fileoverview `glow-trade sweep`: walk-forward research at scale — every market × configuration
 * variant × seed × fold is one deterministic job (src/sweep), run on a local pool of processes or,
 * with --redis, on BullMQ workers; rows go to one results CSV (resumable), and a JSON summary gives
 * per market the median and spread across seeds and the stitched out-of-sample result.
 */
import { availableParallelism } from 'node:os';
import { Flags } from '@oclif/core';
import { GlowCommand } from '../cli/base-command.js';
import { costFlags, backtestSettings, decimal } from '../cli/flags.js';
import { fitFlags, fitSettings, modelShape, modelShapeFlags } from '../cli/train-flags.js';
import { canonicalPath, refuseOutputClash } from '../cli/paths.js';
import { candleFiles, type CandleFile } from '../data/candle-files.js';
import type { RedisExecutorModule, SweepExecutor, SweepProgress } from '../sweep/executor.js';
import { expandGrid, loadMarket, type SweepMarket, type SweepVariant } from '../sweep/grid.js';
import type { SweepJobOptions, SweepJobOutcome, SweepJobSpec } from '../sweep/job.js';
import { createLocalExecutor } from '../sweep/local-executor.js';
import { isResultsFile, readResults, writeResults, type ResultRow } from '../sweep/results-csv.js';
import { summarizeResults, type MarketSummary } from '../sweep/summary.js';
import { parseVariants } from '../sweep/variants.js';
import { badQueueName, badRedisUrl } from '../sweep/redis-connection.js';

/** Where the Redis executor lives; a variable, so a build without it still compiles. */
const REDIS_EXECUTOR = '../sweep/redis-executor.js';

export interface SweepSummary {
  output: string;
  executor: 'local' | 'redis';
  parallel: number | null;
  jobs: { total: number; skipped: number; ran: number; done: number; failed: number };
  seconds: number;
  failed: Array<{ job: string; market: string; variant: string; seed: number; fold: number; error: string; attempts: number }>;
  markets: MarketSummary[];
}

export default class Sweep extends GlowCommand {
  static override summary = 'Walk-forward sweep: markets × variants × seeds × folds as jobs on every core (or a Redis cluster).';
  static override description =
    'Each job trains and tests ONE walk-forward fold of one market with one seed and one configuration variant, ' +
    'single-threaded; its id hashes the data file\'s content, the configuration, the seed, the fold and the variant. ' +
    'Rows are written to --output as jobs finish (the file is replaced atomically each time); jobs whose id is ' +
    'already there are skipped, so an interrupted sweep resumes where it stopped. A failing job is retried ' +
    '(--attempts), then reported with its error while the others go on. See docs/sweep.md.';
  static override examples = [
    '<%= config.bin %> sweep --dir data/ --seeds 1,2,3 --train-bars 8760 --test-bars 720 --epochs 20 --output results.csv',
    '<%= config.bin %> sweep --data btc.csv,eth.csv --seeds 1,2 --variants variants.json --train-bars 4000 --test-bars 500 --output r.csv --jobs 2 --json',
    '<%= config.bin %> sweep --dir data/ --seeds 1,2,3 --train-bars 8760 --test-bars 720 --output r.csv --redis redis://10.0.0.5:6379',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    data: Flags.string({ char: 'd', summary: 'Candle CSV files, comma-separated (a directory in the list stands for its .csv files).', exactlyOne: ['data', 'dir'] }),
    dir: Flags.string({ summary: 'A directory of candle CSV files, one market per file.', exactlyOne: ['data', 'dir'] }),
    seeds: Flags.string({ summary: 'Seeds, comma-separated.', default: '1' }),
    variants: Flags.string({ summary: 'Configuration variants: a JSON file, or inline JSON (see docs/sweep.md).' }),
    output: Flags.string({ char: 'o', summary: 'Results CSV (created, or resumed when it exists).', required: true }),
    jobs: Flags.integer({ char: 'j', summary: 'Jobs at once on the local pool (default: the cores).', min: 1, max: 256 }),
    attempts: Flags.integer({ summary: 'Attempts per job before it is reported failed.', default: 2, min: 1, max: 20 }),
    redis: Flags.string({ summary: 'Run the jobs on BullMQ workers through this Redis (redis://host:port).' }),
    'backoff-ms': Flags.integer({ summary: 'With --redis: first retry delay (exponential backoff).', default: 1000, min: 0 }),
    queue: Flags.string({ summary: 'With --redis: queue name.' }),
    'train-bars': Flags.integer({ summary: 'Candles of the (first) training window.', min: 22, required: true }),
    'test-bars': Flags.integer({ summary: 'Bars tested per fold.', min: 1, required: true }),
    step: Flags.integer({ summary: 'Bars between fold starts (default --test-bars).', min: 1 }),
    window: Flags.string({ summary: 'Training window.', options: ['expanding', 'rolling'], default: 'expanding' }),
    ...fitFlags(),
    'validation-fraction': Flags.string({ summary: "Share of each fold's training rows used for validation.", default: '0.15' }),
    ...modelShapeFlags(),
    strategy: Flags.string({ char: 's', summary: 'Strategy name.', default: 'glow' }),
    conditional: Flags.boolean({ summary: 'Train forecasters and trade the forecast strategy.' }),
    ...costFlags(),
  };

  async run(): Promise<SweepSummary> {
    const { flags } = await this.parse(Sweep);
    const usage = (message: string): never => this.error(message, { exit: 2 });
    // a mistyped --redis or --queue is a usage error, found before any planning or connection
    const badRedis = (flags.redis !== undefined ? badRedisUrl(flags.redis) : null) ?? (flags.queue !== undefined ? badQueueName(flags.queue) : null);
    if (badRedis) usage(badRedis);
    let files: CandleFile[] = [];
    try {
      files = candleFiles((flags.data ?? flags.dir)!);
    } catch (err) {
      usage((err as Error).message);
    }
    // A results file kept in the markets' directory is not a market (a resumed sweep lists it there).
    if (flags.dir) files = files.filter((f) => !(canonicalPath(f.path) === canonicalPath(flags.output) && isResultsFile(f.path)));
    refuseOutputClash(this, [{ flag: 'output', path: flags.output }], files.map((f) => ({ flag: flags.data ? 'data' : 'dir', path: f.path })));
    const seeds = parseSeeds(flags.seeds, usage);
    const { capital, fee, slippage } = backtestSettings(this, flags);
    const base: SweepJobOptions = {
      trainBars: flags['train-bars'], testBars: flags['test-bars'], step: flags.step, window: flags.window as 'expanding' | 'rolling',
      validationFraction: decimal(this, 'validation-fraction', flags['validation-fraction'], (v) => v > 0 && v < 1, 'a number in (0, 1)'),
      fit: fitSettings(this, flags),
      model: modelShape(flags),
      strategy: flags.strategy, fee, slippage, capital, conditional: flags.conditional || undefined,
    };
    let variants: SweepVariant[] = [];
    let markets: SweepMarket[] = [];
    let jobs: SweepJobSpec[] = [];
    let existing: ResultRow[] = [];
    try {
      if (flags.variants) variants = parseVariants(flags.variants);
      markets = files.map(loadMarket);
      jobs = expandGrid(markets, base, variants, seeds);
      existing = readResults(flags.output);
    } catch (err) {
      usage((err as Error).message);
    }

    const rows = new Map<string, Record<string, string | number>>(existing.map((r) => [r.job, r]));
    const order = jobs.map((j) => j.id);
    const todo = jobs.filter((j) => !rows.has(j.id));
    const skipped = jobs.length - todo.length;
    const parallel = flags.redis ? null : Math.min(flags.jobs ?? availableParallelism(), Math.max(1, todo.length));
    stderrLine(`sweep: ${markets.length} market(s) × ${Math.max(1, variants.length)} variant(s) × ${seeds.length} seed(s) → ${jobs.length} jobs` +
      `${skipped ? `, ${skipped} already in ${flags.output}` : ''}; ${todo.length} to run ` +
      (flags.redis ? `through ${flags.redis}` : `on ${parallel} process(es)`));

    const failed: SweepSummary['failed'] = [];
    const byId = new Map(jobs.map((j) => [j.id, j]));
    const t0 = performance.now();
    let finished = 0;
    const onResult = (o: SweepJobOutcome) => {
      finished++;
      const job = byId.get(o.id);
      if (!job) return;
      if (o.ok) {
        rows.set(o.id, { ...o.row, seconds: Number(o.seconds.toFixed(3)), attempts: o.attempts });
        writeResults(flags.output, rows.values(), order);
      } else {
        failed.push({ job: o.id, market: job.market, variant: job.variant, seed: job.seed, fold: job.fold, error: o.error, attempts: o.attempts });
        stderrLine(`sweep: job ${o.id} (${job.market} ${job.variant} seed ${job.seed} fold ${job.fold}) failed after ${o.attempts} attempt(s): ${o.error}`);
      }
    };
    const onProgress = (p: SweepProgress) => {
      const elapsed = (performance.now() - t0) / 1000;
      const eta = finished > 0 ? (elapsed / finished) * p.left : NaN;
      stderrLine(`sweep: ${skipped + p.done}/${jobs.length} done, ${p.failed} failed, ${p.left} left, ${p.running} running, ` +
        `elapsed ${duration(elapsed)}, ETA ${p.left === 0 ? '0 s' : duration(eta)}`);
    };

    if (todo.length > 0) {
      const executor = flags.redis
        ? await this.redisExecutor({ url: flags.redis, attempts: flags.attempts, backoffMs: flags['backoff-ms'], queue: flags.queue })
        : createLocalExecutor({ jobs: parallel!, attempts: flags.attempts });
      try {
        await executor.run(todo, { result: onResult, progress: onProgress });
      } finally {
        await executor.close();
      }
    }
    const ids = new Set(order);
    const inGrid = readResults(flags.output).filter((r) => ids.has(r.job));
    const summary: SweepSummary = {
      output: flags.output, executor: flags.redis ? 'redis' : 'local', parallel,
      jobs: { total: jobs.length, skipped, ran: todo.length, done: inGrid.length - skipped, failed: failed.length },
      seconds: Number(((performance.now() - t0) / 1000).toFixed(3)),
      failed, markets: summarizeResults(inGrid),
    };
    if (!this.jsonEnabled()) this.printHuman(summary);
    if (failed.length > 0) {
      this.warn(`${failed.length} job(s) failed; run the same command again to retry them (finished jobs are skipped)`);
      process.exitCode = 1;
    }
    return summary;
  }

  private async redisExecutor(options: { url: string; attempts: number; backoffMs: number; queue?: string }): Promise<SweepExecutor> {
    let mod: RedisExecutorModule;
    try {
      mod = (await import(REDIS_EXECUTOR)) as RedisExecutorModule;
    } catch (err) {
      return this.error(`--redis: the Redis executor cannot be loaded (${(err as Error).message})`, { exit: 1 });
    }
    return mod.createRedisExecutor(options);
  }

  private printHuman(s: SweepSummary): void {
    const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${(100 * v).toFixed(2)}%`);
    const fix = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(2));
    this.log(`${s.jobs.total} jobs: ${s.jobs.skipped} already done, ${s.jobs.done} done now, ${s.jobs.failed} failed, in ${duration(s.seconds)} → ${s.output}`);
    for (const m of s.markets) {
      const r = m.stitched.totalReturn, sh = m.stitched.sharpe;
      this.log(`${m.market} [${m.variant}] ${m.seeds} seed(s) × ${m.folds.length} fold(s): stitched return median ${pct(r?.median)} ` +
        `(${pct(r?.min)} … ${pct(r?.max)}), Sharpe median ${fix(sh?.median)} (${fix(sh?.min)} … ${fix(sh?.max)}); ` +
        `folds distinguishable from noise ${pct(m.perFold.distinguishableShare)}` +
        (m.incomplete.length ? `; incomplete seeds: ${m.incomplete.map((x) => x.seed).join(', ')}` : ''));
    }
  }
}

/** "1,2,3" → [1, 2, 3]: distinct non-negative integers. */
function parseSeeds(text: string, usage: (m: string) => never): number[] {
  const seeds = text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const v = Number(s);
    if (!/^\d+$/.test(s) || !Number.isSafeInteger(v)) usage(`--seeds must be non-negative integers separated by commas, got "${s}" in "${text}"`);
    return v;
  });
  if (seeds.length === 0) usage(`--seeds names no seed: "${text}"`);
  if (new Set(seeds).size !== seeds.length) usage(`--seeds repeats a seed: "${text}"`);
  return seeds;
}

/** 75 → "1 m 15 s". */
function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} m ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} m`;
}

/** Progress and failures go to stderr even with --json (stdout stays the JSON document). */
function stderrLine(text: string): void {
  process.stderr.write(`${text}\n`);
}
