import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nelderMead } from '../../src/risk/nelder-mead.js';

test('Rosenbrock: the minimum (1, 1) from (−1.2, 1)', () => {
  const r = nelderMead((x) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2, [-1.2, 1], { maxIterations: 5000, tolerance: 1e-14 });
  assert.ok(r.converged);
  assert.ok(Math.abs(r.x[0] - 1) < 1e-5 && Math.abs(r.x[1] - 1) < 1e-5, `${r.x}`);
});

test('a 4-dimensional quadratic with an infeasible region (NaN) beside the minimum', () => {
  const c = [0.5, -2, 3, 0.25];
  const f = (x: Float64Array) => (x[0] < -5 ? NaN : x.reduce((s, v, i) => s + (i + 1) * (v - c[i]) ** 2, 0));
  const r = nelderMead(f, [0, 0, 0, 0], { tolerance: 1e-16 });
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(r.x[i] - c[i]) < 1e-6, `${r.x}`);
});

test.run();
