/**
 * @fileoverview `npm run bench`: one run that measures, for the default model (d=16, L=3, K=4,
 * H=64), train samples/s (batch 256 and 1024), log p and sampling samples/s (batch 4096) and
 * single-row log p latency for the WASM engine (every build this runtime runs), the f64 TypeScript
 * reference and — when /usr/bin/python3 imports torch — the PyTorch anchor. Our cases run in
 * interleaved repetitions (medians); the anchor runs its own interleaved benchmark in the same
 * invocation. Prints a table and writes every figure, the ratios and the model-FLOP utilisation
 * (achieved GFLOP/s ÷ the gemm roofline measured here) to bench/results/latest.json.
 *
 * Options: --quick (fewer, shorter repetitions), --no-torch, --out <file>.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultEngine } from '../src/wasm/engine.js';
import { type BenchCase, referenceCases, wasmCases } from './cases.js';
import { anchorPath, runTorch, torchUnavailable, type TorchResult } from './torch.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const noTorch = argv.includes('--no-torch');
const outArg = argv.indexOf('--out');
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outFile = outArg >= 0 ? resolve(argv[outArg + 1]) : resolve(repoRoot, 'bench', 'results', 'latest.json');
const REPS = quick ? 3 : 5;
const REP_SECONDS = quick ? 0.5 : 1.5;

interface Measured extends Omit<BenchCase, 'run' | 'reset'> {
  samplesPerSecond: number;
  repRates: number[];
  gflops: number;
  usPerCall: number;
  load1: number[];
}

function timeRep(c: BenchCase, seconds: number): number {
  c.reset?.();
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < seconds * 1000) {
    c.run();
    calls++;
  }
  return (calls * c.batch) / ((performance.now() - t0) / 1000);
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function main(): void {
  const engines = [defaultEngine()];
  if (engines[0].variant !== 'simd') engines.push(defaultEngine('simd'));
  const cases: BenchCase[] = [];
  for (const e of engines) cases.push(...wasmCases(e, `wasm-${e.variant}`, [256, 1024], 4096));
  cases.push(...referenceCases(256));
  console.error(`glow-trade bench: ${cases.length} cases × ${REPS} reps of ≥ ${REP_SECONDS} s (interleaved)`);
  const rates = cases.map(() => [] as number[]);
  const loads = cases.map(() => [] as number[]);
  for (const c of cases) timeRep(c, 0.3); // warm-up (JIT tiers, caches)
  for (let rep = 0; rep < REPS; rep++) {
    cases.forEach((c, i) => {
      rates[i].push(timeRep(c, c.engine.startsWith('ts-') ? Math.max(REP_SECONDS, 1) : REP_SECONDS));
      loads[i].push(loadavg()[0]);
    });
    console.error(`  rep ${rep + 1}/${REPS} done`);
  }
  const measured: Measured[] = cases.map((c, i) => {
    const sps = median(rates[i]);
    const { run: _r, reset: _s, ...rest } = c;
    return { ...rest, samplesPerSecond: sps, repRates: rates[i], gflops: (sps * c.flopsPerSample) / 1e9, usPerCall: (1e6 * c.batch) / sps, load1: loads[i] };
  });
  let torch: TorchResult | null = null;
  let torchNote: string | null = null;
  if (noTorch) torchNote = 'skipped (--no-torch)';
  else {
    const anchor = anchorPath(repoRoot);
    torchNote = torchUnavailable(anchor);
    if (!torchNote) {
      console.error('  running the PyTorch anchor (its own interleaved benchmark)…');
      try {
        torch = runTorch(anchor, { threads: [1, 2], trainBatches: [256, 1024], inferBatch: 4096, reps: quick ? 2 : 3, repSeconds: quick ? 1 : 2 });
      } catch (err) {
        torchNote = (err as Error).message;
      }
    }
  }
  report(measured, torch, torchNote);
}

function report(m: Measured[], torch: TorchResult | null, torchNote: string | null): void {
  const main = m.filter((r) => r.engine === m[0].engine);
  const roofline = main.find((r) => r.task === 'gemm')!.gflops;
  const find = (engine: string, task: string, batch: number) => m.find((r) => r.engine === engine && r.task === task && r.batch === batch);
  const best = (task: string, batch: number, threads = 1) => {
    const rows = (torch?.rows ?? []).filter((r) => r.task === task && r.batch === batch && r.threads === threads);
    return rows.length ? rows.reduce((a, b) => (a.samples_per_s > b.samples_per_s ? a : b)) : null;
  };
  console.log(`\n| engine | task | batch | threads | samples/s (median) | µs/call | GFLOP/s | MFU | × anchor best (1 thr) | × TS reference |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  const ratios: Record<string, number | null> = {};
  for (const r of m) {
    if (r.task === 'gemm') continue;
    const a = r.task === 'logprob-1row' ? null : best(r.task, r.batch);
    const vsTorch = a ? r.samplesPerSecond / a.samples_per_s : null;
    const refRow = find('ts-f64-reference', r.task, r.task === 'logprob-1row' ? 1 : 256);
    const vsRef = refRow && r.engine !== refRow.engine ? r.samplesPerSecond / refRow.samplesPerSecond : null;
    const mfu = r.engine.startsWith('wasm') ? r.gflops / roofline : null;
    const key = `${r.engine}/${r.task}/B${r.batch}`;
    ratios[`${key}/vsAnchor`] = vsTorch;
    ratios[`${key}/vsReference`] = vsRef;
    ratios[`${key}/mfu`] = mfu;
    console.log(`| ${r.engine} | ${r.task} | ${r.batch} | ${r.threads} | ${Math.round(r.samplesPerSecond).toLocaleString('en')} | ${r.usPerCall.toFixed(1)} | ${r.gflops.toFixed(2)} | ${mfu === null ? '' : (100 * mfu).toFixed(0) + ' %'} | ${vsTorch === null ? '' : vsTorch.toFixed(2) + '×'} | ${vsRef === null ? '' : vsRef.toFixed(0) + '×'} |`);
  }
  console.log(`\ngemm roofline (256×64×64, ${m[0].engine}): ${roofline.toFixed(1)} GFLOP/s on one core`);
  if (torch) {
    console.log('\nPyTorch anchor (same machine, same run):');
    for (const r of torch.rows) console.log(`  threads=${r.threads} ${r.task.padEnd(8)} ${r.engine.padEnd(14)} B=${String(r.batch).padStart(5)}: ${Math.round(r.samples_per_s).toLocaleString('en')} samples/s (${r.gflop_per_s.toFixed(1)} GFLOP/s)`);
    const lat = torch.oneRowLatencyUs;
    const ours = find(m[0].engine, 'logprob-1row', 1);
    if (lat && ours) {
      const anchorBest = Math.min(lat.eager, lat.jit);
      ratios['logprob-1row/anchorLatencyUs'] = anchorBest;
      ratios[`${m[0].engine}/logprob-1row/latencyRatio`] = anchorBest / ours.usPerCall;
      console.log(`  single-row log p latency: anchor ${anchorBest.toFixed(1)} µs (eager ${lat.eager.toFixed(1)}, jit ${lat.jit.toFixed(1)}) vs ours ${ours.usPerCall.toFixed(2)} µs → ${(anchorBest / ours.usPerCall).toFixed(0)}× lower latency`);
    }
  } else console.log(`\nPyTorch anchor: ${torchNote}`);
  const busy = m.some((r) => Math.max(...r.load1) > 1.5);
  if (busy) console.log('\nnote: the 1-minute load average exceeded 1.5 during some repetitions; other processes may have disturbed the figures.');
  const out = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    method: { reps: REPS, repSeconds: REP_SECONDS, statistic: 'median of interleaved repetitions', warmup: '0.3 s per case' },
    rooflineGflops: roofline,
    cases: m,
    torch,
    torchNote,
    ratios,
  };
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(out, null, 2));
  console.log(`\nwrote ${outFile}`);
}

main();
