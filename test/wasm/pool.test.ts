import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Glow } from '../../src/model/glow.js';
import { NonFiniteError } from '../../src/model/fit.js';
import { parallelUnavailable, resolveThreads } from '../../src/wasm/pool.js';
import { CorrelatedGaussian } from '../model/fixtures.js';

const small = { features: 8, levels: 2, steps: 2, hidden: 16 };
const data = new CorrelatedGaussian(8, 5).sample(3000, 1);

function train(threads: number, batchSize: number) {
  const g = Glow.create({ ...small, seed: 2, threads });
  const res = g.fit(data, { epochs: 3, batchSize, seed: 3, validationFraction: 0.2, patience: 0 });
  const out = { params: g.getParameters(), history: res.history };
  g.close();
  return out;
}

test('threads=2 and 3 train to the one-thread NLL within 1e-3 nats per epoch, and repeat bit for bit', () => {
  const one = train(1, 100);
  for (const threads of [2, 3]) {
    const a = train(threads, 100); // 100 rows: uneven shards for 3 threads, a short last batch
    const b = train(threads, 100);
    assert.equal(Array.from(a.params), Array.from(b.params), `threads=${threads}: two runs differ`);
    assert.equal(a.history.map((h) => h.valNll), b.history.map((h) => h.valNll));
    one.history.forEach((h, i) => {
      assert.ok(Math.abs(h.trainNll - a.history[i].trainNll) < 1e-3, `threads=${threads} epoch ${i + 1}: train ${a.history[i].trainNll} vs ${h.trainNll}`);
      assert.ok(Math.abs(h.valNll! - a.history[i].valNll!) < 1e-3, `threads=${threads} epoch ${i + 1}: val ${a.history[i].valNll} vs ${h.valNll}`);
    });
    // not merely the same: the shard sums really ran (f32 order differs from one thread's)
    assert.not.equal(Array.from(a.params), Array.from(one.params));
  }
});

test('sharded log p, encode, decode and sampling equal the one-thread results bit for bit', () => {
  const one = Glow.create({ ...small, seed: 4 });
  one.fit(data, { epochs: 1, batchSize: 200, seed: 1, validationFraction: 0 });
  const two = Glow.create({ ...small, seed: 4, threads: 2 });
  two.loadNamedParameters(one.namedParameters());
  const x = data.subarray(0, 1501 * 8); // odd: uneven shares
  assert.equal(Array.from(two.logProb(x)), Array.from(one.logProb(x)));
  const e1 = one.encode(x), e2 = two.encode(x);
  assert.equal(Array.from(e2.z), Array.from(e1.z));
  assert.equal(Array.from(e2.logDet), Array.from(e1.logDet));
  assert.equal(Array.from(e2.logProb), Array.from(one.logProb(x)));
  assert.equal(Array.from(two.decode(e1.z)), Array.from(one.decode(e1.z)));
  assert.equal(Array.from(two.sample(1333, { seed: 9, temperature: 0.7 })), Array.from(one.sample(1333, { seed: 9, temperature: 0.7 })));
  // parameters changed on the main thread reach the workers before the next sharded call
  const p = one.getParameters().map((v, i) => (i % 7 === 0 ? v * 0.9 : v));
  one.setParameters(p);
  two.setParameters(p);
  assert.equal(Array.from(two.logProb(x)), Array.from(one.logProb(x)));
  two.close();
  // a pool that was closed under the model (as after a worker failed to start) is replaced, not used
  const three = Glow.create({ ...small, seed: 4, threads: 2 });
  three.loadNamedParameters(one.namedParameters());
  three.workers()!.close();
  assert.equal(Array.from(three.logProb(x)), Array.from(one.logProb(x)));
  three.close();
  // a model loaded with threads shards the same way
  const loaded = Glow.fromBytes(one.toBytes(), { threads: 2 });
  assert.is(loaded.threads, 2);
  assert.equal(Array.from(loaded.logProb(x)), Array.from(one.logProb(x)));
  loaded.close();
});

test('a non-finite gradient in parallel training stops with the one-thread error, and the pool stays usable', () => {
  const bad = Float32Array.from(data);
  for (let i = 0; i < bad.length; i += 8) bad[i] = i % 16 === 0 ? 3e38 : -3e38; // overflows the first ActNorm's gradient
  const messages = [1, 2].map((threads) => {
    const g = Glow.create({ ...small, seed: 6, threads });
    g.initialize(data);
    const before = g.getParameters();
    try {
      g.fit(bad, { epochs: 1, batchSize: 256, validationFraction: 0 });
      assert.unreachable('fit should have thrown');
    } catch (err) {
      assert.instance(err, NonFiniteError);
      assert.equal(Array.from(g.getParameters()), Array.from(before), 'parameters changed');
      assert.ok(g.logProb(data).every(Number.isFinite)); // the workers still answer
      return (err as Error).message;
    } finally {
      g.close();
    }
    return '';
  });
  assert.match(messages[0], /non-finite gradient at epoch 1, batch 1\/12, in the gradient of levels\.0\.0\.actnorm\.bias/);
  assert.is(messages[1], messages[0]);
});

test('thread options are validated; without SharedArrayBuffer a model falls back to one thread and says why', () => {
  assert.is(resolveThreads(undefined), 1);
  assert.ok(resolveThreads('auto') >= 1);
  for (const bad of [0, 1.5, -2, 'two' as unknown as number]) {
    assert.throws(() => Glow.create({ threads: bad }), /threads must be an integer from 1 to 64 or "auto"/);
  }
  const saved = globalThis.SharedArrayBuffer;
  try {
    delete (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer;
    assert.match(parallelUnavailable() ?? '', /SharedArrayBuffer/);
    const g = Glow.create({ ...small, seed: 1, threads: 2 });
    assert.is(g.threads, 1);
    assert.match(g.threadsNote ?? '', /1 thread instead of 2: SharedArrayBuffer/);
    const res = g.fit(data, { epochs: 1, batchSize: 256, validationFraction: 0.2, threads: 2 });
    assert.ok(Number.isFinite(res.bestNll));
    // a bad value is refused here too, not hidden by the one-thread fallback
    assert.throws(() => g.fit(data, { epochs: 1, threads: 0 }), /fit: threads must be an integer from 1 to 64 or "auto", got 0/);
  } finally {
    globalThis.SharedArrayBuffer = saved;
  }
});

test('a process that trains and evaluates on two threads exits by itself (workers never hold it)', () => {
  const glowUrl = new URL('../../src/model/glow.js', import.meta.url).href;
  const script = `
    const { Glow } = await import(${JSON.stringify(glowUrl)});
    const x = Float32Array.from({ length: 2048 * 8 }, (_, i) => Math.sin(i * 0.37) + Math.cos(i * 1.3));
    const g = Glow.create({ features: 8, levels: 2, steps: 2, hidden: 16, threads: 2 });
    g.fit(x, { epochs: 1, batchSize: 256 });
    const lp = g.logProb(x);
    globalThis.keep = g; // alive to the end: no finalizer may stop its workers for us
    process.stdout.write('done ' + lp.length + ' ' + g.sample(1024).length + '\\n');
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8', timeout: 60_000, cwd: fileURLToPath(new URL('.', import.meta.url)),
  });
  assert.is(r.signal, null, `the process hung (killed by ${r.signal}); stderr: ${r.stderr}`);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /done 2048 8192/, `stdout: ${r.stdout}, stderr: ${r.stderr}`);
});

test.run();
