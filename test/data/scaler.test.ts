import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { thrown } from '../helpers/model-bytes.js';
import { fitScaler, MAX_STANDARD_SCORE, scaleFeatures, scalerFromJSON, scalerToJSON, unscaleFeatures } from '../../src/data/scaler.js';
import { chronologicalSplit } from '../../src/data/split.js';

// 6 rows × 2 features: training rows [0, 4), later rows far away (a regime the scaler must not see).
const DATA = Float64Array.from([
  1, 10,
  2, 10,
  3, 10,
  6, 10,
  100, -50,
  200, 70,
]);

test('fits mean and population std on the training rows only; a constant feature gets std 1', () => {
  const { train } = chronologicalSplit(6, { train: 4 / 6, validation: 0 });
  assert.equal(train, [0, 4]);
  const s = fitScaler(DATA.subarray(train[0] * 2, train[1] * 2), 2);
  assert.equal(Array.from(s.mean), [3, 10]);
  // Population variance of 1, 2, 3, 6: (4 + 1 + 0 + 9) / 4 = 3.5.
  assert.equal(Array.from(s.std), [Math.sqrt(3.5), 1]);
  assert.is(s.clip, 5);
});

test('scales to c·tanh(z / c) with c = 5, in float64 or float32 as asked', () => {
  const s = fitScaler(DATA.subarray(0, 8), 2);
  const y = scaleFeatures(s, DATA);
  assert.ok(y instanceof Float64Array);
  const z = (100 - 3) / Math.sqrt(3.5);
  assert.is(y[8], 5 * Math.tanh(z / 5));
  assert.is(y[9], 5 * Math.tanh(-60 / 5));
  assert.is(y[0], 5 * Math.tanh(-2 / Math.sqrt(3.5) / 5));
  assert.ok(Math.abs(y[8]) < 5);
  const y32 = scaleFeatures(s, DATA, { dtype: 'float32' });
  assert.ok(y32 instanceof Float32Array);
  assert.is(y32[0], Math.fround(y[0]));
});

test('unscale inverts scale to 1e-12 and stops at ±MAX_STANDARD_SCORE std at or beyond ±c', () => {
  const s = fitScaler(DATA.subarray(0, 8), 2);
  const x = Float64Array.from([0.5, 11, 3, 9.5, -4, 12, 30, 10]);
  const back = unscaleFeatures(s, scaleFeatures(s, x));
  x.forEach((v, i) => assert.ok(Math.abs(back[i] - v) <= 1e-12 * Math.max(1, Math.abs(v)), `${i}: ${back[i]} vs ${v}`));
  const edge = unscaleFeatures(s, Float64Array.from([5, -7]));
  assert.ok(Math.abs(edge[0] - (3 + MAX_STANDARD_SCORE * Math.sqrt(3.5))) < 1e-6, `${edge[0]}`);
  assert.ok(Math.abs(edge[1] - (10 - MAX_STANDARD_SCORE)) < 1e-6, `${edge[1]}`);
  assert.ok(unscaleFeatures(s, x, { dtype: 'float32' }) instanceof Float32Array);
});

test('JSON round trip is plain data and exact; foreign JSON is refused with the reason', () => {
  const s = fitScaler(DATA, 2);
  const json = JSON.parse(JSON.stringify(scalerToJSON(s)));
  assert.equal(json, { kind: 'glow-trade/soft-clip-scaler', version: 1, mean: Array.from(s.mean), std: Array.from(s.std), clip: 5 });
  assert.equal(scalerFromJSON(json), s);
  assert.is(thrown(() => scalerFromJSON(null)), 'scaler JSON must be an object, got null');
  assert.is(thrown(() => scalerFromJSON({ ...json, kind: 'x' })), 'scaler JSON.kind must be "glow-trade/soft-clip-scaler", got "x"');
  assert.is(thrown(() => scalerFromJSON({ ...json, version: 2 })), 'scaler JSON.version 2 is not supported (expected 1)');
  assert.is(thrown(() => scalerFromJSON({ ...json, std: [1] })), 'scaler JSON.std must have 2 numbers (as many as mean), got 1');
  assert.is(thrown(() => scalerFromJSON({ ...json, std: [1, 0] })), 'scaler JSON.std must hold finite numbers > 0, element 1 is 0');
  assert.is(thrown(() => scalerFromJSON({ ...json, clip: 0 })), 'scaler JSON.clip must be a number > 0, got 0');
  // in a model file: the file, the section and the model's feature count
  const where = { where: 'm.bin: header section', path: 'scaler', features: 3 };
  assert.is(thrown(() => scalerFromJSON(json, where)), 'm.bin: header section scaler.mean must have 3 numbers (one per feature), got 2');
  assert.is(thrown(() => scalerFromJSON({ ...json, mean: [1, 'a', 2] }, where)), 'm.bin: header section scaler.mean must hold finite numbers, element 1 is "a"');
  assert.is(thrown(() => scalerFromJSON({ ...json, clip: 1e400 })), 'scaler JSON.clip must be a finite number, got Infinity');
});

test('shape and value errors', () => {
  assert.throws(() => fitScaler([1, 2, 3], 2), /not a multiple of d = 2/);
  assert.throws(() => fitScaler([], 2), /zero rows/);
  assert.throws(() => fitScaler([1, NaN], 2), /row 0, column 1 is NaN/);
  assert.throws(() => scaleFeatures(fitScaler(DATA, 2), [1, 2, 3]), /not a multiple of the scaler's 2 features/);
});

test.run();
