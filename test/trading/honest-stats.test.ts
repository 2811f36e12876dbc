import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  alphaBeta, bootstrapSharpe, costShare, deflatedSharpe, honestStats, moments, probabilisticSharpe, sharpePerBar,
} from '../../src/trading/honest-stats.js';

const close = (a: number | null, b: number, tol = 1e-10) => {
  assert.ok(a !== null && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
};
const asset = [0.01, -0.02, 0.03, 0, 0.015, -0.01, 0.005, -0.025];

test('beta and alpha are recovered exactly when r_s = 0.5·r_a + c', () => {
  const r = asset.map((x) => 0.5 * x + 0.001);
  const ab = alphaBeta(r, asset, 100, 0);
  close(ab.beta, 0.5);
  close(ab.alphaPerBar, 0.001);
  close(ab.alphaAnnual, 0.1);
  // no residuals at all: the t-statistic is undefined, not infinite
  assert.is(ab.alphaT, null);
});

test('the alpha t-statistic with lag 0 equals the HC0 sandwich by hand', () => {
  const x = [0.01, -0.02, 0.03, 0];
  const y = [0.02, -0.01, 0.01, 0.005];
  // OLS by hand: x̄ = 0.005, ȳ = 0.00625; Σ(x−x̄)² = 0.0013; Σ(x−x̄)(y−ȳ) = 0.000575
  const beta = 0.000575 / 0.0013, alpha = 0.00625 - beta * 0.005;
  const e = y.map((v, t) => v - alpha - beta * x[t]);
  // (X'X)⁻¹ X' diag(e²) X (X'X)⁻¹, element [0][0], with X = [1, x]
  const n = 4, sx = 0.02, sxx = 0.0014, det = n * sxx - sx * sx;
  const inv = [[sxx / det, -sx / det], [-sx / det, n / det]];
  let m00 = 0, m01 = 0, m11 = 0;
  for (let t = 0; t < n; t++) { m00 += e[t] ** 2; m01 += e[t] ** 2 * x[t]; m11 += e[t] ** 2 * x[t] ** 2; }
  const a0 = [inv[0][0] * m00 + inv[0][1] * m01, inv[0][0] * m01 + inv[0][1] * m11];
  const varAlpha = a0[0] * inv[0][0] + a0[1] * inv[1][0];
  const ab = alphaBeta(y, x, 1, 0);
  close(ab.beta, beta);
  close(ab.alphaPerBar, alpha);
  close(ab.alphaT, alpha / Math.sqrt(varAlpha), 1e-9);
});

test('the seeded bootstrap interval is reproducible and contains the sample Sharpe', () => {
  const r = [0.01, -0.004, 0.006, 0.002, -0.008, 0.012, 0.001, -0.003, 0.007, 0.004, -0.006, 0.009, 0.0, 0.003, -0.002, 0.005];
  const a = bootstrapSharpe(r, 365, { resamples: 500, seed: 7 });
  const b = bootstrapSharpe(r, 365, { resamples: 500, seed: 7 });
  assert.equal(a, b);
  const sr = sharpePerBar(r)! * Math.sqrt(365);
  assert.ok(a!.low < sr && sr < a!.high, `${a!.low} < ${sr} < ${a!.high}`);
  assert.is(a!.meanBlock, 4); // ⌈√16⌉
  assert.is.not(bootstrapSharpe(r, 365, { resamples: 500, seed: 8 })!.low, a!.low);
});

test('the deflated Sharpe with one trial is the PSR against 0, and falls as trials grow', () => {
  const r = [0.01, -0.004, 0.006, 0.002, -0.008, 0.012, 0.001, -0.003, 0.007, 0.004, -0.006, 0.009, 0.0, 0.003, -0.002, 0.005];
  const mo = moments(r)!;
  const psr0 = probabilisticSharpe(sharpePerBar(r)!, 0, r.length, mo.skew, mo.kurtosis)!;
  close(deflatedSharpe(r, 1), psr0, 1e-14);
  const d10 = deflatedSharpe(r, 10)!, d100 = deflatedSharpe(r, 100)!;
  assert.ok(psr0 > d10 && d10 > d100, `${psr0} > ${d10} > ${d100}`);
});

test('the cost share by hand, and null with a reason without gross profit', () => {
  // gross = (0.01 + 0.001) + (−0.002 + 0.001) + 0.005 = 0.015; costs 0.002
  const c = costShare([0.01, -0.002, 0.005], [0.001, 0.001, 0]);
  close(c.share, 0.002 / 0.015, 1e-12);
  const none = costShare([-0.01, 0.001], [0.001, 0.001]);
  assert.is(none.share, null);
  assert.is(none.note, 'no gross profit before costs');
});

test('the verdict says in words when the edge is noise', () => {
  const r = asset.map((x, i) => 0.5 * x + (i % 2 ? 0.001 : -0.001));
  const s = honestStats({ returns: r, assetReturns: asset, costs: new Array(8).fill(0), periodsPerYear: 365, trials: 3 });
  assert.is(s.distinguishable, false);
  assert.ok(s.verdict.startsWith('the edge is not distinguishable from zero'), s.verdict);
  assert.is(s.trials, 3);
  assert.is(s.costShare, 0);
});

test.run();
