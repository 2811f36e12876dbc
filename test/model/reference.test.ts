import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReferenceGlow } from '../../src/model/reference.js';
import { modelLayout, parameterTensors } from '../../src/model/layout.js';
import { initialState } from '../../src/model/init.js';
import { Rng } from '../../src/util/rng.js';
import type { GlowConfig } from '../../src/model/config.js';

/** An oracle whose ActNorm is data-initialised and every parameter perturbed (no identity layer). */
function generic(config: Partial<GlowConfig>, seed = 1): { ref: ReferenceGlow; d: number } {
  const layout = modelLayout(config);
  const ref = new ReferenceGlow(layout, initialState(layout, seed));
  const d = layout.config.features;
  const r = new Rng(seed + 10);
  ref.initializeActNorm(Float64Array.from({ length: 300 * d }, () => 1.3 * r.normal() + 0.2), 300);
  for (let i = 0; i < ref.params.length; i++) ref.params[i] += 0.05 * r.normal();
  return { ref, d };
}

function rows(n: number, d: number, seed: number): Float64Array {
  const r = new Rng(seed);
  return Float64Array.from({ length: n * d }, () => r.normal());
}

/** log|det A| of a d×d matrix by LU with partial pivoting (f64). */
function logAbsDet(a: Float64Array, d: number): number {
  const m = Float64Array.from(a);
  let s = 0;
  for (let k = 0; k < d; k++) {
    let p = k;
    for (let i = k + 1; i < d; i++) if (Math.abs(m[i * d + k]) > Math.abs(m[p * d + k])) p = i;
    for (let j = 0; j < d; j++) [m[k * d + j], m[p * d + j]] = [m[p * d + j], m[k * d + j]];
    s += Math.log(Math.abs(m[k * d + k]));
    for (let i = k + 1; i < d; i++) {
      const f = m[i * d + k] / m[k * d + k];
      for (let j = k; j < d; j++) m[i * d + j] -= f * m[k * d + j];
    }
  }
  return s;
}

const CONFIGS: [string, Partial<GlowConfig>][] = [
  ['affine 6/2/2/8', { features: 6, levels: 2, steps: 2, hidden: 8 }],
  ['affine odd 7/2/2/8', { features: 7, levels: 2, steps: 2, hidden: 8 }],
  ['additive 5/2/2/8', { features: 5, levels: 2, steps: 2, hidden: 8, coupling: 'additive' }],
];

for (const [label, config] of CONFIGS) {
  test(`oracle: inverse(forward(x)) = x within 1e-10 (${label})`, () => {
    const { ref, d } = generic(config);
    const x = rows(50, d, 3);
    const back = ref.inverse(ref.forward(x, 50).z, 50);
    let e = 0;
    for (let i = 0; i < x.length; i++) e = Math.max(e, Math.abs(back[i] - x[i]));
    assert.ok(e < 1e-10, `max error ${e}`);
  });

  test(`oracle: per-row log-det = log|det J| of a finite-difference Jacobian, rel ≤ 1e-6 (${label})`, () => {
    const { ref, d } = generic(config);
    const x = rows(4, d, 5);
    const { logDet } = ref.forward(x, 4);
    let worst = 0;
    for (let r = 0; r < 4; r++) {
      const J = new Float64Array(d * d); // J[i][j] = ∂z_i/∂x_j
      const h = 1e-5;
      for (let j = 0; j < d; j++) {
        const xp = x.slice(r * d, (r + 1) * d), xm = xp.slice();
        xp[j] += h;
        xm[j] -= h;
        const zp = ref.forward(xp, 1).z, zm = ref.forward(xm, 1).z;
        for (let i = 0; i < d; i++) J[i * d + j] = (zp[i] - zm[i]) / (2 * h);
      }
      const rel = Math.abs(logAbsDet(J, d) - logDet[r]) / Math.max(1, Math.abs(logDet[r]));
      worst = Math.max(worst, rel);
    }
    assert.ok(worst <= 1e-6, `relative error ${worst}`);
    console.log(`    [${label}] log-det vs FD Jacobian: worst relative error ${worst.toExponential(2)}`);
  });

  test(`oracle: analytic gradient = central differences of the loss for every tensor (${label})`, () => {
    const { ref, d } = generic(config, 2);
    const x = rows(16, d, 7);
    const { loss, grad } = ref.lossAndGradient(x, 16);
    assert.ok(Math.abs(loss - ref.loss(x, 16)) < 1e-12);
    let worst = 0;
    for (const t of parameterTensors(ref.layout)) {
      let num = 0, den = 0;
      for (let k = 0; k < t.size; k++) {
        const i = t.offset + k;
        const v = ref.params[i], h = 1e-6;
        ref.params[i] = v + h; const lp = ref.loss(x, 16);
        ref.params[i] = v - h; const lm = ref.loss(x, 16);
        ref.params[i] = v;
        const fd = (lp - lm) / (2 * h);
        num += (grad[i] - fd) ** 2;
        den += fd * fd;
      }
      const rel = Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-9);
      worst = Math.max(worst, rel);
      assert.ok(rel < 1e-6, `${t.name}: ${rel}`);
    }
    console.log(`    [${label}] oracle gradient vs FD: worst per-tensor relative error ${worst.toExponential(2)}`);
  });
}

test('oracle: one row alone = the same row in a batch; ActNorm init standardises the first step', () => {
  const { ref, d } = generic({ features: 6, levels: 2, steps: 2, hidden: 8 });
  const x = rows(20, d, 9);
  const all = ref.logProb(x, 20);
  assert.is(ref.logProb(x.slice(7 * d, 8 * d), 1)[0], all[7]);
  const layout = modelLayout({ features: 3, levels: 1, steps: 1, hidden: 4 });
  const fresh = new ReferenceGlow(layout, initialState(layout, 1));
  const data = Float64Array.from([1, 10, -2, 3, 14, -2.5, 5, 18, -1, 7, 22, -0.5]);
  fresh.initializeActNorm(data, 4);
  const s = layout.steps[0];
  // column 0: 1,3,5,7 → mean 4, population std √5
  assert.ok(Math.abs(fresh.params[s.bias] + 4) < 1e-15);
  assert.ok(Math.abs(fresh.params[s.logs] + Math.log(Math.sqrt(5) + 1e-6)) < 1e-15);
});

test('oracle: with identity couplings the flow is linear, so log p is a Gaussian density', () => {
  // fc3 = 0 at initialisation: every coupling is the identity and z = A·x + c for one matrix A.
  const layout = modelLayout({ features: 4, levels: 2, steps: 2, hidden: 8 });
  const ref = new ReferenceGlow(layout, initialState(layout, 4));
  const r = new Rng(1);
  for (const s of layout.steps) for (let j = 0; j < s.d; j++) {
    ref.params[s.bias + j] = 0.3 * r.normal();
    ref.params[s.logs + j] = 0.2 * r.normal();
  }
  const d = 4;
  const z0 = ref.forward(new Float64Array(d), 1).z;
  const A = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const e = new Float64Array(d);
    e[j] = 1;
    const zj = ref.forward(e, 1).z;
    for (let i = 0; i < d; i++) A[i * d + j] = zj[i] - z0[i];
  }
  const x = rows(5, d, 2);
  const lp = ref.logProb(x, 5);
  for (let k = 0; k < 5; k++) {
    let q = 0;
    for (let i = 0; i < d; i++) {
      let zi = z0[i];
      for (let j = 0; j < d; j++) zi += A[i * d + j] * x[k * d + j];
      q += zi * zi;
    }
    const gauss = -0.5 * q - 0.5 * d * Math.log(2 * Math.PI) + logAbsDet(A, d);
    assert.ok(Math.abs(gauss - lp[k]) < 1e-10, `${gauss} vs ${lp[k]}`);
  }
});

test.run();
