/**
 * @fileoverview Entry point of a job thread (started by src/sweep/job-slot.ts): runs one sweep job
 * per message and posts back its row or its error. A job trains models in wasm for seconds to
 * minutes without yielding; running it here keeps the event loop of the process that started it
 * free — for a `glow-trade worker`, free to renew BullMQ's job locks, so a long job is not taken
 * for a stalled one.
 */
import { parentPort } from 'node:worker_threads';
import { runSweepJob, type SweepJobSpec } from './job.js';
import type { Candles } from '../data/candles.js';

export type JobThreadRequest = { spec: SweepJobSpec; candles: Candles };
export type JobThreadReply = { ok: true; row: Record<string, string | number> } | { ok: false; error: string; stack?: string };

parentPort!.on('message', async ({ spec, candles }: JobThreadRequest) => {
  let reply: JobThreadReply;
  try {
    reply = { ok: true, row: await runSweepJob(spec, candles) };
  } catch (err) {
    const e = err as Error;
    reply = { ok: false, error: e instanceof Error ? e.message : String(err), stack: e instanceof Error ? e.stack : undefined };
  }
  parentPort!.postMessage(reply);
});
