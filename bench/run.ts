/**
 * @fileoverview `npm run bench`: one run that measures, for the default model (d=16, L=3, K=4,
 * H=64), train samples/s (batch 256 and 1024), log p and sampling samples/s (batch 4096) and the
 * single-row log p latency for the WASM engine on one and on two threads (plus the plain-SIMD build
 * when the relaxed one is the default), the f64 TypeScript reference and the anchors, each in a
 * child process (bench/remote.ts) when it can run here: the PyTorch anchor (/usr/bin/python3 with
 * torch; OpenBLAS's AVX-512 kernels where the CPU has them) and ONNX Runtime native and web
 * (`npm run bench:setup`; our model exported by bench/onnx/export_glow.py, outputs checked against
 * ours and torch's first). Every case, ours and the anchors', runs once per round after a warm-up,
 * so drift of the shared host hits all alike; figures are medians over rounds, ratios medians of
 * per-round ratios with their spread as the host-steadiness figure. Prints the side-by-side table
 * and targets of issue 16, the table of issue 6 with the model-FLOP utilisation (achieved GFLOP/s ÷
 * the gemm roofline measured here, per core), and writes every figure to bench/results/latest.json.
 * The forecaster's cases (bench/forecast-cases.ts: training B 256 / 1024, log p B 4096, the per-bar
 * risk case's 4,096 × 256 scenario draws, on one and two threads) run interleaved with the GLOW's,
 * and their MFU is printed beside the GLOW's with the targets of issue 12.
 *
 * Options: --quick (fewer, shorter repetitions), --no-torch, --no-ort, --out <file>.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultEngine } from '../src/wasm/engine.js';
import { quantile } from '../src/risk/stats.js';
import { Rng } from '../src/util/rng.js';
import { type BenchCase, inferenceModel, pool, referenceCases, wasmCases } from './cases.js';
import { reportEngines } from './engines-report.js';
import { forecastCases } from './forecast-cases.js';
import { reportForecaster } from './forecast-report.js';
import { foreignLoad } from './load.js';
import { checkOrt, exportOnnx, type OrtCheck, ortUnavailable, startOrt } from './ort.js';
import type { RemoteCase, RemoteEngine } from './remote.js';
import { anchorEnv, anchorPath, startTorch, torchResult, torchUnavailable, type TorchResult } from './torch.js';
import { type Measured, reportSteadiness, reportTable } from './report.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const noTorch = argv.includes('--no-torch');
const noOrt = argv.includes('--no-ort');
const outArg = argv.indexOf('--out');
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outFile = outArg >= 0 ? resolve(argv[outArg + 1]) : resolve(repoRoot, 'bench', 'results', 'latest.json');
const REPS = quick ? 3 : 5;
const REP_SECONDS = quick ? 0.5 : 1.5;
const WARMUP_SECONDS = 0.5;

type AnyCase = BenchCase | RemoteCase;

async function timeRep(c: AnyCase, seconds: number): Promise<number> {
  if ('timed' in c) return c.timed(seconds);
  c.reset?.();
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < seconds * 1000) {
    c.run();
    calls++;
  }
  return (calls * c.batch) / ((performance.now() - t0) / 1000);
}

const median = (v: number[]) => quantile(v, 0.5);

/** The anchors' child processes, each optional: a reason is recorded for every one that cannot run. */
async function startAnchors(engine: ReturnType<typeof defaultEngine>, flops: number) {
  const remotes: RemoteEngine[] = [];
  const cases: RemoteCase[] = [];
  const notes: string[] = [];
  let torchMeta: Record<string, unknown> | null = null;
  let torchNote: string | null = null;
  const onnx: { export?: unknown; checks: OrtCheck[]; versions?: unknown; note: string | null } = { checks: [], note: null };
  const anchor = anchorPath(repoRoot);
  if (noTorch) torchNote = 'skipped (--no-torch)';
  else {
    torchNote = torchUnavailable(anchor);
    if (!torchNote) {
      console.error('  starting the PyTorch anchor (builds its cases, ~20 s)…');
      try {
        const t = await startTorch(anchor, { threads: [1, 2], trainBatches: [256, 1024], inferBatch: 4096 });
        remotes.push(t.engine);
        cases.push(...t.cases);
        torchMeta = t.meta;
      } catch (err) {
        torchNote = (err as Error).message;
      }
    }
  }
  if (torchNote) notes.push(`PyTorch anchor: ${torchNote}`);
  onnx.note = noOrt ? 'skipped (--no-ort)' : ortUnavailable();
  if (!onnx.note) {
    const dir = mkdtempSync(join(tmpdir(), 'glow-onnx-'));
    try {
      console.error('  exporting the model to ONNX and starting ORT-node and ORT-web (T = 1, 2)…');
      const model = inferenceModel(engine);
      const noise = new Rng(11);
      const z = Float32Array.from({ length: 64 * 16 }, () => noise.normal());
      const exported = exportOnnx(model, dir, pool(64, 16, 7), z, torchUnavailable(anchor) ? null : anchor);
      onnx.export = { torch: exported.torch.version, source: exported.torch.source, wrapperVsAnchor: exported.torch.wrapperVsAnchor, checkRows: exported.rows, opset: 14 };
      const children: Awaited<ReturnType<typeof startOrt>>[] = [];
      try {
        for (const [kind, threads] of [['node', [1, 2]], ['web', [1]], ['web', [2]]] as const) {
          children.push(await startOrt(kind, [...threads], dir, 4096, flops));
          onnx.checks.push(await checkOrt(children[children.length - 1].engine, model, exported));
        }
      } catch (err) {
        for (const ch of children) ch.engine.close(); // all ORT children or none
        throw err;
      } finally {
        model.close();
      }
      for (const ch of children) {
        remotes.push(ch.engine);
        cases.push(...ch.cases.filter((c) => c.task !== 'logprob-1row' || c.threads === 1));
      }
      onnx.versions = Object.assign({}, ...children.map((ch) => ch.meta.versions));
      const bad = onnx.checks.filter((c) => !c.ok);
      if (bad.length) notes.push(`ORT OUTPUTS DIFFER from ours or torch's beyond 1e-3 abs / 1e-4 rel: ${bad.map((c) => c.engine).join(', ')} (see onnx.checks in the JSON)`);
      else notes.push(`ORT outputs checked on ${exported.rows} rows against ours and torch's (${exported.torch.source}): log p max |Δ| ` +
        `${Math.max(...onnx.checks.map((c) => Math.max(c.logpVsOurs.maxAbs, c.logpVsTorch.maxAbs))).toExponential(1)}, inverse ` +
        `${Math.max(...onnx.checks.map((c) => Math.max(c.inverseVsOurs.maxAbs, c.inverseVsTorch.maxAbs))).toExponential(1)}; within 1e-3 abs or 1e-4 rel`);
    } catch (err) {
      onnx.note = (err as Error).message;
    } finally {
      rmSync(dir, { recursive: true, force: true }); // the sessions hold the graphs in memory
    }
  }
  if (onnx.note) notes.push(`ONNX Runtime anchors: ${onnx.note}`);
  return { remotes, cases, notes, torchMeta, torchNote, onnx };
}

async function main(): Promise<void> {
  const engine = defaultEngine();
  const label = `wasm-${engine.variant}`;
  const cases: AnyCase[] = [
    ...wasmCases(engine, label, [256, 1024], 4096, 1),
    ...wasmCases(engine, label, [256, 1024], 4096, 2),
  ];
  if (engine.variant !== 'simd') cases.push(...wasmCases(defaultEngine('simd'), 'wasm-simd', [256, 1024], 4096, 1));
  cases.push(...referenceCases(256));
  cases.push(...forecastCases(engine, label, [256, 1024], 4096, 1), ...forecastCases(engine, label, [256, 1024], 4096, 2));
  const flops = cases.find((c) => c.task === 'logprob')!.flopsPerSample;
  const anchors = await startAnchors(engine, flops);
  cases.push(...anchors.cases);
  const pids = anchors.remotes.map((r) => r.pid);
  console.error(`glow-trade bench: ${cases.length} cases × ${REPS} reps of ≥ ${REP_SECONDS} s (interleaved, anchors included), warm-up ${WARMUP_SECONDS} s each`);
  const rates = cases.map(() => [] as number[]);
  const foreign = cases.map(() => [] as (number | null)[]);
  try {
    for (const c of cases) await timeRep(c, WARMUP_SECONDS); // JIT tiers, caches, worker start-up
    for (let rep = 0; rep < REPS; rep++) {
      for (const [i, c] of cases.entries()) {
        const other = foreignLoad(pids);
        rates[i].push(await timeRep(c, c.engine.startsWith('ts-') ? Math.max(REP_SECONDS, 1) : REP_SECONDS));
        foreign[i].push(other());
      }
      console.error(`  rep ${rep + 1}/${REPS} done (load average ${loadavg()[0].toFixed(2)})`);
    }
  } finally {
    for (const r of anchors.remotes) r.close();
  }
  const measured: Measured[] = cases.map((c, i) => {
    const sps = median(rates[i]);
    const { engine: e, task, batch, threads, flopsPerSample } = c;
    return {
      engine: e, task, batch, threads, flopsPerSample, samplesPerSecond: sps, repRates: rates[i], gflops: (sps * flopsPerSample) / 1e9,
      usPerCall: (1e6 * batch) / sps, otherProcessesCores: foreign[i],
    };
  });
  const torch: TorchResult | null = anchors.torchMeta ? torchResult(measured, anchors.torchMeta) : null;
  const engines = reportEngines(measured, label, anchors.notes);
  const { ratios, targets, rooflineGflops } = reportTable(measured, torch, anchors.torchNote, label);
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
      statistic: 'median of interleaved repetitions: every case — ours and the anchors\' (child processes, one case at a time) — once per round',
      ratios: 'engines.rows[].ratios: median over rounds of ours ÷ anchor (per-round pairs); spread = max ÷ min of those per-round ratios (host steadiness)',
      flops: "matmul FLOPs per sample as the anchor counts them (train = 3 × forward); MFU = GFLOP/s ÷ (threads × the one-core gemm roofline of this run)",
      forecasterFlops: 'forecasterForwardFlops per row (train = 3 × forward); a scenario draw = the flow inverse + (context and prior nets) ÷ draws per context row',
      load: 'otherProcessesCores: CPU cores used by other processes during each repetition (/proc/stat minus this process and its anchor children)',
      onnx: 'ORT cases create their input tensor on every call; "sample" of ORT = the inverse graph on a fixed z (ours and PyTorch draw z inside)',
    },
    rooflineGflops,
    cases: measured,
    engines,
    onnx: anchors.onnx,
    torch,
    torchNote: anchors.torchNote,
    ratios,
    targets,
    forecaster,
  };
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(out, null, 2));
  console.log(`\nwrote ${outFile}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
