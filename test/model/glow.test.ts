import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Glow } from '../../src/model/glow.js';
import { ReferenceGlow } from '../../src/model/reference.js';
import { parameterTensors } from '../../src/model/layout.js';
import { gaussianRows, maxAbsDiff, oracleState, perturb } from './fixtures.js';
import { defaultEngine, type Engine } from '../../src/wasm/engine.js';

/** A model whose ActNorm is data-initialised and whose every parameter is perturbed. */
function generic(config: Parameters<typeof Glow.create>[0], seed = 1, engine?: Engine): { glow: Glow; x: Float32Array } {
  const glow = Glow.create({ seed, ...config, engine });
  const d = glow.features;
  glow.initialize(gaussianRows(512, d, seed + 100, 1.5, 0.3));
  perturb(glow, 0.05, seed + 200);
  return { glow, x: gaussianRows(256, d, seed + 300) };
}

test('defaults: 63,120 free parameters, 64,576 tensor elements, anchor names and shapes', () => {
  const glow = Glow.create();
  assert.is(glow.numParameters, 63120);
  assert.is(glow.numTensorElements, 64576);
  const named = glow.namedParameters();
  assert.equal(named['levels.0.0.actnorm.bias'].shape, [16]);
  assert.equal(named['levels.0.0.invconv.lower'].shape, [16, 16]);
  assert.equal(named['levels.1.3.coupling.fc1.weight'].shape, [64, 4]);
  assert.equal(named['levels.2.3.coupling.fc3.weight'].shape, [4, 64]);
  assert.equal(named['levels.2.3.coupling.fc3.bias'].shape, [4]);
  assert.ok(named['levels.2.0.invconv.perm'].data instanceof Int32Array);
  assert.equal(named['levels.2.0.invconv.sign_s'].shape, [4]);
  // 11 parameter tensors + 2 buffers per step, 12 steps
  assert.is(Object.keys(named).length, 12 * 13);
  // every coupling starts as the identity: fc3 is zero
  assert.ok(named['levels.0.0.coupling.fc3.weight'].data.every((v) => v === 0));
});

test('bad configurations fail with messages that name the field', () => {
  assert.throws(() => Glow.create({ features: 1 }), /features must be ≥ 2/);
  assert.throws(() => Glow.create({ features: 4, levels: 3 }), /features=4 allows at most 2 level/);
  assert.throws(() => Glow.create({ hidden: 0 }), /hidden must be a positive integer/);
  assert.throws(() => Glow.create({ steps: -1 }), /steps must be a positive integer/);
  assert.throws(() => Glow.create({ levels: 1.5 }), /levels must be a positive integer/);
  assert.throws(() => Glow.create({ coupling: 'spline' as any }), /coupling must be 'affine' or 'additive'/);
});

test('refuses to run before ActNorm is initialised, and refuses to initialise on < 256 rows', () => {
  const glow = Glow.create({ features: 4, levels: 2, steps: 1, hidden: 8 });
  assert.throws(() => glow.logProb(gaussianRows(3, 4, 1)), /not initialised/);
  assert.throws(() => glow.initialize(gaussianRows(255, 4, 1)), /at least 256 rows/);
  assert.throws(() => glow.initialize(new Float32Array(256 * 4 + 1)), /whole number of rows/);
  const bad = gaussianRows(300, 4, 1);
  bad[4 * 17 + 2] = NaN;
  assert.throws(() => glow.initialize(bad), /row 17, column 2 is NaN/);
});

test('ActNorm data init: the first step sees zero-mean, unit-variance activations', () => {
  const glow = Glow.create({ features: 6, levels: 2, steps: 2, hidden: 8, seed: 3 });
  const x = gaussianRows(1000, 6, 9, 3, 5);
  glow.initialize(x);
  const named = glow.namedParameters();
  const b = named['levels.0.0.actnorm.bias'].data;
  const s = named['levels.0.0.actnorm.logs'].data;
  for (let j = 0; j < 6; j++) {
    let m = 0, v = 0;
    for (let i = 0; i < 1000; i++) m += x[i * 6 + j] / 1000;
    for (let i = 0; i < 1000; i++) v += (x[i * 6 + j] - m) ** 2 / 1000;
    assert.ok(Math.abs(b[j] + m) < 1e-5, `bias ${b[j]} vs -mean ${-m}`);
    assert.ok(Math.abs(s[j] + Math.log(Math.sqrt(v) + 1e-6)) < 1e-5);
  }
});

/** Every build this runtime can run: the default (relaxed SIMD where supported) and plain SIMD. */
const engines: [string, Engine][] = [[defaultEngine().variant, defaultEngine()]];
if (defaultEngine().variant !== 'simd') engines.push(['simd', defaultEngine('simd')]);

for (const [variant, engine] of engines)
for (const [label, config] of [
  ['defaults 16/3/4/64 affine', {}],
  ['odd widths 7/2/3/16 affine', { features: 7, levels: 2, steps: 3, hidden: 16 }],
  ['additive 5/2/2/8', { features: 5, levels: 2, steps: 2, hidden: 8, coupling: 'additive' as const }],
] as const) {
  test(`[${variant}] decode(encode(x)) = x within 1e-4 and log p matches the f64 oracle within 1e-3 (${label})`, () => {
    const { glow, x } = generic(config, 1, engine);
    const d = glow.features;
    const { z, logDet, logProb } = glow.encode(x);
    assert.equal(Array.from(logProb), Array.from(glow.logProb(x)), 'encode gives the log p of its own forward pass');
    const back = glow.decode(z);
    const inv = maxAbsDiff(back, x);
    assert.ok(inv < 1e-4, `max |x − decode(encode(x))| = ${inv}`);
    const oracle = new ReferenceGlow(glow.layout, oracleState(glow));
    const x64 = Float64Array.from(x);
    const ref = oracle.forward(x64, x.length / d);
    const lp = glow.logProb(x);
    const refLp = oracle.logProb(x64, x.length / d);
    const lpErr = maxAbsDiff(lp, refLp);
    assert.ok(lpErr < 1e-3, `max |log p − oracle| = ${lpErr}`);
    assert.ok(maxAbsDiff(logDet, ref.logDet) < 1e-3);
    assert.ok(maxAbsDiff(z, ref.z) < 1e-4);
    console.log(`    [${variant}, ${label}] invertibility ${inv.toExponential(2)}, |Δlog p| vs oracle ${lpErr.toExponential(2)}`);
  });
}

test('log p of one row equals log p of that row inside a batch within 1e-6 relative; encode agrees bit for bit', () => {
  const { glow, x } = generic({ features: 8, levels: 2, steps: 2, hidden: 16 });
  const all = glow.logProb(x);
  for (const i of [0, 5, 77, 255]) {
    const row = x.subarray(i * 8, (i + 1) * 8);
    const one = glow.logProb(row);
    assert.ok(Math.abs(one[0] - all[i]) <= 1e-6 * Math.abs(all[i]), `row ${i}: ${one[0]} vs in-batch ${all[i]}`);
    assert.is(glow.encode(row).logProb[0], one[0]);
  }
});

for (const [variant, engine] of engines)
test(`[${variant}] every parameter tensor: WASM gradient = central differences of the f64 oracle loss (rel ≤ 1e-2)`, () => {
  const { glow } = generic({ features: 6, levels: 2, steps: 2, hidden: 8 }, 4, engine);
  const x = gaussianRows(64, 6, 44, 1.2);
  const { grad } = glow.lossAndGradient(x);
  const oracle = new ReferenceGlow(glow.layout, oracleState(glow));
  const x64 = Float64Array.from(x);
  const params = oracle.params;
  let worst = 0;
  for (const t of parameterTensors(glow.layout)) {
    let num = 0, den = 0;
    for (let k = 0; k < t.size; k++) {
      const i = t.offset + k;
      const cols = t.shape.length === 2 ? t.shape[1] : 1;
      const r = Math.floor(k / cols), c = k % cols;
      // only the strict triangles of lower / upper are parameters
      if (t.name.endsWith('.lower') && c >= r) { assert.is(grad[i], 0); continue; }
      if (t.name.endsWith('.upper') && c <= r) { assert.is(grad[i], 0); continue; }
      const v = params[i], h = 1e-5;
      params[i] = v + h; const lp = oracle.loss(x64, 64);
      params[i] = v - h; const lm = oracle.loss(x64, 64);
      params[i] = v;
      const fd = (lp - lm) / (2 * h);
      num += (grad[i] - fd) ** 2;
      den += fd * fd;
    }
    const rel = Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-8);
    worst = Math.max(worst, rel);
    assert.ok(rel <= 1e-2, `${t.name}: relative gradient error ${rel}`);
  }
  console.log(`    [${variant}] worst per-tensor relative gradient error (f32 WASM vs f64 FD): ${worst.toExponential(2)}`);
});

for (const [variant, engine] of engines)
for (const [label, config] of [
  ['full f32x4 columns 16/2/1/8 affine', { features: 16, levels: 2, steps: 1, hidden: 8 }],
  ['paired rows 4/1/2/8 affine', { features: 4, levels: 1, steps: 2, hidden: 8 }],
  ['additive 9/2/2/8', { features: 9, levels: 2, steps: 2, hidden: 8, coupling: 'additive' as const }],
] as const) {
  test(`[${variant}] the WASM gradient equals the f64 oracle's analytic gradient within 1e-3 relative (${label})`, () => {
    const { glow } = generic(config, 7, engine);
    const d = glow.features;
    const x = gaussianRows(203, d, 45, 1.1); // odd: the last row of a pair is alone
    const { loss, grad } = glow.lossAndGradient(x);
    const ref = new ReferenceGlow(glow.layout, oracleState(glow)).lossAndGradient(Float64Array.from(x), 203);
    assert.ok(Math.abs(loss - ref.loss) < 1e-4 * Math.abs(ref.loss), `loss ${loss} vs ${ref.loss}`);
    for (const t of parameterTensors(glow.layout)) {
      let num = 0, den = 0;
      for (let i = t.offset; i < t.offset + t.size; i++) {
        num += (grad[i] - ref.grad[i]) ** 2;
        den += ref.grad[i] ** 2;
      }
      const rel = Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-6);
      assert.ok(rel <= 1e-3, `${t.name}: relative gradient error ${rel}`);
    }
  });
}

test('sampling is seeded, and temperature scales the latent', () => {
  const { glow } = generic({ features: 4, levels: 2, steps: 1, hidden: 8 });
  const a = glow.sample(100, { seed: 5 });
  const b = glow.sample(100, { seed: 5 });
  const c = glow.sample(100, { seed: 6 });
  assert.equal(Array.from(a), Array.from(b));
  assert.not.equal(Array.from(a), Array.from(c));
  const z0 = glow.encode(glow.sample(4000, { seed: 1, temperature: 1 })).z;
  const z2 = glow.encode(glow.sample(4000, { seed: 1, temperature: 0.5 })).z;
  const rms = (z: Float32Array) => Math.sqrt(z.reduce((s, v) => s + v * v, 0) / z.length);
  assert.ok(Math.abs(rms(z0) - 1) < 0.03, `rms ${rms(z0)}`);
  assert.ok(Math.abs(rms(z2) - 0.5) < 0.02, `rms ${rms(z2)}`);
  assert.throws(() => glow.sample(10, { temperature: 0 }), /temperature/);
});

test('namedParameters → loadNamedParameters round trip; missing, unknown and mis-shaped tensors are refused', () => {
  const { glow, x } = generic({ features: 6, levels: 2, steps: 2, hidden: 8 });
  const other = Glow.create({ features: 6, levels: 2, steps: 2, hidden: 8, seed: 99 });
  const named = glow.namedParameters();
  other.loadNamedParameters(named);
  assert.ok(other.initialized);
  assert.equal(Array.from(other.logProb(x)), Array.from(glow.logProb(x)));
  const { ['levels.0.0.actnorm.bias']: _drop, ...missing } = named;
  assert.throws(() => other.loadNamedParameters(missing), /"levels.0.0.actnorm.bias" \(shape \[6\]\) is missing/);
  assert.throws(() => other.loadNamedParameters({ ...named, 'levels.9.0.x': { data: [1] } }), /unknown tensor "levels.9.0.x"/);
  assert.throws(
    () => other.loadNamedParameters({ ...named, 'levels.0.0.invconv.lower': { shape: [5, 5], data: new Float32Array(25) } }),
    /has shape \[5,5\], expected \[6,6\]/,
  );
  const badPerm = { ...named, 'levels.0.0.invconv.perm': { shape: [6], data: Int32Array.from([0, 0, 1, 2, 3, 4]) } };
  assert.throws(() => other.loadNamedParameters(badPerm), /not a permutation/);
});

test('save → load gives bit-identical log p and never re-initialises ActNorm', () => {
  const { glow, x } = generic({ features: 6, levels: 2, steps: 2, hidden: 8 });
  const bytes = glow.toBytes({ note: 'kept' });
  const loaded = Glow.fromBytes(bytes, { source: 'memory' });
  assert.ok(loaded.initialized);
  assert.is(loaded.extra.note, 'kept');
  assert.equal(Array.from(loaded.logProb(x)), Array.from(glow.logProb(x)));
  // fitting a loaded model on data of another scale must not redo the data init
  const before = loaded.namedParameters()['levels.0.0.actnorm.logs'].data.slice();
  loaded.fit(gaussianRows(512, 6, 7, 50, 20), { epochs: 1, learningRate: 1e-9, validationFraction: 0, seed: 1 });
  const after = loaded.namedParameters()['levels.0.0.actnorm.logs'].data;
  assert.ok(maxAbsDiff(before, after) < 1e-6, 'ActNorm was re-initialised');
  // and an uninitialised model stays uninitialised through a file
  const fresh = Glow.fromBytes(Glow.create({ features: 4, levels: 1, steps: 1, hidden: 4 }).toBytes());
  assert.not.ok(fresh.initialized);
  assert.throws(() => fresh.logProb(gaussianRows(2, 4, 1)), /not initialised/);
});

test('corrupt and foreign model files fail with clear messages', () => {
  const { glow } = generic({ features: 4, levels: 2, steps: 1, hidden: 8 });
  const bytes = glow.toBytes();
  const flipped = bytes.slice();
  flipped[bytes.length - 40] ^= 0xff;
  assert.throws(() => Glow.fromBytes(flipped, { source: 'm.bin' }), /m\.bin.*(checksum|corrupt)/i);
  assert.throws(() => Glow.fromBytes(bytes.slice(0, bytes.length - 9), { source: 'm.bin' }), /m\.bin.*truncated/i);
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3, 4]);
  assert.throws(() => Glow.fromBytes(png, { source: 'pic.png' }), /pic\.png.*not a glow-trade model/i);
});

test.run();
