/**
 * @fileoverview The forecaster's part of the bench printout (issue 12, item 5): training and log p
 * samples/s and the per-bar risk case's scenario draws per second on one and two threads, each
 * task's model-FLOP utilisation beside the GLOW's matching task from the same run (same gemm
 * roofline), and the two targets with met / not met: forecaster MFU ≥ 80 % of the GLOW's, and two
 * threads ≥ 1.8× one thread.
 */
import type { Measured, Target } from './report.js';

const fmtRate = (v: number | null | undefined) => (v == null ? '—' : Math.round(v).toLocaleString('en'));
const fmtX = (v: number | null) => (v == null ? '—' : `${v.toFixed(2)}×`);
const fmtPct = (v: number | null) => (v == null ? '—' : `${(100 * v).toFixed(0)} %`);

/** The GLOW task each forecaster task is held against (same batch; the draws against its sampling). */
const ROWS = [
  { name: 'forecaster train (samples/s)', task: 'fc-train', batch: 256, glow: 'train', glowBatch: 256 },
  { name: 'forecaster train (samples/s)', task: 'fc-train', batch: 1024, glow: 'train', glowBatch: 1024 },
  { name: 'forecaster log p (samples/s)', task: 'fc-logprob', batch: 4096, glow: 'logprob', glowBatch: 4096 },
  { name: 'scenario draws/s (4,096 ctx × 256)', task: 'fc-draws', batch: 4096 * 256, glow: 'sample', glowBatch: 4096 },
] as const;

export const MFU_SHARE_GOAL = 0.8;
export const SCALING_GOAL = 1.8;

/** Print the forecaster table and targets; returns its ratios and targets for the JSON file. */
export function reportForecaster(m: Measured[], label: string, roofline: number) {
  const find = (task: string, batch: number, threads: number) =>
    m.find((r) => r.engine === label && r.task === task && r.batch === batch && r.threads === threads);
  const mfu = (r: Measured | undefined, threads: number) => (r ? r.gflops / (threads * roofline) : null);
  const ratios: Record<string, number | null> = {};
  const targets: Target[] = [];
  const target = (name: string, value: number | null, goal: number) =>
    targets.push({ target: name, value, goal, met: value == null ? false : value >= goal });
  console.log('\nThe forecaster (H = 20, C = 20, E = 16, hidden 64, L = 3, K = 4, Student-t), same run, same roofline:');
  console.log('\n| task | batch | WASM 1 thr | WASM 2 thr | 2 thr ÷ 1 thr | MFU 1 thr | MFU 2 thr | GLOW task | GLOW MFU 1 thr | GLOW MFU 2 thr | MFU ÷ GLOW 1 thr | MFU ÷ GLOW 2 thr |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const row of ROWS) {
    const one = find(row.task, row.batch, 1), two = find(row.task, row.batch, 2);
    const g1 = find(row.glow, row.glowBatch, 1), g2 = find(row.glow, row.glowBatch, 2);
    const r = {
      scaling: one && two ? two.samplesPerSecond / one.samplesPerSecond : null,
      mfu1: mfu(one, 1), mfu2: mfu(two, 2), glowMfu1: mfu(g1, 1), glowMfu2: mfu(g2, 2),
      mfuShare1: null as number | null, mfuShare2: null as number | null,
    };
    r.mfuShare1 = r.mfu1 != null && r.glowMfu1 ? r.mfu1 / r.glowMfu1 : null;
    r.mfuShare2 = r.mfu2 != null && r.glowMfu2 ? r.mfu2 / r.glowMfu2 : null;
    const key = `${row.task}/B${row.batch}`;
    for (const [k, v] of Object.entries(r)) ratios[`${key}/${k}`] = v;
    const batch = row.task === 'fc-draws' ? '4096×256' : String(row.batch);
    console.log(`| ${row.name} | ${batch} | ${fmtRate(one?.samplesPerSecond)} | ${fmtRate(two?.samplesPerSecond)} | ${fmtX(r.scaling)} | ` +
      `${fmtPct(r.mfu1)} | ${fmtPct(r.mfu2)} | ${row.glow} B${row.glowBatch} | ${fmtPct(r.glowMfu1)} | ${fmtPct(r.glowMfu2)} | ` +
      `${fmtPct(r.mfuShare1)} | ${fmtPct(r.mfuShare2)} |`);
    const what = `${row.name.replace(/ \(.*\)$/, '')} B=${batch}`;
    target(`${what}, MFU 1 thread ÷ GLOW ${row.glow} B=${row.glowBatch}`, r.mfuShare1, MFU_SHARE_GOAL);
    target(`${what}, MFU 2 threads ÷ GLOW ${row.glow} B=${row.glowBatch}`, r.mfuShare2, MFU_SHARE_GOAL);
    target(`${what}, 2 threads ÷ 1 thread`, r.scaling, SCALING_GOAL);
  }
  console.log('\nFLOPs as the GLOW cases count them: matmul only, training = 3 × forward (forecasterForwardFlops: context net, ' +
    'every step\'s 1×1 and coupling with fc1 of width da + E, prior net); a scenario draw = the flow\'s inverse plus the ' +
    'context and prior nets ÷ 256 (computed once per context row).');
  console.log('\nTargets of issue 12, item 5 (ratios from this run):');
  for (const t of targets) {
    console.log(`  ${t.met ? 'met    ' : 'NOT met'}  ${t.target}: ${t.value == null ? '—' : t.value.toFixed(2)} (goal ≥ ${t.goal})`);
  }
  return { ratios, targets };
}
