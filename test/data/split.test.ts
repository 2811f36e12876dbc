import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chronologicalSplit } from '../../src/data/split.js';

test('default 70 / 15 / 15, contiguous and covering every row', () => {
  assert.equal(chronologicalSplit(100), { train: [0, 70], validation: [70, 85], test: [85, 100] });
  assert.equal(chronologicalSplit(7), { train: [0, 4], validation: [4, 5], test: [5, 7] });
});

test('cut points are floors, with float noise forgiven', () => {
  assert.equal(chronologicalSplit(100, { train: 0.29, validation: 0.01 }).train, [0, 29]);
  assert.equal(chronologicalSplit(10, { train: 0.7, validation: 0.3 }), { train: [0, 7], validation: [7, 10], test: [10, 10] });
  assert.equal(chronologicalSplit(10, { train: 1, validation: 0 }), { train: [0, 10], validation: [10, 10], test: [10, 10] });
  assert.equal(chronologicalSplit(0), { train: [0, 0], validation: [0, 0], test: [0, 0] });
});

test('bad fractions and counts are refused with the reason', () => {
  assert.throws(() => chronologicalSplit(10, { train: 0 }), /train fraction must be in \(0, 1\], got 0/);
  assert.throws(() => chronologicalSplit(10, { train: 1.2 }), /train fraction must be in \(0, 1\], got 1.2/);
  assert.throws(() => chronologicalSplit(10, { train: NaN }), /train fraction/);
  assert.throws(() => chronologicalSplit(10, { validation: -0.1 }), /validation fraction must be in \[0, 1\), got -0.1/);
  assert.throws(() => chronologicalSplit(10, { train: 0.8, validation: 0.3 }), /must not exceed 1, got 0.8 \+ 0.3/);
  assert.throws(() => chronologicalSplit(-1), /non-negative integer, got -1/);
  assert.throws(() => chronologicalSplit(2.5), /non-negative integer, got 2.5/);
  assert.throws(() => chronologicalSplit(1, { train: 0.5 }), /train split of 1 rows at fraction 0.5 is empty/);
});

test.run();
