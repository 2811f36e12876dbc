import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { averageDecisions, metricSpread, spreadOf } from '../../src/trading/ensemble.js';
import { ensembleBacktest } from '../../src/trading/ensemble-backtest.js';
import { backtestPositions } from '../../src/trading/backtest.js';
import { METRIC_NAMES } from '../../src/trading/metrics.js';

test('the ensemble decision is the mean of the members\' decisions, row by row', () => {
  assert.equal(Array.from(averageDecisions([[1, 0, 0.5], [0, 0, 0.25], [0.5, -1, 0]])), [0.5, -1 / 3, 0.25]);
  assert.equal(Array.from(averageDecisions([[0.3, 0.7]])), [0.3, 0.7]);
  assert.throws(() => averageDecisions([[1, 2], [1]]), /member 2 decided 1 rows, member 1 decided 2/);
  assert.throws(() => averageDecisions([]), /no members/);
});

test('spread: min, type-7 median and max of the members that have a value', () => {
  assert.equal(spreadOf([3, null, 1, 2]), { min: 1, median: 2, max: 3, members: 3 });
  assert.equal(spreadOf([4, 1]), { min: 1, median: 2.5, max: 4, members: 2 });
  assert.is(spreadOf([null, null]), null);
  const m = backtestPositions({ timestamps: [1, 2, 3], closes: [1, 2, 1], decisions: [1, 1, 0], periodsPerYear: 1 }).metrics;
  assert.equal(Object.keys(metricSpread([m, m])), [...METRIC_NAMES]);
});

test('several members traded together: the averaged positions with the same costs; DSR counts every member', () => {
  const timestamps = [1, 2, 3, 4, 5], closes = [100, 102, 99, 101, 104];
  const run = (decisions: number[]) => ({ ...backtestPositions({ timestamps, closes, decisions, periodsPerYear: 8760, trials: 2 }), strategy: 'glow', period: { from: 1, to: 5, rows: 5 }, warnings: ['w'] });
  const a = run([1, 1, 0, 0, 1]), b = run([0, 1, 1, 0, 0]);
  const e = ensembleBacktest([{ source: 'a.bin', seed: 1, result: a }, { source: 'b.bin', seed: 2, result: b }], { trials: 1 });
  const direct = backtestPositions({ timestamps, closes, decisions: [0.5, 1, 0.5, 0, 0.5], periodsPerYear: 8760, trials: 2 });
  assert.equal(e.metrics, direct.metrics);
  assert.equal(Array.from(e.series.decision), [0.5, 1, 0.5, 0, 0.5]);
  assert.equal([e.trials, e.honest.trials, e.strategy, e.warnings], [2, 2, 'glow (ensemble of 2)', ['w']]);
  assert.equal(e.members.map((m) => [m.source, m.seed]), [['a.bin', 1], ['b.bin', 2]]);
  assert.equal(e.spread.totalReturn!.min, Math.min(a.metrics.totalReturn!, b.metrics.totalReturn!));
  const shorter = { ...run([1, 1, 0, 0, 1]), series: { ...a.series, timestamp: Float64Array.from([1, 2, 3, 4]) } };
  assert.throws(() => ensembleBacktest([{ source: 'a.bin', seed: 1, result: a }, { source: 'c.bin', seed: 3, result: shorter }]), /c\.bin tested 4 bars, a\.bin 5/);
});

test.run();
