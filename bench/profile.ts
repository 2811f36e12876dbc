/**
 * @fileoverview Kernel-by-kernel profile of one training step and one log p pass of the default
 * model: every matrix product the engine issues (replayed through the exported `gemm` with the
 * same shapes, strides, flags and batch), next to the whole-pass timings of the exported entry
 * points, so the remainder (elementwise coupling work, the batch-independent d×d algebra, Adam)
 * shows up as the difference. Not part of `npm test`.
 *
 * Usage: node dist/bench/profile.js [--batch 256] [--seconds 0.3] [--variant simd|relaxed-simd]
 */
import { Glow } from '../src/model/glow.js';
import { defaultEngine, type EngineVariant, type GlowExports } from '../src/wasm/engine.js';
import { Rng } from '../src/util/rng.js';
import { H } from '../src/wasm/plan.js';
import { forwardFlops } from './cases.js';

const argv = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const n = Number(opt('batch', '256'));
const seconds = Number(opt('seconds', '0.3'));
const variant = opt('variant', '') as EngineVariant | '';

/** Median µs per call of fn over 5 slices of `seconds`/5 after a warm-up. */
function time(fn: () => void): number {
  const slice = (seconds * 1000) / 5;
  const t0 = performance.now();
  while (performance.now() - t0 < slice) fn();
  const rates: number[] = [];
  for (let r = 0; r < 5; r++) {
    let calls = 0;
    const t = performance.now();
    while (performance.now() - t < slice) {
      fn();
      calls++;
    }
    rates.push(((performance.now() - t) * 1000) / calls);
  }
  return rates.sort((a, b) => a - b)[2];
}

interface GemmCall {
  kernel: string;
  m: number; n: number; k: number;
  transA: boolean; mask: boolean; bias: boolean; relu: boolean; acc: boolean;
}

/** The gemm calls of one training step, in the engine's order (assembly/flow.ts, coupling.ts). */
function trainGemms(glow: Glow, rows: number): { forward: GemmCall[]; backward: GemmCall[] } {
  const Hd = glow.config.hidden;
  const forward: GemmCall[] = [];
  const backward: GemmCall[] = [];
  const g = (list: GemmCall[], kernel: string, m: number, nn: number, k: number, o: Partial<GemmCall> = {}) =>
    list.push({ kernel, m, n: nn, k, transA: false, mask: false, bias: false, relu: false, acc: false, ...o });
  for (const s of glow.layout.steps) {
    g(forward, `1x1 d=${s.d}`, rows, s.d, s.d, { bias: true });
    g(forward, `fc1 d=${s.d}`, rows, Hd, s.da, { bias: true, relu: true });
    g(forward, `fc2`, rows, Hd, Hd, { bias: true, relu: true });
    g(forward, `fc3 d=${s.d}`, rows, s.nOut, Hd, { bias: true });
  }
  for (const s of [...glow.layout.steps].reverse()) {
    g(backward, `dW3 d=${s.d}`, s.nOut, Hd, rows, { transA: true, acc: true });
    g(backward, `dH2 d=${s.d}`, rows, Hd, s.nOut, { mask: true });
    g(backward, `dW2`, Hd, Hd, rows, { transA: true, acc: true });
    g(backward, `dH1`, rows, Hd, Hd, { mask: true });
    g(backward, `dW1 d=${s.d}`, Hd, s.da, rows, { transA: true, acc: true });
    g(backward, `dXa d=${s.d}`, rows, s.da, Hd, { acc: true });
    g(backward, `G d=${s.d}`, s.d, s.d, rows, { transA: true });
    g(backward, `dX d=${s.d}`, rows, s.d, s.d);
  }
  return { forward, backward };
}

/** µs of one gemm call of this shape on random data in its own buffers. */
function timeGemm(ex: GlowExports, c: GemmCall): number {
  const mark = ex.mark();
  const lenA = c.m * c.k, lenB = c.k * c.n, lenC = c.m * c.n;
  const p = ex.alloc((lenA + lenB + 2 * lenC + c.n) * 4);
  const rng = new Rng(c.m * 31 + c.n * 7 + c.k);
  const f = new Float32Array(ex.memory.buffer, p, lenA + lenB + 2 * lenC + c.n);
  for (let i = 0; i < f.length; i++) f[i] = rng.normal();
  const pa = p, pb = pa + lenA * 4, pc = pb + lenB * 4, pm = pc + lenC * 4, pbias = pm + lenC * 4;
  const rsA = c.transA ? 1 : c.k, csA = c.transA ? c.m : 1;
  const flags = (c.acc ? 1 : 0) | (c.relu ? 2 : 0);
  const us = time(() => ex.gemm(c.m, c.n, c.k, pa, rsA, csA, pb, c.n, pc, c.n, c.bias ? pbias : 0, c.mask ? pm : 0, flags));
  ex.release(mark);
  return us;
}

function main(): void {
  const engine = variant ? defaultEngine(variant) : defaultEngine();
  const rng = new Rng(1);
  const data = Float32Array.from({ length: 65536 * 16 }, () => rng.normal());
  const glow = Glow.create({ seed: 1, engine });
  glow.initialize(data.subarray(0, 4096 * 16));
  const { mem, ex } = glow;
  mem.ensureCapacity(Math.max(n, 4096));
  const rows = 8192;
  const tmp = mem.allocTemp(rows * 16 * 4 + rows * 4);
  mem.f32(tmp.ptr, rows * 16).set(data.subarray(0, rows * 16));
  mem.i32(tmp.ptr + rows * 16 * 4, rows).set(new Rng(3).permutation(rows));
  const x0 = () => mem.f32(mem.header(H.X0), n * 16).set(data.subarray(0, n * 16));
  x0();
  const start = glow.getParameters();
  let t = 0;
  const whole: Record<string, number> = {};
  whole.trainStep = time(() => {
    if (++t % 200 === 0) glow.setParameters(start);
    ex.glowTrainStep(mem.plan, tmp.ptr, tmp.ptr + rows * 16 * 4, n, 1e-4, 0.9, 0.999, 1e-8, 0, t, 0);
  });
  glow.setParameters(start);
  x0();
  whole.forward = time(() => ex.glowForward(mem.plan, n));
  whole.backward = time(() => ex.glowBackward(mem.plan, n));
  whole.prepare = time(() => ex.glowPrepare(mem.plan));
  whole.inverse = time(() => ex.glowInverse(mem.plan, n));
  whole.noise = time(() => ex.glowNoise(mem.plan, n, 1));
  whole.apply = time(() => ex.glowApplyGradient(mem.plan, 0, 0.9, 0.999, 1e-8, 1, 1, 0));
  glow.setParameters(start);
  const { forward, backward } = trainGemms(glow, n);
  const sum = (list: GemmCall[]) => {
    const by = new Map<string, { us: number; flops: number; calls: number }>();
    let total = 0;
    for (const c of list) {
      const us = timeGemm(ex, c);
      total += us;
      const e = by.get(c.kernel) ?? { us: 0, flops: 0, calls: 0 };
      e.us += us;
      e.flops += 2 * c.m * c.n * c.k;
      e.calls++;
      by.set(c.kernel, e);
    }
    return { total, by };
  };
  const fw = sum(forward), bw = sum(backward);
  const flops = forwardFlops(glow.layout) * n;
  console.log(`engine ${engine.variant}, batch ${n}, default model; µs per call (median)`);
  console.log(`whole passes: train step ${whole.trainStep.toFixed(0)} µs (${(3 * flops / whole.trainStep / 1e3).toFixed(1)} GFLOP/s, ${Math.round(n / whole.trainStep * 1e6)} samples/s)`);
  console.log(`  forward ${whole.forward.toFixed(0)} µs (${(flops / whole.forward / 1e3).toFixed(1)} GFLOP/s), gemms alone ${fw.total.toFixed(0)} µs → elementwise/other ${(whole.forward - fw.total).toFixed(0)} µs`);
  console.log(`  backward ${whole.backward.toFixed(0)} µs, gemms alone ${bw.total.toFixed(0)} µs → elementwise/d×d algebra/other ${(whole.backward - bw.total).toFixed(0)} µs`);
  console.log(`  prepare (d×d algebra, transposes) ${whole.prepare.toFixed(0)} µs; clip+Adam+prepare (glowApplyGradient) ${whole.apply.toFixed(0)} µs`);
  console.log(`  train step − (forward + backward + update) = ${(whole.trainStep - whole.forward - whole.backward - whole.apply).toFixed(0)} µs (negative: the step runs 128-row blocks whose activations stay in cache)`);
  console.log(`  sampling = noise ${whole.noise.toFixed(0)} µs (${(whole.noise * 1000 / (n * 16)).toFixed(2)} ns per deviate) + inverse ${whole.inverse.toFixed(0)} µs`);
  for (const [name, part] of [['forward', fw], ['backward', bw]] as const) {
    console.log(`\n${name} gemms by kernel:`);
    for (const [k, e] of [...part.by.entries()].sort((a, b) => b[1].us - a[1].us)) {
      console.log(`  ${k.padEnd(12)} ${String(e.calls).padStart(2)} calls ${e.us.toFixed(1).padStart(8)} µs  ${(e.flops / e.us / 1e3).toFixed(1).padStart(5)} GFLOP/s`);
    }
  }
  mem.releaseTemp(tmp.mark);
}

main();
