/**
 * The forecast strategy (issue 14): exposure arithmetic on hand-made forecaster outputs (exact
 * values), long-only and long-short clamps, the cost-hurdle gate of both tilts, the smoothing window,
 * the rebalance band of the registered strategy; then on a tiny forecaster trained on a simulated
 * market: no look-ahead, the same decisions on one thread and two, and the stored strategy section's
 * round trip and checks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulateMarket } from '../../src/data/synthetic.js';
import { sliceCandles, type Candles } from '../../src/data/candles.js';
import { trainForecaster } from '../../src/pipeline/train-forecaster.js';
import { budgetedRisk, costHurdle, forecastExposures, forecastPositions, tiltScore } from '../../src/trading/forecast-strategy.js';
import { resolveForecastOptions, DEFAULT_FORECAST_OPTIONS } from '../../src/trading/forecast-options.js';
import { forecasterBundleFromBytes, forecasterBundleToBytes, forecasterContexts } from '../../src/trading/forecaster-bundle.js';
import { forecastStrategy, type ForecastStrategyContext } from '../../src/trading/registry.js';
import { rewriteHeader, thrown } from '../helpers/model-bytes.js';

// Hand-made outputs of four rows.
const stats = {
  mean: Float64Array.of(0.01, 0.001, -0.02, 0),
  std: Float64Array.of(0.02, 0.02, 0.04, 0.01),
  cvar95: Float64Array.of(0.04, 0.02, 0.08, 0),
  probAboveCost: Float64Array.of(0.6, 0.4, 0.2, 0.5),
  probBelowCost: Float64Array.of(0.3, 0.45, 0.7, 0.5),
};
const target = 0.02, hurdle = 0.003;
const risk = budgetedRisk(stats, 'cvar', 1, 4);
const opts = { tilt: 'none', tiltStrength: 0, maxPosition: 1, longShort: false } as const;

test('risk budgeting: target ÷ predicted CVaR, clamped to [0, max]; zero risk takes the largest position', () => {
  assert.equal(Array.from(risk), [0.04, 0.02, 0.08, 0]);
  assert.equal(Array.from(forecastExposures(stats, risk, target, hurdle, opts)), [0.5, 1, 0.25, 1]);
  assert.equal(Array.from(forecastExposures(stats, risk, target, hurdle, { ...opts, maxPosition: 0.4 })), [0.4, 0.4, 0.25, 0.4]);
  // the std measure: 0.02 / 0.02, 0.02 / 0.02, 0.02 / 0.04, 0.02 / 0.01 → clamp
  assert.equal(Array.from(forecastExposures(stats, budgetedRisk(stats, 'std', 1, 4), target, hurdle, opts)), [1, 1, 0.5, 1]);
  // a NaN risk (none expected) is infinite risk: no position
  assert.equal(Array.from(forecastExposures(stats, budgetedRisk({ std: stats.std, cvar95: Float64Array.of(NaN, 0.02, 0.08, 0.01) }, 'cvar', 1, 4), target, hurdle, opts)), [0, 1, 0.25, 1]);
});

test('the mean tilt: (m ∓ c) ÷ s only where |m| clears the hurdle; long-only floors at 0, long-short goes short', () => {
  assert.equal([0, 1, 2, 3].map((i) => tiltScore(stats, i, 'mean', hurdle)), [(0.01 - 0.003) / 0.02, 0, (-0.02 + 0.003) / 0.04, 0]);
  const k2 = forecastExposures(stats, risk, target, hurdle, { ...opts, tilt: 'mean', tiltStrength: 2 });
  assert.equal(Array.from(k2), [0.5 * (1 + 2 * ((0.01 - 0.003) / 0.02)), 1, 0.25 * (1 + 2 * ((-0.02 + 0.003) / 0.04)), 1]);
  const k10 = { ...opts, tilt: 'mean', tiltStrength: 10 } as const;
  const short = 0.25 * (1 + 10 * ((-0.02 + 0.003) / 0.04));
  assert.ok(short < 0 && short > -1);
  assert.equal(Array.from(forecastExposures(stats, risk, target, hurdle, k10)), [1, 1, 0, 1]);
  assert.equal(Array.from(forecastExposures(stats, risk, target, hurdle, { ...k10, longShort: true })), [1, 1, short, 1]);
  assert.equal(Array.from(forecastExposures(stats, risk, target, hurdle, { ...k10, longShort: true, maxPosition: 0.5 })), [0.5, 0.5, -0.5, 0.5]);
  // a higher hurdle gates row 0 off: its exposure is the plain budget again
  assert.is(forecastExposures(stats, risk, target, 0.011, { ...opts, tilt: 'mean', tiltStrength: 2 })[0], 0.5);
});

test('the probability tilt: P(R > c) − P(R < −c) only where either exceeds ½', () => {
  assert.equal([0, 1, 2, 3].map((i) => tiltScore(stats, i, 'prob', hurdle)), [0.6 - 0.3, 0, 0.2 - 0.7, 0]);
  const p = forecastExposures(stats, risk, target, hurdle, { ...opts, tilt: 'prob', tiltStrength: 1 });
  assert.equal(Array.from(p), [0.5 * (1 + (0.6 - 0.3)), 1, 0.25 * (1 + (0.2 - 0.7)), 1]);
  assert.equal([0, 1, 2, 3].map((i) => tiltScore(stats, i, 'none', hurdle)), [0, 0, 0, 0]);
});

test('smoothing: the mean of the last `smooth` risks, reaching into the warm-up rows before the period', () => {
  const s = { std: new Float64Array(5), cvar95: Float64Array.of(0.01, 0.02, 0.03, 0.04, 0.05) };
  assert.equal(Array.from(budgetedRisk(s, 'cvar', 3, 3)), [(0.01 + 0.02 + 0.03) / 3, (0.02 + 0.03 + 0.04) / 3, (0.03 + 0.04 + 0.05) / 3]);
  assert.equal(Array.from(budgetedRisk(s, 'cvar', 2, 5)), [0.01, (0.01 + 0.02) / 2, (0.02 + 0.03) / 2, (0.03 + 0.04) / 2, (0.04 + 0.05) / 2]);
  assert.throws(() => budgetedRisk(s, 'cvar', 1, 6), /5 rows of statistics for 6 tested rows/);
});

test('the registered strategy holds its exposures through the rebalance band, from the initial position', () => {
  const exposure = Float64Array.of(0.5, 0.55, 0.7, 0.65, 0.2);
  const ctx = { rows: 5, forecast: { exposure, options: { ...DEFAULT_FORECAST_OPTIONS, band: 0.1 } }, initialPosition: 0 } as unknown as ForecastStrategyContext;
  assert.equal(Array.from(forecastStrategy.forecastPositions!(ctx) as Float64Array), [0.5, 0.5, 0.7, 0.7, 0.2]);
  assert.equal(Array.from(forecastStrategy.forecastPositions!({ ...ctx, initialPosition: 0.46 }) as Float64Array), [0.46, 0.46, 0.7, 0.7, 0.2]);
  assert.is(costHurdle(2, 0.001, 0.0005), 2 * (0.001 + 0.0005));
});

test('options: stored under given, validated with the option named', () => {
  const o = resolveForecastOptions(5, { horizon: 3, band: 0.2 }, { band: 0.3, risk: undefined });
  assert.equal([o.horizon, o.band, o.risk], [3, 0.3, DEFAULT_FORECAST_OPTIONS.risk]);
  assert.throws(() => resolveForecastOptions(5, { horizon: 6 }), /horizon must be a whole number of bars from 1 to 5 .*got 6/);
  assert.throws(() => resolveForecastOptions(20, { targetFraction: 0 }), /targetFraction must be a finite number > 0, got 0/);
  assert.throws(() => resolveForecastOptions(20, { tilt: 'up' as never }), /tilt must be one of none, mean, prob, got up/);
  assert.throws(() => resolveForecastOptions(20, { smooth: 0 }), /smooth must be a whole number of bars/);
});

// A tiny forecaster on a simulated market: seconds, not minutes.
let candles: Candles;
let bundle: ReturnType<typeof trainForecaster>['bundle'];
test.before(() => {
  candles = simulateMarket({ bars: 1600, seed: 3 });
  ({ bundle } = trainForecaster(candles, {
    seed: 1, horizon: 5, model: { levels: 2, steps: 1, hidden: 8, embed: 4, contextHidden: 8 }, fit: { epochs: 1, batchSize: 128 },
    strategy: { horizon: 3, scenarios: 64 },
  }));
});

test('training stores the strategy section: options, and per horizon the training medians of the predicted risks', () => {
  const s = bundle.strategy!;
  assert.equal([s.options.horizon, s.options.scenarios, s.options.seed, s.scenarios, s.seed], [3, 64, 1, 64, 1]);
  assert.is(s.rows, Math.min(1000, bundle.training.train.rows));
  assert.is(s.trainingRisk.cvar95.length, 5);
  assert.ok(s.trainingRisk.cvar95.every((v) => v > 0), String(s.trainingRisk.cvar95));
  assert.ok(s.trainingRisk.std.every((v) => v > 0));
});

test('no look-ahead: changing the candles after bar t changes no decision at or before t', () => {
  const rows = forecasterContexts(bundle, candles).features.rows;
  const a = rows - 300, cut = rows - 120;
  const o = { smooth: 4, band: 0.05, tilt: 'prob', tiltStrength: 1 } as const;
  const full = forecastPositions(bundle, candles, { a, b: rows }, o);
  const t = forecasterContexts(bundle, candles).features.index[cut - 1]; // the candle of row cut − 1
  const changed: Candles = { ...candles, open: candles.open.slice(), high: candles.high.slice(), low: candles.low.slice(), close: candles.close.slice() };
  for (let i = t + 1; i < candles.close.length; i++) for (const k of ['open', 'high', 'low', 'close'] as const) changed[k][i] *= 1.5;
  const other = forecastPositions(bundle, changed, { a, b: rows }, o);
  const truncated = forecastPositions(bundle, sliceCandles(candles, 0, t + 1), { a, b: cut }, o);
  const upTo = cut - a;
  assert.equal(Array.from(other.decisions.subarray(0, upTo)), Array.from(full.decisions.subarray(0, upTo)));
  assert.equal(Array.from(truncated.decisions), Array.from(full.decisions.subarray(0, upTo)));
  assert.equal(Array.from(truncated.outputs.cvar95), Array.from(full.outputs.cvar95.subarray(0, upTo)));
  assert.not.equal(Array.from(other.outputs.cvar95), Array.from(full.outputs.cvar95)); // the change did reach the later bars
  // a bar's inputs do not depend on where the period starts (common draws, finite smoothing window)
  const later = forecastPositions(bundle, candles, { a: a + 50, b: rows }, o);
  assert.equal(Array.from(later.outputs.exposure), Array.from(full.outputs.exposure.subarray(50)));
});

test('threads: two give one thread\'s decisions and outputs', () => {
  const rows = forecasterContexts(bundle, candles).features.rows;
  const one = forecastPositions(bundle, candles, { a: rows - 200, b: rows }, { threads: 1 });
  const two = forecastPositions(bundle, candles, { a: rows - 200, b: rows }, { threads: 2 });
  assert.equal(Array.from(two.outputs.cvar95), Array.from(one.outputs.cvar95));
  assert.equal(Array.from(two.decisions), Array.from(one.decisions));
  assert.equal(one.outputs.options.horizon, 3); // the stored option
  assert.equal(one.outputs.target, bundle.strategy!.options.targetFraction * bundle.strategy!.trainingRisk.cvar95[2]);
});

test('model file: the strategy section round-trips; a corrupted one is refused naming the field', () => {
  const bytes = forecasterBundleToBytes(bundle);
  assert.equal(forecasterBundleFromBytes(bytes, 'f.bin').strategy, bundle.strategy);
  const bad = (edit: (h: any) => void) => thrown(() => forecasterBundleFromBytes(rewriteHeader(bytes, edit), 'f.bin'));
  assert.match(bad((h) => { h.strategy.options.risk = 'var'; }), /f\.bin: header section strategy\.options\.risk must be one of "cvar", "std", got "var"/);
  assert.match(bad((h) => { h.strategy.trainingRisk.cvar95 = [0.01]; }), /strategy\.trainingRisk\.cvar95 must have 5 numbers \(one per horizon 1…5\), got 1/);
  assert.match(bad((h) => { h.strategy.trainingRisk.std[2] = -1; }), /strategy\.trainingRisk\.std must hold finite numbers > 0, element 2 is -1/);
  assert.match(bad((h) => { h.strategy.options.horizon = 9; }), /strategy\.options\.horizon must be an integer from 1 to 5, got 9/);
  assert.match(bad((h) => { h.strategy = 'x'; }), /header section strategy must be an object/);
  // a file without the section (written before the strategy existed) still loads
  const old = forecasterBundleFromBytes(rewriteHeader(bytes, (h) => { delete h.strategy; }), 'f.bin');
  assert.is(old.strategy, undefined);
  assert.throws(() => forecastPositions(old, candles, { a: 0, b: 10 }), /no strategy section/);
});

test.run();
