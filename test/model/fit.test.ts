import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Glow } from '../../src/model/glow.js';
import { NonFiniteError } from '../../src/model/fit.js';
import { CorrelatedGaussian, gaussianFitNll, gaussianRows } from './fixtures.js';
import { Rng } from '../../src/util/rng.js';

test('training on a correlated Gaussian reaches its entropy within 0.05 nats per dimension', () => {
  const d = 8;
  const dist = new CorrelatedGaussian(d, 11);
  const train = dist.sample(8192, 1);
  const heldOut = dist.sample(8192, 2);
  const glow = Glow.create({ features: d, levels: 2, steps: 2, hidden: 16, seed: 3 });
  const result = glow.fit(train, { epochs: 30, batchSize: 256, learningRate: 3e-3, validationFraction: 0.1, patience: 5, seed: 4 });
  const lp = glow.logProb(heldOut);
  const nll = -lp.reduce((s, v) => s + v, 0) / lp.length;
  const gap = (nll - dist.entropy) / d;
  console.log(`    correlated Gaussian d=${d}: held-out NLL ${nll.toFixed(4)} vs entropy ${dist.entropy.toFixed(4)} ` +
    `(${gap.toFixed(4)} nats/dim, ${result.history.length} epochs, stop: ${result.stopReason})`);
  assert.ok(Math.abs(gap) < 0.05, `gap ${gap} nats/dim`);
  assert.ok(result.history[0].trainNll > result.history[result.history.length - 1].trainNll);
});

/** A 4-D mixture of three well-separated, anisotropic Gaussian clusters. */
function mixture(n: number, seed: number): Float32Array {
  const r = new Rng(seed);
  const centres = [[-4, 0, 2, 0], [4, 1, -2, 0], [0, -4, 0, 3]];
  const out = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const c = centres[r.int(3)];
    for (let j = 0; j < 4; j++) out[i * 4 + j] = c[j] + (j === 0 ? 0.3 : 0.8) * r.normal();
  }
  return out;
}

test('training on a non-Gaussian mixture beats the best Gaussian fit', () => {
  const train = mixture(6000, 1);
  const heldOut = mixture(4000, 2);
  const glow = Glow.create({ features: 4, levels: 1, steps: 4, hidden: 32, seed: 5 });
  glow.fit(train, { epochs: 40, batchSize: 256, learningRate: 3e-3, validationFraction: 0.1, patience: 8, seed: 6 });
  const lp = glow.logProb(heldOut);
  const flowNll = -lp.reduce((s, v) => s + v, 0) / lp.length;
  const gaussNll = gaussianFitNll(train, heldOut, 4);
  console.log(`    mixture: flow NLL ${flowNll.toFixed(3)} vs best Gaussian ${gaussNll.toFixed(3)} nats`);
  assert.ok(flowNll < gaussNll - 0.5, `flow ${flowNll} vs Gaussian ${gaussNll}`);
});

test('same seed and data give bit-identical parameters; another seed does not', () => {
  const x = gaussianRows(1200, 6, 21, 2);
  const run = (seed: number) => {
    const g = Glow.create({ features: 6, levels: 2, steps: 2, hidden: 8, seed: 1 });
    const res = g.fit(x, { epochs: 3, batchSize: 100, seed, validationFraction: 0.2 });
    return { p: g.getParameters(), res };
  };
  const a = run(7), b = run(7), c = run(8);
  assert.equal(Array.from(a.p), Array.from(b.p));
  assert.not.equal(Array.from(a.p), Array.from(c.p));
  assert.equal(a.res.history.map((h) => h.valNll), b.res.history.map((h) => h.valNll));
});

test('history, validation split from the end, early stopping restores the best state', () => {
  const x = gaussianRows(2000, 4, 3);
  const glow = Glow.create({ features: 4, levels: 2, steps: 1, hidden: 8, seed: 2 });
  const seen: number[] = [];
  const res = glow.fit(x, { epochs: 4, validationFraction: 0.25, onEpoch: (r) => void seen.push(r.epoch) });
  assert.equal(seen, [1, 2, 3, 4]);
  assert.is(res.trainRows, 1500);
  assert.is(res.validationRows, 500);
  for (const h of res.history) {
    assert.ok(Math.abs(h.trainBitsPerDim - h.trainNll / (4 * Math.LN2)) < 1e-12);
    assert.ok(h.valNll !== null && Number.isFinite(h.valNll));
  }
  // the returned model is the best epoch's: its validation NLL equals the best recorded one
  const val = x.subarray(1500 * 4);
  const lp = glow.logProb(val);
  const nll = -lp.reduce((s, v) => s + v, 0) / lp.length;
  assert.ok(Math.abs(nll - res.bestNll) < 1e-9, `${nll} vs best ${res.bestNll}`);
  // a callback can stop training
  const g2 = Glow.create({ features: 4, levels: 2, steps: 1, hidden: 8, seed: 2 });
  const r2 = g2.fit(x, { epochs: 10, onEpoch: (r) => r.epoch < 2 });
  assert.is(r2.history.length, 2);
  assert.is(r2.stopReason, 'callback');
});

test('bad options and too little data fail clearly', () => {
  const glow = Glow.create({ features: 4, levels: 2, steps: 1, hidden: 8 });
  assert.throws(() => glow.fit(gaussianRows(300, 4, 1), { batchSize: 0 }), /batchSize must be a positive integer/);
  assert.throws(() => glow.fit(gaussianRows(300, 4, 1), { validationFraction: 1 }), /validationFraction must be in \[0, 1\)/);
  assert.throws(() => glow.fit(gaussianRows(200, 4, 1), { validationFraction: 0 }), /at least 256 training rows/);
});

test('a non-finite loss stops training with an error naming the step, and keeps the parameters', () => {
  const glow = Glow.create({ features: 6, levels: 2, steps: 2, hidden: 8, seed: 1 });
  const x = gaussianRows(600, 6, 2);
  glow.initialize(x);
  const named = glow.namedParameters();
  const logs = named['levels.1.0.actnorm.logs'];
  glow.loadNamedParameters({ ...named, 'levels.1.0.actnorm.logs': { shape: logs.shape, data: new Float32Array(3).fill(200) } });
  const before = glow.getParameters();
  let err: unknown;
  try {
    glow.fit(x, { epochs: 2, validationFraction: 0 });
  } catch (e) {
    err = e;
  }
  assert.instance(err, NonFiniteError);
  assert.match((err as Error).message, /epoch 1, batch 1\/3, in the output of flow step levels\.1\.0/);
  assert.equal(Array.from(glow.getParameters()), Array.from(before));
});

test.run();
