import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buyAndHoldDecisions, momentumDecisions, runBaselines, volTargetDecisions } from '../../src/trading/baselines.js';

const near = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('20-bar momentum (here 2 bars): long when the close is above the close L bars ago, flat or short otherwise', () => {
  const closes = [10, 11, 9, 12, 8];
  assert.equal([...momentumDecisions(closes, 2)], [0, 0, 0, 1, 0]);
  assert.equal([...momentumDecisions(closes, 2, true)], [0, 0, -1, 1, -1]);
  assert.is(momentumDecisions(new Array(30).fill(1).map((_, i) => 1 + i)).indexOf(1), 20);
  assert.throws(() => momentumDecisions(closes, 0), /lookback must be a whole number ≥ 1, got 0/);
});

test('vol targeting by hand: EWMA variance, clamp, rebalance band', () => {
  const closes = [100, 100 * Math.exp(0.02), 100 * Math.exp(-0.02)]; // log returns 0.02, −0.04
  // t = 1: σ² = 0.0004 → σ = 0.02, want 0.01 / 0.02 = 0.5; t = 2: σ² = 0.5·0.0004 + 0.5·0.0016 = 0.001
  const d = volTargetDecisions(closes, { lambda: 0.5, targetVol: 0.01, band: 0, warmup: 1 });
  near(d[0], 1);
  near(d[1], 0.5);
  near(d[2], 0.01 / Math.sqrt(0.001));
  // a band of 0.2 keeps the 0.5 held (|0.316 − 0.5| ≤ 0.2)
  near(volTargetDecisions(closes, { lambda: 0.5, targetVol: 0.01, band: 0.2, warmup: 1 })[2], 0.5);
  // no leverage by default: a target above σ caps at 1
  near(volTargetDecisions(closes, { lambda: 0.5, targetVol: 1, band: 0, warmup: 1 })[2], 1);
  // the default target is the running mean of σ: at t = 1 it equals σ, so the exposure is 1
  near(volTargetDecisions(closes, { lambda: 0.5, band: 0, warmup: 1 })[1], 1);
  // warm-up holds like buy & hold
  assert.equal([...volTargetDecisions(closes)], [1, 1, 1]);
  assert.throws(() => volTargetDecisions(closes, { lambda: 1 }), /lambda must lie in \(0, 1\), got 1/);
});

test('the baselines pay the same costs: buy & hold pays its entry once', () => {
  const b = runBaselines({ timestamps: [0, 1, 2], closes: [100, 110, 121], periodsPerYear: 365, fee: 0.001, slippage: 0 });
  near(b.buyAndHold.metrics.totalReturn!, (1.1 - 0.001) * 1.1 - 1);
  assert.equal([...buyAndHoldDecisions(3)], [1, 1, 1]);
  assert.is(b.momentum.metrics.totalReturn, 0); // too short to ever be long
  assert.is(b.volTarget.turnover, 1);
  assert.is(b.buyAndHold.honest.bars, 2);
});

test.run();
