/**
 * @fileoverview A walk-forward JSON (the shape `backtest --walk-forward --json` writes) made of real
 * backtests of seeded synthetic bars: three folds of 300 bars, two members, for report tests that
 * must not train models.
 */
import { jsonRange } from '../../src/cli/json-range.js';
import { baselinesOf } from '../../src/report/from-backtest.js';
import type { WalkForwardJson } from '../../src/report/from-walk-forward.js';
import { syntheticReportData } from '../../src/report/synthetic.js';
import { backtestPositions, type BacktestResult } from '../../src/trading/backtest.js';

/** A walk-forward JSON of three folds and two members, made of real backtests of synthetic bars. */
export function walkForwardJson(): WalkForwardJson {
  const { timestamp, close, position } = syntheticReportData({ bars: 900, seed: 5 }).bars;
  const run = (a: number, b: number, d = position) => backtestPositions({ timestamps: timestamp.slice(a, b), closes: close.slice(a, b), decisions: d.slice(a, b), periodsPerYear: 8760, trials: 2 });
  const all = run(0, 900);
  const base = (r: BacktestResult) => ({ metrics: r.metrics, notes: r.notes.strategy, honest: r.honest, finalEquity: r.finalEquity });
  const b = baselinesOf(all, 2);
  const spread = (lo: number, hi: number) => ({ sharpe: { min: lo, median: (lo + hi) / 2, max: hi, members: 2 } });
  const folds = [[0, 300], [300, 600], [600, 900]].map(([a, z], k) => {
    const r = run(a, z), fb = baselinesOf(r, 2);
    return {
      fold: k + 1, test: jsonRange(timestamp[a], timestamp[z - 1], z - a)!, metrics: r.metrics, benchmark: r.benchmark, notes: r.notes, honest: r.honest,
      baselines: { buyAndHold: base(fb.buyAndHold), volTarget: base(fb.volTarget), momentum: base(fb.momentum) }, spread: spread(-1 - k, 1 + k),
    };
  });
  return {
    mode: 'walk-forward', strategy: 'glow', data: 'synthetic.csv', range: jsonRange(timestamp[0], timestamp[899], 900)!, fee: 0.001, slippage: 0.0005,
    metrics: all.metrics, benchmark: all.benchmark, honest: all.honest, notes: all.notes, finalEquity: all.finalEquity,
    baselines: { buyAndHold: base(b.buyAndHold), volTarget: base(b.volTarget), momentum: base(b.momentum) },
    walkForward: {
      window: 'expanding', trainBars: 4000, testBars: 300, step: 300, seeds: [1, 2], trials: 2, plannedFolds: 3, seconds: 12.5,
      members: [1, 2].map((seed) => ({ seed, metrics: all.metrics, notes: all.notes.strategy, honest: all.honest })), spread: spread(-0.5, 0.5), folds,
    },
  };
}

