/**
 * The forecaster on worker threads (src/wasm/pool.ts): sharded log p, encoding, decoding and
 * sampling equal one thread's bit for bit; data-parallel training repeats bit for bit for a thread
 * count and stays within f32 summation noise of one thread's; common draws (the same base draws for
 * every context row) alike on both.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConditionalGlow } from '../../src/model/conditional-glow.js';
import { parallelUnavailable } from '../../src/wasm/pool.js';
import { Rng } from '../../src/util/rng.js';

const T = 6, C = 3;
const small = { target: T, context: C, levels: 2, steps: 2, hidden: 16, embed: 4, contextHidden: 8 };
const r = new Rng(8);
const N = 1501; // odd: uneven shares
const c = Float32Array.from({ length: N * C }, () => r.normal());
const y = Float32Array.from({ length: N * T }, (_, k) => Math.exp(0.5 * c[Math.floor(k / T) * C]) * r.normal());

function train(threads: number) {
  const m = ConditionalGlow.create({ ...small, seed: 2, threads });
  const res = m.fit(y, c, { epochs: 2, batchSize: 100, seed: 3, validationFraction: 0.2, patience: 0 });
  const out = { params: m.getParameters(), history: res.history };
  m.close();
  return out;
}

const skip = parallelUnavailable();

test('threads = 2: training repeats bit for bit and tracks one thread within 1e-3 nats', () => {
  if (skip) return;
  const one = train(1), a = train(2), b = train(2);
  assert.equal(Array.from(a.params), Array.from(b.params));
  one.history.forEach((h, i) => {
    assert.ok(Math.abs(h.trainNll - a.history[i].trainNll) < 1e-3, `epoch ${i + 1}: train ${a.history[i].trainNll} vs ${h.trainNll}`);
    assert.ok(Math.abs(h.valNll! - a.history[i].valNll!) < 1e-3, `epoch ${i + 1}: val ${a.history[i].valNll} vs ${h.valNll}`);
  });
  assert.not.equal(Array.from(a.params), Array.from(one.params)); // the shards really ran
});

test('threads = 2: log p, encode, decode and sample equal one thread\'s bit for bit', () => {
  if (skip) return;
  const one = ConditionalGlow.create({ ...small, seed: 4 });
  one.fit(y, c, { epochs: 1, batchSize: 200, seed: 1, validationFraction: 0 });
  const two = ConditionalGlow.create({ ...small, seed: 4, threads: 2 });
  two.loadNamedParameters(one.namedParameters());
  assert.equal(Array.from(two.logProb(y, c)), Array.from(one.logProb(y, c)));
  const e1 = one.encode(y, c), e2 = two.encode(y, c);
  assert.equal(Array.from(e2.z), Array.from(e1.z));
  assert.equal(Array.from(e2.logDet), Array.from(e1.logDet));
  assert.equal(Array.from(e2.logProb), Array.from(e1.logProb));
  assert.equal(Array.from(two.decode(e1.z, c)), Array.from(one.decode(e1.z, c)));
  const ctx = c.subarray(0, 301 * C);
  assert.equal(Array.from(two.sample(ctx, 9, { seed: 9, temperature: 0.7 })), Array.from(one.sample(ctx, 9, { seed: 9, temperature: 0.7 })));
  // parameters changed on the main thread reach the workers before the next sharded call
  const p = one.getParameters();
  p[0] += 0.25;
  one.setParameters(p);
  two.setParameters(p);
  assert.equal(Array.from(two.logProb(y, c)), Array.from(one.logProb(y, c)));
  two.close();
});

test('commonDraws: every context row gets the same base draws, on one thread and on two alike', () => {
  if (skip) return;
  const one = ConditionalGlow.create({ ...small, seed: 4 });
  one.fit(y, c, { epochs: 1, batchSize: 200, seed: 1, validationFraction: 0 });
  const two = ConditionalGlow.create({ ...small, seed: 4, threads: 2 });
  two.loadNamedParameters(one.namedParameters());
  const draws = 300, rowsN = 5;
  // row 3 repeats row 0's context: with common draws its paths are row 0's exactly
  const ctx = new Float32Array(rowsN * C);
  ctx.set(c.subarray(0, 4 * C));
  ctx.set(c.subarray(0, C), 4 * C);
  const a = one.sample(ctx, draws, { seed: 5, commonDraws: true });
  const block = (s: Float32Array, r: number) => Array.from(s.subarray(r * draws * T, (r + 1) * draws * T));
  assert.equal(block(a, 4), block(a, 0));
  assert.not.equal(block(a, 1), block(a, 0));
  // each row's paths are what sampling that row alone gives (the stream restarts per row)
  for (let r = 0; r < rowsN; r++) assert.equal(block(a, r), Array.from(one.sample(ctx.subarray(r * C, (r + 1) * C), draws, { seed: 5 })));
  assert.equal(Array.from(two.sample(ctx, draws, { seed: 5, commonDraws: true })), Array.from(a));
  // without common draws, the same context in another row gets other draws
  const b = one.sample(ctx, draws, { seed: 5 });
  assert.not.equal(block(b, 4), block(b, 0));
  two.close();
});

test.run();
