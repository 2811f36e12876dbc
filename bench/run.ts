/**
 * @fileoverview `npm run bench`: one run that measures, for the default model (d=16, L=3, K=4,
 * H=64), train samples/s (batch 256 and 1024), log p and sampling samples/s (batch 4096) and the
 * single-row log p latency for the WASM engine on one and on two threads (plus the plain-SIMD build
 * when the relaxed one is the default), the f64 TypeScript reference and — when /usr/bin/python3
 * imports torch — the PyTorch anchor. Our cases run in interleaved repetitions after a warm-up
 * (medians); the anchor runs its own interleaved benchmark in the same invocation. Prints the
 * table of issue 6 with the ratios, the targets and the model-FLOP utilisation (achieved GFLOP/s ÷
 * the gemm roofline measured here, per core), and writes every figure to bench/results/latest.json.
 * The forecaster's cases (bench/forecast-cases.ts: training B 256 / 1024, log p B 4096, the per-bar
 * risk case's 4,096 × 256 scenario draws, on one and two threads) run interleaved with the GLOW's,
 * and their MFU is printed beside the GLOW's with the targets of issue 12.
 *
 * Options: --quick (fewer, shorter repetitions), --no-torch, --out <file>.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultEngine } from '../src/wasm/engine.js';
import { type BenchCase, referenceCases, wasmCases } from './cases.js';
import { forecastCases } from './forecast-cases.js';
import { reportForecaster } from './forecast-report.js';
import { foreignLoad } from './load.js';
import { anchorEnv, anchorPath, runTorch, torchUnavailable, type TorchResult } from './torch.js';
import { type Measured, reportSteadiness, reportTable } from './report.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const noTorch = argv.includes('--no-torch');
const outArg = argv.indexOf('--out');
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outFile = outArg >= 0 ? resolve(argv[outArg + 1]) : resolve(repoRoot, 'bench', 'results', 'latest.json');
const REPS = quick ? 3 : 5;
const REP_SECONDS = quick ? 0.5 : 1.5;
const WARMUP_SECONDS = 0.5;

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
  const engine = defaultEngine();
  const label = `wasm-${engine.variant}`;
  const cases: BenchCase[] = [
    ...wasmCases(engine, label, [256, 1024], 4096, 1),
    ...wasmCases(engine, label, [256, 1024], 4096, 2),
  ];
  if (engine.variant !== 'simd') cases.push(...wasmCases(defaultEngine('simd'), 'wasm-simd', [256, 1024], 4096, 1));
  cases.push(...referenceCases(256));
  cases.push(...forecastCases(engine, label, [256, 1024], 4096, 1), ...forecastCases(engine, label, [256, 1024], 4096, 2));
  console.error(`glow-trade bench: ${cases.length} cases × ${REPS} reps of ≥ ${REP_SECONDS} s (interleaved), warm-up ${WARMUP_SECONDS} s each`);
  const rates = cases.map(() => [] as number[]);
  const foreign = cases.map(() => [] as (number | null)[]);
  for (const c of cases) timeRep(c, WARMUP_SECONDS); // JIT tiers, caches, worker start-up
  for (let rep = 0; rep < REPS; rep++) {
    cases.forEach((c, i) => {
      const other = foreignLoad();
      rates[i].push(timeRep(c, c.engine.startsWith('ts-') ? Math.max(REP_SECONDS, 1) : REP_SECONDS));
      foreign[i].push(other());
    });
    console.error(`  rep ${rep + 1}/${REPS} done (load average ${loadavg()[0].toFixed(2)})`);
  }
  const measured: Measured[] = cases.map((c, i) => {
    const sps = median(rates[i]);
    const { run: _r, reset: _s, ...rest } = c;
    return {
      ...rest, samplesPerSecond: sps, repRates: rates[i], gflops: (sps * c.flopsPerSample) / 1e9,
      usPerCall: (1e6 * c.batch) / sps, otherProcessesCores: foreign[i],
    };
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
  const { ratios, targets, rooflineGflops } = reportTable(measured, torch, torchNote, label);
  if (torch) {
    const blas = torch.meta.openblas as { corename?: string; config?: string } | null | undefined;
    console.log(`\nPyTorch anchor: torch ${torch.meta.torch ?? '?'}, OpenBLAS kernels ${blas?.corename ?? 'unknown (not OpenBLAS?)'}` +
      `${blas?.config ? ` (${blas.config})` : ''}; OPENBLAS_CORETYPE=${anchorEnv().OPENBLAS_CORETYPE ?? '(unset)'}`);
  }
  const forecaster = reportForecaster(measured, label, rooflineGflops);
  reportSteadiness(measured, label, ratios);
  const out = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    engine: engine.variant,
    method: {
      reps: REPS, repSeconds: REP_SECONDS, warmupSeconds: WARMUP_SECONDS,
      statistic: 'median of interleaved repetitions (every case once per round)',
      flops: "matmul FLOPs per sample as the anchor counts them (train = 3 × forward); MFU = GFLOP/s ÷ (threads × the one-core gemm roofline of this run)",
      forecasterFlops: 'forecasterForwardFlops per row (train = 3 × forward); a scenario draw = the flow inverse + (context and prior nets) ÷ draws per context row',
      load: 'otherProcessesCores: CPU cores used by other processes during each repetition (/proc/stat minus this process)',
    },
    rooflineGflops,
    cases: measured,
    torch,
    torchNote,
    ratios,
    targets,
    forecaster,
  };
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(out, null, 2));
  console.log(`\nwrote ${outFile}`);
}

main();
