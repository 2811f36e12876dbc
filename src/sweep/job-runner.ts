/**
 * @fileoverview Entry point of one local pool slot (`child_process.fork`ed by local-executor.ts): it
 * runs the jobs its parent sends, one at a time and single-threaded, and answers each with its row
 * or its error. It exits when the parent disconnects (the sweep ended, or the parent died).
 */
import type { SweepJobSpec } from './job.js';
import { runSweepJob } from './job.js';
import { loadJobCandles } from './load-job-candles.js';

/**
 * Test seam: `GLOW_TRADE_SWEEP_CRASH` = comma list of job ids or markets whose runner process exits
 * (code 70) in the middle of the job — what an out-of-memory kill looks like to the pool.
 */
export const CRASH_ENV = 'GLOW_TRADE_SWEEP_CRASH';

export type RunnerRequest = { spec: SweepJobSpec };
export type RunnerReply =
  | { id: string; ok: true; row: Record<string, string | number>; seconds: number }
  | { id: string; ok: false; error: string };

async function handle({ spec }: RunnerRequest): Promise<RunnerReply> {
  const t0 = performance.now();
  const crash = (process.env[CRASH_ENV] ?? '').split(',').map((x) => x.trim());
  if (crash.includes(spec.id) || crash.includes(spec.market)) process.exit(70);
  try {
    const row = await runSweepJob(spec, loadJobCandles(spec));
    return { id: spec.id, ok: true, row, seconds: (performance.now() - t0) / 1000 };
  } catch (err) {
    return { id: spec.id, ok: false, error: (err as Error)?.message ?? String(err) };
  }
}

process.on('message', (msg: RunnerRequest) => {
  void handle(msg).then((reply) => process.send!(reply));
});
process.on('disconnect', () => process.exit(0));
