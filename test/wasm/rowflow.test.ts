/**
 * The one-row forward (assembly/rowflow.ts, gemv.ts) against the batch forward: on several model
 * shapes — the default, widths whose k and n leave remainders of 4 and 8, additive coupling —
 * with random weights (initialised on data, then every parameter moved by N(0, 0.02²)), every row's log p must equal its in-batch value within 1e-6 relative, and
 * its latents and log-determinant within f32 rounding; the public logProb and encode of 1–3 rows
 * (a lone row takes that path) must agree with the same rows scored in a large batch. The gemv kernels
 * themselves are checked against f64 products, and nothing stays allocated.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Glow } from '../../src/model/glow.js';
import { H } from '../../src/wasm/plan.js';
import { Rng } from '../../src/util/rng.js';
import { gaussianRows } from '../model/fixtures.js';
import { engineVariants } from '../helpers/engines.js';

const SHAPES = [
  { features: 16, levels: 3, steps: 4, hidden: 64, coupling: 'affine' as const },
  { features: 7, levels: 2, steps: 2, hidden: 20, coupling: 'affine' as const }, // odd widths, k % 4 ≠ 0, n % 8 ≠ 0
  { features: 12, levels: 2, steps: 3, hidden: 36, coupling: 'additive' as const },
  { features: 5, levels: 1, steps: 2, hidden: 64, coupling: 'affine' as const }, // da = 2, db = 3 (odd last column)
];

/** A model of this shape, initialised on Gaussian rows, with every parameter perturbed at random. */
function randomModel(shape: (typeof SHAPES)[number], seed: number): Glow {
  const g = Glow.create({ ...shape, seed });
  g.initialize(gaussianRows(512, shape.features, seed + 1));
  const p = g.getParameters();
  const rng = new Rng(seed + 2);
  for (let i = 0; i < p.length; i++) p[i] += 0.02 * rng.normal();
  g.setParameters(p);
  return g;
}

for (const [si, shape] of SHAPES.entries()) {
  test(`one-row forward equals the batch forward within 1e-6 relative in log p (${JSON.stringify(shape)})`, () => {
    for (const seed of [1, 2]) {
      const g = randomModel(shape, 10 * si + seed);
      const { mem, ex } = g;
      const D = shape.features, n = 9;
      const x = gaussianRows(n, D, 100 + seed);
      const mark = ex.mark();
      mem.f32(mem.header(H.X0), n * D).set(x);
      const nllBatch = ex.glowForward(mem.plan, n);
      const lpBatch = mem.f64(mem.header(H.LOGP), n).slice();
      const zBatch = mem.f32(mem.header(H.Z), n * D).slice();
      const ldBatch = mem.f32(mem.header(H.LOGDET), n).slice();
      mem.f32(mem.header(H.X0), n * D).set(x);
      const nllRows = ex.glowForwardRows(mem.plan, n);
      const lpRows = mem.f64(mem.header(H.LOGP), n);
      const zRows = mem.f32(mem.header(H.Z), n * D);
      const ldRows = mem.f32(mem.header(H.LOGDET), n);
      for (let i = 0; i < n; i++) {
        const rel = Math.abs(lpRows[i] - lpBatch[i]) / Math.abs(lpBatch[i]);
        assert.ok(rel <= 1e-6, `row ${i}: log p ${lpRows[i]} vs in-batch ${lpBatch[i]} (relative ${rel})`);
        assert.ok(Math.abs(ldRows[i] - ldBatch[i]) <= 1e-5 * (1 + Math.abs(ldBatch[i])), `row ${i}: log-det ${ldRows[i]} vs ${ldBatch[i]}`);
      }
      for (let k = 0; k < n * D; k++) {
        assert.ok(Math.abs(zRows[k] - zBatch[k]) <= 1e-5 * (1 + Math.abs(zBatch[k])), `z[${k}] ${zRows[k]} vs ${zBatch[k]}`);
      }
      assert.ok(Math.abs(nllRows - nllBatch) <= 1e-6 * Math.abs(nllBatch), `mean NLL ${nllRows} vs ${nllBatch}`);
      assert.is(ex.mark(), mark, 'the one-row forward allocated arena memory');
    }
  });
}

test('logProb and encode of 1, 2 and 3 rows match the same rows inside a 600-row batch', () => {
  const g = randomModel(SHAPES[0], 7);
  const D = 16;
  const x = gaussianRows(600, D, 8);
  const batch = g.logProb(x);
  const mark = g.ex.mark();
  for (const rows of [1, 2, 3]) {
    for (const at of [0, 17, 597]) {
      const lp = g.logProb(x.subarray(at * D, (at + rows) * D));
      assert.is(lp.length, rows);
      for (let i = 0; i < rows; i++) {
        const rel = Math.abs(lp[i] - batch[at + i]) / Math.abs(batch[at + i]);
        assert.ok(rel <= 1e-6, `rows ${at}+${i} of ${rows}: ${lp[i]} vs ${batch[at + i]} (relative ${rel})`);
        assert.is(g.encode(x.subarray(at * D, (at + rows) * D)).logProb[i], lp[i]);
      }
    }
  }
  // plain arrays and a row of arrays take the same path
  const row = Array.from(x.subarray(0, D));
  assert.is(g.logProb(row)[0], g.logProb([row])[0]);
  assert.is(g.ex.mark(), mark, 'logProb of a few rows allocated arena memory');
});


for (const { variant, ex } of engineVariants()) {
  test(`[${variant}] gemvDot and gemvAxpy match f64 products (every remainder of n mod 8 and k mod 4, bias, ReLU)`, () => {
    const rng = new Rng(4);
    const mark = ex.mark();
    for (const [n, k] of [[1, 1], [3, 2], [4, 4], [8, 64], [13, 64], [64, 64], [9, 7], [20, 17], [64, 8], [5, 130]]) {
      for (const relu of [0, 1]) {
        for (const withBias of [false, true]) {
          const w = Float32Array.from({ length: n * k }, () => rng.normal());
          const xv = Float32Array.from({ length: k }, () => rng.normal());
          const b = Float32Array.from({ length: n }, () => rng.normal());
          const ptr = ex.alloc((2 * n * k + k + 3 * n) * 4);
          const pw = ptr, pwt = pw + n * k * 4, px = pwt + n * k * 4, pb = px + k * 4, py = pb + n * 4, pz = py + n * 4;
          const f = new Float32Array(ex.memory.buffer);
          f.set(w, pw / 4);
          for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) f[pwt / 4 + p * n + j] = w[j * k + p];
          f.set(xv, px / 4);
          f.set(b, pb / 4);
          ex.gemvDot(n, k, pw, px, withBias ? pb : 0, py, relu);
          ex.gemvAxpy(n, k, pwt, px, withBias ? pb : 0, pz, relu);
          const g = new Float32Array(ex.memory.buffer);
          for (let j = 0; j < n; j++) {
            let s = withBias ? b[j] : 0, mag = Math.abs(s);
            for (let p = 0; p < k; p++) {
              s += w[j * k + p] * xv[p];
              mag += Math.abs(w[j * k + p] * xv[p]);
            }
            if (relu) s = Math.max(0, s);
            const budget = (k + 2) * 2 ** -24 * mag + 1e-30;
            assert.ok(Math.abs(g[py / 4 + j] - s) <= budget, `gemvDot n=${n} k=${k} out ${j}: ${g[py / 4 + j]} vs ${s}`);
            assert.ok(Math.abs(g[pz / 4 + j] - s) <= budget, `gemvAxpy n=${n} k=${k} out ${j}: ${g[pz / 4 + j]} vs ${s}`);
          }
          ex.release(ptr);
        }
      }
    }
    assert.is(ex.mark(), mark, 'gemv test leaked arena memory');
  });
}

test.run();
