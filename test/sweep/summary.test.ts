import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spread, stitchSeed, summarizeResults } from '../../src/sweep/summary.js';

/** A hand-made results table: market M, seeds 1–3, folds 1–2; seed 3 lacks fold 2. */
const r = (seed: number, fold: number, totalReturn: number, sharpe: number, bars: number, mean: number, sd: number, dist = 0) => ({
  job: `${seed}-${fold}`, market: 'M', variant: 'base', seed: String(seed), fold: String(fold), total_return: String(totalReturn),
  benchmark_return: '0.1', sharpe: String(sharpe), bars: String(bars), bar_mean: String(mean), bar_sd: String(sd),
  periods_per_year: '100', distinguishable: String(dist),
});
const rows = [r(1, 2, 0.2, 1, 3, 0.1, 0.1), r(1, 1, 0.1, 2, 2, 0, 0.2, 1), r(2, 1, -0.5, -1, 2, 0, 0.2), r(2, 2, 0, 0.5, 3, 0.1, 0.1), r(3, 1, 0.3, 3, 2, 0, 0.2)];

test('spread: median (type 7), min, max, sample sd', () => {
  assert.equal(spread([3, null, 1, 2, 10]), { median: 2.5, min: 1, max: 10, sd: Math.sqrt(((3 - 4) ** 2 + 9 + 4 + 36) / 3), n: 4 });
  assert.is(spread([null]), null);
});

test("a seed's folds stitch in fold order: compounded returns, the pooled per-bar Sharpe", () => {
  const s = stitchSeed(1, [rows[0], rows[1]]);
  assert.equal(s.folds, [1, 2]);
  assert.is(s.bars, 5);
  assert.ok(Math.abs(s.totalReturn - (1.1 * 1.2 - 1)) < 1e-15);
  assert.ok(Math.abs(s.benchmarkReturn! - 0.21) < 1e-15);
  // pooled: mean 0.06; M2 = 1·0.04 + 2·0.0036 + 2·0.01 + 3·0.0016 = 0.072; sd = √(0.072/4)
  assert.ok(Math.abs(s.sharpe! - (0.06 / Math.sqrt(0.018)) * 10) < 1e-12, String(s.sharpe));
});

test('per market: median and spread across seeds of the stitched result, the per-fold figures, incomplete seeds', () => {
  const [m] = summarizeResults(rows);
  assert.equal([m.market, m.variant, m.seeds, m.folds], ['M', 'base', 3, [1, 2]]);
  assert.equal(m.incomplete, [{ seed: 3, missingFolds: [2] }]);
  const totals = m.stitched.perSeed.map((p) => p.totalReturn);
  assert.ok(Math.abs(totals[0] - 0.32) < 1e-15 && Math.abs(totals[1] + 0.5) < 1e-15 && Math.abs(totals[2] - 0.3) < 1e-15);
  assert.is(m.stitched.totalReturn!.median, totals[2]);
  assert.equal([m.stitched.totalReturn!.min, m.stitched.totalReturn!.max], [-0.5, totals[0]]);
  assert.equal(m.perFold.sharpe, { median: 1, min: -1, max: 3, sd: m.perFold.sharpe!.sd, n: 5 });
  assert.is(m.perFold.distinguishableShare, 0.2);
});

test('markets and variants are summarised separately, in order of appearance', () => {
  const more = [...rows, { ...rows[0], market: 'N' }, { ...rows[0], variant: 'v2' }];
  assert.equal(summarizeResults(more).map((m) => `${m.market}/${m.variant}`), ['M/base', 'N/base', 'M/v2']);
});

test.run();
