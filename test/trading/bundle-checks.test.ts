/**
 * @fileoverview A model file's header sections as an attacker writes them (CRC recomputed): every
 * field the strategy, scaler and commands read is refused by type, length and range with the file,
 * the section and the field named — none loads and quietly changes a result, none leaks a
 * TypeError or RangeError from deeper code.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulateMarket } from '../../src/data/synthetic.js';
import { trainOnCandles } from '../../src/pipeline/train-on-candles.js';
import { bundleFromBytes, bundleToBytes } from '../../src/trading/bundle.js';
import { rewriteHeader, thrown } from '../helpers/model-bytes.js';

const { bundle } = trainOnCandles(simulateMarket({ bars: 900, seed: 11 }), {
  model: { levels: 2, steps: 1, hidden: 8 }, fit: { epochs: 1, batchSize: 64 }, seed: 5,
});
const bytes = bundleToBytes(bundle);
/** The message loading the file with `edit` applied to its header throws. */
const load = (edit: (h: any) => void) => thrown(() => bundleFromBytes(rewriteHeader(bytes, edit), 'm.bin'));
const S = 'm.bin: header section';

test('the file as written loads, and its sections come back equal', () => {
  const b = bundleFromBytes(bytes, 'm.bin');
  assert.equal(b.strategy.calibration, bundle.strategy.calibration);
  assert.equal(b.training, bundle.training);
  assert.equal(b.featureNames, bundle.featureNames);
  assert.equal(b.scaler, bundle.scaler);
});

test('strategy: threshold, ridge, quantiles, k-means, prediction scale, rows', () => {
  assert.is(load((h) => { h.strategy = 1; }), `${S} strategy must be an object, got 1`);
  assert.is(load((h) => { h.strategy.threshold = 'abc'; }), `${S} strategy.threshold must be a finite number, got "abc"`);
  assert.is(load((h) => { h.strategy.ridge.weights = [1, 2]; }), `${S} strategy.ridge.weights must have 16 numbers (one per latent coordinate), got 2`);
  assert.is(load((h) => { h.strategy.ridge = null; }), `${S} strategy.ridge must be an object, got null`);
  assert.is(load((h) => { h.strategy.ridge.lambda = 0; }), `${S} strategy.ridge.lambda must be a number > 0, got 0`);
  assert.is(load((h) => { h.strategy.options.direction = 'latent0'; }), `${S} strategy.ridge must be null (the direction is 'latent0'), got {"weights":[${h16(bundle)}…`);
  assert.is(load((h) => { h.strategy.logLikQuantiles = []; }), `${S} strategy.logLikQuantiles must have at least one number, got none`);
  assert.is(load((h) => { h.strategy.logLikQuantiles[5] = 1e9; }), `${S} strategy.logLikQuantiles must be sorted in increasing order, element 6 (${bundle.strategy.calibration.logLikQuantiles[6]}) is below element 5 (1000000000)`);
  assert.is(load((h) => { h.strategy.logLikQuantiles[0] = null; }), `${S} strategy.logLikQuantiles must hold finite numbers, element 0 is null`);
  assert.is(load((h) => { h.strategy.kmeans.centroids.length -= 4; }), `${S} strategy.kmeans.centroids must have 64 numbers (k 4 × width 16), got 60`);
  assert.is(load((h) => { h.strategy.kmeans.d = 3; }), `${S} strategy.kmeans.d must be 16 (the model's latent width), got 3`);
  assert.is(load((h) => { h.strategy.kmeans.sizes = [1, 2]; }), `${S} strategy.kmeans.sizes must have 4 numbers (one per cluster), got 2`);
  assert.is(load((h) => { h.strategy.predictionStd = 0; }), `${S} strategy.predictionStd must be a number > 0, got 0`);
  assert.is(load((h) => { h.strategy.rows = 0; }), `${S} strategy.rows must be an integer ≥ 1, got 0`);
});

test('strategy options: types, then the library\'s own ranges', () => {
  assert.is(load((h) => { h.strategy.options = 'x'; }), `${S} strategy.options must be an object, got "x"`);
  assert.is(load((h) => { h.strategy.options.horizon = 'abc'; }), `${S} strategy.options.horizon must be an integer, got "abc"`);
  assert.is(load((h) => { h.strategy.options.longOnly = 'yes'; }), `${S} strategy.options.longOnly must be true or false, got "yes"`);
  assert.is(load((h) => { h.strategy.options.allowedRegimes = [7]; }), `${S} strategy.options.allowedRegimes[0] must be an integer from 0 to 3, got 7`);
  assert.is(load((h) => { h.strategy.options.likelihoodQuantile = 2; }), `${S} strategy.options are invalid: strategy: likelihoodQuantile must be in [0, 1), got 2`);
  assert.is(load((h) => { h.strategy.options.maxPosition = { a: 1 }; }), `${S} strategy.options.maxPosition must be a finite number, got {"a":1}`);
});

test('training: time ranges a Date can hold, integers, the fit summary', () => {
  assert.is(load((h) => { h.training.validation.end = 1e20; }), `${S} training.validation.end must be an integer from 0 to 8640000000000000, got 100000000000000000000`);
  assert.is(load((h) => { h.training.train.start = 1.5; }), `${S} training.train.start must be an integer from 0 to 8640000000000000, got 1.5`);
  assert.is(load((h) => { h.training.test.end = h.training.test.start - 1; }), `${S} training.test.end (${bundle.training.test!.start - 1}) is before training.test.start (${bundle.training.test!.start})`);
  assert.is(load((h) => { h.training.intervalMs = -1; }), `${S} training.intervalMs must be an integer from 0 to 8640000000000000, got -1`);
  assert.is(load((h) => { h.training.train = null; }), `${S} training.train must be an object, got null`);
  assert.is(load((h) => { h.training.history = {}; }), `${S} training.history must be an array of epoch records, got {}`);
  assert.is(load((h) => { h.training.fit.stopReason = 'bored'; }), `${S} training.fit.stopReason must be one of "epochs", "patience", "callback", "aborted", got "bored"`);
  assert.is(load((h) => { h.training.symbol = 7; }), `${S} training.symbol must be a non-empty string, got 7`);
  const noValidation = bundleFromBytes(rewriteHeader(bytes, (h) => { h.training.validation = null; }), 'm.bin');
  assert.is(noValidation.training.validation, null);
});

test('scaler and feature names: one per model input', () => {
  assert.is(load((h) => { h.scaler.std.pop(); }), `${S} scaler.std must have 16 numbers (as many as mean), got 15`);
  assert.is(load((h) => { h.scaler.mean = h.scaler.mean.slice(0, 15); h.scaler.std = h.scaler.std.slice(0, 15); }), `${S} scaler.mean must have 16 numbers (one per feature), got 15`);
  assert.is(load((h) => { h.scaler.std[2] = -1; }), `${S} scaler.std must hold finite numbers > 0, element 2 is -1`);
  assert.is(load((h) => { h.featureNames.pop(); }), `${S} featureNames must have 16 names (one per model input), got 15`);
  assert.is(load((h) => { h.featureNames[3] = h.featureNames[0]; }), `${S} featureNames[3] repeats the name "${bundle.featureNames[0]}"`);
  assert.is(load((h) => { h.featureNames[1] = 5; }), `${S} featureNames[1] must be a non-empty string, got 5`);
});

test('a missing section is named; a "__proto__" section is just an unknown key', () => {
  assert.is(load((h) => { delete h.strategy; delete h.training; }), 'm.bin: this model file has no strategy, training (it was not written by "glow-trade train")');
  // a section supplied through a prototype is not a section of the file
  const evil = rewriteHeader(bytes, (h) => {
    const strategy = JSON.stringify(h.strategy);
    delete h.strategy;
    return JSON.stringify(h).replace('{', `{"__proto__":{"strategy":${strategy}},`);
  });
  assert.is(thrown(() => bundleFromBytes(evil, 'm.bin')), 'm.bin: this model file has no strategy (it was not written by "glow-trade train")');
});

/** The start of the ridge weights as the message shows them (cut at 80 characters). */
function h16(b: typeof bundle): string {
  return JSON.stringify(b.strategy.calibration.ridge!.weights).slice(1, 80 - '{"weights":['.length - 2);
}

test.run();
