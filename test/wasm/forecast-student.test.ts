/**
 * The Student-t base kernels (assembly/student.ts): the ν constants against closed forms, and the
 * SIMD sampler ε ~ t_ν (a normal over the square root of a Marsaglia–Tsang gamma draw) on 10⁶
 * draws per column: mean, variance ν/(ν−2), the Hill tail index against ν, and that the stream does
 * not depend on how the draws are split into calls.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultEngine } from '../../src/wasm/engine.js';
import type { ForecastExports } from '../../src/wasm/forecast-plan.js';

const ex = defaultEngine().instantiate() as ForecastExports;
const softplusInv = (s: number) => s + Math.log1p(-Math.exp(-s));

/** Constants and table of studentPrepare for degrees of freedom `nus`. */
function prepare(nus: number[]) {
  const T = nus.length;
  const theta = ex.alloc(T * 4), nu = ex.alloc(4 * T * 8), tab = ex.alloc(3 * (T + 4) * 4);
  new Float32Array(ex.memory.buffer, theta, T).set(nus.map((v) => softplusInv(v - 2)));
  ex.studentPrepare(theta, T, nu, tab);
  const k = Array.from(new Float64Array(ex.memory.buffer, nu, 4 * T));
  return { T, tab, nu: k.slice(0, T), logC: k.slice(T, 2 * T), psi: k.slice(2 * T, 3 * T), sig: k.slice(3 * T), theta };
}

/** count draws (rows of width T) from key `key`, in calls of the given sizes. */
function draws(p: { T: number; tab: number }, key: number[], count: number, calls = [count]): Float32Array {
  const st = ex.alloc(16), out = ex.alloc(count * 4);
  new Uint32Array(ex.memory.buffer, st, 4).set(key);
  let o = 0;
  for (const m of calls) {
    ex.fillStudent(st, out + o * 4, m, p.T, p.tab);
    o += m;
  }
  assert.is(new Uint32Array(ex.memory.buffer, st, 4)[3], (key[3] + count) >>> 0, 'the element counter advanced by count');
  return new Float32Array(ex.memory.buffer, out, count).slice();
}

test('ν constants: log-normaliser and ψ term against closed forms (ν = 3, 4), dν/dθ = sigmoid θ', () => {
  const mark = ex.mark();
  const p = prepare([3, 4]);
  // ν = 3: lgamma(2) − lgamma(3/2) − ½ln(3π) = −ln(√π/2) − ½ln(3π); ψ(2) − ψ(3/2) = 2ln2 − 1
  // ν = 4: lgamma(5/2) − lgamma(2) − ½ln(4π) = ln(3√π/4) − ½ln(4π); ψ(5/2) − ψ(2) = 2/3 + 2 − 2ln2 − 1
  const expectC = [-Math.log(Math.sqrt(Math.PI) / 2) - 0.5 * Math.log(3 * Math.PI), Math.log(0.75 * Math.sqrt(Math.PI)) - 0.5 * Math.log(4 * Math.PI)];
  const expectPsi = [0.5 * (2 * Math.LN2 - 1) - 1 / 6, 0.5 * (2 / 3 + 1 - 2 * Math.LN2) - 1 / 8];
  for (let j = 0; j < 2; j++) {
    assert.ok(Math.abs(p.nu[j] - [3, 4][j]) < 1e-6, `ν ${p.nu[j]}`);
    // θ is f32, so ν carries its rounding; compare the constants at the ν actually used
    const dv = p.nu[j] - [3, 4][j];
    const slopeC = 0.5 * (expectPsi[j] + 1 / (2 * [3, 4][j])) * 2 - 1 / (2 * [3, 4][j]); // ∂logC/∂ν ≈ ½[ψ((ν+1)/2) − ψ(ν/2)] − 1/(2ν)
    assert.ok(Math.abs(p.logC[j] - (expectC[j] + slopeC * dv)) < 1e-9, `log-normaliser ${p.logC[j]} vs ${expectC[j]}`);
    assert.ok(Math.abs(p.psi[j] - expectPsi[j]) < 1e-5, `ψ term ${p.psi[j]} vs ${expectPsi[j]}`);
    const th = new Float32Array(ex.memory.buffer, p.theta, 2)[j];
    assert.ok(Math.abs(p.sig[j] - 1 / (1 + Math.exp(-th))) < 1e-15);
  }
  ex.release(mark);
});

test('t_ν draws: mean 0, variance ν/(ν−2) within 2 % (ν > 4), Hill tail index within 10 % of ν = 3, 4 (10⁶ per column)', () => {
  const mark = ex.mark();
  const nus = [3, 4, 5, 8, 30];
  const p = prepare(nus);
  const N = 1_000_000;
  const e = draws(p, [12345, 678, 91011, 0], N * p.T);
  for (let j = 0; j < p.T; j++) {
    const col = new Float64Array(N);
    let s = 0;
    for (let i = 0; i < N; i++) s += (col[i] = e[i * p.T + j]);
    const mean = s / N;
    let ss = 0;
    for (let i = 0; i < N; i++) ss += (col[i] - mean) ** 2;
    const v = nus[j];
    assert.ok(Math.abs(mean) < 0.01, `ν=${v}: mean ${mean}`);
    if (v > 4) { // the sample variance of t₄ has no finite variance itself
      const want = v / (v - 2);
      assert.ok(Math.abs(ss / N / want - 1) < 0.02, `ν=${v}: variance ${ss / N}, expected ${want}`);
    }
    if (v <= 4) { // the Hill estimator's own bias grows with ν (exact t₅ draws give 4.7 at this k)
      const a = col.map(Math.abs).sort().reverse();
      const k = 1000;
      let h = 0;
      for (let i = 0; i < k; i++) h += Math.log(a[i] / a[k]);
      const alpha = k / h;
      assert.ok(Math.abs(alpha / v - 1) < 0.1, `ν=${v}: Hill tail index ${alpha.toFixed(3)} (k=${k} of ${N})`);
    }
  }
  ex.release(mark);
});

test('t_ν draws do not depend on how they are split into calls (calls start at a row, groups of 4 straddle rows)', () => {
  const mark = ex.mark();
  const p = prepare([2.5, 7, 3]);
  const key = [7, 8, 9, 4294967290]; // the counter wraps inside the run
  const whole = draws(p, key, 3001);
  const parts = draws(p, key, 3001, [3, 6, 996, 3, 1993]);
  assert.equal(Array.from(parts), Array.from(whole));
  assert.ok(whole.every(Number.isFinite));
  ex.release(mark);
});

test.run();
