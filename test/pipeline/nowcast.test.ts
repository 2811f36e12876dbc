/**
 * Now-casting on a small trained forecaster: the chosen bar's context is forecasterContexts' row,
 * candles after that bar change nothing, seeded draws repeat exactly, and the summary agrees with the
 * per-bar risk of scenario-risk.ts for the same bar and seed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulateMarket } from '../../src/data/synthetic.js';
import { sliceCandles, type Candles } from '../../src/data/candles.js';
import { trainForecaster } from '../../src/pipeline/train-forecaster.js';
import { cumulativeReturns, nowcast, nowcastCsvChunks, nowcastHorizons, nowcastState, nowcastSummary } from '../../src/pipeline/nowcast.js';
import { forecasterContexts, forecasterSampler } from '../../src/trading/forecaster-bundle.js';
import { scenarioRisk } from '../../src/risk/scenario-risk.js';
import { returnRisk } from '../../src/risk/var.js';
import { thrown } from '../helpers/model-bytes.js';

const candles = simulateMarket({ bars: 2500, seed: 7 });
const small = { levels: 2, steps: 1, hidden: 8, embed: 4, contextHidden: 8 };
const { bundle } = trainForecaster(candles, { seed: 1, horizon: 5, model: small, fit: { epochs: 2, batchSize: 128 } });
const n = candles.timestamp.length;

test('the default horizons are those within the path length', () => {
  assert.equal(nowcastHorizons(5), [1, 5]);
  assert.equal(nowcastHorizons(20), [1, 5, 10, 20]);
  assert.equal(nowcastHorizons(4), [1]);
});

test("the chosen bar's context is forecasterContexts' row; later candles change nothing", () => {
  const all = forecasterContexts(bundle, candles);
  const k = 1000, row = Array.from(all.features.index).indexOf(k);
  const s = nowcastState(bundle, candles, candles.timestamp[k], 'sim');
  assert.equal([s.bar, s.time, s.closeTime, s.close], [k, candles.timestamp[k], candles.timestamp[k] + 3_600_000, candles.close[k]]);
  assert.equal(s.context, all.contexts.slice(row * all.width, (row + 1) * all.width));
  assert.is(s.inSample, true);
  // Candles after the bar: changed prices, or none at all.
  const changed: Candles = { ...candles, close: candles.close.map((c, i) => (i > k ? c * 3 : c)), high: candles.high.map((c, i) => (i > k ? c * 3 : c)) };
  assert.equal(nowcastState(bundle, changed, candles.timestamp[k], 'sim').context, s.context);
  // Even later candles of another spacing (4h after the bar, the most common spacing overall).
  const respaced: Candles = { ...candles, timestamp: candles.timestamp.map((t, i) => (i > k ? candles.timestamp[k] + (i - k) * 4 * 3_600_000 : t)) };
  assert.equal(nowcastState(bundle, respaced, candles.timestamp[k], 'sim').context, s.context);
  const cut = nowcastState(bundle, sliceCandles(candles, 0, k + 1), 'last', 'sim');
  assert.equal([cut.bar, cut.context], [k, s.context]);
  const last = nowcastState(bundle, candles, 'last', 'sim');
  assert.equal([last.bar, last.inSample], [n - 1, false]);
  assert.equal(last.context, all.contexts.slice((all.features.rows - 1) * all.width, all.features.rows * all.width));
});

test('refusals name the source and say what was expected', () => {
  assert.is(thrown(() => nowcastState(bundle, candles, candles.timestamp[5] + 1, 'sim.csv')),
    'sim.csv: 2024-01-01 05:00 is not a bar of the data (its bars run 2024-01-01 00:00 → 2024-04-14 03:00; give a bar\'s open time as in the CSV)');
  assert.is(thrown(() => nowcastState(bundle, candles, candles.timestamp[5], 'sim.csv')),
    'sim.csv: the bar 2024-01-01 05:00 has no feature row: it needs the 21 consecutive candles ending at it');
  // every 4th candle: 4h bars for a 1h model
  const pick = Array.from({ length: 200 }, (_, i) => 4 * i);
  const fourHour = Object.fromEntries(Object.entries(candles).map(([k, v]) => [k, Float64Array.from(pick, (i) => (v as Float64Array)[i])])) as unknown as Candles;
  assert.is(thrown(() => nowcastState(bundle, fourHour, 'last', 'btc4h.csv')), 'btc4h.csv: candles are 4h apart but the model was trained on 1h candles');
});

test('seeded: identical numbers; another seed differs; the summary is returnRisk of the cumulative returns', () => {
  const a = nowcast(bundle, candles, { scenarios: 400, seed: 3 });
  const b = nowcast(bundle, candles, { scenarios: 400, seed: 3 });
  const c = nowcast(bundle, candles, { scenarios: 400, seed: 4 });
  assert.equal(a.horizons, b.horizons);
  assert.ok(a.horizons[0].var95 !== c.horizons[0].var95);
  assert.equal(a.horizons.map((h) => h.horizon), [1, 5]);
  assert.is(a.paths.length, 400 * 5);
  const r5 = cumulativeReturns(a.paths, 5, bundle.targetScale, 5);
  const { horizon, lossProbability, ...risk } = a.horizons[1];
  assert.equal(risk, returnRisk(r5, '5-bar returns'));
  assert.is(horizon, 5);
  assert.is(lossProbability, Array.from(r5).filter((v) => v < -0.02).length / 400);
  assert.ok(a.horizons[1].var99 > a.horizons[0].var99 && a.horizons[0].var99 > 0);
  // A different loss threshold changes only the probability.
  const wide = nowcastSummary(a.paths, 5, bundle.targetScale, [5], 0.05)[0];
  assert.equal([wide.var95, wide.lossProbability], [a.horizons[1].var95, Array.from(r5).filter((v) => v < -0.05).length / 400]);
});

test('the same bar and seed give the per-bar risk of scenarioRisk', async () => {
  const a = nowcast(bundle, candles, { scenarios: 300, seed: 9 });
  const all = forecasterContexts(bundle, candles);
  const per = await scenarioRisk({
    sample: forecasterSampler(bundle), contexts: a.state.context, contextWidth: all.width, pathLength: 5,
    bars: Int32Array.of(n - 1), horizons: [1, 5], scenarios: 300, seed: 9, scale: bundle.targetScale,
  });
  for (const [i, h] of a.horizons.entries()) {
    assert.equal([h.var95, h.cvar95, h.var99, h.cvar99], [per.horizons[i].var95[0], per.horizons[i].cvar95[0], per.horizons[i].var99[0], per.horizons[i].cvar99[0]]);
    // The per-bar mean sums the unsorted sample (bar-risk.ts storeSample), the nowcast the sorted one.
    assert.ok(Math.abs(h.mean - per.horizons[i].mean[0]) <= 1e-13 * h.std!, `mean ${h.mean} vs ${per.horizons[i].mean[0]}`);
  }
});

test('the CSV: header return_1 … return_H, one row per scenario of cumulative simple returns, in chunks', () => {
  const a = nowcast(bundle, candles, { scenarios: 100, seed: 1 });
  const chunks = [...nowcastCsvChunks(a.paths, 5, bundle.targetScale, 30)];
  assert.is(chunks.length, 1 + 4);
  const lines = chunks.join('').trim().split('\n');
  assert.is(lines[0], 'return_1,return_2,return_3,return_4,return_5');
  assert.is(lines.length, 101);
  const r3 = cumulativeReturns(a.paths, 5, bundle.targetScale, 3);
  assert.equal(lines.slice(1).map((l) => Number(l.split(',')[2])), Array.from(r3));
});

test.run();
