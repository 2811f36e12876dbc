import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chiSquare1Survival, erfc, kupiecPof } from '../../src/risk/kupiec.js';

/** erfc to 20 digits (mpmath, 40-digit arithmetic). */
const REFERENCE: [number, number][] = [
  [0.1, 0.8875370839817151078], [0.5, 0.47950012218695346232], [1, 0.15729920705028513066],
  [1.5, 0.033894853524689272933], [1.999, 0.0046984433486294899663], [2, 0.0046777349810472658379],
  [2.5, 0.00040695201744495893956], [3, 0.000022090496998585441373], [5, 1.5374597944280348502e-12],
  [10, 2.088487583762544757e-45], [26, 5.6631924088561428465e-296], [-1, 1.8427007929497148693],
  [-3, 1.9999779095030014146],
];

test('erfc within its stated bound: |error| < 1e-15 + 2e-13·erfc(x)', () => {
  for (const [x, ref] of REFERENCE) {
    const v = erfc(x);
    assert.ok(Math.abs(v - ref) < 1e-15 + 2e-13 * ref, `erfc(${x}) = ${v}, expected ${ref}`);
  }
  assert.equal([erfc(0), erfc(Infinity), erfc(-Infinity), erfc(30)], [1, 0, 2, 0]);
  assert.throws(() => erfc(NaN), /NaN/);
});

test('χ²(1) survival at the 95% and 99% critical values', () => {
  assert.is(chiSquare1Survival(0), 1);
  assert.ok(Math.abs(chiSquare1Survival(3.841458820694124) - 0.05) < 1e-13);
  assert.ok(Math.abs(chiSquare1Survival(6.6348966010212145) - 0.01) < 1e-13);
  assert.throws(() => chiSquare1Survival(-1), /must be ≥ 0/);
});

test('Kupiec POF, worked example: n = 250, x = 5 at 99%', () => {
  // p = 0.01, π̂ = 5/250 = 0.02.
  // ln L0 = 245·ln 0.99 + 5·ln 0.01 = 245·(−0.01005034) + 5·(−4.60517019) = −2.46233 − 23.02585 = −25.48818
  // ln L1 = 245·ln 0.98 + 5·ln 0.02 = 245·(−0.02020271) + 5·(−3.91202301) = −4.94966 − 19.56012 = −24.50978
  // LR = 2·(ln L1 − ln L0) = 1.95681; p = P(χ²₁ > 1.95681) = erfc(√(1.95681/2)) = erfc(0.98914) ≈ 0.16185.
  // (To 17 digits with mpmath: LR = 1.9568097882306251, p = 0.16185491719604238.)
  const k = kupiecPof(250, 5, 0.01);
  assert.ok(Math.abs(k.lr - 1.9568097882306251) < 1e-12, String(k.lr));
  assert.ok(Math.abs(k.pValue - 0.16185491719604238) < 1e-12, String(k.pValue));
  assert.equal([k.n, k.exceedances, k.rate, k.expectedRate], [250, 5, 0.02, 0.01]);
  assert.ok(Math.abs(k.expected - 2.5) < 1e-12);
  // Not rejected at 5%: two exceedances too many in 250 days is within chance.
  assert.ok(k.pValue > 0.05);
});

test('Kupiec POF at the edges x = 0 and x = n, and at x = n·p', () => {
  // x = 0: ln L1 = 0 (0·ln 0 = 0), LR = −2·250·ln 0.99 = 5.02517; p = 0.024982 — too few exceedances rejects at 5%.
  const none = kupiecPof(250, 0, 0.01);
  assert.ok(Math.abs(none.lr - 5.0251679267507251) < 1e-12, String(none.lr));
  assert.ok(Math.abs(none.pValue - 0.024981503053449705) < 1e-12, String(none.pValue));
  // x = n: LR = −2n·ln p = 500·ln 100 = 2302.585…; p underflows to 0 (true value ≈ 1.7e-502).
  const all = kupiecPof(250, 250, 0.01);
  assert.ok(Math.abs(all.lr - 500 * Math.log(100)) < 1e-9, String(all.lr));
  assert.is(all.pValue, 0);
  // x = n·p exactly: LR = 0, p = 1.
  const exact = kupiecPof(100, 5, 0.05);
  assert.equal([exact.lr, exact.pValue], [0, 1]);
  // 40 in 500 at 95% (expected 25): LR = 8.0790409522784415, p = 0.00447801382451843.
  const many = kupiecPof(500, 40, 0.05);
  assert.ok(Math.abs(many.lr - 8.0790409522784415) < 1e-11 && Math.abs(many.pValue - 0.00447801382451843) < 1e-13);
});

test('Kupiec refuses impossible counts', () => {
  assert.throws(() => kupiecPof(0, 0, 0.01), /n must be a positive integer, got 0/);
  assert.throws(() => kupiecPof(10, 11, 0.01), /exceedances must be an integer in \[0, 10\], got 11/);
  assert.throws(() => kupiecPof(10, 1, 0), /probability must lie in \(0, 1\)/);
});

test.run();
