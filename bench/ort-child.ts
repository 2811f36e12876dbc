/**
 * @fileoverview The ONNX Runtime anchors' child process (bench/remote.ts protocol): ORT-node (CPU
 * execution provider, one session per intra-op thread count) or ORT-web (WASM execution provider;
 * its thread count is fixed per process, so one child per count). Loads the graphs that
 * bench/onnx/export_glow.py wrote and times log p at the inference batch, the inverse (sampling from
 * a given z) at the same batch and single-row log p — every call creates its input tensor, as a
 * caller would. Answers `check` with both graphs' outputs for the bench's accuracy check.
 * The ORT packages come from bench/onnx (`npm run bench:setup`), never from the root package.
 *
 * Usage: node dist/bench/ort-child.js node|web THREADS(comma-separated; one for web) ONNX_DIR INFER_BATCH
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pool } from './cases.js';
import { type BenchCase } from './cases.js';

/** The slice of the onnxruntime-common API this bench uses (the packages are optional, so untyped here). */
interface OrtTensor { data: Float32Array }
interface OrtSession { run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>> }
interface Ort {
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
  InferenceSession: { create(path: string, options: Record<string, unknown>): Promise<OrtSession> };
  env: { wasm?: { numThreads?: number }; versions?: Record<string, string> };
}

export const ONNX_PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'onnx');

export function loadOrt(kind: 'node' | 'web'): Ort {
  return createRequire(resolve(ONNX_PACKAGE_DIR, 'package.json'))(`onnxruntime-${kind}`) as Ort;
}

async function main(): Promise<void> {
  const [kind, threadsArg, dir, batchArg] = process.argv.slice(2) as ['node' | 'web', string, string, string];
  const threads = threadsArg.split(',').map(Number);
  const B = Number(batchArg);
  const ort = loadOrt(kind);
  if (kind === 'web') ort.env.wasm!.numThreads = threads[0];
  const sessions = await Promise.all(threads.map(async (T) => {
    const options = kind === 'node'
      ? { executionProviders: ['cpu'], intraOpNumThreads: T, interOpNumThreads: 1 }
      : { executionProviders: ['wasm'] };
    return {
      T,
      logprob: await ort.InferenceSession.create(resolve(dir, 'logprob.onnx'), options),
      inverse: await ort.InferenceSession.create(resolve(dir, 'inverse.onnx'), options),
    };
  }));
  const D = 16;
  const x = pool(B, D, 1), z = pool(B, D, 5), row = x.slice(0, D);
  const engine = `ort-${kind}`;
  type Case = Omit<BenchCase, 'run' | 'reset' | 'flopsPerSample'> & { call: () => Promise<unknown> };
  const cases: Case[] = [];
  for (const s of sessions) {
    cases.push({ engine, task: 'logprob', batch: B, threads: s.T, call: () => s.logprob.run({ x: new ort.Tensor('float32', x, [B, D]) }) });
    cases.push({ engine, task: 'sample', batch: B, threads: s.T, call: () => s.inverse.run({ z: new ort.Tensor('float32', z, [B, D]) }) });
  }
  const one = sessions.reduce((a, b) => (a.T <= b.T ? a : b));
  cases.push({ engine, task: 'logprob-1row', batch: 1, threads: one.T, call: () => one.logprob.run({ x: new ort.Tensor('float32', row, [1, D]) }) });
  const send = (msg: unknown) => process.stdout.write(`${JSON.stringify(msg)}\n`);
  send({ ready: true, cases: cases.map(({ call: _c, ...c }, id) => ({ id, ...c, flopsPerSample: 0 })), meta: { versions: ort.env.versions } });
  for await (const line of createInterface({ input: process.stdin })) {
    const msg = JSON.parse(line) as { op: string; id?: number; seconds?: number; x?: number[]; z?: number[]; rows?: number };
    try {
      if (msg.op === 'quit') break;
      if (msg.op === 'check') {
        const n = msg.rows!;
        const lp = await one.logprob.run({ x: new ort.Tensor('float32', Float32Array.from(msg.x!), [n, D]) });
        const inv = await one.inverse.run({ z: new ort.Tensor('float32', Float32Array.from(msg.z!), [n, D]) });
        send({ logp: Array.from(lp.logp.data), inverse: Array.from(inv.x.data) });
        continue;
      }
      const c = cases[msg.id!];
      let calls = 0;
      const t0 = performance.now();
      let elapsed = 0;
      do {
        await c.call();
        calls++;
        elapsed = (performance.now() - t0) / 1000;
      } while (elapsed < msg.seconds!);
      send({ rate: (calls * c.batch) / elapsed, calls });
    } catch (err) {
      send({ error: (err as Error).message });
    }
  }
  process.exit(0); // ORT-web's worker threads would keep the process alive
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
