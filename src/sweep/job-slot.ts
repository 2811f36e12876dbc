/**
 * @fileoverview One job at a time in a long-lived worker thread (job-thread.ts). The thread starts
 * on first use and serves every later job, so the wasm engine is compiled once per slot, not once
 * per job. A thread that dies mid-job (out of memory, a crash in native code) rejects that job and
 * is replaced on the next one.
 */
import { Worker } from 'node:worker_threads';
import type { Candles } from '../data/candles.js';
import type { SweepJobSpec } from './job.js';
import type { JobThreadReply } from './job-thread.js';

export class JobSlot {
  private thread: Worker | null = null;
  private busy = false;

  /** Run `spec` on `candles` in this slot's thread; rejects with the job's own error message. */
  async run(spec: SweepJobSpec, candles: Candles): Promise<Record<string, string | number>> {
    if (this.busy) throw new Error('JobSlot.run: the slot is already running a job');
    this.busy = true;
    const thread = (this.thread ??= new Worker(new URL('./job-thread.js', import.meta.url)));
    try {
      const reply = await new Promise<JobThreadReply>((resolve, reject) => {
        const onMessage = (m: JobThreadReply) => { off(); resolve(m); };
        const onError = (err: Error) => { off(); this.thread = null; reject(err); };
        const onExit = (code: number) => { off(); this.thread = null; reject(new Error(`the job thread exited with code ${code} during job ${spec.id}`)); };
        const off = () => { thread.off('message', onMessage); thread.off('error', onError); thread.off('exit', onExit); };
        thread.on('message', onMessage).on('error', onError).on('exit', onExit);
        thread.postMessage({ spec, candles });
      });
      if (!reply.ok) {
        const err = new Error(reply.error);
        if (reply.stack) err.stack = reply.stack;
        throw err;
      }
      return reply.row;
    } finally {
      this.busy = false;
    }
  }

  /** Stop the thread (a job running in it is abandoned). */
  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = null;
    await thread?.terminate();
  }
}
