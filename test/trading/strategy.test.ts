import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { candlesFromRows, type Candles } from '../../src/data/candles.js';
import type { FeatureSet } from '../../src/data/features.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { trainOnCandles } from '../../src/pipeline/train-on-candles.js';
import { loadBundle, nextReturns, saveBundle, scaledRows } from '../../src/trading/bundle.js';
import { applyRebalanceBand } from '../../src/trading/rebalance.js';
import { GlowStrategy, type StrategyCalibration } from '../../src/trading/strategy.js';
import { DEFAULT_HORIZON, DEFAULT_MIN_EDGE, DEFAULT_REBALANCE_BAND, LEGACY_OPTIONS } from '../../src/trading/strategy-options.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const TINY = { levels: 2, steps: 1, hidden: 8 };
const candles = simulateMarket({ bars: 700, seed: 5 });
const trained = trainOnCandles(candles, { seed: 5, model: TINY, fit: { epochs: 3 } });
const { bundle, features, split } = trained;
const testRows = scaledRows(bundle.scaler, features, split.test[0], split.test[1]);

test.after(removeTempDirs);

/** Candles with the given closes (open = close; only close matters to nextReturns). */
function closes(values: number[]): Candles {
  return candlesFromRows(values.map((c, i) => ({ timestamp: i * 3_600_000, open: c, high: c, low: c, close: c, volume: 1, turnover: c })));
}

test('nextReturns: the h-bar forward return, NaN where c_{t+h} is at or past the limit candle or a candle is missing', () => {
  const c = closes([100, 110, 99, 121, 110]);
  const f = { index: Int32Array.from([0, 1, 2, 3, 4]), intervalMs: 3_600_000 } as unknown as FeatureSet;
  const one = Array.from(nextReturns(c, f, 0, 5));
  assert.equal(one.slice(0, 4).map((v) => +v.toFixed(12)), [0.1, -0.1, 0.222222222222, -0.090909090909]);
  assert.ok(Number.isNaN(one[4]));
  // h = 2: 99/100 − 1, 121/110 − 1, 110/99 − 1; rows 3 and 4 would need candles 5 and 6.
  const two = Array.from(nextReturns(c, f, 0, 5, 5, 2));
  assert.equal(two.slice(0, 3).map((v) => +v.toFixed(12)), [-0.01, 0.1, 0.111111111111]);
  assert.ok(two.slice(3).every(Number.isNaN));
  // Limit = 4 (the last usable candle is 3): row 2's target c_4 is unknown even though it exists.
  const limited = Array.from(nextReturns(c, f, 1, 4, 4, 2));
  assert.is(+limited[0].toFixed(12), 0.1);
  assert.ok(Number.isNaN(limited[1]) && Number.isNaN(limited[2]));
  assert.throws(() => nextReturns(c, f, 0, 5, 5, 0), /horizon must be a whole number of bars ≥ 1, got 0/);
  // The candle of hour 2 is missing: targets spanning it are unknown, the others unchanged.
  const gap = candlesFromRows([0, 1, 3, 4, 5].map((h, i) => {
    const v = [100, 110, 99, 121, 110][i];
    return { timestamp: h * 3_600_000, open: v, high: v, low: v, close: v, volume: 1, turnover: v };
  }));
  const g1 = Array.from(nextReturns(gap, f, 0, 5));
  assert.is(+g1[0].toFixed(12), 0.1);
  assert.ok(Number.isNaN(g1[1]), 'hour 1 → hour 3 is two bars, not one');
  assert.equal(g1.slice(2, 4).map((v) => +v.toFixed(12)), [0.222222222222, -0.090909090909]);
  const g2 = Array.from(nextReturns(gap, f, 0, 5, 5, 2));
  assert.ok(Number.isNaN(g2[0]) && Number.isNaN(g2[1]), 'both 2-bar windows from hours 0 and 1 cross the gap');
  assert.is(+g2[2].toFixed(12), 0.111111111111);
});

test('calibration with horizon h uses only training candles: changing every candle after training leaves it identical', () => {
  const horizon = 24;
  // No validation split: everything after the training candles is unseen by scaler, flow and ridge.
  const noValidation = { train: 0.7, validation: 0 };
  const a = trainOnCandles(candles, { seed: 5, model: TINY, fit: { epochs: 2 }, split: noValidation, strategy: { horizon } });
  const lastTrainCandle = a.features.index[a.split.train[1] - 1];
  const changed: Candles = Object.fromEntries(Object.entries(candles).map(([k, v]) => [k, Float64Array.from(v as Float64Array)])) as any;
  for (let i = lastTrainCandle + 1; i < changed.close.length; i++) {
    for (const col of ['open', 'high', 'low', 'close'] as const) changed[col][i] *= 1.3;
  }
  const b = trainOnCandles(changed, { seed: 5, model: TINY, fit: { epochs: 2 }, split: noValidation, strategy: { horizon } });
  assert.equal(b.bundle.strategy.calibration.ridge, a.bundle.strategy.calibration.ridge);
  assert.is(a.bundle.strategy.calibration.options.horizon, horizon);
  // …and the horizon matters: the ridge of a 1-bar target differs.
  const one = trainOnCandles(candles, { seed: 5, model: TINY, fit: { epochs: 2 }, split: noValidation, strategy: { horizon: 1 } });
  assert.not.equal(one.bundle.strategy.calibration.ridge, a.bundle.strategy.calibration.ridge);
});

test('applyRebalanceBand: hand-computed held positions', () => {
  const targets = [0.5, 0.6, 0.1, -0.15, -0.25, 0, 0.9];
  // band 0.3 from flat: 0.5 (|0.5 − 0| > 0.3), keep 0.5 (0.1), 0.1 (0.4), keep 0.1 (0.25),
  // −0.25 (0.35), keep (0.25), 0.9 (1.15).
  assert.equal(Array.from(applyRebalanceBand(targets, 0.3)), [0.5, 0.5, 0.1, 0.1, -0.25, -0.25, 0.9]);
  assert.equal(Array.from(applyRebalanceBand(targets, 0)), targets);
  assert.equal(Array.from(applyRebalanceBand([0.2, 0.2], 0.3, { initial: -0.4 })), [0.2, 0.2]);
  const keep = [false, true, true, false, true, false, false];
  assert.equal(Array.from(applyRebalanceBand(targets, 0, { keep })), [0.5, 0.5, 0.5, -0.15, -0.15, 0, 0.9]);
  // Causal: a prefix of the targets gives a prefix of the held positions.
  assert.equal(Array.from(applyRebalanceBand(targets.slice(0, 4), 0.3)), [0.5, 0.5, 0.1, 0.1]);
  assert.throws(() => applyRebalanceBand([0, NaN], 0.1), /target 1 is NaN/);
  assert.throws(() => applyRebalanceBand([0], -1), /band must be a finite number ≥ 0, got -1/);
  assert.throws(() => applyRebalanceBand([0, 1], 0, { keep: [true] }), /2 targets but 1 keep marks/);
});

/** The model's strategy with a hand-made ridge: prediction = w·z_0 + b on every row. */
function handMade(options: Partial<StrategyCalibration['options']>, w: number, b: number): GlowStrategy {
  const cal = bundle.strategy.calibration;
  const weights = Array.from({ length: cal.ridge!.weights.length }, (_, j) => (j === 0 ? w : 0));
  return new GlowStrategy(bundle.glow, { ...cal, options: { ...cal.options, ...options }, ridge: { weights, intercept: b, lambda: 1 }, predictionStd: 0.01 });
}

test('minEdge: positions are flat where |predicted return| < minEdge × costRate, unchanged elsewhere', () => {
  // Predictions 0.004·z_0: the hurdle 2 × 0.0015 = 0.003 splits the rows at |z_0| = 0.75.
  const gated = handMade({ minEdge: 2, costRate: 0.0015, belowEdge: 'flat', rebalanceBand: 0 }, 0.004, 0).signal(testRows);
  const open = handMade({ minEdge: 0, rebalanceBand: 0 }, 0.004, 0).signal(testRows);
  let flat = 0;
  gated.forEach((s, i) => {
    assert.is(s.edge, open[i].edge);
    assert.ok(Math.abs(s.edge - 0.004 * s.latent[0]) < 1e-9, `edge of row ${i}`);
    const clears = Math.abs(s.edge) >= 0.003;
    assert.is(s.edgeClearsCost, clears);
    assert.is(s.position, clears ? open[i].position : 0, `row ${i}`);
    assert.is(s.keep, false);
    if (!clears) flat++;
  });
  assert.ok(flat > 0 && flat < gated.length, `${flat} of ${gated.length} rows below the hurdle`);
  // An intercept of 0.01 clears the hurdle everywhere the likelihood filter lets a row through.
  assert.ok(handMade({ minEdge: 2 }, 0, 0.01).signal(testRows).every((s) => s.edgeClearsCost));
  // belowEdge 'hold': the same flat targets, marked keep, so the held position carries over.
  const hold = handMade({ minEdge: 2, costRate: 0.0015, belowEdge: 'hold', rebalanceBand: 0 }, 0.004, 0);
  const signals = hold.signal(testRows);
  const held = hold.hold(signals);
  let h = 0;
  signals.forEach((s, i) => {
    assert.is(s.keep, s.inDistribution && !s.edgeClearsCost);
    h = s.keep ? h : s.position;
    assert.is(held[i], h, `held position of row ${i}`);
  });
});

test('the calibration with the new options round-trips through the model file', () => {
  const options = { horizon: 6, minEdge: 3, costRate: 0.002, rebalanceBand: 0.4, belowEdge: 'flat' as const };
  const { bundle: b } = trainOnCandles(candles, { seed: 5, model: TINY, fit: { epochs: 2 }, strategy: options });
  const path = join(tempDir(), 'model.glow');
  saveBundle(path, b);
  const loaded = loadBundle(path);
  assert.equal(loaded.strategy.calibration, b.strategy.calibration);
  assert.equal({ ...loaded.strategy.calibration.options, ...options }, loaded.strategy.calibration.options);
  assert.equal(Array.from(loaded.strategy.heldPositions(testRows)), Array.from(b.strategy.heldPositions(testRows)));
  // Defaults when no option is given.
  const o = bundle.strategy.calibration.options;
  assert.equal([o.horizon, o.minEdge, o.rebalanceBand, o.belowEdge], [DEFAULT_HORIZON, DEFAULT_MIN_EDGE, DEFAULT_REBALANCE_BAND, 'hold']);
});

test('an old model file without the new options loads with the behaviour it was fitted for', () => {
  const cal = bundle.strategy.calibration;
  const { horizon, costRate, minEdge, rebalanceBand, belowEdge, ...old } = cal.options;
  const oldBundle = { ...bundle, strategy: { calibration: { ...cal, options: old } } as unknown as GlowStrategy };
  const path = join(tempDir(), 'old.glow');
  saveBundle(path, oldBundle);
  const loaded = loadBundle(path).strategy;
  assert.equal(loaded.calibration.options, { ...old, ...LEGACY_OPTIONS });
  // No hurdle and no band: held positions are the targets, which are the stateless row-by-row rule.
  const targets = loaded.positions(testRows);
  assert.equal(Array.from(loaded.heldPositions(testRows)), Array.from(targets));
  const raw = loaded.signal(testRows).map((s) => (s.inDistribution ? s.raw * s.confidence * old.maxPosition : 0));
  assert.equal(Array.from(targets), raw.map((v) => (v === 0 ? 0 : v)));
});

test('options are validated with the name and the value', () => {
  assert.throws(() => trainOnCandles(candles, { model: TINY, fit: { epochs: 1 }, strategy: { horizon: 2.5 } }), /horizon must be a whole number of bars ≥ 1, got 2.5/);
  assert.throws(() => trainOnCandles(candles, { model: TINY, fit: { epochs: 1 }, strategy: { minEdge: -1 } }), /minEdge must be a finite number ≥ 0, got -1/);
  assert.throws(() => trainOnCandles(candles, { model: TINY, fit: { epochs: 1 }, strategy: { rebalanceBand: NaN } }), /rebalanceBand must be a finite number ≥ 0, got NaN/);
  assert.throws(() => trainOnCandles(candles, { model: TINY, fit: { epochs: 1 }, strategy: { belowEdge: 'x' as any } }), /belowEdge must be 'hold' or 'flat', got x/);
});

test.run();
