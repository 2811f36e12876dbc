import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { autocorrelation, logReturns, stylisedFacts } from '../../src/data/stylised-facts.js';

test('log returns and autocorrelation on tiny series', () => {
  assert.equal(Array.from(logReturns([1, Math.E, 1])), [1, -1]);
  // x = 1, 2, 3, 4: mean 2.5, deviations −1.5, −0.5, 0.5, 1.5; Σd² = 5; lag-1 Σ = 0.75 − 0.25 + 0.75 = 1.25.
  assert.is(autocorrelation([1, 2, 3, 4], 1), 0.25);
  assert.is(autocorrelation([1, -1, 1, -1], 1), -0.75);
  assert.is(autocorrelation([3, 3, 3], 1), 0);
});

test('moments: a symmetric two-point return series has kurtosis 1 and skewness 0', () => {
  // Returns ±ln 2 alternately: closes 1, 2, 1, 2, 1.
  const f = stylisedFacts([1, 2, 1, 2, 1], { periodsPerYear: 4, maxLag: 2 });
  assert.is(f.returns, 4);
  assert.is(f.mean, 0);
  assert.is(f.std, Math.LN2);
  assert.is(f.annualisedVolatility, Math.LN2 * 2);
  assert.is(f.skewness, 0);
  assert.is(f.kurtosis, 1);
  assert.ok(Math.abs(f.returnAutocorrelation1 + 0.75) < 1e-15);
  assert.equal(f.absReturnAutocorrelation, [0, 0]);
  assert.throws(() => stylisedFacts([1, 2, 3], { periodsPerYear: 1 }), /at least 4 closes/);
});

test.run();
