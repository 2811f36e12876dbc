/**
 * ConditionalGlow (the forecaster, DESIGN §9) on the wasm engine: argument errors, invertibility in
 * f32, per-row log p, the base density against the closed-form Student-t / normal on a model whose
 * flow is the identity, per-context sampling (layout, mean, variance σ²ν/(ν−2)), named parameters,
 * and bit-identical training for a seed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConditionalGlow } from '../../src/model/conditional-glow.js';
import { Rng } from '../../src/util/rng.js';
import { NonFiniteError } from '../../src/model/fit.js';

const T = 6, C = 3, N = 300;
const small = { target: T, context: C, levels: 2, steps: 2, hidden: 16, embed: 4, contextHidden: 8 };

/** Heteroscedastic rows: c ~ N(0, 1), y = exp(0.5·c₀)·N(0, 1). */
function rows(n: number, seed: number, width = T, cw = C) {
  const r = new Rng(seed);
  const y = new Float32Array(n * width), c = new Float32Array(n * cw);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < cw; j++) c[i * cw + j] = r.normal();
    for (let j = 0; j < width; j++) y[i * width + j] = Math.exp(0.5 * c[i * cw]) * r.normal();
  }
  return { y, c };
}

/** A model trained a little, so that no layer is the identity. */
function trained(seed = 1) {
  const m = ConditionalGlow.create({ ...small, seed });
  const d = rows(N, 5);
  m.fit(d.y, d.c, { epochs: 2, batchSize: 64, validationFraction: 0, learningRate: 3e-3, seed: 2 });
  return { m, ...d };
}

test('argument errors name the call, the argument and what was expected', () => {
  const m = ConditionalGlow.create({ ...small });
  const d = rows(N, 1);
  assert.throws(() => m.logProb(d.y, d.c), /logProb: the model's ActNorm layers are not initialised; call initialize\(y, c\)/);
  assert.throws(() => m.initialize(d.y.subarray(0, 100 * T), d.c.subarray(0, 100 * C)), /at least 256 rows.*got 100/);
  m.initialize(d.y, d.c);
  assert.throws(() => m.logProb(d.y.subarray(1), d.c), /logProb: y \(target width 6\): 1799 values is not a whole number of rows of width 6/);
  assert.throws(() => m.logProb(d.y, d.c.subarray(0, 10 * C)), /logProb: y has 300 rows but c has 10; every y row needs its context row/);
  assert.throws(() => m.logProb([[1, 2, 3, 4, 5, 6]], [[1, 2]]), /logProb: c \(context width 3\): row 0 has 2 values, expected 3/);
  assert.throws(() => m.decode(d.y, new Float32Array(N * 4)), /decode: z has 300 rows but c has 400; every z row needs its context row/);
  assert.throws(() => m.decode(d.y, new Float32Array(N * 4 + 1)), /decode: c \(context width 3\): 1201 values/);
  assert.throws(() => m.sample(new Float32Array(5), 2), /sample: c \(context width 3\): 5 values/);
  assert.throws(() => m.sample(d.c, -1), /sample\(c, n\): n must be a non-negative integer, got -1/);
  assert.throws(() => m.fit(d.y, d.c.subarray(0, 200 * C)), /fit: y has 300 rows but c has 200/);
  const bad = d.c.slice();
  bad[7] = NaN;
  assert.throws(() => m.logProb(d.y, bad), /logProb: c \(context width 3\): row 2, column 1 is NaN/);
  assert.throws(() => ConditionalGlow.create({ target: 2, levels: 2 }), /target=2 allows at most 1 level/);
  assert.throws(() => ConditionalGlow.create({ base: 'cauchy' as 'normal' }), /base must be 'student-t' or 'normal'/);
});

test('decode(encode(y, c), c) = y in f32; one row alone has its in-batch log p, bit for bit', () => {
  const { m, y, c } = trained();
  const { z, logProb } = m.encode(y, c);
  const back = m.decode(z, c);
  let worst = 0;
  for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(back[i] - y[i]) / (1 + Math.abs(y[i])));
  assert.ok(worst < 2e-5, `round trip error ${worst}`);
  assert.equal(Array.from(m.logProb(y, c)), Array.from(logProb));
  for (const i of [0, 7, 299]) {
    assert.is(m.logProb(y.subarray(i * T, (i + 1) * T), c.subarray(i * C, (i + 1) * C))[0], logProb[i], `row ${i}`);
  }
  // the context matters: another context row gives another density
  const other = m.logProb(y.subarray(0, T), c.subarray(C, 2 * C))[0];
  assert.ok(other !== logProb[0]);
});

test('same seed ⇒ bit-identical parameters after training; namedParameters round-trips to identical log p', () => {
  const a = trained(3), b = trained(3);
  assert.equal(Array.from(a.m.getParameters()), Array.from(b.m.getParameters()));
  assert.ok(a.m.optimizerSteps === 10);
  const fresh = ConditionalGlow.create({ ...small, seed: 9 });
  fresh.loadNamedParameters(a.m.namedParameters());
  assert.equal(Array.from(fresh.logProb(a.y, a.c)), Array.from(a.m.logProb(a.y, a.c)));
  const named = a.m.namedParameters();
  assert.equal(named['prior.df'].shape, [T]);
  assert.equal(named['levels.0.0.coupling.fc1.weight'].shape, [16, 3 + 4]);
  assert.equal(named['context.fc1.weight'].shape, [8, C]);
  assert.throws(() => fresh.loadNamedParameters({ ...named, 'prior.df': { shape: [5], data: new Float32Array(5) } }),
    /"prior.df" has shape \[5\], expected \[6\]/);
});

/**
 * A 2-dimensional forecaster whose flow is the identity and whose base is μ_j = c, σ_j, ν_j (context
 * and prior networks of width 1 pass c through: relu(c + 50) − 50).
 */
function identityModel(base: 'student-t' | 'normal', sigma: number[], nu: number[]) {
  const m = ConditionalGlow.create({ target: 2, context: 1, levels: 1, steps: 2, hidden: 8, embed: 1, contextHidden: 1, base, seed: 4 });
  const named = m.namedParameters();
  const set = (name: string, v: number[]) => (named[name].data = Float32Array.from(v));
  for (const k of [0, 1]) {
    const p = `levels.0.${k}.`;
    set(p + 'actnorm.bias', [0, 0]);
    set(p + 'actnorm.logs', [0, 0]);
    set(p + 'invconv.lower', [0, 0, 0, 0]);
    set(p + 'invconv.upper', [0, 0, 0, 0]);
    set(p + 'invconv.log_s', [0, 0]);
    named[p + 'invconv.perm'].data = Int32Array.from([0, 1]);
    set(p + 'invconv.sign_s', [1, 1]);
  }
  set('context.fc1.weight', [1]);
  set('context.fc1.bias', [50]);
  set('context.fc2.weight', [1]);
  set('context.fc2.bias', [-50]);
  set('prior.fc1.weight', [1]);
  set('prior.fc1.bias', [50]);
  set('prior.fc2.weight', [1, 1, 0, 0]);
  set('prior.fc2.bias', [-50, -50, Math.log(sigma[0]), Math.log(sigma[1])]);
  if (base === 'student-t') set('prior.df', nu.map((v) => Math.log(Math.expm1(v - 2))));
  m.loadNamedParameters(named);
  return m;
}

// Γ at the half-integers and integers used below, exactly
const SQRT_PI = Math.sqrt(Math.PI);
const lnGamma: Record<number, number> = { 2: 0, 2.5: Math.log(0.75 * SQRT_PI), 3: Math.log(2), 4: Math.log(6), 4.5: Math.log(3.5 * 2.5 * 1.5 * 0.5 * SQRT_PI) };

test('log p(y | c) of the identity-flow model is the closed-form Student-t (ν = 5, 8) and normal density', () => {
  const sigma = [0.5, 2], nu = [5, 8];
  const t = identityModel('student-t', sigma, nu);
  const n = identityModel('normal', sigma, nu);
  const y = Float32Array.from([0.3, -1.7, 4, 2.5, -6, 0.01]);
  const c = Float32Array.from([0.1, -2, 3]);
  const lt = t.logProb(y, c), ln = n.logProb(y, c);
  for (let i = 0; i < 3; i++) {
    let et = 0, en = 0;
    for (let j = 0; j < 2; j++) {
      const u = (y[i * 2 + j] - c[i]) / sigma[j], v = nu[j];
      et += lnGamma[(v + 1) / 2] - lnGamma[v / 2] - 0.5 * Math.log(v * Math.PI) - Math.log(sigma[j]) - ((v + 1) / 2) * Math.log1p(u * u / v);
      en += -0.5 * Math.log(2 * Math.PI) - Math.log(sigma[j]) - 0.5 * u * u;
    }
    assert.ok(Math.abs(lt[i] - et) < 2e-5, `row ${i}: Student-t ${lt[i]} vs ${et}`);
    assert.ok(Math.abs(ln[i] - en) < 2e-5, `row ${i}: normal ${ln[i]} vs ${en}`);
  }
});

test('sample(c, n): each context row\'s n draws contiguous, mean μ(c), variance σ²ν/(ν−2) (2·10⁵ draws each)', () => {
  const sigma = [0.5, 2], nu = [5, 8];
  const m = identityModel('student-t', sigma, nu);
  const ctx = Float32Array.from([-3, 5]);
  const n = 200_000;
  const s = m.sample(ctx, n, { seed: 11 });
  assert.is(s.length, 2 * n * 2);
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      let a = 0, b = 0;
      for (let k = 0; k < n; k++) a += s[(i * n + k) * 2 + j];
      const mean = a / n;
      for (let k = 0; k < n; k++) b += (s[(i * n + k) * 2 + j] - mean) ** 2;
      const want = sigma[j] ** 2 * nu[j] / (nu[j] - 2);
      assert.ok(Math.abs(mean - ctx[i]) < 5 * Math.sqrt(want / n), `context ${i}, dim ${j}: mean ${mean}, expected ${ctx[i]}`);
      assert.ok(Math.abs(b / n / want - 1) < 0.03, `context ${i}, dim ${j}: variance ${b / n}, expected ${want}`);
    }
  }
  // temperature scales the spread; the same seed repeats the draws; the first context's block is
  // the draws of that context alone (one stream, consumed in order)
  assert.equal(Array.from(m.sample(ctx, 50, { seed: 11 })), Array.from(m.sample(ctx, 50, { seed: 11 })));
  assert.equal(Array.from(m.sample(ctx.subarray(0, 1), 50, { seed: 11 })), Array.from(m.sample(ctx, 50, { seed: 11 }).subarray(0, 100)));
  const cold = m.sample(ctx.subarray(0, 1), 50, { seed: 11, temperature: 0.5 });
  const hot = m.sample(ctx.subarray(0, 1), 50, { seed: 11 });
  for (let k = 0; k < 100; k++) assert.ok(Math.abs((cold[k] + 3) - 0.5 * (hot[k] + 3)) < 1e-4);
});

test('sampling many contexts × draws in one call equals the chunked stream (contexts beyond the capacity)', () => {
  const { m, c } = trained();
  const s = m.sample(c, 7, { seed: 5 }); // 300 × 7 rows: crosses the engine's 1024-row chunks
  assert.is(s.length, N * 7 * T);
  assert.ok(s.every(Number.isFinite));
  const firstTwo = m.sample(c.subarray(0, 2 * C), 7, { seed: 5 });
  assert.equal(Array.from(firstTwo), Array.from(s.subarray(0, 2 * 7 * T)));
  // `into`: the same draws, written into the start of the caller's buffer (too small a buffer is not used)
  const buffer = new Float32Array(3 * 7 * T).fill(-1);
  const into = m.sample(c.subarray(0, 2 * C), 7, { seed: 5, into: buffer });
  assert.ok(into.buffer === buffer.buffer && into.length === 2 * 7 * T);
  assert.equal(Array.from(into), Array.from(firstTwo));
  assert.is(buffer[2 * 7 * T], -1);
  assert.ok(m.sample(c.subarray(0, 2 * C), 7, { seed: 5, into: new Float32Array(5) }).length === 2 * 7 * T);
});

test('sampling with e folded into fc1\'s bias (per context row) equals the per-draw [xa, e] kernel within f32 rounding', () => {
  const { m, c } = trained();
  // 5 contexts × 1,100 draws: blocks of 512 inside a context row here, across context rows in the reference.
  const ctx = c.subarray(0, 5 * C);
  const fast = m.sample(ctx, 1100, { seed: 9 });
  const ref = m.sample(ctx, 1100, { seed: 9, rowwise: true });
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(fast[i] - ref[i]) / Math.max(1, Math.abs(ref[i])));
  // Error budget: fc1's e term summed apart in f32 (≤ ~1e-7 relative) carried through 4 inverse steps.
  // Measured 6.0e-7; dropping the e term gives 0.17.
  assert.ok(worst < 2e-5, `worst difference ${worst}`);
});

test('a non-finite loss stops training with an error naming where it arose; parameters keep their values', () => {
  const d = rows(N, 3);
  d.y.forEach((v, i) => (d.y[i] = 0.1 * v)); // ActNorm then scales up by ~10: 3e38 overflows f32
  const m = ConditionalGlow.create({ ...small, seed: 5 });
  m.initialize(d.y, d.c);
  const before = m.getParameters();
  const y = d.y.slice();
  y[5 * T + 2] = 3e38;
  const err = (() => {
    try {
      m.fit(y, d.c, { epochs: 1, batchSize: 500, validationFraction: 0 });
    } catch (e) {
      return e as NonFiniteError;
    }
    return null;
  })();
  assert.ok(err instanceof NonFiniteError, 'expected a NonFiniteError');
  assert.match(err!.message, /non-finite loss \(NaN\) at epoch 1, batch 1\/1, in the output of flow step levels\.0\.0/);
  assert.equal(Array.from(m.getParameters()), Array.from(before));
  // a context the embedding cannot hold: named as such
  const p = m.getParameters();
  p.fill(3e38, m.layout.context.fc1w, m.layout.context.fc1w + 8 * C); // c·W overflows f32
  m.setParameters(p);
  assert.throws(() => m.fit(d.y, d.c, { epochs: 1, batchSize: 500, validationFraction: 0 }),
    (e: Error) => e instanceof NonFiniteError && /in the context embedding \(context\.fc1 → context\.fc2; check the context scaling\)/.test(e.message));
});

test.run();
