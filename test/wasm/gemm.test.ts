import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultEngine } from '../../src/wasm/engine.js';
import { engineVariants } from '../helpers/engines.js';
import { Rng } from '../../src/util/rng.js';

const ACC = 1, RELU = 2;

/** The product in f64, and per entry the error budget of gemm.ts: (k + 2)·2⁻²⁴·(Σ|A||B| + |C₀| + |bias|). */
function naive(m: number, n: number, k: number, a: Float32Array, rsA: number, csA: number, b: Float32Array,
  c0: Float32Array, bias: Float32Array | null, mask: Float32Array | null, flags: number): { want: Float64Array; budget: Float64Array } {
  const want = new Float64Array(m * n), budget = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = flags & ACC ? c0[i * n + j] : 0;
      let mag = Math.abs(s);
      for (let p = 0; p < k; p++) {
        s += a[i * rsA + p * csA] * b[p * n + j];
        mag += Math.abs(a[i * rsA + p * csA] * b[p * n + j]);
      }
      if (bias) {
        s += bias[j];
        mag += Math.abs(bias[j]);
      }
      if (flags & RELU) s = Math.max(s, 0);
      if (mask && !(mask[i * n + j] > 0)) s = 0;
      want[i * n + j] = s;
      budget[i * n + j] = (k + 2) * 2 ** -24 * mag + 1e-30;
    }
  }
  return { want, budget };
}

for (const { variant, ex } of engineVariants()) {
test(`[${variant}] gemm matches an f64 reference on every tile and narrow-column path, flag and transposition, and frees its memory`, () => {
  const rng = new Rng(1);
  const mark = ex.mark();
  let worst = 0;
  for (const [m, n, k] of [[1, 1, 1], [5, 3, 2], [4, 8, 7], [9, 12, 16], [13, 21, 5], [64, 64, 64], [7, 4, 33], [3, 17, 1],
    // narrow C (< 4 columns left): 16-row vector blocks with a transposed A, packed columns (k ≤ 1024 and beyond)
    [37, 2, 19], [50, 7, 70], [20, 3, 1100]]) {
    for (const trans of [false, true]) {
      for (const flags of [0, ACC, RELU, ACC | RELU]) {
        for (const withBias of [false, true]) {
          for (const withMask of [false, true]) {
            const rand = (len: number) => Float32Array.from({ length: len }, () => rng.normal());
            const a = rand(m * k), b = rand(k * n), c = rand(m * n), bias = rand(n), mask = rand(m * n);
            const bytes = (m * k + k * n + m * n + n + m * n) * 4;
            const ptr = ex.alloc(bytes);
            const pa = ptr, pb = pa + m * k * 4, pc = pb + k * n * 4, pbias = pc + m * n * 4, pmask = pbias + n * 4;
            const mem = () => ex.memory.buffer;
            new Float32Array(mem(), pa, m * k).set(a);
            new Float32Array(mem(), pb, k * n).set(b);
            new Float32Array(mem(), pc, m * n).set(c);
            new Float32Array(mem(), pbias, n).set(bias);
            new Float32Array(mem(), pmask, m * n).set(mask);
            // A stored row-major m×k (rsA = k, csA = 1) or as its transpose k×m (rsA = 1, csA = m)
            let rsA = k, csA = 1;
            if (trans) {
              const at = new Float32Array(k * m);
              for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) at[p * m + i] = a[i * k + p];
              new Float32Array(mem(), pa, m * k).set(at);
              rsA = 1;
              csA = m;
            }
            ex.gemm(m, n, k, pa, rsA, csA, pb, n, pc, n, withBias ? pbias : 0, withMask ? pmask : 0, flags);
            const got = new Float32Array(mem(), pc, m * n);
            const { want, budget } = naive(m, n, k, a, k, 1, b, c, withBias ? bias : null, withMask ? mask : null, flags);
            for (let i = 0; i < m * n; i++) {
              const err = Math.abs(got[i] - want[i]) / budget[i];
              worst = Math.max(worst, err);
              assert.ok(err <= 1, `m=${m} n=${n} k=${k} trans=${trans} flags=${flags} bias=${withBias} mask=${withMask}: ${got[i]} vs ${want[i]} (budget ${budget[i]})`);
            }
            ex.release(ptr);
          }
        }
      }
    }
  }
  console.log(`    [${variant}] worst gemm error: ${worst.toFixed(3)} of the (k + 2)·2⁻²⁴·Σ|terms| budget`);
  assert.is(ex.mark(), mark, 'gemm test leaked arena memory');
});
}

const ex = defaultEngine().instantiate();

test('colSum sums columns with a leading dimension, accumulating on request', () => {
  const a = Float32Array.from([1, 2, 3, 99, 4, 5, 6, 99, 7, 8, 9, 99]); // 3×3 inside a 3×4 block
  const p = ex.alloc(a.length * 4 + 16);
  new Float32Array(ex.memory.buffer, p, a.length).set(a);
  const out = p + a.length * 4;
  ex.colSum(3, 3, p, 4, out, 0);
  assert.equal(Array.from(new Float32Array(ex.memory.buffer, out, 3)), [12, 15, 18]);
  ex.colSum(3, 3, p, 4, out, 1);
  assert.equal(Array.from(new Float32Array(ex.memory.buffer, out, 3)), [24, 30, 36]);
  ex.release(p);
});

test('the arena grows memory on demand and release returns to a mark', () => {
  const m0 = ex.mark();
  const big = ex.alloc(40 * 2 ** 20);
  assert.ok(big > 0);
  assert.ok(ex.memory.buffer.byteLength >= big + 40 * 2 ** 20);
  assert.is(new Uint8Array(ex.memory.buffer, big, 16).every((v) => v === 0), true);
  ex.release(m0);
  assert.is(ex.mark(), m0);
});

test.run();
