import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { coverageTests, everyNth, hitRateHac } from '../../src/risk/coverage.js';
import { neweyWestLag, neweyWestVariance } from '../../src/risk/newey-west.js';
import { kupiecPof } from '../../src/risk/kupiec.js';

const near = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('hits whose transition rates equal the overall rate: LR_ind = 0, p = 1', () => {
  // 0→0 ×4, 0→1 ×2, 1→0 ×2, 1→1 ×1: π01 = π11 = π = 1/3.
  const r = coverageTests([0, 0, 1, 0, 0, 0, 1, 1, 0, 0], 0.1);
  assert.equal([r.independence.n00, r.independence.n01, r.independence.n10, r.independence.n11], [4, 2, 2, 1]);
  near(r.independence.lr, 0);
  near(r.independence.pValue, 1);
  assert.is(r.exceedances, 3);
  near(r.kupiec.lr, kupiecPof(10, 3, 0.1).lr);
  near(r.conditional.lr, r.kupiec.lr);
  near(r.conditional.pValue, Math.exp(-r.kupiec.lr / 2));
});

test('clustered hits: LR_ind by hand', () => {
  // 0,0,0,1,1,1,0,0,0,0: n00 = 5, n01 = 1, n10 = 1, n11 = 2; π01 = 1/6, π11 = 2/3, π = 1/3.
  const r = coverageTests([0, 0, 0, 1, 1, 1, 0, 0, 0, 0], 0.3);
  const logNull = 6 * Math.log(2 / 3) + 3 * Math.log(1 / 3);
  const logAlt = 5 * Math.log(5 / 6) + Math.log(1 / 6) + Math.log(1 / 3) + 2 * Math.log(2 / 3);
  near(r.independence.lr, 2 * (logAlt - logNull));
  assert.ok(r.independence.lr > 2);
  near(r.conditional.lr, r.kupiec.lr + r.independence.lr);
});

test('bad hits and too few forecasts are refused', () => {
  assert.throws(() => coverageTests([0, 2, 0], 0.05), /hit 1 is 2, expected 0 or 1/);
  assert.throws(() => coverageTests([1], 0.05), /at least 2 forecasts/);
});

test('Newey–West: alternating series, lags 0 and 1 by hand; the automatic lag', () => {
  near(neweyWestVariance([1, -1, 1, -1], 0), 1);
  // γ1 = (−1 −1 −1)/4 = −0.75; Ω = 1 + 2·½·(−0.75) = 0.25.
  near(neweyWestVariance([1, -1, 1, -1], 1), 0.25);
  assert.is(neweyWestLag(100), 4);
  assert.is(neweyWestLag(5000), Math.floor(4 * Math.pow(50, 2 / 9)));
});

test('hit-rate test with HAC errors; non-overlapping windows by every n-th bar', () => {
  const exact = hitRateHac([1, 0, 0, 0, 1, 0, 0, 0], 0.25, 1);
  assert.is(exact.rate, 0.25);
  near(exact.z, 0);
  near(exact.pValue, 1);
  const high = hitRateHac([1, 1, 0, 1, 1, 0, 1, 1], 0.05, 0);
  assert.ok(high.z > 3 && high.pValue < 0.01);
  assert.equal([...everyNth([0, 1, 2, 3, 4, 5, 6], 3)], [0, 3, 6]);
  assert.equal([...everyNth([0, 1, 2, 3, 4, 5, 6], 3, 1)], [1, 4]);
});

test.run();
