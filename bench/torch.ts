/**
 * @fileoverview The PyTorch anchor (../shared/anchors/torch_glow.py) as a benchmark opponent: its
 * own benchmark cases served by a child process (bench/torch_server.py) whose repetitions the bench
 * interleaves with ours, with OpenBLAS selected and its AVX-512 kernels where the CPU has them.
 * Optional: skipped with a reason when /usr/bin/python3 cannot import torch or the anchor is absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RemoteEngine, type RemoteCase } from './remote.js';
import type { Measured } from './report.js';

export interface TorchRow {
  threads: number;
  task: string;
  engine: string;
  batch: number;
  samples_per_s: number;
  gflop_per_s: number;
}

export interface TorchResult {
  rows: TorchRow[];
  oneRowLatencyUs: { eager: number; jit: number } | null;
  meta: Record<string, unknown>;
}

export const PYTHON = '/usr/bin/python3';
const OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-openmp';

export function anchorPath(repoRoot: string): string {
  return resolve(repoRoot, '..', 'shared', 'anchors', 'torch_glow.py');
}

/** Why /usr/bin/python3 cannot run torch, or null if it can. */
export function pythonTorchUnavailable(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'torch is not importable by /usr/bin/python3 (apt-get install python3-torch)';
  return null;
}

/** Why the anchor cannot run here, or null if it can. */
export function torchUnavailable(anchor: string): string | null {
  if (!existsSync(anchor)) return `anchor not found at ${anchor}`;
  return pythonTorchUnavailable();
}

/** Does this CPU have AVX-512 (Linux /proc/cpuinfo lists avx512f)? */
export function cpuHasAvx512(): boolean {
  try {
    return /\bavx512f\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

/**
 * The anchor's environment, at its best: OpenBLAS selected (Debian's torch is unfair without it)
 * and, where the CPU has AVX-512, OpenBLAS's SkylakeX (AVX-512) kernels as the anchor's header asks.
 * A machine may set OPENBLAS_CORETYPE (e.g. Haswell = AVX2) and OPENBLAS_L2_SIZE for older OpenBLAS
 * builds; both are replaced for the anchor's processes only. The anchor's JSON records the kernels
 * that really ran (openblas.corename), which the bench prints.
 */
export function anchorEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...(existsSync(OPENBLAS) ? { LD_LIBRARY_PATH: OPENBLAS } : {}) };
  if (cpuHasAvx512()) {
    env.OPENBLAS_CORETYPE = 'SkylakeX';
    delete env.OPENBLAS_L2_SIZE;
  }
  return { ...env, ...extra };
}

const SERVER = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'torch_server.py');

/**
 * Start the anchor as a child process (bench/torch_server.py) that builds the anchor's own
 * benchmark cases — training (eager and flat-Adam TorchScript), log p and sampling (eager and
 * frozen TorchScript), single-row log p — and times one case per request, so the bench interleaves
 * its repetitions with ours.
 */
export function startTorch(anchor: string, opts: { threads: number[]; trainBatches: number[]; inferBatch: number }):
  Promise<{ engine: RemoteEngine; cases: RemoteCase[]; meta: Record<string, unknown> }> {
  return RemoteEngine.start('PyTorch anchor', PYTHON, [SERVER, anchor, opts.threads.join(','), opts.trainBatches.join(','), String(opts.inferBatch)], anchorEnv());
}

/** The anchor's figures in the shape of its own --bench rows (engine without the `torch-` prefix). */
export function torchResult(measured: Measured[], meta: Record<string, unknown>): TorchResult {
  const mine = measured.filter((m) => m.engine.startsWith('torch-'));
  const rows = mine.filter((m) => m.task !== 'logprob-1row').map((m) => ({
    threads: m.threads, task: m.task, engine: m.engine.slice('torch-'.length), batch: m.batch,
    samples_per_s: m.samplesPerSecond, gflop_per_s: m.gflops,
  }));
  const lat = (engine: string) => mine.find((m) => m.task === 'logprob-1row' && m.engine === engine)?.usPerCall;
  const eager = lat('torch-eager'), jit = lat('torch-jit_frozen');
  return { rows, oneRowLatencyUs: eager != null && jit != null ? { eager, jit } : null, meta };
}
