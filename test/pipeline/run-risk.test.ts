/**
 * The forecaster pipeline end to end on a simulated market: trainForecaster → bundle file round trip
 * → per-bar risk beside the baselines. No look-ahead: a forecast never changes when later candles do.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { simulateMarket } from '../../src/data/synthetic.js';
import { sliceCandles, type Candles } from '../../src/data/candles.js';
import { trainForecaster } from '../../src/pipeline/train-forecaster.js';
import { runRisk, riskCsvRows } from '../../src/pipeline/run-risk.js';
import { forecasterContexts, loadForecasterBundle, saveForecasterBundle, forecasterBundleFromBytes, forecasterBundleToBytes } from '../../src/trading/forecaster-bundle.js';
import { rewriteHeader, thrown } from '../helpers/model-bytes.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

test.after(removeTempDirs);

const candles = simulateMarket({ bars: 3000, seed: 5 });
const small = { levels: 2, steps: 1, hidden: 8, embed: 4, contextHidden: 8 };
const { bundle, dataset } = trainForecaster(candles, { seed: 2, horizon: 6, model: small, fit: { epochs: 2, batchSize: 128 } });

test('trainForecaster: the split, the target scale and the ranges of the training record', () => {
  assert.is(bundle.kind, 'forecaster');
  assert.is(bundle.horizon, 6);
  assert.is(bundle.model.target, 6);
  assert.is(bundle.model.contextWidth, 20);
  assert.is(bundle.training.train.rows, dataset.split.train[1]);
  assert.is(bundle.training.intervalMs, 3_600_000);
  assert.ok(bundle.targetScale > 0);
  // Every training window ends at or before the last training candle.
  const lastTrain = dataset.features.index[dataset.split.train[1] - 1];
  assert.ok(Array.from(dataset.rows.train).every((k) => dataset.windowEnd[k] <= lastTrain));
});

test('bundle file round trip: identical contexts and log p; sections are checked', () => {
  const path = join(tempDir(), 'f.bin');
  saveForecasterBundle(path, bundle);
  const back = loadForecasterBundle(path);
  const a = forecasterContexts(bundle, candles), b = forecasterContexts(back, candles);
  assert.equal(b.contexts, a.contexts);
  const y = new Float32Array(10 * 6).fill(0.5);
  assert.equal(back.model.logProb(y, a.contexts.subarray(0, 200)), bundle.model.logProb(y, a.contexts.subarray(0, 200)));
  assert.equal([back.targetScale, back.horizon, back.contextNames], [bundle.targetScale, bundle.horizon, bundle.contextNames]);
  const bytes = forecasterBundleToBytes(bundle);
  assert.match(thrown(() => forecasterBundleFromBytes(rewriteHeader(bytes, (h) => {
    h.targetScale = -1;
  }), 'f.bin')), /f\.bin: header section targetScale must be .*> 0/);
  assert.match(thrown(() => forecasterBundleFromBytes(rewriteHeader(bytes, (h) => {
    delete h.contextNames;
  }), 'f.bin')), /has no contextNames/);
});

test('appending candles changes no existing context row', () => {
  const part = forecasterContexts(bundle, sliceCandles(candles, 0, 2500));
  const all = forecasterContexts(bundle, candles);
  assert.equal(all.contexts.subarray(0, part.contexts.length), part.contexts);
});

test('runRisk: every method on the same bars, sensible numbers, CSV rows, no look-ahead', async () => {
  const r = await runRisk(bundle, candles, { horizons: [1, 6], scenarios: 300, seed: 4, baselines: ['ewma', 'garch'] });
  const n = r.bars.length;
  assert.is(n, dataset.features.rows - dataset.split.test[0]);
  assert.equal(r.baselines.map((b) => b.method), ['ewma', 'ewma-hour', 'garch-t', 'garch-t-hour']);
  for (const m of [r.forecaster, ...r.baselines]) {
    for (const h of m.horizons) {
      for (let i = 0; i < n; i++) {
        assert.ok(h.var95[i] > 0 && h.cvar95[i] >= h.var95[i] && h.var99[i] >= h.var95[i] && h.cvar99[i] >= h.var99[i], `${m.method} ${h.horizon} bar ${i}`);
      }
    }
  }
  // The last 6 forecasts' 6-bar outcomes are not known yet.
  assert.ok(Number.isNaN(r.realized[1][n - 1]) && Number.isFinite(r.realized[1][n - 7]));
  assert.is(r.evaluation.length, 2 * 5);
  // The PIT of each forecast: known exactly where the outcome is, and in the tail where the 95% VaR was broken.
  assert.equal(r.pit.map((p) => p.length), [n, n]);
  r.pit.forEach((p, k) => p.forEach((v, i) => {
    assert.is(Number.isNaN(v), Number.isNaN(r.realized[k][i]), `pit ${k} ${i}`);
    if (!Number.isNaN(v)) assert.ok(v >= 0 && v <= 1);
    if (r.realized[k][i] < -r.forecaster.horizons[k].var95[i]) assert.ok(v <= 0.05 + 1 / 300, `breach at ${i}: pit ${v}`);
  }));
  const rows = riskCsvRows(r);
  assert.is(rows.length, 1 + 2 * n);
  assert.ok(rows[rows.length - 1].endsWith(','), 'unknown realized return is an empty cell');

  // Change every candle after bar k: forecasts at bars ≤ k stay the same.
  const k = r.bars[100];
  const future: Candles = sliceCandles(candles, 0);
  for (let i = k + 1; i < future.close.length; i++) {
    for (const col of ['open', 'high', 'low', 'close'] as const) future[col][i] *= 1.3;
  }
  const r2 = await runRisk(bundle, future, { horizons: [1, 6], scenarios: 300, seed: 4, baselines: ['ewma', 'garch'] });
  for (const [m1, m2] of [[r.forecaster, r2.forecaster], [r.baselines[2], r2.baselines[2]]]) {
    assert.equal(m2.horizons[1].var99.subarray(0, 101), m1.horizons[1].var99.subarray(0, 101), m1.method);
  }
});

test('bars inside the training range are refused unless allowed', async () => {
  const from = bundle.training.train.start;
  await runRisk(bundle, candles, { from, to: from + 50 * 3_600_000, horizons: [1], scenarios: 200, baselines: [] }).then(
    () => assert.unreachable(), (e) => assert.match(e.message, /inside the model's training or validation range.*--allow-in-sample/));
  const r = await runRisk(bundle, candles, { from, to: from + 50 * 3_600_000, horizons: [1], scenarios: 200, baselines: ['hs'], allowInSample: true });
  assert.is(r.bars.length, 51);
  assert.match(r.warnings.join('\n'), /in-sample/);
});

test.run();
