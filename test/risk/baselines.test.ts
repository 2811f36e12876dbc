/**
 * The classical risk baselines against known answers: GARCH(1,1)-t parameters recovered from a
 * simulated series, calibrated exceedances on that series out of sample, EWMA and historical
 * simulation by hand, and the hour-of-day factor of a series with one loud hour.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fitGarchT, garchRisk, type GarchParams } from '../../src/risk/garch.js';
import { ewmaRisk } from '../../src/risk/ewma.js';
import { historicalRisk } from '../../src/risk/historical.js';
import { fitHourFactor } from '../../src/risk/hour-factor.js';
import { realizedReturns } from '../../src/risk/bar-risk.js';
import { coverageTests } from '../../src/risk/coverage.js';
import { meanFinite, pinballLosses } from '../../src/risk/forecast-loss.js';
import { Rng } from '../../src/util/rng.js';
import { studentTDraw } from '../../src/util/rng-dists.js';
import { normalQuantile } from '../../src/util/special.js';

/** ℓ_i = s·(μ + σ_i z_i), GARCH(1,1) with standardised t(ν) innovations. */
function simulateGarch(n: number, p: GarchParams, seed: number): Float64Array {
  const rng = new Rng(seed);
  const k = Math.sqrt((p.nu - 2) / p.nu);
  const r = new Float64Array(n);
  r[0] = NaN;
  let s2 = p.omega / (1 - p.alpha - p.beta);
  for (let i = 1; i < n; i++) {
    const e = Math.sqrt(s2) * k * studentTDraw(rng, p.nu);
    r[i] = p.scale * (p.mu + e);
    s2 = p.omega + p.alpha * e * e + p.beta * s2;
  }
  return r;
}

const TRUE: GarchParams = { mu: 0.02, omega: 0.04, alpha: 0.08, beta: 0.9, nu: 5, scale: 0.01 };
const series = simulateGarch(30_000, TRUE, 11);
const TRAIN: [number, number] = [1, 20_000];
const bars = Int32Array.from({ length: 9_000 }, (_, i) => 20_000 + i);

test('GARCH(1,1)-t: maximum likelihood recovers the parameters of a simulated series', () => {
  const fit = fitGarchT(series, TRAIN[0], TRAIN[1]);
  assert.ok(fit.converged);
  assert.ok(Math.abs(fit.alpha - TRUE.alpha) < 0.02, `alpha ${fit.alpha}`);
  assert.ok(Math.abs(fit.beta - TRUE.beta) < 0.03, `beta ${fit.beta}`);
  assert.ok(Math.abs(fit.alpha + fit.beta - 0.98) < 0.01, `persistence ${fit.alpha + fit.beta}`);
  assert.ok(Math.abs(fit.nu - TRUE.nu) < 1, `nu ${fit.nu}`);
  // Unconditional variance of ℓ: s²·ω/(1 − α − β) in both parametrisations.
  const trueVar = TRUE.scale ** 2 * TRUE.omega / (1 - TRUE.alpha - TRUE.beta);
  const fitVar = fit.scale ** 2 * fit.omega / (1 - fit.alpha - fit.beta);
  assert.ok(Math.abs(fitVar / trueVar - 1) < 0.25, `variance ${fitVar} vs ${trueVar}`);
});

test('GARCH-t out of sample on its own series: calibrated 1-bar VaR, and lower pinball loss than EWMA', () => {
  const input = { logReturns: series, train: TRAIN, bars, horizons: [1, 5] };
  const garch = garchRisk(input, { paths: 1000, seed: 3 });
  const ewma = ewmaRisk(input);
  const y = realizedReturns(series, bars, 1);
  const hits = (v: Float64Array, lo = 0) => Float64Array.from(y.slice(lo, -1), (r, i) => (-r > v[i + lo] ? 1 : 0));
  const h1 = garch.horizons[0];
  const c95 = coverageTests(hits(h1.var95), 0.05), c99 = coverageTests(hits(h1.var99), 0.01);
  assert.ok(c95.kupiec.pValue > 0.01 && c95.independence.pValue > 0.01, `95%: rate ${c95.rate}, ${c95.independence.pValue}`);
  assert.ok(c99.kupiec.pValue > 0.01, `99%: rate ${c99.rate}`);
  const loss = (v: Float64Array, a: number) => meanFinite(pinballLosses(y, Float64Array.from(v, (x) => -x), a));
  assert.ok(loss(h1.var99, 0.01) < loss(ewma.horizons[0].var99, 0.01), 'GARCH-t beats EWMA at 99% on GARCH-t data');
  // The simulated 1-bar sample agrees with the closed form within Monte Carlo error.
  assert.ok(h1.var95.every((v, i) => v > 0 && h1.cvar95[i] > v && h1.cvar99[i] > h1.var99[i]));
  assert.ok(garch.horizons[1].var95.every((v, i) => v > h1.var95[i]), '5-bar VaR above 1-bar VaR');
});

test('GARCH-t: the same seed gives the same forecasts; given parameters skip the fit', () => {
  const input = { logReturns: series, train: TRAIN, bars: bars.subarray(0, 50), horizons: [1, 20] };
  const a = garchRisk(input, { params: TRUE, paths: 500, seed: 9 });
  const b = garchRisk(input, { params: TRUE, paths: 500, seed: 9 });
  assert.equal(a.horizons[1].var99, b.horizons[1].var99);
  const c = garchRisk(input, { params: TRUE, paths: 500, seed: 10 });
  assert.not.equal(a.horizons[1].var99, c.horizons[1].var99);
});

test('EWMA by hand: σ² recursion from the training mean square, lognormal VaR and CVaR', () => {
  const r = Float64Array.from([NaN, 0.01, -0.02, 0.03, -0.01]);
  const f = ewmaRisk({ logReturns: r, train: [1, 4], bars: Int32Array.of(4), horizons: [1, 4] }, 0.9);
  // Start: mean square of 0.01, −0.02, 0.03; then four updates through bar 4.
  let v = (0.01 ** 2 + 0.02 ** 2 + 0.03 ** 2) / 3;
  for (const x of [0.01, -0.02, 0.03, -0.01]) v = 0.9 * v + 0.1 * x * x;
  const s1 = Math.sqrt(v);
  assert.ok(Math.abs(f.horizons[0].var95[0] - (1 - Math.exp(normalQuantile(0.05) * s1))) < 1e-15);
  assert.ok(Math.abs(f.horizons[1].var99[0] - (1 - Math.exp(normalQuantile(0.01) * 2 * s1))) < 1e-15);
  assert.ok(f.horizons[0].cvar95[0] > f.horizons[0].var95[0]);
  assert.ok(Math.abs(f.horizons[0].mean[0] - Math.expm1(v / 2)) < 1e-18);
});

test('historical simulation by hand: the type-7 quantile of the last N returns', () => {
  const r = Float64Array.from({ length: 41 }, (_, i) => (i === 0 ? NaN : ((i * 37) % 23 - 11) / 1000));
  const f = historicalRisk({ logReturns: r, bars: Int32Array.of(40), horizons: [1] }, 20);
  const last = Array.from(r.slice(21, 41), Math.expm1).sort((a, b) => a - b);
  // Type 7 at 0.05 over 20 values: position 0.95 between the 1st and 2nd smallest.
  const q = last[0] + 0.95 * (last[1] - last[0]);
  assert.ok(Math.abs(f.horizons[0].var95[0] + q) < 1e-15);
  assert.throws(() => historicalRisk({ logReturns: r, bars: Int32Array.of(10), horizons: [5] }, 20), /only \d+ complete 5-bar windows/);
});

test('hour factor: an hour with twice the volatility gets twice the factor, and EWMA scales by the next bar\'s hour', () => {
  // |ℓ| = 0.02 at 14:00 UTC and 0.01 otherwise (alternating signs): f14 = √(4·24/27), others √(24/27).
  const n = 24 * 50;
  const hours = Uint8Array.from({ length: n }, (_, i) => i % 24);
  const r = Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1) * (hours[i] === 14 ? 0.02 : 0.01));
  const f = fitHourFactor(r, hours, 0, n);
  assert.ok(Math.abs(f[14] - Math.sqrt(96 / 27)) < 1e-12 && Math.abs(f[3] - Math.sqrt(24 / 27)) < 1e-12, `${f[14]} ${f[3]}`);
  // Deseasonalised, every |ℓ| is the same, so the EWMA variance is constant and a bar's 1-bar
  // volatility is exactly that of its next bar's hour: 0.02 before 14:00, 0.01 otherwise.
  const t13 = 24 * 40 + 13, t15 = 24 * 40 + 15;
  const e = ewmaRisk({ logReturns: r, hours, hourAfter: (t, k) => (t + k) % 24, train: [0, n], bars: Int32Array.of(t13, t15), horizons: [1], hourFactor: true });
  const z = normalQuantile(0.05);
  assert.ok(Math.abs(e.horizons[0].var95[0] - (1 - Math.exp(z * 0.02))) < 1e-12, `${e.horizons[0].var95[0]}`);
  assert.ok(Math.abs(e.horizons[0].var95[1] - (1 - Math.exp(z * 0.01))) < 1e-12, `${e.horizons[0].var95[1]}`);
  assert.is(e.method, 'ewma-hour');
});

test.run();
