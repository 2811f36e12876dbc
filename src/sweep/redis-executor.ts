/**
 * @fileoverview The cluster executor of `glow-trade sweep --redis URL`: the coordinator's half of a
 * BullMQ sweep (`glow-trade worker` is the other half, src/sweep/redis-worker.ts).
 *
 * - Each distinct candle file goes to Redis once, keyed by its content hash (redis-data.ts); jobs
 *   carry only their spec.
 * - Each job is enqueued with BullMQ jobId = the sweep job id, so enqueuing twice is a no-op, with
 *   `attempts` tries and exponential backoff. Stalled jobs (a worker killed mid-job) go back to the
 *   queue through the workers' stalled-job checks.
 * - Outcomes are collected from BullMQ's completed and failed sets — woken by QueueEvents, and on a
 *   timer in case an event is lost across a reconnect — and each job id is handed to `on.result`
 *   at most once (a Set guards it), then the finished job is removed from Redis. A job whose
 *   outcome was written but not yet removed when the coordinator died is in results.csv, so the
 *   restarted sweep does not ask for it again; its leftover is harmless.
 * - A restarted coordinator resumes: jobs already completed in Redis (finished while no coordinator
 *   ran) are collected without running again, jobs waiting or running are left alone, jobs that
 *   ended failed in an earlier run are retried with fresh attempts (as a local rerun would).
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import type { RedisExecutorOptions as SweepRedisOptions, SweepExecutor } from './executor.js';
import type { SweepJobOutcome, SweepJobSpec } from './job.js';
import { connectionOptions, DEFAULT_QUEUE, QUEUE_PREFIX, badQueueName, badRedisUrl, reachRedis, redactedUrl } from './redis-connection.js';
import { publishCandleData, type DataClient } from './redis-data.js';
import type { RedisJobResult } from './redis-worker.js';

/** C3's options (url, attempts, backoffMs, queue) and the cluster's own. */
export interface RedisExecutorOptions extends SweepRedisOptions {
  /**
   * How workers get candle data: "redis" (default) stores each file's bytes once in Redis; "shared"
   * stores nothing and workers read each job's `dataPath`, which must then be the same file on every
   * machine (a shared file system).
   */
  data?: 'redis' | 'shared';
  /** How often the coordinator also looks for finished jobs without being told (default 1000 ms). */
  pollMs?: number;
  /**
   * How often every outstanding job's state is checked (default 30 s): a job Redis lost (a restart
   * without persistence, a flushed database) is enqueued again instead of being waited for forever.
   */
  auditMs?: number;
  /** How long to wait for Redis to answer at the start (default 10 s). */
  connectTimeoutMs?: number;
  /** Where notices go (no workers, resumed or lost jobs); default stderr. */
  log?: (line: string) => void;
}

/** Ids per Redis round trip when asking for many jobs' states. */
const BATCH = 500;

/** After this long with jobs waiting and no worker connected, say so once. */
const NO_WORKER_NOTICE_MS = 15_000;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The outcome of a finished BullMQ job, or null when it is not finished. Its attempts are the runs
 * that started — a run cut short by a dead worker included, as the local pool counts a dead process.
 */
function outcomeOf(job: Job, state: string): SweepJobOutcome | null {
  const id = job.id!;
  const attempts = Math.max(job.attemptsMade, job.attemptsStarted ?? 0);
  if (state === 'completed') {
    const r = job.returnvalue as RedisJobResult;
    return { id, ok: true, row: r.row, seconds: r.seconds, attempts };
  }
  if (state === 'failed') return { id, ok: false, error: job.failedReason || 'failed without a reason', attempts };
  return null;
}

export function createRedisExecutor(options: RedisExecutorOptions): SweepExecutor {
  const urlProblem = badRedisUrl(options.url);
  if (urlProblem) throw new Error(urlProblem);
  const name = options.queue ?? DEFAULT_QUEUE;
  const nameProblem = badQueueName(name);
  if (nameProblem) throw new Error(nameProblem);
  if (!Number.isInteger(options.attempts) || options.attempts < 1) throw new Error(`attempts must be a whole number ≥ 1, got ${options.attempts}`);
  if (!(options.backoffMs >= 0)) throw new Error(`backoffMs must be ≥ 0, got ${options.backoffMs}`);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const pollMs = options.pollMs ?? 1000;
  const connection = connectionOptions(options.url);
  let queue: Queue | undefined;
  let events: QueueEvents | undefined;
  let stop: (() => void) | undefined;
  let closed = false;

  async function run(jobs: SweepJobSpec[], on: Parameters<SweepExecutor['run']>[1]): Promise<void> {
    if (closed) throw new Error('the Redis executor is closed');
    // Connection trouble is reported by the calls that fail; an unheard 'error' event would crash the process.
    queue ??= new Queue(name, { connection, prefix: QUEUE_PREFIX }).on('error', () => {});
    await reachRedis(queue.waitUntilReady(), options.url, options.connectTimeoutMs);
    // Only once Redis answers: QueueEvents.close() waits forever for a connection that never came.
    events ??= new QueueEvents(name, { connection, prefix: QUEUE_PREFIX }).on('error', () => {});
    await reachRedis(events.waitUntilReady(), options.url, options.connectTimeoutMs);
    const q = queue;
    // BullMQ's client is an ioredis instance; its declared type lists only the commands BullMQ itself uses.
    const client = (await q.client) as unknown as DataClient;

    const pending = new Map<string, SweepJobSpec>();
    for (const job of jobs) pending.set(job.id, job);
    if (pending.size === 0) return;
    const counted = new Set<string>();
    let done = 0, failed = 0;

    /** Candle data of `specs` into Redis (each file once; a no-op for files already there) unless workers read a shared path. */
    async function publish(specs: Iterable<SweepJobSpec>): Promise<void> {
      if ((options.data ?? 'redis') !== 'redis') return;
      const files = new Map<string, string>();
      for (const spec of specs) files.set(spec.dataHash, spec.dataPath);
      await publishCandleData(client, [...files].map(([hash, path]) => ({ hash, path })));
    }
    await publish(pending.values());

    const jobOptions = {
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs },
      removeOnComplete: false,
      removeOnFail: false,
    };
    /**
     * Enqueue the outstanding jobs Redis does not know; with `retryFailed`, also give jobs left failed
     * by an earlier run fresh attempts. Returns how many jobs were in each state.
     */
    async function reconcile(retryFailed: boolean): Promise<Record<string, number>> {
      const ids = [...pending.keys()].filter((id) => !counted.has(id));
      const seen: Record<string, number> = {};
      const toAdd: SweepJobSpec[] = [];
      for (const batch of chunks(ids, BATCH)) {
        const states = await Promise.all(batch.map((id) => q.getJobState(id)));
        for (let i = 0; i < batch.length; i++) {
          if (counted.has(batch[i])) continue;
          seen[states[i]] = (seen[states[i]] ?? 0) + 1;
          // A job collected meanwhile is removed from Redis, so it reads 'unknown' too: `counted` tells them apart.
          if (states[i] === 'unknown' && !counted.has(batch[i])) toAdd.push(pending.get(batch[i])!);
          else if (states[i] === 'failed' && retryFailed) await (await Job.fromId(q, batch[i]))?.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        }
      }
      if (!retryFailed && toAdd.length > 0) await publish(toAdd); // Redis lost them: it may have lost their data too
      for (const batch of chunks(toAdd, BATCH)) {
        await q.addBulk(batch.map((spec) => ({ name: 'sweep-job', data: spec, opts: { ...jobOptions, jobId: spec.id } })));
      }
      return seen;
    }

    // What Redis already knows about these ids (a restarted coordinator, or another sweep's leftovers).
    const before = await reconcile(true);
    const known = pending.size - (before.unknown ?? 0);
    if (known > 0) {
      const finishedBefore = before.completed ?? 0, failedBefore = before.failed ?? 0;
      log(`queue ${name}: ${finishedBefore} of these jobs already finished, ${known - finishedBefore - failedBefore} still queued or running, ${failedBefore} failed before and retried`);
    }

    let running = 0;
    const report = () => on.progress?.({ done, failed, left: pending.size, running: Math.min(running, pending.size) });

    /** Hand a finished job to on.result once, then remove it from Redis. */
    async function collect(job: Job, state: string): Promise<void> {
      const id = job.id!;
      if (closed || !pending.has(id) || counted.has(id)) return; // after close() nothing more is reported
      const outcome = outcomeOf(job, state);
      if (!outcome) return;
      counted.add(id);
      await on.result(outcome);
      if (outcome.ok) done++;
      else failed++;
      pending.delete(id);
      await job.remove().catch(() => {}); // already gone, or locked by a late duplicate: either way nothing to collect
      report();
    }

    // One collection pass at a time; a request while one runs makes exactly one more run after it.
    let passing: Promise<void> | null = null, again = false;
    async function pass(): Promise<void> {
      for (const state of ['completed', 'failed'] as const) {
        const listed = (await q.getRanges([state], 0, -1)).filter((id) => pending.has(id) && !counted.has(id));
        for (const batch of chunks(listed, BATCH)) {
          const found = await Promise.all(batch.map((id) => Job.fromId(q, id)));
          for (const job of found) if (job) await collect(job, state);
        }
      }
      running = await q.getActiveCount(); // a job just finished may still be listed: report() clamps it to the jobs left
      report();
    }
    function wake(): Promise<void> {
      if (passing) {
        again = true;
        return passing;
      }
      passing = (async () => {
        if (closed) return;
        do {
          again = false;
          await pass();
        } while (again && pending.size > 0);
      })().finally(() => { passing = null; });
      return passing;
    }

    let noticeAt = Date.now() + NO_WORKER_NOTICE_MS;
    let auditAt = Date.now() + (options.auditMs ?? 30_000);
    await new Promise<void>((resolve, reject) => {
      let finished = false;
      const finish = (err?: unknown) => {
        if (finished) return;
        finished = true;
        clearInterval(timer);
        events!.off('completed', onEvent);
        events!.off('failed', onEvent);
        stop = undefined;
        if (err) reject(err);
        else resolve();
      };
      const step = () => wake().then(async () => {
        if (pending.size === 0) return finish();
        if (Date.now() > auditAt) {
          auditAt = Infinity; // overlapping steps: one audit at a time
          const lost = (await reconcile(false)).unknown ?? 0;
          if (lost > 0) log(`queue ${name}: ${lost} outstanding jobs were gone from Redis (restarted without persistence, or flushed?) and were enqueued again`);
          auditAt = Date.now() + (options.auditMs ?? 30_000);
        }
        if (noticeAt && Date.now() > noticeAt) {
          noticeAt = 0;
          // CLIENT LIST (how BullMQ counts workers) is disabled on some managed Redis services: then say nothing.
          const idle = (await q.getWaitingCount()) > 0 && (await q.getWorkersCount().catch(() => -1)) === 0;
          if (idle) log(`no worker is connected to queue ${name} at ${redactedUrl(options.url)}: start some with \`glow-trade worker --redis URL --queue ${name}\``);
        }
      }, finish);
      const onEvent = () => { void step(); };
      const timer = setInterval(step, pollMs);
      events!.on('completed', onEvent);
      events!.on('failed', onEvent);
      stop = () => finish();
      void step();
    });
  }

  async function close(): Promise<void> {
    closed = true;
    stop?.();
    await Promise.all([events?.close(), queue?.close()]);
  }

  return { run, close };
}
