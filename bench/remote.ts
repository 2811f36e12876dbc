/**
 * @fileoverview Benchmark engines that live in a child process (the PyTorch anchor, ONNX Runtime
 * native and web) and whose repetitions the bench interleaves with its own, one case at a time, so
 * that drift of the shared host hits every engine alike. The child speaks JSON lines: it announces
 * `{ready, cases, meta}`, then answers `{op: 'run', id, seconds}` with `{rate, calls}` after timing
 * back-to-back calls of that case for at least `seconds` (it is otherwise idle), and may answer
 * other requests of its own (e.g. `check`). Its pid lets bench/load.ts count its CPU time as ours.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { BenchCase } from './cases.js';

/** A case a child process times: the runner awaits `timed(seconds)` → samples/s. */
export interface RemoteCase extends Omit<BenchCase, 'run' | 'reset'> {
  timed: (seconds: number) => Promise<number>;
  pid: number;
}

interface CaseMeta { id: number; engine: string; task: BenchCase['task']; batch: number; threads: number; flopsPerSample: number }

export class RemoteEngine {
  private pending: { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void } | null = null;
  private stderrTail = '';
  private exited: string | null = null;

  private constructor(private readonly child: ChildProcess, readonly name: string) {
    child.stderr!.setEncoding('utf8').on('data', (s: string) => { this.stderrTail = (this.stderrTail + s).slice(-4000); });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const p = this.pending;
      this.pending = null;
      if (!p) return;
      try {
        const msg = JSON.parse(line) as Record<string, unknown>;
        if (typeof msg.error === 'string') p.reject(new Error(`${name}: ${msg.error}`));
        else p.resolve(msg);
      } catch {
        p.reject(new Error(`${name} wrote a line that is not JSON: ${line.slice(0, 200)}`));
      }
    });
    child.on('exit', (code, signal) => {
      this.exited = `${name} exited (${signal ?? code}): ${this.stderrTail.trim().slice(-1500)}`;
      this.pending?.reject(new Error(this.exited));
      this.pending = null;
    });
  }

  /** Start `command args` and wait for its `ready` line (the child builds its cases first). */
  static async start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env):
    Promise<{ engine: RemoteEngine; cases: RemoteCase[]; meta: Record<string, unknown> }> {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const engine = new RemoteEngine(child, name);
    const ready = await engine.next();
    const cases = (ready.cases as CaseMeta[]).map(({ id, ...c }): RemoteCase => ({
      ...c, pid: child.pid!, timed: async (seconds) => Number((await engine.request({ op: 'run', id, seconds })).rate),
    }));
    return { engine, cases, meta: (ready.meta ?? {}) as Record<string, unknown> };
  }

  get pid(): number {
    return this.child.pid!;
  }

  private next(): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    return new Promise((resolve, reject) => { this.pending = { resolve, reject }; });
  }

  /** One request, one answer (requests are never concurrent). */
  request(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    const answer = this.next();
    this.child.stdin!.write(`${JSON.stringify(msg)}\n`);
    return answer;
  }

  close(): void {
    if (this.exited) return;
    this.child.stdin!.end(`${JSON.stringify({ op: 'quit' })}\n`);
    const t = setTimeout(() => this.child.kill(), 5000);
    t.unref();
  }
}
