import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { centralRange, coarseRuns, drawdownSeries, histogram, minMaxIndices, runsOf, thinScatter } from '../../src/report/downsample.js';
import { Rng } from '../../src/util/rng.js';

test('minMaxIndices keeps first, last and each bucket\'s min and max (hand-computed)', () => {
  // 10 values, at most 6 points, one series: 2 buckets of 5; bucket 0 → min@1 (1), max@2 (9);
  // bucket 1 → min@7 (0), max@6 (8); plus the ends 0 and 9.
  assert.equal(minMaxIndices([[5, 1, 9, 3, 7, 2, 8, 0, 6, 4]], 6), [0, 1, 2, 6, 7, 9]);
  assert.equal(minMaxIndices([[3, 1, 2]], 6), [0, 1, 2], 'short series are kept whole');
  assert.throws(() => minMaxIndices([[1, 2, 3], [1, 2]], 2), /lengths differ/);
  assert.throws(() => minMaxIndices([[1, 2, 3, 4, 5], [1, 2, 3, 4, 5]], 4), /too small for 2 series/);
});

test('minMaxIndices on long random series: bounded, sorted, ends and global extremes of every series kept', () => {
  const rng = new Rng(7);
  const n = 20_000;
  const a = Array.from({ length: n }, () => rng.normal());
  const b = Array.from({ length: n }, () => rng.uniform());
  const keep = minMaxIndices([a, b], 2000);
  assert.ok(keep.length <= 2000 && keep.length > 1000, `kept ${keep.length}`);
  for (let i = 1; i < keep.length; i++) assert.ok(keep[i] > keep[i - 1], 'sorted and unique');
  const argmin = (s: number[]) => s.indexOf(Math.min(...s));
  const argmax = (s: number[]) => s.indexOf(Math.max(...s));
  for (const i of [0, n - 1, argmin(a), argmax(a), argmin(b), argmax(b)]) assert.ok(keep.includes(i), `index ${i} kept`);
});

test('runsOf groups equal keys into maximal runs', () => {
  assert.equal(runsOf([0, 0.5, 1, 1, -1, 0], Math.sign), [
    { start: 0, end: 0, key: 0 }, { start: 1, end: 3, key: 1 }, { start: 4, end: 4, key: -1 }, { start: 5, end: 5, key: 0 },
  ]);
  assert.equal(runsOf([]), []);
});

test('coarseRuns: exact when few, majority bins merged when too many; ties go to the smaller key', () => {
  const values = [1, 1, 1, -1, 1, 1, -1, -1, 1, -1, -1, -1];
  assert.equal(coarseRuns(values, 6).length, 6, 'six exact runs fit in six');
  assert.equal(coarseRuns(values, 2), [{ start: 0, end: 5, key: 1 }, { start: 6, end: 11, key: -1 }]);
  // Bins [0,3) = 2,2,3 → 2 and [3,6) = 3,2,3 → 3.
  assert.equal(coarseRuns([2, 2, 3, 3, 2, 3], 2), [{ start: 0, end: 2, key: 2 }, { start: 3, end: 5, key: 3 }]);
  // Ties: bins of [5, 4] and [4, 5] both take key 4, so they merge into one run.
  assert.equal(coarseRuns([5, 4, 4, 5], 2), [{ start: 0, end: 3, key: 4 }]);
});

test('thinScatter keeps the extremes of x and y and at most maxPoints', () => {
  const rng = new Rng(3);
  const x = Array.from({ length: 5000 }, () => rng.normal());
  const y = Array.from({ length: 5000 }, () => rng.normal());
  const keep = thinScatter(x, y, 500);
  assert.ok(keep.length <= 500 && keep.length >= 496, `kept ${keep.length}`);
  for (const s of [x, y]) {
    assert.ok(keep.includes(s.indexOf(Math.min(...s))));
    assert.ok(keep.includes(s.indexOf(Math.max(...s))));
  }
  assert.equal(thinScatter([1, 2], [3, 4], 10), [0, 1]);
});

test('histogram: equal-width bins, last bin closed, shares sum to 1; a constant sample is one bin', () => {
  assert.equal(histogram([0, 1, 2, 3, 4], 2), [
    { x0: 0, x1: 2, count: 2, share: 0.4 }, { x0: 2, x1: 4, count: 3, share: 0.6 },
  ]);
  assert.equal(histogram([7, 7, 7], 5), [{ x0: 6.5, x1: 7.5, count: 3, share: 1 }]);
  assert.equal(histogram([], 5), []);
});

test('drawdownSeries is equity over the running peak minus one', () => {
  assert.equal(drawdownSeries([1, 2, 1.5, 3, 1.5]), [0, 0, -0.25, 0, -0.5]);
});

test('histogram with a display range counts values beyond it in the edge bins; centralRange ignores rare extremes', () => {
  assert.equal(histogram([-100, 0, 1, 2, 3, 4, 50], 2, [0, 4]), [
    { x0: 0, x1: 2, count: 3, share: 3 / 7 },
    { x0: 2, x1: 4, count: 4, share: 4 / 7 },
  ]);
  const values = Array.from({ length: 1001 }, (_, i) => i / 1000); // 0, 0.001, …, 1
  values[0] = -1e6;
  values[1000] = 1e6;
  // Nearest-rank 0.5% / 99.5% quantiles of 1001 values: ranks 5 and 995.
  assert.equal(centralRange(values), [0.005, 0.995]);
  assert.equal(centralRange(values, [-0.2]), [-0.2, 0.995]);
});

test.run();
