import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ReferenceConditionalGlow } from '../../src/model/forecaster-reference.js';
import { forecasterLayout, forecasterParameterTensors } from '../../src/model/forecaster-layout.js';
import { forecasterInitialState } from '../../src/model/forecaster-init.js';
import type { ForecasterConfig } from '../../src/model/forecaster-config.js';
import { studentTLogDensity } from '../../src/model/student-t.js';
import { Rng } from '../../src/util/rng.js';

const SMALL: Partial<ForecasterConfig> = { target: 6, context: 3, levels: 2, steps: 2, hidden: 8, embed: 4, contextHidden: 8 };

function rows(n: number, d: number, seed: number, scale = 1): Float64Array {
  const r = new Rng(seed);
  return Float64Array.from({ length: n * d }, () => scale * r.normal());
}

/**
 * An oracle with nothing at its identity: ActNorm data-initialised, every parameter perturbed, and
 * the zero-initialised fc3 / prior.fc2 set to random values so couplings and the base depend on c.
 */
function generic(config: Partial<ForecasterConfig>, seed = 1) {
  const layout = forecasterLayout(config);
  const ref = new ReferenceConditionalGlow(layout, forecasterInitialState(layout, seed));
  const { target: H, context: C } = layout.config;
  const r = new Rng(seed + 10);
  ref.initializeActNorm(rows(300, H, seed + 20, 1.3), rows(300, C, seed + 30), 300);
  for (const t of forecasterParameterTensors(layout)) {
    const zeroInit = /fc3|prior\.fc2/.test(t.name);
    for (let k = 0; k < t.size; k++) ref.params[t.offset + k] += (zeroInit ? 0.3 : 0.05) * r.normal();
  }
  if (layout.prior.df >= 0) for (let j = 0; j < H; j++) ref.params[layout.prior.df + j] = 0.5 + 0.4 * j; // ν from 2.97 to 4.6
  return { ref, H, C };
}

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

const CONFIGS: [string, Partial<ForecasterConfig>][] = [
  ['student-t affine H6 C3 L2 K2', SMALL],
  ['normal additive odd H7', { ...SMALL, target: 7, base: 'normal', coupling: 'additive' }],
];

for (const [label, config] of CONFIGS) {
  test(`decode(encode(y, c), c) = y within 1e-10 (${label})`, () => {
    const { ref, H, C } = generic(config);
    const y = rows(40, H, 3, 1.5), c = rows(40, C, 4);
    const back = ref.decode(ref.encode(y, c, 40), c, 40);
    let e = 0;
    for (let i = 0; i < y.length; i++) e = Math.max(e, Math.abs(back[i] - y[i]));
    console.log(`    [${label}] invertibility: max |decode(encode(y)) − y| = ${e.toExponential(2)}`);
    assert.ok(e < 1e-10, `max error ${e}`);
  });

  test(`per-row log-det = log|det ∂z/∂y| of a finite-difference Jacobian, rel ≤ 1e-6 (${label})`, () => {
    const { ref, H, C } = generic(config);
    const y = rows(4, H, 5), c = rows(4, C, 6);
    const { logDet } = ref.forward(y, c, 4);
    let worst = 0;
    for (let r = 0; r < 4; r++) {
      const cr = c.slice(r * C, (r + 1) * C);
      const J = new Float64Array(H * H);
      const h = 1e-5;
      for (let j = 0; j < H; j++) {
        const yp = y.slice(r * H, (r + 1) * H), ym = yp.slice();
        yp[j] += h;
        ym[j] -= h;
        const zp = ref.encode(yp, cr, 1), zm = ref.encode(ym, cr, 1);
        for (let i = 0; i < H; i++) J[i * H + j] = (zp[i] - zm[i]) / (2 * h);
      }
      worst = Math.max(worst, Math.abs(logAbsDet(J, H) - logDet[r]) / Math.max(1, Math.abs(logDet[r])));
    }
    console.log(`    [${label}] log-det vs FD Jacobian: worst relative error ${worst.toExponential(2)}`);
    assert.ok(worst <= 1e-6, `relative error ${worst}`);
  });

  test(`analytic gradient = central differences of the loss for every tensor (${label})`, () => {
    const { ref, H, C } = generic(config, 2);
    const n = 16;
    const y = rows(n, H, 7, 1.5), c = rows(n, C, 8);
    const { loss, grad, logProb } = ref.lossAndGradient(y, c, n);
    assert.ok(Math.abs(loss - ref.loss(y, c, n)) < 1e-12);
    assert.equal(Array.from(logProb), Array.from(ref.logProb(y, c, n)));
    let worst = 0;
    const names: string[] = [];
    for (const t of forecasterParameterTensors(ref.layout)) {
      let num = 0, den = 0;
      for (let k = 0; k < t.size; k++) {
        const i = t.offset + k;
        const v = ref.params[i], h = 1e-6;
        ref.params[i] = v + h; const lp = ref.loss(y, c, n);
        ref.params[i] = v - h; const lm = ref.loss(y, c, n);
        ref.params[i] = v;
        const fd = (lp - lm) / (2 * h);
        num += (grad[i] - fd) ** 2;
        den += fd * fd;
      }
      // every tensor's gradient is non-trivial (no identity layer hides a wrong backward)
      assert.ok(Math.sqrt(den) > 1e-6, `${t.name}: finite-difference gradient is ~0 (${Math.sqrt(den)})`);
      const rel = Math.sqrt(num) / Math.sqrt(den);
      worst = Math.max(worst, rel);
      names.push(t.name);
      assert.ok(rel < 1e-6, `${t.name}: relative error ${rel}`);
    }
    assert.ok(names.includes('context.fc1.weight') && names.includes('prior.fc2.bias'));
    assert.is(names.includes('prior.df'), ref.layout.config.base === 'student-t');
    console.log(`    [${label}] gradient vs FD: worst per-tensor relative error ${worst.toExponential(2)}`);
  });
}

test('the embedding columns of coupling fc1 carry the context: their gradient matches FD element-wise', () => {
  const { ref, H, C } = generic(SMALL, 3);
  const y = rows(8, H, 1), c = rows(8, C, 2);
  const { grad } = ref.lossAndGradient(y, c, 8);
  const s = ref.layout.steps[1];
  const E = ref.layout.config.embed;
  let checked = 0;
  for (let o = 0; o < ref.layout.config.hidden; o++) {
    for (let k = 0; k < E; k++) {
      const i = s.fc1w + o * s.fc1In + s.da + k;
      const v = ref.params[i], h = 1e-6;
      ref.params[i] = v + h; const lp = ref.loss(y, c, 8);
      ref.params[i] = v - h; const lm = ref.loss(y, c, 8);
      ref.params[i] = v;
      const fd = (lp - lm) / (2 * h);
      assert.ok(Math.abs(grad[i] - fd) <= 1e-7 * Math.max(1, Math.abs(fd)), `fc1[${o}][${s.da + k}]: ${grad[i]} vs ${fd}`);
      if (fd !== 0) checked++;
    }
  }
  assert.ok(checked > 0);
});

test('log p = Σ log t_ν(z; μ(e), σ(e)) + log-det: with a zero flow net and bias-only prior, by hand', () => {
  // Fresh init: fc3 = 0 (identity couplings); set prior.fc2.bias so μ_j = 0.1·j, logσ_j = −0.2.
  const layout = forecasterLayout({ ...SMALL, levels: 1, steps: 1 });
  const ref = new ReferenceConditionalGlow(layout, forecasterInitialState(layout, 5));
  const H = 6;
  for (let j = 0; j < H; j++) {
    ref.params[layout.prior.fc2b + j] = 0.1 * j;
    ref.params[layout.prior.fc2b + H + j] = -0.2;
  }
  const y = rows(3, H, 9), c = rows(3, 3, 10);
  const { z, logDet, logProb } = ref.forward(y, c, 3);
  const nu = ref.degreesOfFreedom();
  assert.ok(nu.every((v) => Math.abs(v - 3) < 1e-12)); // the initial ν (docs/forecaster-math.md)
  for (let i = 0; i < 3; i++) {
    let s = logDet[i];
    for (let j = 0; j < H; j++) s += studentTLogDensity(z[i * H + j], 0.1 * j, -0.2, 3);
    assert.ok(Math.abs(s - logProb[i]) < 1e-12, `row ${i}: ${s} vs ${logProb[i]}`);
    // identity ActNorm and coupling: only the rotation, |det| = 1
    assert.ok(Math.abs(logDet[i]) < 1e-12);
  }
});

test('one row alone = the same row inside a batch (log p, z); the context changes log p', () => {
  const { ref, H, C } = generic(SMALL);
  const y = rows(20, H, 9), c = rows(20, C, 10);
  const all = ref.logProb(y, c, 20);
  const one = ref.logProb(y.slice(7 * H, 8 * H), c.slice(7 * C, 8 * C), 1);
  assert.is(one[0], all[7]);
  const other = ref.logProb(y.slice(7 * H, 8 * H), c.slice(8 * C, 9 * C), 1);
  assert.ok(Math.abs(other[0] - all[7]) > 1e-3);
});

test('sample: rows × n × H with each row’s draws contiguous, seeded, encode(draw) = μ + T·σ·ε', () => {
  const { ref, H, C } = generic(SMALL);
  const c = rows(3, C, 11);
  const a = ref.sample(c, 3, 5, { seed: 4, temperature: 0.8 });
  assert.is(a.length, 3 * 5 * H);
  assert.equal(Array.from(ref.sample(c, 3, 5, { seed: 4, temperature: 0.8 })), Array.from(a));
  assert.not.equal(Array.from(ref.sample(c, 3, 5, { seed: 5, temperature: 0.8 })), Array.from(a));
  // each draw belongs to its own context row: encode then decode under that row returns it
  const cRep = new Float64Array(15 * C);
  for (let q = 0; q < 15; q++) cRep.set(c.subarray(Math.floor(q / 5) * C, Math.floor(q / 5 + 1) * C), q * C);
  const z = ref.encode(a, cRep, 15);
  const back = ref.decode(z, cRep, 15);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(back[i] - a[i]) < 1e-10);
  // temperature 0: every draw is decode(μ), so a row's draws are identical
  const t0 = ref.sample(c, 3, 4, { seed: 1, temperature: 0 });
  for (let s = 1; s < 4; s++) for (let j = 0; j < H; j++) assert.is(t0[(2 * 4 + s) * H + j], t0[(2 * 4) * H + j]);
});

test('sampled base moments: with a linear flow the latent draws have variance σ²·ν/(ν−2)', () => {
  // Fresh init: every coupling is the identity, so encode(sample) recovers μ + σ·ε exactly.
  const layout = forecasterLayout({ ...SMALL, levels: 1, steps: 1 });
  const ref = new ReferenceConditionalGlow(layout, forecasterInitialState(layout, 6));
  const H = 6;
  for (let j = 0; j < H; j++) {
    ref.params[layout.prior.fc2b + j] = 1; // μ = 1
    ref.params[layout.prior.fc2b + H + j] = Math.log(2); // σ = 2
    ref.params[layout.prior.df + j] = Math.log(Math.expm1(4)); // ν = 6
  }
  const c = rows(1, 3, 1);
  const N = 20_000;
  const draws = ref.sample(c, 1, N, { seed: 9 });
  const z = ref.encode(draws, Float64Array.from({ length: N * 3 }, (_, i) => c[i % 3]), N);
  let s = 0, s2 = 0;
  for (let i = 0; i < N * H; i++) {
    s += z[i];
    s2 += z[i] * z[i];
  }
  const m = s / (N * H), v = s2 / (N * H) - m * m;
  // target 4·6/4 = 6; SE ≈ √(16·11.25/1.2e5) ≈ 0.039 → tolerance 0.2 (5 SE)
  assert.ok(Math.abs(m - 1) < 0.05, `mean ${m}`);
  assert.ok(Math.abs(v - 6) < 0.2, `variance ${v}`);
});

test('bad shapes and contexts of the wrong width give clear errors', () => {
  const { ref } = generic(SMALL);
  assert.throws(() => ref.logProb(new Float64Array(12), new Float64Array(8), 2), /c has 8 values, expected 2 rows × context width 3 = 6 \(4 columns per row; the model's context width is 3\)/);
  assert.throws(() => ref.logProb(new Float64Array(10), new Float64Array(6), 2), /y has 10 values, expected 2 rows × target width 6 = 12 \(5 columns per row; the model's target width is 6\)/);
  assert.throws(() => ref.decode(new Float64Array(11), new Float64Array(6), 2), /z has 11 values, expected 2 rows × target width 6 = 12$/);
  assert.throws(() => ref.sample(new Float64Array(6), 2, 0), /draws per row must be a positive integer, got 0/);
  assert.throws(() => ref.sample(new Float64Array(6), 2, 3, { temperature: -1 }), /temperature must be a finite number ≥ 0, got -1/);
  assert.throws(() => ref.logProb(new Float64Array(0), new Float64Array(0), 0), /rows must be a positive integer, got 0/);
  const layout = forecasterLayout(SMALL);
  assert.throws(() => new ReferenceConditionalGlow(layout, { params: new Float64Array(5), perm: new Int32Array(0), sign: [] }), /params has 5 values, the layout needs \d+/);
});

test.run();
