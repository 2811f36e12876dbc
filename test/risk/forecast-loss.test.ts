import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dieboldMariano, meanFinite, pinballLoss, pinballLosses } from '../../src/risk/forecast-loss.js';
import { normalCdf } from '../../src/util/special.js';

const near = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('pinball loss by hand: a breach costs (1 − α)·|y − q|, a miss α·(y − q)', () => {
  near(pinballLoss(-0.03, -0.02, 0.05), 0.95 * 0.01);
  near(pinballLoss(0.01, -0.02, 0.05), 0.05 * 0.03);
  assert.is(pinballLoss(-0.02, -0.02, 0.05), 0);
  const l = pinballLosses([-0.03, 0.01, NaN], [-0.02, -0.02, -0.02], 0.05);
  near(meanFinite(l), (0.95 * 0.01 + 0.05 * 0.03) / 2);
  assert.ok(Number.isNaN(l[2]));
});

test('the true quantile minimises the expected pinball loss (uniform outcomes on a grid)', () => {
  const y = Array.from({ length: 1000 }, (_, i) => (i + 0.5) / 1000);
  const at = (q: number) => meanFinite(pinballLosses(y, y.map(() => q), 0.1));
  assert.ok(at(0.1) < at(0.09) && at(0.1) < at(0.11));
});

test('Diebold–Mariano by hand (lag 0): d = 1, 2, 3, 4', () => {
  const r = dieboldMariano([1, 2, 3, 4], [0, 0, 0, 0], { lag: 0 });
  // d̄ = 2.5, γ0 = 1.25, DM = 2.5 / √(1.25/4).
  near(r.statistic, 2.5 / Math.sqrt(1.25 / 4));
  near(r.pValue, 2 * normalCdf(-r.statistic));
  assert.is(r.n, 4);
  const swapped = dieboldMariano([0, 0, 0, 0], [1, 2, 3, 4], { lag: 0 });
  near(swapped.statistic, -r.statistic);
});

test('Diebold–Mariano skips bars where a loss is unknown; default lag follows the horizon', () => {
  const a = Array.from({ length: 200 }, (_, i) => 1 + Math.sin(i));
  const b = a.map((v, i) => (i === 7 ? NaN : v + 0.1 * Math.cos(3 * i)));
  const r = dieboldMariano(a, b, { horizon: 20 });
  assert.is(r.n, 199);
  assert.is(r.lag, 19);
  assert.throws(() => dieboldMariano([1], [2]), /at least 2 bars/);
});

test.run();
