import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { atDrawdown, equalRisk, equalRiskLine, scaleToDrawdown } from '../../src/trading/equal-risk.js';
import { backtestPositions } from '../../src/trading/backtest.js';

const close = (a: number, b: number, tol = 1e-9) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test('scaleToDrawdown: one loss of 20% after a 10% gain → drawdown 0.2k, so 10% needs k = 0.5', () => {
  const k = scaleToDrawdown([0.1, -0.2, 0.05], 0.1)!;
  assert.ok(close(k, 0.5), String(k));
  const r = atDrawdown([0.1, -0.2, 0.05], 0.1, 3)!;
  assert.ok(close(r.maxDrawdown, 0.1));
  // scaled returns 0.05, −0.1, 0.025: growth 1.05 · 0.9 · 1.025 over 3 bars at 3 bars a year
  assert.ok(close(r.cagr!, 1.05 * 0.9 * 1.025 - 1), String(r.cagr));
});

test('a series that never loses has no scale; a target outside (0, 1) is refused', () => {
  assert.is(scaleToDrawdown([0.01, 0, 0.02], 0.1), null);
  assert.throws(() => scaleToDrawdown([0.1, -0.1], 0), /target must be in \(0, 1\)/);
  assert.throws(() => scaleToDrawdown([0.1, -0.1], 1), /target must be in \(0, 1\)/);
});

test('equalRisk: both scaled to 60% of buy & hold\'s drawdown, CAGRs compared (hand-computed)', () => {
  const asset = [0.1, -0.2, 0.05]; // max drawdown 0.2 → common level 0.12 → buy & hold × 0.6
  const strategy = [0.05, -0.05, 0.1]; // drawdown 0.05k → k = 2.4
  const e = equalRisk(strategy, asset, 3);
  assert.ok(close(e.drawdown, 0.12));
  assert.ok(close(e.benchmark!.scale, 0.6) && close(e.strategy!.scale, 2.4));
  assert.ok(close(e.strategy!.cagr!, 1.12 * 0.88 * 1.24 - 1), String(e.strategy!.cagr));
  assert.ok(close(e.benchmark!.cagr!, 1.06 * 0.88 * 1.03 - 1), String(e.benchmark!.cagr));
  assert.is(e.beats, true);
  assert.match(equalRiskLine(e), /CAGR 22\.21% \(×2\.40\) vs buy & hold -3\.92% \(×0\.60\) — beats holding less/);
  // the same strategy against itself, worse: it does not beat
  assert.is(equalRisk([0.05, -0.2, 0.0], asset, 3).beats, false);
  assert.throws(() => equalRisk([0.1], asset, 3), /1 returns but 3 asset returns/);
  assert.throws(() => equalRisk(asset, asset, 3, 0), /fraction must be in \(0, 1\]/);
  const flat = equalRisk([0.01, -0.01], [0.01, 0.02], 2);
  assert.is(flat.beats, null);
  assert.match(flat.note!, /no drawdown/);
});

test('every backtest carries it: holding half of the asset without costs is exactly holding less', () => {
  const closes = [100, 104, 97, 99, 91, 95, 102, 98];
  const r = backtestPositions({
    timestamps: closes.map((_, i) => i * 3_600_000), closes, decisions: closes.map(() => 0.5), periodsPerYear: 8760, fee: 0, slippage: 0,
  });
  const e = r.equalRisk;
  assert.ok(close(e.strategy!.scale, 2 * e.benchmark!.scale, 1e-7), `${e.strategy!.scale} vs ${e.benchmark!.scale}`);
  assert.ok(close(e.strategy!.cagr!, e.benchmark!.cagr!, 1e-6));
});

test.run();
