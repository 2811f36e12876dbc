/**
 * @fileoverview The default sweep executor: a pool of `jobs` child processes (job-runner.ts), one
 * single-threaded job per process at a time. Processes, not worker threads: a job that crashes or
 * runs the wasm out of memory takes down only its slot, which is replaced. A failing attempt — an
 * error, or the process dying — is retried (after the jobs already queued) until `attempts` are
 * used, then reported with its last error; the other jobs go on. Each job is reported once.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SweepExecutor, SweepProgress } from './executor.js';
import type { SweepJobOutcome, SweepJobSpec } from './job.js';
import type { RunnerReply } from './job-runner.js';

export interface LocalExecutorOptions {
  /** Processes (default 1). */
  jobs?: number;
  /** Attempts per job, the first included (default 2). */
  attempts?: number;
  /** Environment of the runner processes (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

const RUNNER = fileURLToPath(new URL('./job-runner.js', import.meta.url));

interface Slot { child: ChildProcess; job: SweepJobSpec | null }

export function createLocalExecutor(options: LocalExecutorOptions = {}): SweepExecutor {
  const size = Math.max(1, Math.floor(options.jobs ?? 1));
  const maxAttempts = Math.max(1, Math.floor(options.attempts ?? 2));
  const slots = new Set<Slot>();

  const spawn = (): Slot => {
    // execArgv [] : the parent's flags (a test runner's loaders, --inspect) are not the runner's.
    const child = fork(RUNNER, [], { env: options.env ?? process.env, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const slot: Slot = { child, job: null };
    slots.add(slot);
    return slot;
  };

  return {
    run(jobs, on) {
      if (slots.size > 0) throw new Error('a local executor runs one sweep at a time');
      const queue = [...jobs];
      const attempts = new Map<string, number>();
      let done = 0, failed = 0, running = 0;
      const total = jobs.length;
      if (total === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        let settled = false;
        const report = async (o: SweepJobOutcome) => {
          if (o.ok) done++; else failed++;
          await on.result(o);
          on.progress?.({ done, failed, left: total - done - failed, running });
          if (done + failed === total && !settled) { settled = true; resolve(); }
        };
        const fail = (err: unknown) => { if (!settled) { settled = true; reject(err); } };
        /** An attempt ended without a row: retry later, or report the job failed. */
        const attemptFailed = (job: SweepJobSpec, error: string) => {
          const n = attempts.get(job.id)!;
          if (n < maxAttempts) queue.push(job);
          else report({ id: job.id, ok: false, error, attempts: n }).catch(fail);
        };
        const next = (slot: Slot) => {
          const job = queue.shift();
          slot.job = job ?? null;
          if (!job) return;
          running++;
          attempts.set(job.id, (attempts.get(job.id) ?? 0) + 1);
          slot.child.send({ spec: job });
        };
        const attach = (slot: Slot) => {
          slot.child.on('message', (reply: RunnerReply) => {
            const job = slot.job;
            if (!job || reply.id !== job.id) return;
            running--;
            slot.job = null;
            if (reply.ok) {
              report({ id: job.id, ok: true, row: reply.row, seconds: reply.seconds, attempts: attempts.get(job.id)! }).catch(fail);
            } else {
              attemptFailed(job, reply.error);
            }
            next(slot);
            wake();
          });
          slot.child.on('exit', (code, signal) => {
            slots.delete(slot);
            const job = slot.job;
            if (!job || settled) return;
            running--;
            slot.job = null;
            attemptFailed(job, `job runner process exited (${signal ? `signal ${signal}` : `code ${code}`}) during the job`);
            const fresh = spawn();
            attach(fresh);
            next(fresh);
            wake();
          });
        };
        /** Idle slots take retried jobs (a retry may be queued after every other slot went idle). */
        const wake = () => { for (const s of slots) if (!s.job && queue.length > 0) next(s); };
        for (let i = 0; i < Math.min(size, total); i++) attach(spawn());
        wake();
      });
    },
    async close() {
      const exits = [...slots].map((s) => new Promise<void>((resolve) => {
        if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
        s.child.once('exit', () => resolve());
        if (s.child.connected) s.child.disconnect(); else s.child.kill();
      }));
      await Promise.all(exits);
      slots.clear();
    },
  };
}

export type { SweepProgress };
