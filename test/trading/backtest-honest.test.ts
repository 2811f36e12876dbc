import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backtestPositions } from '../../src/trading/backtest.js';
import { honestStats } from '../../src/trading/honest-stats.js';

const H = 3_600_000;

test('every backtest result carries the honest statistics of the bars its metrics cover', () => {
  const closes = [100, 101, 99, 102, 103, 101, 104, 105, 103, 106];
  const decisions = [1, 0.5, 0.5, 1, 0, 0, 1, 1, 0.5, 0];
  const r = backtestPositions({ timestamps: closes.map((_, i) => i * H), closes, decisions, periodsPerYear: 8760, trials: 4 });
  // rows 1 … n − 1 (row 0 holds nothing): the net returns against the asset's own returns, with the costs
  const expected = honestStats({
    returns: r.series.return.slice(1), assetReturns: r.series.assetReturn.slice(1), costs: r.series.cost.slice(1), periodsPerYear: 8760, trials: 4,
  });
  assert.equal(r.honest, expected);
  assert.is(r.honest.bars, 9);
  assert.is(r.honest.trials, 4);
  assert.is(r.honest.sharpe, r.metrics.sharpe);
  assert.ok(Math.abs(r.honest.costs - r.totalCosts) < 1e-15);
});

test('after ruin the honest statistics stop at the ruined bar, like the metrics', () => {
  const r = backtestPositions({
    timestamps: [0, H, 2 * H, 3 * H, 4 * H], closes: [100, 125, 50, 100, 200], decisions: [3, 3, 3, 3, 3],
    periodsPerYear: 8760, fee: 0, slippage: 0,
  });
  assert.is(r.honest.bars, 2); // rows 1 and 2
  assert.is(r.honest.trials, 1);
});

test.run();
