import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { computeFeatures } from '../../src/data/features.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { planFolds, selectFolds } from '../../src/pipeline/fold-plan.js';

const H = 3_600_000;
// 100 hourly candles with hour 50 missing: candles 0…49 are hours 0…49, candles 50…98 hours 51…99.
// Feature rows: candles 20…49 (rows 0…29) and, 20 candles after the gap, candles 70…98 (rows 30…58).
const ts = Array.from({ length: 99 }, (_, i) => (i < 50 ? i : i + 1) * H);

test('folds on hand-made timestamps: test windows count rows across a gap; the final partial window is a fold', () => {
  assert.equal(planFolds(ts, { trainBars: 30, testBars: 20 }), [
    { fold: 1, trainFrom: 0, testFrom: 30, testTo: 50, rowFrom: 10, rowTo: 30 },
    { fold: 2, trainFrom: 0, testFrom: 70, testTo: 90, rowFrom: 30, rowTo: 50 },
    { fold: 3, trainFrom: 0, testFrom: 90, testTo: 99, rowFrom: 50, rowTo: 59 },
  ]);
  assert.equal(planFolds(ts, { trainBars: 30, testBars: 20, window: 'rolling' }).map((f) => f.trainFrom), [0, 40, 60]);
  // a step beyond the test window: rows 10…29 and 35…54 (candles 75…94); row 60 does not exist
  assert.equal(planFolds(ts, { trainBars: 30, testBars: 20, step: 25 }), [
    { fold: 1, trainFrom: 0, testFrom: 30, testTo: 50, rowFrom: 10, rowTo: 30 },
    { fold: 2, trainFrom: 0, testFrom: 75, testTo: 95, rowFrom: 35, rowTo: 55 },
  ]);
  // one row left over is still tested
  assert.equal(planFolds(ts, { trainBars: 30, testBars: 24 }).map((f) => f.rowTo - f.rowFrom), [24, 24, 1]);
});

test('the default row index is the rows computeFeatures gives', () => {
  const candles = simulateMarket({ bars: 300, seed: 3 });
  const index = computeFeatures(candles).index;
  const options = { trainBars: 100, testBars: 60 };
  assert.equal(planFolds(candles.timestamp, options), planFolds(candles.timestamp, { ...options, rowIndex: index }));
  assert.equal(planFolds(candles.timestamp, options).map((f) => [f.testFrom, f.testTo]), [[100, 160], [160, 220], [220, 280], [280, 300]]);
});

test('the folds filter keeps the named folds in order and refuses folds that do not exist', () => {
  const plan = planFolds(ts, { trainBars: 30, testBars: 20 });
  assert.equal(selectFolds(plan, [3, 1]).map((f) => f.fold), [1, 3]);
  assert.equal(selectFolds(plan, undefined), plan);
  assert.throws(() => selectFolds(plan, [4]), /fold 4 does not exist; this run has folds 1 to 3/);
  assert.throws(() => selectFolds(plan, [0]), /fold 0 does not exist/);
  assert.throws(() => selectFolds(plan, []), /the folds filter is empty/);
});

test('impossible plans are refused clearly', () => {
  assert.throws(() => planFolds(ts, { trainBars: 30, testBars: 20, step: 10 }), /step \(10\) must be ≥ testBars \(20\)/);
  assert.throws(() => planFolds(ts, { trainBars: 99, testBars: 20 }), /99 candles leave no feature row to test after 99 training candles/);
  assert.throws(() => planFolds(ts, { trainBars: 30, testBars: 0 }), /testBars must be an integer ≥ 1/);
  assert.throws(() => planFolds(ts, { trainBars: 10, testBars: 5 }), /trainBars must be an integer ≥ 22/);
});

test.run();
