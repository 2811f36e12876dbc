/**
 * @fileoverview The seam between a sweep and what runs its jobs (contract C3): the local pool of
 * child processes (local-executor.ts) and the BullMQ/Redis executor (redis-executor.ts, loaded only
 * for `--redis`) both implement `SweepExecutor`. An executor runs every job it is given, retries a
 * failing one, and reports each job exactly once through `on.result` — success with its row, or
 * failure with its error after the last attempt; the coordinator writes the results file.
 */
import type { SweepJobOutcome, SweepJobSpec } from './job.js';

export interface SweepProgress { done: number; failed: number; left: number; running: number }

export interface SweepExecutor {
  run(jobs: SweepJobSpec[], on: {
    result(o: SweepJobOutcome): void | Promise<void>;
    progress?(p: SweepProgress): void;
  }): Promise<void>;
  close(): Promise<void>;
}

/** Options of `createRedisExecutor` in redis-executor.ts (owner: wt-cluster). */
export interface RedisExecutorOptions {
  url: string;
  /** Attempts per job, first one included. */
  attempts: number;
  /** First retry delay (exponential backoff). */
  backoffMs: number;
  queue?: string;
}

/** The shape of redis-executor.ts, loaded by `import()` so that a local sweep never loads bullmq. */
export interface RedisExecutorModule {
  createRedisExecutor(options: RedisExecutorOptions): SweepExecutor | Promise<SweepExecutor>;
}
