/**
 * @fileoverview The worker's half of a Redis sweep (`glow-trade worker`): a BullMQ Worker that takes
 * sweep jobs from the queue and runs each, single-threaded, in a job thread (job-slot.ts) — one slot
 * per unit of concurrency — so this process's event loop stays free to renew job locks.
 *
 * Failure handling is BullMQ's: a job that throws is retried with the coordinator's attempts and
 * backoff, then left failed with its error. A worker that dies (SIGKILL, a lost machine) stops
 * renewing its lock; once the lock expires (`lockDurationMs`), the stalled-job check of any live
 * worker (every `stalledIntervalMs`) puts the job back in the queue — up to `maxStalledCount` times,
 * after which it is failed as "stalled more than allowable limit". BullMQ accepts a job's result
 * only from the holder of its current lock, so a job re-run after a stall still finishes once.
 */
import { Worker, type Job } from 'bullmq';
import type { SweepJobSpec } from './job.js';
import { JobSlot } from './job-slot.js';
import { CandleDataCache, type DataClient } from './redis-data.js';
import { connectionOptions, DEFAULT_QUEUE, QUEUE_PREFIX, badQueueName, badRedisUrl, reachRedis } from './redis-connection.js';

/** What a worker stores as a completed job's return value. */
export interface RedisJobResult {
  row: Record<string, string | number>;
  /** Wall seconds of the job itself (data fetch excluded). */
  seconds: number;
}

export interface SweepWorkerOptions {
  url: string;
  queue?: string;
  /** Jobs run at once, each in its own thread (default 1). */
  concurrency?: number;
  /**
   * How long a job's lock lasts without renewal (renewed every half of it). A killed worker's job
   * is retried at most about lockDuration + 2 × stalledInterval after the kill.
   */
  lockDurationMs?: number;
  /** How often this worker looks for other workers' stalled jobs. */
  stalledIntervalMs?: number;
  /** How many times a job may stall before it is failed instead of retried. */
  maxStalledCount?: number;
  /** Progress lines (job started, done, failed); default stderr. */
  log?: (line: string) => void;
}

export const WORKER_DEFAULTS = { concurrency: 1, lockDurationMs: 60_000, stalledIntervalMs: 30_000, maxStalledCount: 2 } as const;

export interface SweepWorker {
  /** Stop taking jobs. Graceful (default): wait for the running ones to finish. Forced: abandon them (their locks expire and they are retried elsewhere). */
  close(force?: boolean): Promise<void>;
  /** Jobs this worker finished, by outcome. */
  readonly counts: { completed: number; failed: number };
}

export async function startSweepWorker(options: SweepWorkerOptions): Promise<SweepWorker> {
  const problem = badRedisUrl(options.url) ?? badQueueName(options.queue ?? DEFAULT_QUEUE);
  if (problem) throw new Error(problem);
  const o = { ...WORKER_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const slots = Array.from({ length: o.concurrency }, () => new JobSlot());
  const free = [...slots];
  const counts = { completed: 0, failed: 0 };
  let cache: CandleDataCache | undefined;

  const processor = async (job: Job): Promise<RedisJobResult> => {
    const spec = job.data as SweepJobSpec;
    const slot = free.pop();
    if (!slot) throw new Error('no free job slot (concurrency exceeded)'); // BullMQ never runs more than `concurrency` at once
    try {
      log(`job ${spec.id} started: ${spec.market} seed ${spec.seed} fold ${spec.fold} ${spec.variant} (attempt ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1}${job.attemptsStarted > job.attemptsMade + 1 ? `, run ${job.attemptsStarted}: an earlier run stalled` : ''})`);
      const candles = await cache!.get(spec);
      const t0 = performance.now();
      const row = await slot.run(spec, candles);
      return { row, seconds: (performance.now() - t0) / 1000 };
    } finally {
      free.push(slot);
    }
  };

  const worker = new Worker(options.queue ?? DEFAULT_QUEUE, processor, {
    connection: connectionOptions(options.url),
    prefix: QUEUE_PREFIX,
    concurrency: o.concurrency,
    lockDuration: o.lockDurationMs,
    stalledInterval: o.stalledIntervalMs,
    maxStalledCount: o.maxStalledCount,
    autorun: false,
  });
  let lastError = '';
  worker.on('error', (err) => {
    // ioredis repeats the same connection error on every retry; one line per distinct error.
    if (err.message !== lastError) log(`worker: ${err.message}`);
    lastError = err.message;
  });
  worker.on('completed', (job, result: RedisJobResult) => {
    counts.completed++;
    log(`job ${job.id} done in ${result.seconds.toFixed(1)} s`);
  });
  worker.on('failed', (job, err) => {
    const attempts = job?.opts.attempts ?? 1;
    const final = !job || job.attemptsMade >= attempts;
    if (final) counts.failed++;
    log(`job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'} of ${attempts}${final ? ', giving up' : ', will retry'}): ${err.message}`);
  });
  try {
    await reachRedis(worker.waitUntilReady(), options.url);
  } catch (err) {
    await worker.close(true).catch(() => {}); // stop ioredis reconnecting forever in the background
    throw err;
  }
  cache = new CandleDataCache((await worker.client) as unknown as DataClient);
  void worker.run().catch((err) => log(`worker stopped: ${(err as Error).message}`));

  return {
    counts,
    async close(force = false) {
      await worker.close(force);
      await Promise.all(slots.map((s) => s.close()));
    },
  };
}
