/**
 * @fileoverview k-means against hand-computed clusters on tiny literal sets: the k-means++ seeds
 * are data points, the final centroids are cluster means that are not, so Lloyd's iterations must
 * move the centroids for these tests to pass.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assignClusters, fitKMeans } from '../../src/trading/kmeans.js';

/** Centroid rows sorted by their first coordinate (cluster numbering depends on the seed). */
function sortedCentroids(centroids: number[], d: number): number[][] {
  const rows = Array.from({ length: centroids.length / d }, (_, c) => centroids.slice(c * d, (c + 1) * d));
  return rows.sort((a, b) => a[0] - b[0]);
}

test('two squares of four points: the centroids are the squares\' centres, whatever the seed', () => {
  // Square A around (1, 1), square B around (11, 11): no data point is a centre.
  const x = Float64Array.from([0, 0, 0, 2, 2, 0, 2, 2, 10, 10, 10, 12, 12, 10, 12, 12]);
  for (let seed = 0; seed < 8; seed++) {
    const m = fitKMeans(x, 2, { k: 2, seed });
    assert.equal(sortedCentroids(m.centroids, 2), [[1, 1], [11, 11]], `seed ${seed}`);
    assert.is(m.inertia, 16, `seed ${seed}: eight points at squared distance 2 from their centre`);
    assert.equal(m.sizes, [4, 4]);
    assert.ok(m.iterations >= 1);
    const a = Array.from(assignClusters(m, x));
    assert.equal(a.slice(0, 4), new Array(4).fill(a[0]));
    assert.equal(a.slice(4), new Array(4).fill(a[4]));
    assert.is.not(a[0], a[4]);
  }
});

test('0, 1, 5 | 20, 21, 25 with k = 2: centroids 2 and 22 (not data points) from every seeding', () => {
  // The gap makes {0, 1, 5} | {20, 21, 25} the only partition that Lloyd's iterations leave alone, so
  // every seed pair ends there, e.g. seeds 0 and 1: {0} | {1, 5, 20, 21, 25} → 0 and 14.4 →
  // {0, 1, 5} | {20, 21, 25} → 2 and 22. Inertia 2 × (2² + 1² + 3²) = 28.
  const x = Float64Array.from([0, 1, 5, 20, 21, 25]);
  for (let seed = 0; seed < 12; seed++) {
    const m = fitKMeans(x, 1, { k: 2, seed });
    assert.equal(sortedCentroids(m.centroids, 1), [[2], [22]], `seed ${seed}`);
    assert.is(m.inertia, 28);
    assert.equal(m.sizes, [3, 3]);
  }
  // New points go to the nearest centroid.
  const m = fitKMeans(x, 1, { k: 2, seed: 0 });
  const low = assignClusters(m, Float64Array.from([2]))[0];
  assert.equal(Array.from(assignClusters(m, Float64Array.from([-3, 11.9, 12.1, 40]))), [low, low, 1 - low, 1 - low]);
});

test('k = 1: the centroid is the mean of every row', () => {
  const m = fitKMeans(Float64Array.from([1, 0, 3, 4, 8, 2]), 2, { k: 1, seed: 3 });
  assert.equal(m.centroids, [4, 2]);
  // (9 + 4) + (1 + 4) + (16 + 0) = 34
  assert.is(m.inertia, 34);
});

test.run();
