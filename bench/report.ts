/**
 * @fileoverview The bench's printout: the table of issue 6 (our engine on one and two threads, the
 * f64 TypeScript reference, the PyTorch anchor's best engine per thread count), the ratios, the
 * model-FLOP utilisation against the gemm roofline of the same run, each target of the issue with
 * met / not met, and (reportSteadiness, printed last) how steady the host was: the gemm case's spread over
 * its rounds and the cases that ran next to other processes' work.
 */
import type { BenchCase } from './cases.js';
import type { TorchResult, TorchRow } from './torch.js';

export interface Measured extends Omit<BenchCase, 'run' | 'reset'> {
  samplesPerSecond: number;
  repRates: number[];
  gflops: number;
  usPerCall: number;
  /** CPU cores other processes used during each repetition (null where unmeasurable). */
  otherProcessesCores: (number | null)[];
}

export interface Target {
  target: string;
  value: number | null;
  goal: number;
  met: boolean | null;
}

const fmtRate = (v: number | null | undefined) => (v == null ? '—' : Math.round(v).toLocaleString('en'));
const fmtX = (v: number | null) => (v == null ? '—' : `${v.toFixed(2)}×`);
const fmtPct = (v: number | null) => (v == null ? '—' : `${(100 * v).toFixed(0)} %`);

/** Print everything; returns the ratios and targets for the JSON file. */
export function reportTable(m: Measured[], torch: TorchResult | null, torchNote: string | null, label: string) {
  const find = (engine: string, task: string, batch: number, threads = 1) =>
    m.find((r) => r.engine === engine && r.task === task && r.batch === batch && r.threads === threads);
  const roofline = find(label, 'gemm', 256)!.gflops;
  const anchorBest = (task: string, batch: number, threads: number): TorchRow | null => {
    const rows = (torch?.rows ?? []).filter((r) => r.task === task && r.batch === batch && r.threads === threads);
    return rows.length ? rows.reduce((a, b) => (a.samples_per_s > b.samples_per_s ? a : b)) : null;
  };
  const lat = torch?.oneRowLatencyUs ? Math.min(torch.oneRowLatencyUs.eager, torch.oneRowLatencyUs.jit) : null;
  const rows: [string, string, number][] = [['train', 'train', 256], ['train', 'train', 1024], ['log p', 'logprob', 4096], ['sampling', 'sample', 4096]];
  const ratios: Record<string, number | null> = {};
  console.log('\n| task | batch | WASM 1 thr | WASM 2 thr | TS f64 ref | anchor 1 thr (best) | anchor 2 thr (best) | 1 thr ÷ anchor 1 thr | 2 thr ÷ anchor 1 thr | 2 thr ÷ 1 thr | 1 thr ÷ TS | MFU 1 thr | MFU 2 thr |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [name, task, batch] of rows) {
    const one = find(label, task, batch, 1), two = find(label, task, batch, 2);
    const ref = find('ts-f64-reference', task, 256);
    const a1 = anchorBest(task, batch, 1), a2 = anchorBest(task, batch, 2);
    const r = {
      vsAnchor1: one && a1 ? one.samplesPerSecond / a1.samples_per_s : null,
      vsAnchor2: two && a1 ? two.samplesPerSecond / a1.samples_per_s : null,
      scaling: one && two ? two.samplesPerSecond / one.samplesPerSecond : null,
      vsReference: one && ref ? one.samplesPerSecond / ref.samplesPerSecond : null,
      mfu1: one ? one.gflops / roofline : null,
      mfu2: two ? two.gflops / (2 * roofline) : null,
    };
    for (const [k, v] of Object.entries(r)) ratios[`${task}/B${batch}/${k}`] = v;
    console.log(`| ${name} (samples/s) | ${batch} | ${fmtRate(one?.samplesPerSecond)} | ${fmtRate(two?.samplesPerSecond)} | ${fmtRate(ref?.samplesPerSecond)} | ` +
      `${a1 ? `${fmtRate(a1.samples_per_s)} (${a1.engine})` : '—'} | ${a2 ? `${fmtRate(a2.samples_per_s)} (${a2.engine})` : '—'} | ` +
      `${fmtX(r.vsAnchor1)} | ${fmtX(r.vsAnchor2)} | ${fmtX(r.scaling)} | ${fmtX(r.vsReference)} | ${fmtPct(r.mfu1)} | ${fmtPct(r.mfu2)} |`);
  }
  const row1 = find(label, 'logprob-1row', 1), ref1 = find('ts-f64-reference', 'logprob-1row', 1);
  const latRatio = row1 && lat ? lat / row1.usPerCall : null;
  ratios['logprob-1row/anchorLatencyUs'] = lat;
  ratios['logprob-1row/latencyVsAnchor'] = latRatio;
  ratios['logprob-1row/vsReference'] = row1 && ref1 ? ref1.usPerCall / row1.usPerCall : null;
  console.log(`| log p, one row (latency µs) | 1 | ${row1 ? row1.usPerCall.toFixed(2) : '—'} | (not sharded) | ${ref1 ? ref1.usPerCall.toFixed(1) : '—'} | ` +
    `${lat == null ? '—' : lat.toFixed(1)} | — | ${latRatio == null ? '—' : `${latRatio.toFixed(0)}× lower`} | — | — | ` +
    `${ratios['logprob-1row/vsReference'] == null ? '—' : `${ratios['logprob-1row/vsReference']!.toFixed(0)}× lower`} | — | — |`);
  console.log(`\nMFU = achieved GFLOP/s (matmul FLOPs as the anchor counts them) ÷ (threads × ${roofline.toFixed(1)} GFLOP/s, ` +
    `the ${label} gemm roofline at 256×64×64 on one core, measured in this run).`);
  const simd = m.filter((r) => r.engine === 'wasm-simd' && r.engine !== label && r.task !== 'gemm');
  if (simd.length) {
    console.log(`plain-SIMD build, one thread: ${simd.map((r) => `${r.task} B${r.batch} ${fmtRate(r.samplesPerSecond)}/s`).join(', ')}; ` +
      `its gemm roofline ${find('wasm-simd', 'gemm', 256)?.gflops.toFixed(1)} GFLOP/s.`);
  }
  const targets = checkTargets(ratios, torch !== null);
  console.log('\nTargets of issue 6 (ratios from this run):');
  for (const t of targets) {
    console.log(`  ${t.met === null ? 'n/a    ' : t.met ? 'met    ' : 'NOT met'}  ${t.target}: ${t.value == null ? '—' : t.value.toFixed(2)} (goal ≥ ${t.goal})`);
  }
  if (torch) {
    console.log('\nPyTorch anchor, every engine (same machine, same run):');
    for (const r of torch.rows) console.log(`  threads=${r.threads} ${r.task.padEnd(8)} ${r.engine.padEnd(14)} B=${String(r.batch).padStart(5)}: ${fmtRate(r.samples_per_s)} samples/s (${r.gflop_per_s.toFixed(1)} GFLOP/s)`);
  } else console.log(`\nPyTorch anchor: ${torchNote}`);
  return { ratios, targets, rooflineGflops: roofline };
}

/**
 * How steady the host was (printed last, after every table, the forecaster's included): the spread
 * of the gemm case over its rounds, and the cases that ran next to other processes' work.
 */
export function reportSteadiness(m: Measured[], label: string, ratios: Record<string, number | null>): void {
  const find = (engine: string, task: string, batch: number, threads = 1) =>
    m.find((r) => r.engine === engine && r.task === task && r.batch === batch && r.threads === threads);
  // The host's speed drifts without any process to show for it (shared CPUs, clocks): the gemm case,
  // the same fixed work in every round, measures that drift across the run.
  const gemm = find(label, 'gemm', 256);
  if (gemm && gemm.repRates.length > 1) {
    const lo = Math.min(...gemm.repRates), hi = Math.max(...gemm.repRates);
    ratios['machine/gemmRepSpread'] = hi / lo;
    const g = (v: number) => ((v * gemm.flopsPerSample) / 1e9).toFixed(1);
    console.log(`
machine speed during the run: the one-core gemm case ranged ${g(lo)}–${g(hi)} GFLOP/s over its ` +
      `${gemm.repRates.length} rounds (max/min ${(hi / lo).toFixed(2)})${hi / lo > 1.1 ? '; the host was not steady, so a ratio within that spread of its goal can flip between runs' : ''}.`);
  }
  const busy = m.filter((r) => r.otherProcessesCores.some((c) => c !== null && c > 0.25));
  if (busy.length) {
    const worst = Math.max(...busy.flatMap((r) => r.otherProcessesCores.map((c) => c ?? 0)));
    console.log(`\nnote: other processes used more than 0.25 of a core during some repetitions of ${busy.length} of ${m.length} cases ` +
      `(up to ${worst.toFixed(2)} cores); two-thread figures suffer most on a 2-core machine. Medians damp this; rerun when the machine is quiet.`);
  }
}

function checkTargets(r: Record<string, number | null>, haveAnchor: boolean): Target[] {
  const t = (target: string, value: number | null, goal: number, needsAnchor = false): Target => ({
    target, value, goal, met: value == null ? (needsAnchor && !haveAnchor ? null : false) : value >= goal,
  });
  return [
    t('train B=256, 1 thread ÷ anchor best', r['train/B256/vsAnchor1'], 2, true),
    t('train B=1024, 1 thread ÷ anchor best', r['train/B1024/vsAnchor1'], 1.2, true),
    t('train B=1024, 2 threads ÷ 1 thread', r['train/B1024/scaling'], 1.8),
    t('log p B=4096, 1 thread ÷ anchor best', r['logprob/B4096/vsAnchor1'], 0.8, true),
    t('log p B=4096, 2 threads ÷ anchor best', r['logprob/B4096/vsAnchor2'], 1.5, true),
    t('sampling B=4096, 1 thread ÷ anchor best', r['sample/B4096/vsAnchor1'], 0.8, true),
    t('sampling B=4096, 2 threads ÷ anchor best', r['sample/B4096/vsAnchor2'], 1.5, true),
    t('single-row log p: anchor latency ÷ ours', r['logprob-1row/latencyVsAnchor'], 50, true),
    t('MFU train B=256, 1 thread', r['train/B256/mfu1'], 0.5),
    t('MFU train B=1024, 1 thread', r['train/B1024/mfu1'], 0.5),
    t('MFU log p B=4096, 1 thread', r['logprob/B4096/mfu1'], 0.7),
    t('train B=256 ÷ TS reference', r['train/B256/vsReference'], 20),
    t('log p ÷ TS reference', r['logprob/B4096/vsReference'], 20),
  ];
}
