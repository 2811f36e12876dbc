import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sliceCandles, type Candles } from '../../src/data/candles.js';
import { trainForecaster } from '../../src/pipeline/train-forecaster.js';
import { forecastPositions } from '../../src/trading/forecast-strategy.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { glowStrategy, type Strategy, type StrategyContext } from '../../src/trading/registry.js';
import { walkForward, type WalkForwardOptions } from '../../src/pipeline/walk-forward.js';

const candles = simulateMarket({ bars: 700, seed: 5 });
const base: WalkForwardOptions = { trainBars: 400, testBars: 100, model: { levels: 2, steps: 1, hidden: 8 }, fit: { epochs: 2 }, seed: 1 };
const first = walkForward(candles, base);

test('folds: each retrained model ends before its test window; the stitched series is the folds in order', () => {
  assert.is(first.folds.length, 3);
  assert.is(first.period.rows, 300);
  first.folds.forEach((f, k) => {
    const s = 400 + 100 * k;
    assert.equal([f.fold, f.train.start, f.train.end, f.train.candles], [k + 1, candles.timestamp[0], candles.timestamp[s - 1], s]);
    assert.equal(f.test, { start: candles.timestamp[s], end: candles.timestamp[s + 99], rows: 100 });
    assert.equal(f.rows, [100 * k, 100 * (k + 1)]);
    assert.ok(f.model.train.end < f.test.start && f.model.validation!.end < f.test.start, `fold ${f.fold} trained on its test bars`);
    assert.ok(f.model.validation!.end === f.train.end, 'the fold trains up to the bar before its test window');
    assert.ok(f.seconds >= 0);
  });
  // The per-fold returns compound to the whole run's; each fold's trades are its own.
  const growth = first.folds.reduce((g, f) => g * (1 + f.metrics.totalReturn!), 1);
  assert.ok(Math.abs(growth - (1 + first.metrics.totalReturn!)) < 1e-12);
  assert.is(first.folds.reduce((s, f) => s + f.metrics.trades, 0), first.metrics.trades);
  // Across a fold boundary the position decided by the previous fold's model is held.
  assert.is(first.series.position[100], first.series.decision[99]);
  assert.ok(first.seconds > 0);
});

test('deterministic given the seed', () => {
  const again = walkForward(candles, base);
  assert.equal(Array.from(again.series.decision), Array.from(first.series.decision));
  assert.equal(again.folds.map((f) => f.model.likelihoodThreshold), first.folds.map((f) => f.model.likelihoodThreshold));
});

test("a fold's model never sees its test bars: changing them leaves that fold's model and earlier decisions alone", () => {
  const changed: Candles = Object.fromEntries(Object.entries(candles).map(([k, v]) => [k, Float64Array.from(v as Float64Array)])) as any;
  // Candles 420…499 lie in fold 1's test window (400…499) and in the training data of folds 2 and 3.
  for (let i = 420; i < 500; i++) for (const col of ['open', 'high', 'low', 'close'] as const) changed[col][i] *= 1 + 0.2 * Math.sin(i);
  const r = walkForward(changed, base);
  assert.is(r.folds[0].model.likelihoodThreshold, first.folds[0].model.likelihoodThreshold);
  assert.equal(Array.from(r.series.decision.subarray(0, 20)), Array.from(first.series.decision.subarray(0, 20)));
  // Fold 2 trains on those bars, so its model does change (the test can fail).
  assert.is.not(r.folds[1].model.likelihoodThreshold, first.folds[1].model.likelihoodThreshold);
});

test('rolling windows keep the training length; a step beyond the test window goes flat between folds', () => {
  const rolling = walkForward(candles, { ...base, window: 'rolling', trainBars: 350, testBars: 80, step: 120 });
  assert.is(rolling.folds.length, 3); // starts 350, 470, 590
  for (const f of rolling.folds) assert.is(f.train.candles, 350);
  assert.is(rolling.folds[1].train.start, candles.timestamp[120]);
  assert.is(rolling.series.decision[79], 0);
  assert.is(rolling.series.position[80], 0);
  assert.is(rolling.series.decision[159], 0);
});

test('each fold starts from the position the previous fold ended with (flat after a gap between folds)', () => {
  // A path-dependent probe: it holds whatever it was given, then steps to a fold-specific target.
  const seen: number[] = [];
  const probe: Strategy = {
    name: 'walk-forward-probe', description: 'records its starting position',
    positions(ctx) {
      seen.push(ctx.initialPosition ?? Number.NaN);
      const out = new Float64Array(ctx.rows).fill(ctx.initialPosition ?? 0);
      out.fill(0.25 * seen.length, 10);
      return out;
    },
  };
  const r = walkForward(candles, { ...base, strategy: probe });
  assert.equal(seen, [0, 0.25, 0.5]);
  assert.equal([r.series.decision[100], r.series.decision[200]], [0.25, 0.5]);
  seen.length = 0;
  walkForward(candles, { ...base, window: 'rolling', trainBars: 350, testBars: 80, step: 120, strategy: probe });
  assert.equal(seen, [0, 0, 0]);
  // The glow strategy hands the starting position to its rebalance band.
  const flat = glowStrategy.positions({ bundle: { strategy: { hold: (_: unknown, initial: number) => [initial] } }, signals: [] } as unknown as StrategyContext);
  assert.equal(Array.from(flat), [0]);
  const held = glowStrategy.positions({ bundle: { strategy: { hold: (_: unknown, initial: number) => [initial] } }, signals: [], initialPosition: 0.7 } as unknown as StrategyContext);
  assert.equal(Array.from(held), [0.7]);
});

test('impossible set-ups are refused clearly', () => {
  assert.throws(() => walkForward(candles, { ...base, step: 50 }), /step \(50\) must be ≥ testBars \(100\)/);
  assert.throws(() => walkForward(candles, { ...base, trainBars: 700 }), /700 candles leave no feature row to test after 700 training candles/);
  assert.throws(() => walkForward(candles, { ...base, seeds: [1, 1] }), /seeds 1,1 repeat a seed/);
  assert.throws(() => walkForward(candles, { ...base, folds: [4] }), /fold 4 does not exist; this run has folds 1 to 3/);
  assert.throws(() => walkForward(candles, { ...base, conditional: true, strategy: 'glow' }), /a conditional run trains forecasters; strategy "glow" trades on GLOW models only/);
  assert.throws(() => walkForward(candles, { ...base, testBars: 0 }), /testBars must be an integer ≥ 1/);
});

test('the final, incomplete test window is tested too', () => {
  const r = walkForward(candles, { ...base, testBars: 130 });
  assert.equal(r.folds.map((f) => f.test.rows), [130, 130, 40]);
  assert.equal([r.period.rows, r.plannedFolds], [300, 3]);
  assert.is(r.period.to, candles.timestamp[699]);
});

test('--test-bars counts tested rows, not candles: a fold across missing candles still tests testBars rows', () => {
  // drop candles 520…524: rows resume 20 candles after the gap, so fold 2 spans more candles than rows
  const keep = (col: Float64Array) => Float64Array.from([...col.subarray(0, 520), ...col.subarray(525)]);
  const gappy = Object.fromEntries(Object.entries(candles).map(([k, v]) => [k, keep(v as Float64Array)])) as unknown as Candles;
  const r = walkForward(gappy, base);
  assert.equal(r.folds.map((f) => f.test.rows), [100, 100, 75]);
  assert.equal(r.folds.map((f) => [f.plan.testFrom, f.plan.testTo]), [[400, 500], [500, 620], [620, 695]]);
  assert.is(r.period.rows, 275);
});

test('the folds filter runs only the named folds; a fold followed by a skipped one ends flat', () => {
  const r = walkForward(candles, { ...base, folds: [1, 3] });
  assert.equal([r.folds.map((f) => f.fold), r.plannedFolds, r.period.rows], [[1, 3], 3, 200]);
  assert.is(r.series.decision[99], 0);
  assert.is(r.folds[1].test.start, first.folds[2].test.start);
  assert.is(r.folds[1].model.likelihoodThreshold, first.folds[2].model.likelihoodThreshold);
  assert.equal(Array.from(r.series.decision.subarray(0, 99)), Array.from(first.series.decision.subarray(0, 99)));
});

test('every fold carries its honest statistics and the baselines on its bars, same costs', () => {
  for (const f of first.folds) {
    assert.equal(Object.keys(f.baselines), ['buyAndHold', 'volTarget', 'momentum']);
    // row 0 of the stitched run holds nothing, so fold 1 has one bar fewer
    assert.is(f.honest.bars, f.fold === 1 ? 99 : 100);
    assert.is(f.baselines.momentum.honest.bars, f.honest.bars);
  }
  // buy & hold inside a later fold pays no cost: its returns are the asset's, as the benchmark's
  assert.is(first.folds[1].baselines.buyAndHold.metrics.totalReturn, first.folds[1].benchmark.totalReturn);
  assert.equal(Object.keys(first.baselines), ['buyAndHold', 'volTarget', 'momentum']);
  assert.is(first.members.length, 1);
  assert.is(first.members[0].metrics, first.metrics);
  assert.equal([first.trials, first.honest.trials], [1, 1]);
});

test('a seed ensemble trades the mean of its members\' decisions and reports every member and their spread', () => {
  const r = walkForward(candles, { ...base, seeds: [1, 2], trials: 3 });
  assert.equal(r.seeds, [1, 2]);
  // member 1 is exactly the single model with seed 1
  assert.equal(Array.from(r.members[0].decisions), Array.from(first.series.decision));
  const [m1, m2] = r.members.map((m) => m.decisions);
  assert.equal(Array.from(r.series.decision), Array.from(m1, (d, t) => (d + m2[t]) / 2));
  assert.ok(m1.some((d, t) => d !== m2[t]), 'the members differ');
  const [lo, hi] = r.members.map((m) => m.metrics.sharpe!).sort((a, b) => a - b);
  // type-7 median of two values: lo + ½(hi − lo)
  assert.equal(r.spread.sharpe, { min: lo, median: lo + 0.5 * (hi - lo), max: hi, members: 2 });
  // the Deflated Sharpe counts configurations × seeds
  assert.equal([r.trials, r.honest.trials, r.members[1].honest.trials, r.folds[0].honest.trials], [6, 6, 6, 6]);
  assert.is(r.baselines.buyAndHold.honest.trials, 3);
  for (const f of r.folds) {
    assert.equal(f.members.map((m) => [m.seed, m.model.seed]), [[1, 1], [2, 2]]);
    const fs = f.members.map((m) => m.metrics.totalReturn!);
    assert.equal([f.spread.totalReturn!.min, f.spread.totalReturn!.max], [Math.min(...fs), Math.max(...fs)]);
  }
});

test('conditional: every fold trains a forecaster on its past and trades the forecast strategy from the held position', () => {
  const small = { levels: 2, steps: 1, hidden: 8, embed: 4, contextHidden: 8 };
  const fc = { horizon: 5, scenarios: 32 };
  const fit = { epochs: 1, batchSize: 128 };
  const opts: WalkForwardOptions = { trainBars: 400, testBars: 130, seed: 1, conditional: true, forecaster: { model: small, horizon: 5 }, forecast: fc, fit };
  const r = walkForward(candles, opts);
  assert.equal([r.strategy, r.conditional, r.folds.map((f) => f.test.rows)], ['forecast', true, [130, 130, 40]]);
  for (const f of r.folds) {
    assert.is(f.model.likelihoodThreshold, null);
    assert.ok(f.model.validation!.end < f.test.start);
  }
  // fold 2 is exactly the forecaster trained on candles [0, testFrom) trading its rows from fold 1's last position
  const f2 = r.folds[1].plan;
  const { bundle } = trainForecaster(sliceCandles(candles, 0, f2.testFrom), { seed: 1, horizon: 5, model: small, fit, split: { train: 0.85, validation: 0.15 }, strategy: fc });
  const out = forecastPositions(bundle, sliceCandles(candles, 0, f2.testTo), { a: f2.rowFrom, b: f2.rowTo }, { seed: 1, ...fc, initialPosition: r.series.decision[129] });
  assert.equal(Array.from(r.series.decision.subarray(130, 260)), Array.from(out.decisions));
  assert.ok(r.series.decision.every((d) => d >= 0 && d <= 1), 'long-only, at most fully invested');
  assert.ok(r.series.decision.some((d) => d > 0), 'it trades');
  // a plugin strategy on forecaster files sees the forecast outputs and the held position
  const seen: number[] = [];
  const probe: Strategy = {
    name: 'walk-forward-forecast-probe', description: 'half the forecast exposure',
    forecastPositions: (ctx) => { seen.push(ctx.initialPosition ?? NaN, ctx.rows); return Float64Array.from(ctx.forecast.exposure, (e) => e / 2); },
  };
  const half = walkForward(candles, { ...opts, strategy: probe, folds: [2, 3] });
  assert.equal(seen.filter((_, i) => i % 2 === 1), [130, 40]);
  assert.equal(seen[0], 0);
  assert.is(half.strategy, 'walk-forward-forecast-probe');
  assert.throws(() => walkForward(candles, { ...base, strategy: probe }), /strategy "walk-forward-forecast-probe" trades on forecaster files only/);
});

test.run();
