import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { computeMetrics, formatMetric, maxDrawdown, METRIC_NAMES, periodsPerYear } from '../../src/trading/metrics.js';

const close = (a: number | null, b: number, tol = 1e-12) => {
  assert.ok(a !== null && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
};

test('every metric on a four-bar series, against hand-computed values', () => {
  // r = 10%, −5%, 2%, 0%; P = 8 bars a year.
  // growth 1.1·0.95·1.02 = 1.0659; mean 0.07/4 = 0.0175; Σ(r − mean)² = 0.0825² + 0.0675² + 0.0025² + 0.0175² = 0.011675;
  // Σ min(r, 0)² = 0.0025; equity 1.1 → 1.045 is the deepest fall: 0.055 / 1.1 = 0.05.
  const { metrics: m, notes } = computeMetrics({
    returns: [0.1, -0.05, 0.02, 0], positions: [1, -0.5, 0, 2], tradeReturns: [0.2, -0.1, 0, 0.05], turnover: 3.5, periodsPerYear: 8,
  });
  close(m.totalReturn, 0.0659);
  close(m.cagr, 1.0659 ** 2 - 1); // (1 + total)^(8/4) − 1 = 0.13614281
  close(m.sharpe, (0.0175 / Math.sqrt(0.011675 / 3)) * Math.sqrt(8));
  close(m.sortino, (0.0175 / Math.sqrt(0.0025 / 4)) * Math.sqrt(8)); // 0.7·√8
  close(m.maxDrawdown, 0.05);
  close(m.calmar, 0.13614281 / 0.05);
  assert.is(m.winRate, 0.5); // 0.2 and 0.05 win; −0.1 loses; 0 is not a win
  close(m.profitFactor, 0.25 / 0.1);
  assert.is(m.trades, 4);
  assert.is(m.exposure, 0.75);
  assert.is(m.turnover, 3.5);
  assert.equal(notes, {});
  assert.equal(Object.keys(m), [...METRIC_NAMES]);
});

test('undefined metrics are null with a reason, never NaN or Infinity', () => {
  const flat = computeMetrics({ returns: [0.01, 0.01, 0.01], positions: [1, 1, 1], tradeReturns: [0.03], turnover: 1, periodsPerYear: 3 });
  assert.is(flat.metrics.sharpe, null);
  assert.is(flat.notes.sharpe, 'zero volatility');
  assert.is(flat.metrics.sortino, null);
  assert.is(flat.notes.sortino, 'no losing bars');
  assert.is(flat.metrics.maxDrawdown, 0);
  assert.is(flat.metrics.calmar, null);
  assert.is(flat.notes.calmar, 'no drawdown');
  assert.is(flat.metrics.profitFactor, null);
  assert.is(flat.notes.profitFactor, 'no losing trades');
  close(flat.metrics.cagr, 1.01 ** 3 - 1);

  const empty = computeMetrics({ returns: [], positions: [], tradeReturns: [], turnover: 0, periodsPerYear: 8760 });
  for (const k of ['totalReturn', 'cagr', 'sharpe', 'sortino', 'maxDrawdown', 'calmar', 'exposure', 'winRate', 'profitFactor'] as const) {
    assert.is(empty.metrics[k], null, k);
    assert.type(empty.notes[k], 'string');
  }
  assert.is(empty.notes.winRate, 'no trades');
  assert.is(empty.metrics.trades, 0);

  const one = computeMetrics({ returns: [-0.02], positions: [1], tradeReturns: [0], turnover: 1, periodsPerYear: 1 });
  assert.is(one.notes.sharpe, 'fewer than 2 bars');
  assert.is(one.notes.profitFactor, 'no winning or losing trades');
  close(one.metrics.sortino, -0.02 / 0.02);

  const wiped = computeMetrics({ returns: [-1.5, 0.1], positions: [3, 3], tradeReturns: [-1.55], turnover: 3, periodsPerYear: 2 });
  close(wiped.metrics.totalReturn, -0.5 * 1.1 - 1);
  assert.is(wiped.metrics.cagr, null);
  assert.is(wiped.notes.cagr, 'equity fell below zero');
  assert.is(wiped.notes.calmar, 'CAGR undefined (equity fell below zero)');
  assert.is(wiped.metrics.profitFactor, 0);

  const short = computeMetrics({ returns: [0.5, 0.4], positions: [1, 1], tradeReturns: [1.1], turnover: 1, periodsPerYear: 8760 });
  assert.is(short.metrics.cagr, null); // 2.1^4380 overflows
  assert.is(short.notes.cagr, 'too large to annualise from 2 bars');
  for (const r of [flat, empty, one, wiped, short]) {
    for (const v of Object.values(r.metrics)) assert.ok(v === null || Number.isFinite(v), `${v}`);
  }
});

test('periods per year follow the candle interval', () => {
  assert.is(periodsPerYear(3_600_000), 8760);
  assert.is(periodsPerYear(4 * 3_600_000), 2190);
  assert.is(periodsPerYear(86_400_000), 365);
  assert.is(periodsPerYear(60_000), 525_600);
  assert.is(periodsPerYear(7 * 86_400_000), 365 / 7);
  assert.is(periodsPerYear(30 * 86_400_000), 12); // month candles (nominal 30 days)
  assert.throws(() => periodsPerYear(0), /positive number of ms, got 0/);
});

test('max drawdown counts a loss on the first bar and is a positive fraction of the peak', () => {
  close(maxDrawdown([-0.1, 0.05]), 0.1);
  close(maxDrawdown([0.5, -0.2, -0.25, 1]), 1 - 0.8 * 0.75); // peak 1.5 → 0.9
  assert.is(maxDrawdown([0.1, 0.2]), 0);
});

test('bad input is refused with the bar it is on', () => {
  const base = { positions: [1, 1], tradeReturns: [], turnover: 0, periodsPerYear: 1 };
  assert.throws(() => computeMetrics({ ...base, returns: [0, NaN] }), /return of bar 1 is NaN/);
  assert.throws(() => computeMetrics({ ...base, returns: [0] }), /1 returns but 2 positions/);
  assert.throws(() => computeMetrics({ ...base, returns: [0, 0], periodsPerYear: 0 }), /periodsPerYear must be a positive number/);
});

test('the formatter prints n/a with the reason', () => {
  assert.is(formatMetric('sharpe', null, { sharpe: 'zero volatility' }), 'n/a (zero volatility)');
  assert.is(formatMetric('totalReturn', 0.123456), '12.35%');
  assert.is(formatMetric('sharpe', 1.23456), '1.235');
  assert.is(formatMetric('trades', 7), '7');
  assert.is(formatMetric('turnover', 3.5), '3.50');
  assert.is(formatMetric('calmar', NaN), 'n/a (undefined)');
});

test.run();
