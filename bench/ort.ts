/**
 * @fileoverview The ONNX Runtime anchors, host side: whether they can run here (bench/onnx installed
 * by `npm run bench:setup`, and torch for the export), exporting one of our models to ONNX with
 * bench/onnx/export_glow.py (same weights, fused ActNorm·1×1 constants, opset 14, dynamic batch),
 * starting the ORT-node / ORT-web children (bench/ort-child.ts) and checking their outputs against
 * ours and torch's. Tolerance of the check: |a − b| ≤ max(1e-3, 1e-4·|b|) per element — float32
 * engines summing in different orders through 12 steps of exp/tanh stay well inside it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Glow } from '../src/model/glow.js';
import { ONNX_PACKAGE_DIR } from './ort-child.js';
import { RemoteEngine, type RemoteCase } from './remote.js';
import { PYTHON, pythonTorchUnavailable } from './torch.js';

const CHILD = resolve(dirname(fileURLToPath(import.meta.url)), 'ort-child.js');
const EXPORTER = resolve(ONNX_PACKAGE_DIR, 'export_glow.py');

/** Why the ORT anchors cannot run here, or null if they can. */
export function ortUnavailable(): string | null {
  for (const p of ['onnxruntime-node', 'onnxruntime-web']) {
    if (!existsSync(resolve(ONNX_PACKAGE_DIR, 'node_modules', p, 'package.json'))) {
      return `${p} is not installed in bench/onnx (run \`npm run bench:setup\` once)`;
    }
  }
  return pythonTorchUnavailable();
}

export interface ExportResult {
  rows: number;
  x: Float32Array;
  z: Float32Array;
  torch: { source: 'anchor' | 'wrapper'; logp: number[]; inverse: number[]; wrapperVsAnchor?: Record<string, number>; version: string };
}

/** Export `glow` to dir/logprob.onnx and dir/inverse.onnx; torch's outputs on the check inputs come back. */
export function exportOnnx(glow: Glow, dir: string, x: Float32Array, z: Float32Array, anchor: string | null): ExportResult {
  const D = glow.features;
  const rows = x.length / D;
  const toRows = (a: Float32Array) => Array.from({ length: rows }, (_, i) => Array.from(a.subarray(i * D, (i + 1) * D)));
  const { features: dim, levels, steps, hidden, coupling } = glow.layout.config;
  if (coupling !== 'affine') throw new Error(`export_glow.py exports affine couplings only (this model: ${coupling})`);
  const params = {
    config: { dim, levels, steps, hidden },
    tensors: Object.entries(glow.namedParameters()).map(([name, t]) => ({ name, shape: t.shape, data: Array.from(t.data) })),
    check: { x: toRows(x), z: toRows(z) },
  };
  const file = resolve(dir, 'params.json');
  writeFileSync(file, JSON.stringify(params));
  const r = spawnSync(PYTHON, [EXPORTER, file, dir, ...(anchor ? ['--anchor', anchor] : [])], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`ONNX export failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  const out = JSON.parse(r.stdout);
  return { rows, x, z, torch: { source: out.source, logp: out.logp, inverse: out.inverse, wrapperVsAnchor: out.wrapperVsAnchor, version: out.torch } };
}

/** Start one ORT child: `node` (sessions for every thread count) or `web` (exactly one count). */
export async function startOrt(kind: 'node' | 'web', threads: number[], dir: string, batch: number, flopsPerSample: number):
  Promise<{ engine: RemoteEngine; cases: RemoteCase[]; meta: Record<string, unknown> }> {
  const started = await RemoteEngine.start(`ORT-${kind}`, process.execPath, [CHILD, kind, threads.join(','), dir, String(batch)]);
  for (const c of started.cases) c.flopsPerSample = flopsPerSample;
  return started;
}

/** Largest deviation from `ref` in units of the tolerance (≤ 1 passes) and in absolute terms. */
export function deviation(a: ArrayLike<number>, ref: ArrayLike<number>): { maxAbs: number; worst: number } {
  if (a.length !== ref.length) throw new Error(`length ${a.length} ≠ ${ref.length}`);
  let maxAbs = 0, worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - ref[i]);
    maxAbs = Math.max(maxAbs, Number.isNaN(d) ? Infinity : d);
    worst = Math.max(worst, Number.isNaN(d) ? Infinity : d / Math.max(1e-3, 1e-4 * Math.abs(ref[i])));
  }
  return { maxAbs, worst };
}

export interface OrtCheck {
  engine: string;
  logpVsOurs: { maxAbs: number; worst: number };
  inverseVsOurs: { maxAbs: number; worst: number };
  logpVsTorch: { maxAbs: number; worst: number };
  inverseVsTorch: { maxAbs: number; worst: number };
  ok: boolean;
}

/** Run the check inputs through an ORT child and compare with ours (glow) and torch's (exported). */
export async function checkOrt(engine: RemoteEngine, glow: Glow, e: ExportResult): Promise<OrtCheck> {
  const out = await engine.request({ op: 'check', rows: e.rows, x: Array.from(e.x), z: Array.from(e.z) });
  const logp = out.logp as number[], inverse = out.inverse as number[];
  const c = {
    engine: engine.name,
    logpVsOurs: deviation(logp, glow.logProb(e.x)),
    inverseVsOurs: deviation(inverse, glow.decode(e.z)),
    logpVsTorch: deviation(logp, e.torch.logp),
    inverseVsTorch: deviation(inverse, e.torch.inverse),
  };
  return { ...c, ok: [c.logpVsOurs, c.inverseVsOurs, c.logpVsTorch, c.inverseVsTorch].every((d) => d.worst <= 1) };
}
