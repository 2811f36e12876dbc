/**
 * @fileoverview The bench's side-by-side table of issue 16: every engine (ours relaxed-SIMD and
 * plain SIMD, the PyTorch anchor's best engine, ONNX Runtime native and web) per task, batch and
 * thread count, our ratio to each anchor and, per ratio, how steady the host was while it was
 * measured. Every engine's repetitions were interleaved round by round, so round r of our case and
 * round r of the anchor's ran minutes apart at most; the spread (max ÷ min) of the per-round ratios
 * is the steadiness figure — 1.00 means drift did not move that ratio at all. The ratio itself is
 * the median of the per-round ratios. Then the targets of issue 16 with met / not met.
 */
import { quantile } from '../src/risk/stats.js';
import type { Measured, Target } from './report.js';

export interface EngineRatio {
  /** Median over rounds of ours ÷ theirs (throughput) or theirs ÷ ours (latency: "× lower"). */
  ratio: number;
  /** max ÷ min of the per-round ratios. */
  spread: number;
  against: string;
}

export interface EngineRow {
  task: string;
  batch: number;
  threads: number;
  /** samples/s, or µs per call for the single-row latency rows. */
  values: Record<string, number | null>;
  ratios: Record<string, EngineRatio | null>;
}

const median = (v: number[]) => quantile(v, 0.5);

const ANCHORS = [
  { key: 'pytorch', title: 'PyTorch (best engine)', prefix: 'torch-' },
  { key: 'ortNode', title: 'ORT-node', prefix: 'ort-node' },
  { key: 'ortWeb', title: 'ORT-web', prefix: 'ort-web' },
] as const;

/** Per-round ratio of two interleaved cases (rounds aligned by index). */
function pairRatio(ours: Measured, theirs: Measured, latency: boolean): EngineRatio {
  const n = Math.min(ours.repRates.length, theirs.repRates.length);
  // rates are calls·batch per second for both, so a latency ratio (theirs µs ÷ ours µs) is ours ÷ theirs too
  const per = Array.from({ length: n }, (_, r) => ours.repRates[r] / theirs.repRates[r]);
  return { ratio: median(per), spread: Math.max(...per) / Math.min(...per), against: theirs.engine + (latency ? ' (latency)' : '') };
}

export function engineRows(m: Measured[], label: string): EngineRow[] {
  const pick = (prefix: string, task: string, batch: number, threads: number) => {
    const c = m.filter((r) => r.engine.startsWith(prefix) && r.task === task && r.batch === batch && r.threads === threads);
    return c.length ? c.reduce((a, b) => (a.samplesPerSecond >= b.samplesPerSecond ? a : b)) : null;
  };
  const layout: [string, number][] = [['train', 256], ['train', 1024], ['logprob', 4096], ['sample', 4096]];
  const rows: EngineRow[] = [];
  for (const [task, batch] of layout) {
    for (const threads of [1, 2]) rows.push(row(task, batch, threads));
  }
  rows.push(row('logprob-1row', 1, 1));
  return rows;

  function row(task: string, batch: number, threads: number): EngineRow {
    const latency = task === 'logprob-1row';
    const value = (c: Measured | null) => (c == null ? null : latency ? c.usPerCall : c.samplesPerSecond);
    const ours = pick(label, task, batch, threads);
    const values: Record<string, number | null> = { ours: value(ours), oursSimd: label === 'wasm-simd' ? null : value(pick('wasm-simd', task, batch, threads)) };
    const ratios: Record<string, EngineRatio | null> = {};
    for (const a of ANCHORS) {
      const theirs = pick(a.prefix, task, batch, threads);
      values[a.key] = value(theirs);
      ratios[a.key] = ours && theirs ? pairRatio(ours, theirs, latency) : null;
    }
    return { task, batch, threads, values, ratios };
  }
}

const NAMES: Record<string, string> = { train: 'train', logprob: 'log p', sample: 'sampling / inverse', 'logprob-1row': 'log p, one row (µs)' };

/** Print the table; returns its rows and the targets of issue 16 for the JSON file. */
export function reportEngines(m: Measured[], label: string, notes: string[]): { rows: EngineRow[]; targets: Target[] } {
  const rows = engineRows(m, label);
  const v = (x: number | null, latency: boolean) => (x == null ? '—' : latency ? x.toFixed(1) : Math.round(x).toLocaleString('en'));
  const r = (x: EngineRatio | null, latency: boolean) => (x == null ? '—' : `${x.ratio.toFixed(latency ? 1 : 2)}×${latency ? ' lower' : ''} (${x.spread.toFixed(2)})`);
  console.log(`\nEvery engine side by side (samples/s; one row: µs per call incl. input handling). Ratio = median of the per-round ratios of ${label} ÷ anchor, ` +
    'rounds interleaved; (steadiness) = max ÷ min of those per-round ratios.');
  console.log(`| task | batch | threads | ours (${label}) | ours (wasm-simd) | PyTorch AVX-512 (best) | ORT-node (CPU EP) | ORT-web (WASM EP) | ours ÷ PyTorch | ours ÷ ORT-node | ours ÷ ORT-web |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    const lat = row.task === 'logprob-1row';
    const torchEngine = row.ratios.pytorch?.against.replace('torch-', '').replace(' (latency)', '');
    console.log(`| ${NAMES[row.task]} | ${row.batch} | ${row.threads} | ${v(row.values.ours, lat)} | ${v(row.values.oursSimd, lat)} | ` +
      `${v(row.values.pytorch, lat)}${torchEngine ? ` (${torchEngine})` : ''} | ${v(row.values.ortNode, lat)} | ${v(row.values.ortWeb, lat)} | ` +
      `${r(row.ratios.pytorch, lat)} | ${r(row.ratios.ortNode, lat)} | ${r(row.ratios.ortWeb, lat)} |`);
  }
  for (const n of notes) console.log(`note: ${n}`);
  const load = m.flatMap((c) => c.otherProcessesCores).filter((c): c is number => c !== null);
  if (load.length) {
    console.log(`note: other processes used ${median(load).toFixed(2)} cores in the median repetition (max ${Math.max(...load).toFixed(2)}); ` +
      'ratios compare engines under the same load, absolute figures and two-thread cases suffer from it.');
  }
  const targets = issue16Targets(rows, m, label);
  console.log('\nTargets of issue 16 (this run; steadiness of the ratio in brackets):');
  for (const t of targets) {
    console.log(`  ${t.met === null ? 'n/a    ' : t.met ? 'met    ' : 'NOT met'}  ${t.target}: ${t.value == null ? '—' : t.value.toFixed(2)} (goal ≥ ${t.goal})`);
  }
  return { rows, targets };
}

function issue16Targets(rows: EngineRow[], m: Measured[], label: string): Target[] {
  const find = (task: string, batch: number, threads: number) => rows.find((r) => r.task === task && r.batch === batch && r.threads === threads);
  const t = (target: string, x: EngineRatio | null | undefined, goal: number): Target => ({
    target: x ? `${target} [${x.spread.toFixed(2)}]` : target, value: x?.ratio ?? null, goal, met: x == null ? null : x.ratio >= goal,
  });
  const scaling = (task: string, batch: number): EngineRatio | null => {
    const one = m.find((r) => r.engine === label && r.task === task && r.batch === batch && r.threads === 1);
    const two = m.find((r) => r.engine === label && r.task === task && r.batch === batch && r.threads === 2);
    return one && two ? pairRatio(two, one, false) : null;
  };
  return [
    t('log p B=4096, 1 thread ÷ ORT-node', find('logprob', 4096, 1)?.ratios.ortNode, 0.8),
    t('log p B=4096, 1 thread ÷ ORT-web', find('logprob', 4096, 1)?.ratios.ortWeb, 3),
    t('sampling B=4096, 1 thread ÷ ORT-node (inverse)', find('sample', 4096, 1)?.ratios.ortNode, 0.8),
    t('sampling B=4096, 1 thread ÷ ORT-web (inverse)', find('sample', 4096, 1)?.ratios.ortWeb, 3),
    t('log p B=4096, 1 thread ÷ PyTorch', find('logprob', 4096, 1)?.ratios.pytorch, 0.8),
    t('sampling B=4096, 1 thread ÷ PyTorch', find('sample', 4096, 1)?.ratios.pytorch, 0.8),
    t('train B=256, 1 thread ÷ PyTorch', find('train', 256, 1)?.ratios.pytorch, 2),
    t('train B=1024, 1 thread ÷ PyTorch', find('train', 1024, 1)?.ratios.pytorch, 1.2),
    t('single row: ORT-node latency ÷ ours', find('logprob-1row', 1, 1)?.ratios.ortNode, 20),
    t('single row: PyTorch latency ÷ ours', find('logprob-1row', 1, 1)?.ratios.pytorch, 50),
    t('train B=1024, 2 threads ÷ 1', scaling('train', 1024), 1.8),
    t('log p B=4096, 2 threads ÷ 1', scaling('logprob', 4096), 1.8),
    t('sampling B=4096, 2 threads ÷ 1', scaling('sample', 4096), 1.8),
    t('train B=256, 2 threads ÷ 1', scaling('train', 256), 1.6),
  ];
}
