/**
 * The forecaster's wasm engine (assembly/forecast.ts) against the f64 oracle
 * (src/model/forecaster-reference.ts) on the same parameters: per-row log p and latents, the
 * data-dependent ActNorm init, and the f32 gradient of every tensor against central finite
 * differences of the oracle's loss (the worst relative error per tensor is printed); the blocked
 * training step against the whole-batch gradient.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConditionalGlow } from '../../src/model/conditional-glow.js';
import { ReferenceConditionalGlow } from '../../src/model/forecaster-reference.js';
import { forecasterParameterTensors } from '../../src/model/forecaster-layout.js';
import type { ForecasterConfig } from '../../src/model/forecaster-config.js';
import { Rng } from '../../src/util/rng.js';

const N = 300;

function rows(n: number, T: number, C: number, seed: number) {
  const r = new Rng(seed);
  const y = new Float32Array(n * T), c = new Float32Array(n * C);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < C; j++) c[i * C + j] = r.normal();
    // heavy-ish tails and a context-driven scale
    for (let j = 0; j < T; j++) y[i * T + j] = Math.exp(0.5 * c[i * C]) * r.normal() / Math.sqrt(0.2 + r.uniform());
  }
  return { y, c };
}

/** A model trained a few steps (no layer is the identity, the prior's last layer is no longer zero) and its oracle. */
function setup(config: Partial<ForecasterConfig>, seed: number) {
  const m = ConditionalGlow.create({ ...config, seed });
  const { target: T, context: C } = m.config;
  const d = rows(N, T, C, seed + 10);
  m.fit(d.y, d.c, { epochs: 3, batchSize: 50, validationFraction: 0, learningRate: 5e-3, seed });
  const ref = new ReferenceConditionalGlow(m.layout, {
    params: Float64Array.from(m.getParameters()),
    perm: Int32Array.from(m.mem.flow.i32(m.mem.flow.perm, m.layout.permLength)),
    sign: Float64Array.from(m.mem.flow.f32(m.mem.flow.sign, m.layout.signLength)),
  });
  return { m, ref, y: d.y, c: d.c, T, C };
}

const CONFIGS: [string, Partial<ForecasterConfig>][] = [
  ['student-t, affine', { target: 6, context: 3, levels: 2, steps: 2, hidden: 16, embed: 4, contextHidden: 8 }],
  ['normal, additive, odd widths', { target: 5, context: 2, levels: 2, steps: 1, hidden: 12, embed: 3, contextHidden: 5, base: 'normal', coupling: 'additive' }],
];

for (const [name, config] of CONFIGS) {
  test(`${name}: wasm log p and z equal the f64 oracle's`, () => {
    const { m, ref, y, c } = setup(config, 1);
    const w = m.encode(y, c);
    const o = ref.forward(Float64Array.from(y), Float64Array.from(c), N);
    let dl = 0, dz = 0, dd = 0;
    for (let i = 0; i < N; i++) dl = Math.max(dl, Math.abs(w.logProb[i] - o.logProb[i]) / (1 + Math.abs(o.logProb[i])));
    for (let i = 0; i < N; i++) dd = Math.max(dd, Math.abs(w.logDet[i] - o.logDet[i]) / (1 + Math.abs(o.logDet[i])));
    assert.ok(dd < 2e-5, `log-det differs by ${dd}`);
    for (let k = 0; k < w.z.length; k++) dz = Math.max(dz, Math.abs(w.z[k] - o.z[k]) / (1 + Math.abs(o.z[k])));
    console.log(`  ${name}: log p worst relative error ${dl.toExponential(2)}, z ${dz.toExponential(2)}`);
    assert.ok(dl < 2e-5, `log p differs by ${dl}`);
    assert.ok(dz < 2e-5, `z differs by ${dz}`);
    const back = ref.decode(Float64Array.from(w.z), Float64Array.from(c), N);
    const wb = m.decode(w.z, c);
    let db = 0;
    for (let k = 0; k < wb.length; k++) db = Math.max(db, Math.abs(wb[k] - back[k]) / (1 + Math.abs(back[k])));
    assert.ok(db < 2e-5, `decode differs by ${db}`);
  });

  test(`${name}: every tensor's f32 gradient against central differences of the oracle's loss`, () => {
    const { m, ref, y, c } = setup(config, 2);
    const n = 64;
    const ys = y.subarray(0, n * m.config.target), cs = c.subarray(0, n * m.config.context);
    const wasm = m.lossAndGradient(ys, cs).grad;
    const y64 = Float64Array.from(ys), c64 = Float64Array.from(cs);
    const analytic = ref.lossAndGradient(y64, c64, n).grad;
    const rng = new Rng(3);
    const worst: string[] = [];
    let overall = 0;
    for (const t of forecasterParameterTensors(m.layout)) {
      let scale = 0;
      for (let i = 0; i < t.size; i++) scale = Math.max(scale, Math.abs(analytic[t.offset + i]));
      // the 6 largest entries and 6 random ones; lower/upper only where the maths reads them
      const idx = Array.from({ length: t.size }, (_, i) => i).sort((a, b) => Math.abs(analytic[t.offset + b]) - Math.abs(analytic[t.offset + a]));
      const pick = new Set([...idx.slice(0, 6), ...Array.from({ length: 6 }, () => Math.floor(rng.uniform() * t.size))]);
      let err = 0;
      for (const i of pick) {
        const k = t.offset + i;
        const h = 1e-5 * Math.max(1, Math.abs(ref.params[k]));
        const p0 = ref.params[k];
        ref.params[k] = p0 + h;
        const lp = ref.loss(y64, c64, n);
        ref.params[k] = p0 - h;
        const lm = ref.loss(y64, c64, n);
        ref.params[k] = p0;
        const fd = (lp - lm) / (2 * h);
        err = Math.max(err, Math.abs(wasm[k] - fd) / Math.max(scale, 1e-4));
      }
      overall = Math.max(overall, err);
      worst.push(`${t.name} ${err.toExponential(1)}`);
      assert.ok(err < 2e-3, `${t.name}: f32 gradient differs from the oracle's central differences by ${err} of the tensor's largest entry`);
    }
    console.log(`  ${name}: worst gradient error ${overall.toExponential(2)} (relative to each tensor's largest entry)`);
  });
}

test('forecastTrainStep (128-row blocks) with lr 0: the whole-batch gradient, parameters untouched', () => {
  const { m, y, c, T, C } = setup(CONFIGS[0][1], 4);
  const ref = m.lossAndGradient(y, c);
  const { flow } = m.mem;
  const numel = m.layout.numel;
  const tmp = flow.allocTemp(N * (T + C + 1) * 4);
  flow.f32(tmp.ptr, N * T).set(y);
  flow.f32(tmp.ptr + N * T * 4, N * C).set(c);
  flow.i32(tmp.ptr + N * (T + C) * 4, N).set(Int32Array.from({ length: N }, (_, i) => i));
  const before = m.getParameters();
  const loss = m.ex.forecastTrainStep(m.mem.fplan, tmp.ptr, tmp.ptr + N * T * 4, tmp.ptr + N * (T + C) * 4, N, 0, 0.9, 0.999, 1e-8, 0, 1, 0);
  const g = flow.f32(flow.grads, numel).slice();
  flow.releaseTemp(tmp.mark);
  let scale = 0, worst = 0;
  for (let i = 0; i < numel; i++) scale = Math.max(scale, Math.abs(ref.grad[i]));
  for (let i = 0; i < numel; i++) worst = Math.max(worst, Math.abs(g[i] - ref.grad[i]) / scale);
  assert.ok(worst < 1e-5, `blocked gradient differs by ${worst}`);
  assert.ok(Math.abs(loss - ref.loss) < 1e-5 * Math.abs(ref.loss));
  assert.equal(Array.from(m.getParameters()), Array.from(before));
});

test('data-dependent ActNorm init equals the oracle\'s (conditioned on the contexts)', () => {
  const config = CONFIGS[0][1];
  const m = ConditionalGlow.create({ ...config, seed: 6 });
  const ref = new ReferenceConditionalGlow(m.layout, {
    params: Float64Array.from(m.getParameters()),
    perm: Int32Array.from(m.mem.flow.i32(m.mem.flow.perm, m.layout.permLength)),
    sign: Float64Array.from(m.mem.flow.f32(m.mem.flow.sign, m.layout.signLength)),
  });
  const d = rows(N, 6, 3, 7);
  m.initialize(d.y, d.c);
  ref.initializeActNorm(Float64Array.from(d.y), Float64Array.from(d.c), N);
  const p = m.getParameters();
  let worst = 0;
  for (const t of forecasterParameterTensors(m.layout)) {
    if (!t.name.includes('actnorm')) continue;
    for (let i = 0; i < t.size; i++) worst = Math.max(worst, Math.abs(p[t.offset + i] - ref.params[t.offset + i]) / (1 + Math.abs(ref.params[t.offset + i])));
  }
  assert.ok(worst < 1e-5, `ActNorm init differs by ${worst}`);
});

test.run();
