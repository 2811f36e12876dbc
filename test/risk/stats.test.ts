import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { moments, quantile, quantileSorted, selectSmallest, shareAtOrBelow, sortedFinite } from '../../src/risk/stats.js';
import { Rng } from '../../src/util/rng.js';

const close = (a: number | null, b: number, tol = 1e-12, what = '') => {
  assert.ok(a !== null && Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);
};
const oneTo100 = Array.from({ length: 100 }, (_, i) => i + 1);

test('type-7 quantiles of 1..100: h = 99p, Q = x_⌊h⌋ + frac·(x_⌊h⌋+1 − x_⌊h⌋)', () => {
  // p = 0.05: h = 4.95 → 5 + 0.95·1 = 5.95; p = 0.01: h = 0.99 → 1.99; p = 0.5: h = 49.5 → 50.5.
  const expected: [number, number][] = [[0, 1], [0.01, 1.99], [0.05, 5.95], [0.1, 10.9], [0.25, 25.75], [0.5, 50.5],
    [0.75, 75.25], [0.9, 90.1], [0.95, 95.05], [0.99, 99.01], [1, 100]];
  for (const [p, q] of expected) close(quantile(oneTo100, p), q, 1e-12, `p=${p}`);
});

test('type-7 quantiles of a small unsorted sample, by hand', () => {
  // Sorted: −0.04, −0.01, 0, 0.02, 0.03 (n = 5, h = 4p).
  const x = [0.03, -0.04, 0.0, 0.02, -0.01];
  close(quantile(x, 0.05), -0.04 + 0.2 * 0.03, 1e-15, 'p=0.05'); // h = 0.2 → −0.034
  close(quantile(x, 0.01), -0.0388, 1e-15, 'p=0.01'); // h = 0.04 → −0.04 + 0.04·0.03
  assert.is(quantile(x, 0.25), -0.01); // h = 1 exactly: an order statistic
  assert.is(quantile(x, 0.5), 0);
  assert.is(quantile([7], 0.01), 7);
  assert.equal(Array.from(sortedFinite(x)), [-0.04, -0.01, 0, 0.02, 0.03]);
  assert.equal(x, [0.03, -0.04, 0.0, 0.02, -0.01], 'the input is not reordered');
});

test('quantiles refuse empty samples, non-finite values (naming the element) and p outside [0, 1]', () => {
  assert.throws(() => quantileSorted([], 0.5), /empty sample/);
  assert.throws(() => quantile([1, NaN, 3], 0.5), /element 1 is NaN/);
  assert.throws(() => sortedFinite([1, 2, Infinity], 'scenario return_5'), /scenario return_5: element 2 is Infinity/);
  assert.throws(() => quantile([1, 2], 1.5), /must lie in \[0, 1\], got 1.5/);
  assert.throws(() => quantile([1, 2], NaN), /got NaN/);
});

test('moments of 1, 2, 3, 4, 10 against hand-computed values', () => {
  // mean 4; deviations −3 −2 −1 0 6; Σd² = 50, Σd³ = 180, Σd⁴ = 1394; m2 = 10, m3 = 36, m4 = 278.8.
  // std = √(50/4) = √12.5.
  // G1 = √(5·4)/3 · 36/10^1.5 = 12·√0.02 = 1.2·√2 ≈ 1.6970562748477.
  // G2 = 4/(3·2) · (6·278.8/100 − 3·4) = (2/3)·(16.728 − 12) = 3.152.  (scipy bias=False agrees.)
  const m = moments([1, 2, 3, 4, 10]);
  assert.is(m.n, 5);
  assert.is(m.mean, 4);
  close(m.std, Math.sqrt(12.5), 1e-14, 'std');
  close(m.skewness, 1.2 * Math.SQRT2, 1e-13, 'skewness');
  close(m.kurtosis, 3.152, 1e-13, 'kurtosis');
});

test('moments of a left-skewed sample match scipy (bias=False) and a symmetric one has zero skewness', () => {
  const m = moments([-0.3, 0.1, 0.2, 0.5, -1.0, 0.4, 0.1]);
  close(m.std, 0.5099019513592785, 1e-15, 'std');
  close(m.skewness, -1.457293742642198, 1e-13, 'skewness');
  close(m.kurtosis, 2.1798816568047314, 1e-13, 'kurtosis');
  const s = moments([-2, -1, 0, 1, 2]);
  close(s.skewness, 0, 1e-15, 'symmetric skewness');
  // m2 = 10/5 = 2, m4 = 34/5 = 6.8, m4/m2² = 1.7; G2 = 4/(3·2)·(6·1.7 − 3·4) = (2/3)·(−1.8) = −1.2.
  close(s.kurtosis, -1.2, 1e-13, 'symmetric kurtosis');
});

test('undefined moments are null, never NaN', () => {
  const c = moments([3, 3, 3, 3]);
  assert.equal([c.mean, c.std, c.skewness, c.kurtosis], [3, 0, null, null]);
  const one = moments([5]);
  assert.equal([one.std, one.skewness, one.kurtosis], [null, null, null]);
  const three = moments([1, 2, 4]);
  assert.ok(three.skewness !== null && three.kurtosis === null);
  assert.throws(() => moments([]), /empty sample/);
  assert.throws(() => moments([1, -Infinity], 'returns'), /returns: element 1 is -Infinity/);
});

test('selectSmallest: the low tail in order, ties pulled in, the rest above it; equals a full sort there', () => {
  const rng = new Rng(3);
  for (const [n, count] of [[2000, 101], [1000, 51], [7, 3], [5, 5], [5, 9], [1, 1]]) {
    // Rounded draws: many ties, also across the selection boundary.
    const v = Float64Array.from({ length: n }, () => Math.round(rng.normal() * 20) / 20);
    const sorted = v.slice().sort();
    const m = selectSmallest(v, count);
    assert.ok(m >= Math.min(count, n), `n ${n}: m ${m}`);
    assert.equal(Array.from(v.subarray(0, m)), Array.from(sorted.subarray(0, m)), `n ${n}: prefix`);
    for (let i = m; i < n; i++) assert.ok(v[i] > v[m - 1], `n ${n}: entry ${i} ${v[i]} ≤ ${v[m - 1]}`);
    assert.equal(Array.from(v).sort((a, b) => a - b), Array.from(sorted), `n ${n}: a permutation`);
    // The type-7 quantiles the VaR reads agree with the sorted sample's.
    if (count >= Math.floor((n - 1) * 0.05) + 2) assert.is(quantileSorted(v, 0.05), quantileSorted(sorted, 0.05));
  }
  // A tie run straddling the boundary: every 1 joins the prefix.
  const t = Float64Array.of(3, 1, 2, 1, 0, 1, 5, 1);
  assert.is(selectSmallest(t, 2), 5);
  assert.equal(Array.from(t.subarray(0, 5)), [0, 1, 1, 1, 1]);
  assert.is(selectSmallest(new Float64Array(3), 0), 0);
});

test('shareAtOrBelow: the empirical CDF of an unsorted sample', () => {
  assert.equal([-1, 0, 0.5, 0.75, 2, NaN].map((x) => shareAtOrBelow([0.5, 1, 0, 0.25, 0.5], x)), [0, 0.2, 0.8, 0.8, 1, NaN]);
});

test.run();
