import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulateMarket } from '../../src/data/synthetic.js';
import { expandGrid, mergeOptions, type SweepMarket } from '../../src/sweep/grid.js';
import { jobId } from '../../src/sweep/job.js';

const ts = (n: number) => simulateMarket({ bars: n, seed: 1 }).timestamp;
const a: SweepMarket = { market: 'A', path: 'a.csv', hash: 'ha', timestamps: ts(700) };
const b: SweepMarket = { market: 'B', path: 'b.csv', hash: 'hb', timestamps: ts(600) };
const base = { trainBars: 400, testBars: 100, fit: { epochs: 2, batchSize: 64 } };

test('variants merge over the base options, nested groups key by key', () => {
  assert.equal(mergeOptions(base, { fit: { epochs: 5 }, testBars: 50 }), { trainBars: 400, testBars: 50, fit: { epochs: 5, batchSize: 64 } });
  assert.equal(mergeOptions(base, {}), base);
});

test('the grid: market × variant × seed × fold in that order, ids from the inputs', () => {
  const jobs = expandGrid([a, b], base, [], [1, 2]);
  // A: folds start at 400, 500, 600 → 3; B: 400, 500 → 2.
  assert.equal(jobs.map((j) => `${j.market}/${j.variant}/${j.seed}/${j.fold}`), [
    'A/base/1/1', 'A/base/1/2', 'A/base/1/3', 'A/base/2/1', 'A/base/2/2', 'A/base/2/3',
    'B/base/1/1', 'B/base/1/2', 'B/base/2/1', 'B/base/2/2',
  ]);
  assert.is(jobs[0].id, jobId({ dataHash: 'ha', options: base, seed: 1, fold: 1, variant: 'base' }));
  assert.equal(jobs.map((j) => j.id).slice(0, 2), ['83fbcb2c4428273f', '08c6979dfa72382f']);
  assert.is(new Set(jobs.map((j) => j.id)).size, jobs.length);
  assert.equal([jobs[7].dataPath, jobs[7].dataHash], ['b.csv', 'hb']);
});

test('variants multiply the grid and may change the folds', () => {
  const jobs = expandGrid([a], base, [{ name: 'wide', options: {} }, { name: 'short', options: { testBars: 150 } }], [7]);
  assert.equal(jobs.map((j) => `${j.variant}/${j.fold}`), ['wide/1', 'wide/2', 'wide/3', 'short/1', 'short/2']);
  assert.is(jobs[3].options.testBars, 150);
});

test('a market too short for one fold is refused naming its file', () => {
  assert.throws(() => expandGrid([{ ...b, timestamps: ts(400) }], base, [], [1]), /^b\.csv \(variant base\): /);
});

test.run();
