import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../src/util/rng.js';

test('same seed gives the same stream, different seeds differ', () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const xa = Array.from({ length: 8 }, () => a.nextU32());
  const xb = Array.from({ length: 8 }, () => b.nextU32());
  const xc = Array.from({ length: 8 }, () => c.nextU32());
  assert.equal(xa, xb);
  assert.not.equal(xa, xc);
});

test('uniform lies in [0,1) with mean 1/2 and variance 1/12', () => {
  const r = new Rng(1);
  const n = 200000;
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    s += u; s2 += u * u;
  }
  const m = s / n;
  assert.ok(Math.abs(m - 0.5) < 0.005, `mean ${m}`);
  assert.ok(Math.abs(s2 / n - m * m - 1 / 12) < 0.002);
});

test('normal has mean 0, variance 1 and kurtosis 3', () => {
  const r = new Rng(7);
  const n = 200000;
  let s = 0, s2 = 0, s4 = 0;
  for (let i = 0; i < n; i++) {
    const x = r.normal();
    s += x; s2 += x * x; s4 += x ** 4;
  }
  assert.ok(Math.abs(s / n) < 0.01);
  assert.ok(Math.abs(s2 / n - 1) < 0.02);
  assert.ok(Math.abs(s4 / n - 3) < 0.1);
});

test('int is unbiased over a small range and permutation is a permutation', () => {
  const r = new Rng(3);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 60000; i++) counts[r.int(6)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 400, `count ${c}`);
  const p = Array.from(r.permutation(100)).sort((x, y) => x - y);
  assert.equal(p, Array.from({ length: 100 }, (_, i) => i));
  assert.throws(() => r.int(0), /int\(n\)/);
  assert.throws(() => new Rng(NaN), /seed/);
});

test.run();
