import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  digamma, dfFromTheta, gammaDraw, lgamma, normalLogDensity, sigmoid, softplus,
  studentTDraw, studentTGrad, studentTLogDensity,
} from '../../src/model/student-t.js';
import { Rng } from '../../src/util/rng.js';

const EULER = 0.5772156649015329;
const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (diff ${Math.abs(a - b)}, tolerance ${tol})`);

test('lgamma at exact values (abs error ≤ 2e-15 below 20, relative ≤ 1e-15 at 100)', () => {
  close(lgamma(1), 0, 2e-15, 'lgamma(1)');
  close(lgamma(2), 0, 2e-15, 'lgamma(2)');
  close(lgamma(3), Math.LN2, 2e-15, 'lgamma(3)');
  close(lgamma(0.5), 0.5 * Math.log(Math.PI), 2e-15, 'lgamma(1/2) = ln √π');
  close(lgamma(1.5), 0.5 * Math.log(Math.PI) - Math.LN2, 2e-15, 'lgamma(3/2) = ln(√π/2)');
  close(lgamma(5.5), Math.log((945 / 32) * Math.sqrt(Math.PI)), 4e-15, 'lgamma(11/2) = ln(945√π/32)');
  close(lgamma(10), Math.log(362880), 4e-15, 'lgamma(10) = ln 9!');
  close(lgamma(100), 359.1342053695754, 359.1342053695754 * 1e-15, 'lgamma(100) = ln 99!');
  assert.ok(Number.isNaN(lgamma(0)) && Number.isNaN(lgamma(-1)) && Number.isNaN(lgamma(NaN)));
});

test('digamma at exact values and as the derivative of lgamma', () => {
  close(digamma(1), -EULER, 2e-15, 'ψ(1) = −γ');
  close(digamma(0.5), -EULER - 2 * Math.LN2, 2e-15, 'ψ(1/2) = −γ − 2 ln 2');
  let harmonic = 0;
  for (let k = 1; k <= 9; k++) harmonic += 1 / k;
  close(digamma(10), -EULER + harmonic, 2e-15, 'ψ(10) = −γ + H₉');
  for (const x of [1.3, 2.5, 6.1, 13.7, 47]) {
    const h = 1e-5;
    // the difference quotient's rounding error is ~ulp(lgamma(x))/h
    close(digamma(x), (lgamma(x + h) - lgamma(x - h)) / (2 * h), 1e-9 * Math.max(1, Math.abs(lgamma(x))), `ψ(${x}) vs lgamma′`);
  }
});

test('softplus and sigmoid are stable at the extremes', () => {
  assert.is(softplus(1000), 1000);
  close(softplus(-40), Math.exp(-40), 1e-30, 'softplus(−40)');
  close(softplus(0), Math.LN2, 1e-16, 'softplus(0)');
  assert.is(sigmoid(-1000), 0);
  assert.is(sigmoid(1000), 1);
  close(sigmoid(0.7), 1 / (1 + Math.exp(-0.7)), 1e-16, 'sigmoid(0.7)');
  close(dfFromTheta(8 + Math.log1p(-Math.exp(-8))), 10, 1e-14, 'ν(ln(e⁸ − 1))');
});

test('Student-t log density against closed forms: ν = 1 (Cauchy), 2, 3; ν → ∞ is the normal', () => {
  const mu = 0.5, logSigma = 0.3, sigma = Math.exp(logSigma);
  for (const z of [-3, 0.5, 2, 40]) {
    const u = (z - mu) / sigma;
    close(studentTLogDensity(z, mu, logSigma, 1), -Math.log(Math.PI * sigma * (1 + u * u)), 1e-14, `Cauchy at ${z}`);
    close(studentTLogDensity(z, mu, logSigma, 2), -Math.log(2 * Math.SQRT2 * sigma) - 1.5 * Math.log(1 + u * u / 2), 1e-14, `t₂ at ${z}`);
    close(studentTLogDensity(z, mu, logSigma, 3), Math.log(2 / (Math.PI * Math.sqrt(3) * sigma)) - 2 * Math.log(1 + u * u / 3), 1e-14, `t₃ at ${z}`);
  }
  for (const z of [-2, 0, 0.5, 1.7]) {
    close(studentTLogDensity(z, mu, logSigma, 1e6), normalLogDensity(z, mu, logSigma), 1e-5, `ν = 1e6 vs normal at ${z}`);
  }
  close(normalLogDensity(0.5, 0.5, 0), -0.5 * Math.log(2 * Math.PI), 1e-16, 'normal at its mode');
});

test('Student-t gradients (z, μ, log σ, ν) against central differences of the log density', () => {
  for (const [z, mu, ls, nu] of [[1.3, -0.2, 0.4, 3.5], [-4, 0.1, -0.7, 2.2], [0.05, 0, 0, 30]]) {
    const g = studentTGrad(z, mu, ls, nu);
    const f = (a: number, b: number, c: number, d: number) => studentTLogDensity(a, b, c, d);
    const h = 1e-6;
    close(g.dz, (f(z + h, mu, ls, nu) - f(z - h, mu, ls, nu)) / (2 * h), 1e-8, 'dz');
    close(g.dmu, (f(z, mu + h, ls, nu) - f(z, mu - h, ls, nu)) / (2 * h), 1e-8, 'dμ');
    close(g.dlogSigma, (f(z, mu, ls + h, nu) - f(z, mu, ls - h, nu)) / (2 * h), 1e-8, 'dlogσ');
    close(g.dnu, (f(z, mu, ls, nu + h) - f(z, mu, ls, nu - h)) / (2 * h), 1e-8, 'dν');
  }
});

test('gamma draws: mean and variance equal the shape (1e5 draws, within 5 standard errors)', () => {
  const rng = new Rng(11);
  for (const a of [1.1, 3, 0.6]) {
    const N = 100_000;
    let s = 0, s2 = 0;
    for (let i = 0; i < N; i++) {
      const x = gammaDraw(rng, a);
      s += x;
      s2 += x * x;
    }
    const m = s / N, v = s2 / N - m * m;
    close(m, a, 5 * Math.sqrt(a / N), `gamma(${a}) mean`);
    close(v, a, 5 * Math.sqrt((6 * a + 2 * a * a) / N), `gamma(${a}) variance`); // Var(X²)-based SE
  }
  assert.throws(() => gammaDraw(rng, 0), /shape must be a finite number > 0, got 0/);
});

test('t₆ draws: mean 0 and variance ν/(ν−2) = 1.5 (1e5 draws; tolerance 0.06 ≈ 5 standard errors)', () => {
  const rng = new Rng(5);
  const N = 100_000;
  let s = 0, s2 = 0;
  for (let i = 0; i < N; i++) {
    const x = studentTDraw(rng, 6);
    s += x;
    s2 += x * x;
  }
  const m = s / N;
  // SE of the variance: √(Var ε²/N) = √((E ε⁴ − 1.5²)/N) = √((13.5 − 2.25)/1e5) ≈ 0.0106
  close(m, 0, 0.02, 't₆ mean');
  close(s2 / N - m * m, 1.5, 0.06, 't₆ variance');
});

// ν = 3: the Hill estimator's second-order bias for a Student-t grows with ν (ρ = −2/ν); at k = 1%
// it is about −3% for t₃ (−9% for t₄, too close to the bound), while its standard error α/√k is 1%.
test('tail index of 1e6 t₃ draws by Hill on the top 1% of |ε| is within 10% of ν = 3', () => {
  const rng = new Rng(17);
  const N = 1_000_000;
  const a = new Float64Array(N);
  for (let i = 0; i < N; i++) a[i] = Math.abs(studentTDraw(rng, 3));
  a.sort();
  const k = N / 100;
  const threshold = a[N - k - 1];
  let s = 0;
  for (let i = N - k; i < N; i++) s += Math.log(a[i] / threshold);
  const alpha = k / s;
  console.log(`    Hill tail index of t₃ (k = ${k}): ${alpha.toFixed(3)}`);
  assert.ok(Math.abs(alpha - 3) <= 0.3, `Hill estimate ${alpha}`);
});

test.run();
