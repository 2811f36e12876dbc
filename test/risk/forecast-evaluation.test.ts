import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bestMethod, evaluateRiskForecasts } from '../../src/risk/forecast-evaluation.js';
import { emptyHorizonRisk, type RiskForecast } from '../../src/risk/bar-risk.js';

/** A method forecasting the same VaR95/VaR99 at every bar. */
function constant(method: string, bars: Int32Array, v95: number, v99: number, horizon = 1): RiskForecast {
  const h = emptyHorizonRisk(horizon, bars.length);
  h.var95.fill(v95);
  h.var99.fill(v99);
  return { method, bars, horizons: [h] };
}

// 200 bars of log returns: −3% every 20th bar (10 breaches of a 2% VaR), +0.5% otherwise.
const r = Float64Array.from({ length: 201 }, (_, i) => (i === 0 ? NaN : i % 20 === 0 ? -0.03 : 0.005));
const bars = Int32Array.from({ length: 200 }, (_, i) => i);

test('exceedances, rates and pinball losses of constant forecasts; DM against the reference', () => {
  const ev = evaluateRiskForecasts([constant('a', bars, 0.02, 0.04), constant('b', bars, 0.04, 0.05)], r, 'a');
  const a = ev.find((e) => e.method === 'a')!, b = ev.find((e) => e.method === 'b')!;
  assert.is(a.levels[0].n, 200);
  assert.is(a.levels[0].exceedances, 10);
  assert.is(a.levels[0].rate, 0.05);
  assert.is(a.levels[1].exceedances, 0);
  // Pinball at 95% for a: breaches cost 0.95·(q − y), the rest 0.05·(y − q), q = −0.02.
  const y1 = Math.expm1(-0.03), y0 = Math.expm1(0.005);
  const want = (10 * 0.95 * (-0.02 - y1) + 190 * 0.05 * (y0 + 0.02)) / 200;
  assert.ok(Math.abs(a.levels[0].pinball - want) < 1e-15);
  assert.is(a.levels[0].dm, null);
  assert.ok(b.levels[0].vsReference! > 0);
  assert.match(b.levels[0].verdict, /^too few breaches \(VaR too high\)/);
  assert.match(a.levels[0].verdict, /^calibrated|breaches cluster/);
  assert.is(bestMethod(ev, ['a', 'b'], 1), 'a');
});

test('forecasts of different bars, or an unknown reference, are refused', () => {
  assert.throws(() => evaluateRiskForecasts([constant('a', bars, 0.02, 0.04), constant('b', bars.subarray(1), 0.02, 0.04)], r, null), /b forecasts other bars than a/);
  assert.throws(() => evaluateRiskForecasts([constant('a', bars, 0.02, 0.04)], r, 'garch'), /no method named garch/);
});

test('h > 1: windows that run past the data are not counted', () => {
  const ev = evaluateRiskForecasts([constant('a', bars, 0.05, 0.08, 5)], r, null);
  assert.is(ev[0].levels[0].n, 196);
  assert.is(ev[0].levels[0].hac.lag, 4);
});

test.run();
