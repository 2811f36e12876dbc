/**
 * The per-bar summary of a sample: storeSample (only the low tail sorted) against storeSortedSample
 * (a full sort) — VaR/CVaR identical bit for bit, mean and std within summation-order rounding —
 * and the log-return, realised-return and hour helpers on known series.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { barLogReturns, emptyHorizonRisk, realizedReturns, storeSample, storeSortedSample, utcHours } from '../../src/risk/bar-risk.js';
import { Rng } from '../../src/util/rng.js';

test('storeSample equals storeSortedSample: VaR/CVaR exactly, mean/std within 1e-13 relative', () => {
  const rng = new Rng(11);
  for (const [n, grid] of [[2000, 0], [2000, 1e-3], [1000, 0], [37, 0], [2, 0]]) {
    for (let rep = 0; rep < 20; rep++) {
      // Heavy-tailed returns; on a grid, many ties (also at the VaR's order statistics).
      const v = Float64Array.from({ length: n }, () => {
        const x = Math.expm1(0.01 * rng.normal() / Math.sqrt(Math.max(1e-3, rng.uniform())));
        return grid ? Math.round(x / grid) * grid : x;
      });
      const a = emptyHorizonRisk(1, 1), b = emptyHorizonRisk(1, 1);
      storeSortedSample(a, 0, v.slice().sort());
      storeSample(b, 0, v);
      for (const k of ['var95', 'cvar95', 'var99', 'cvar99'] as const) assert.is(b[k][0], a[k][0], `n ${n} ${k}`);
      assert.ok(Math.abs(b.mean[0] - a.mean[0]) <= 1e-13 * Math.abs(a.std[0] || 1), `mean ${b.mean[0]} vs ${a.mean[0]}`);
      assert.ok(n < 2 || Math.abs(b.std[0] / a.std[0] - 1) <= 1e-13, `std ${b.std[0]} vs ${a.std[0]}`);
    }
  }
});

test('storeSample with a NaN sorts the whole sample (NaN last), as before', () => {
  const v = Float64Array.of(0.01, NaN, -0.02, 0.03, -0.05);
  const a = emptyHorizonRisk(1, 1), b = emptyHorizonRisk(1, 1);
  storeSortedSample(a, 0, v.slice().sort());
  storeSample(b, 0, v);
  assert.equal([b.var95[0], b.cvar95[0], b.var99[0]], [a.var95[0], a.cvar95[0], a.var99[0]]);
  assert.ok(Number.isNaN(b.mean[0]));
});

test('log returns, realised h-bar returns and UTC hours on a known series', () => {
  const H = 3_600_000;
  const ts = [0, H, 2 * H, 4 * H, 5 * H];
  const r = barLogReturns([100, 110, 121, 100, 50], ts, H);
  assert.ok(Number.isNaN(r[0]) && Number.isNaN(r[3]), 'no return across a gap');
  assert.ok(Math.abs(r[1] - Math.log(1.1)) < 1e-15 && Math.abs(r[4] - Math.log(0.5)) < 1e-15);
  const two = realizedReturns(r, Int32Array.of(0, 1, 3), 2);
  assert.ok(Math.abs(two[0] - 0.21) < 1e-12 && Number.isNaN(two[1]) && Number.isNaN(two[2]));
  assert.equal(Array.from(utcHours([0, 23 * H, 25 * H, -H])), [0, 23, 1, 23]);
});

test.run();
