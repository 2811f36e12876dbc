/**
 * @fileoverview The PyTorch anchor (../shared/anchors/torch_glow.py) as a benchmark opponent: its
 * own `--bench` run (OpenBLAS selected, as its header asks) plus a single-row log p latency probe.
 * Optional: skipped with a reason when /usr/bin/python3 cannot import torch or the anchor is absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

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

/** Why the anchor cannot run here, or null if it can. */
export function torchUnavailable(anchor: string): string | null {
  if (!existsSync(anchor)) return `anchor not found at ${anchor}`;
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'torch is not importable by /usr/bin/python3 (apt-get install python3-torch)';
  return null;
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

const LATENCY_PROBE = `
import importlib.util, json, sys, time, statistics, torch
spec = importlib.util.spec_from_file_location('tg', sys.argv[1]); tg = importlib.util.module_from_spec(spec); spec.loader.exec_module(tg)
torch.set_num_threads(1); torch.manual_seed(0)
m = tg.Glow(16, 3, 4, 64)
with torch.no_grad(): m.log_prob(torch.randn(4096, 16))
m.eval(); x = torch.randn(1, 16)
class LP(torch.nn.Module):
    def __init__(s, m): super().__init__(); s.m = m
    def forward(s, x): return s.m.log_prob(x)
with torch.no_grad(): jit = torch.jit.freeze(torch.jit.trace(LP(m).eval(), x))
def lat(f):
    out = []
    for _ in range(7):
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < 0.3:
            with torch.no_grad(): f(x)
            n += 1
        out.append((time.perf_counter() - t0) / n * 1e6)
    return statistics.median(out)
print(json.dumps({'eager': lat(m.log_prob), 'jit': lat(jit)}))
`;

/** Run the anchor's benchmark (JSON on stdout) and the single-row probe. */
export function runTorch(anchor: string, opts: { threads: number[]; trainBatches: number[]; inferBatch: number; reps: number; repSeconds: number }): TorchResult {
  const args = [
    anchor, '--bench', '--threads', opts.threads.join(','), '--train-batches', opts.trainBatches.join(','),
    '--infer-batch', String(opts.inferBatch), '--reps', String(opts.reps), '--rep-seconds', String(opts.repSeconds),
    '--breakdown-seconds', '0', '--wait-budget', '120',
  ];
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', env: anchorEnv(), cwd: dirname(anchor), maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`torch anchor failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  const json = JSON.parse(r.stdout);
  const p = spawnSync(PYTHON, ['-c', LATENCY_PROBE, anchor], { encoding: 'utf8', env: anchorEnv() });
  const oneRowLatencyUs = p.status === 0 ? JSON.parse(p.stdout.trim().split('\n').pop()!) : null;
  return {
    rows: json.rows,
    oneRowLatencyUs,
    meta: { torch: json.meta?.torch_version, openblas: json.meta?.openblas, cpu: json.meta?.cpu, method: json.meta?.method?.statistic },
  };
}
