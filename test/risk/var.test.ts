import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PERCENTILES, returnRisk, tailRisk } from '../../src/risk/var.js';

const close = (a: number, b: number, tol = 1e-12, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);
const oneTo100 = Array.from({ length: 100 }, (_, i) => i + 1);

test('VaR and CVaR of 1..100 (a "return" sample with known quantiles)', () => {
  // Q(0.05) = 5.95 → VaR95 = −5.95; values ≤ 5.95 are 1..5 → CVaR95 = −3.
  // Q(0.01) = 1.99 → VaR99 = −1.99; only 1 is ≤ 1.99 → CVaR99 = −1.
  const a = tailRisk(oneTo100, 0.95);
  close(a.var, -5.95, 1e-12, 'VaR95');
  assert.equal([a.cvar, a.tailCount], [-3, 5]);
  const b = tailRisk(oneTo100, 0.99);
  close(b.var, -1.99, 1e-12, 'VaR99');
  assert.equal([b.cvar, b.tailCount], [-1, 1]);
});

test('returns (i − 50)/1000, i = 1..100: losses positive', () => {
  const r = oneTo100.map((i) => (i - 50) / 1000);
  const risk = returnRisk(r);
  close(risk.var95, 0.04405, 1e-15, 'VaR95'); // −(5.95 − 50)/1000
  close(risk.cvar95, 0.047, 1e-15, 'CVaR95'); // −mean(−49 … −45)/1000
  close(risk.var99, 0.04801, 1e-15, 'VaR99');
  close(risk.cvar99, 0.049, 1e-15, 'CVaR99');
  close(risk.mean, 0.0005, 1e-15, 'mean');
  close(risk.std!, Math.sqrt(100 * 101 / 12) / 1000, 1e-15, 'std'); // var of 1..n with ddof 1 = n(n+1)/12
  close(risk.skewness!, 0, 1e-12, 'skewness');
  // Discrete uniform on 1..100: the adjusted excess kurtosis is ≈ −1.2 (exactly −1.2 only as n → ∞).
  assert.ok(Math.abs(risk.kurtosis! + 1.2) < 0.01, String(risk.kurtosis));
  assert.equal(Object.keys(risk.percentiles), PERCENTILES.map((p) => `p${p}`));
  close(risk.percentiles.p50, 0.0005, 1e-15, 'p50');
  close(risk.percentiles.p90, 0.0401, 1e-15, 'p90');
  assert.is(risk.var95, -risk.percentiles.p5, 'VaR95 is exactly −p5');
  assert.is(risk.var99, -risk.percentiles.p1, 'VaR99 is exactly −p1');
});

test('small sample by hand; CVaR includes a return equal to the quantile', () => {
  // Sorted −0.04, −0.01, 0, 0.02, 0.03: Q(0.05) = −0.034 → VaR95 = 0.034; only −0.04 ≤ −0.034 → CVaR95 = 0.04.
  const a = tailRisk([0.03, -0.04, 0.0, 0.02, -0.01], 0.95);
  close(a.var, 0.034, 1e-15, 'VaR95');
  assert.is(a.cvar, 0.04);
  // 21 returns: h = 20·0.05 = 1 exactly, so Q(0.05) = x_1 = −0.02, which a tie repeats at x_2.
  // At or below −0.02: −0.1, −0.02, −0.02 → CVaR95 = 0.14/3.
  const tied = [-0.1, -0.02, -0.02, ...Array.from({ length: 18 }, (_, i) => i / 100)];
  const t = tailRisk(tied, 0.95);
  assert.equal([t.var, t.tailCount], [0.02, 3]);
  close(t.cvar, 0.14 / 3, 1e-15, 'CVaR95 with a tie');
  assert.ok(t.cvar >= t.var, 'CVaR ≥ VaR');
});

test('bad input is refused', () => {
  assert.throws(() => tailRisk([0.1], 1), /confidence must lie in \(0, 1\), got 1/);
  assert.throws(() => tailRisk([], 0.95), /empty sample/);
  assert.throws(() => returnRisk([0.01, NaN], 'scenario return_1'), /scenario return_1: element 1 is NaN/);
});

test.run();
