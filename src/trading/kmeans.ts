/**
 * @fileoverview Seeded k-means with k-means++ initialisation (Arthur & Vassilvitskii 2007) on
 * f64 rows, for latent regimes. Lloyd iterations until no assignment changes (or maxIter); an
 * empty cluster is re-seeded with the point farthest from its centroid so k clusters survive.
 * Ties in assignment go to the lowest cluster index, so results are a pure function of
 * (data, k, seed). The model is plain JSON.
 */
import { Rng } from '../util/rng.js';

export interface KMeansModel {
  k: number;
  d: number;
  /** k×d centroids, row-major. */
  centroids: number[];
  /** Sum of squared distances of the fitted rows to their centroid. */
  inertia: number;
  iterations: number;
  /** Rows per cluster on the fitted data. */
  sizes: number[];
}

function dist2(a: Float64Array | number[], ai: number, b: Float64Array | number[], bi: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = a[ai + j] - b[bi + j];
    s += t * t;
  }
  return s;
}

function nearest(centroids: Float64Array | number[], k: number, x: Float64Array, xi: number, d: number): [number, number] {
  let best = 0, bestD = Infinity;
  for (let c = 0; c < k; c++) {
    const dd = dist2(x, xi, centroids, c * d, d);
    if (dd < bestD) { bestD = dd; best = c; }
  }
  return [best, bestD];
}

export function fitKMeans(x: Float64Array, d: number, options: { k?: number; seed?: number; maxIter?: number } = {}): KMeansModel {
  const k = options.k ?? 4;
  const maxIter = options.maxIter ?? 300;
  const n = x.length / d;
  if (!Number.isInteger(n)) throw new RangeError(`fitKMeans: ${x.length} values is not a whole number of rows of width ${d}`);
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`fitKMeans: k must be a positive integer, got ${k}`);
  if (n < k) throw new RangeError(`fitKMeans: ${n} rows cannot make ${k} clusters`);
  const rng = new Rng(options.seed ?? 0);
  const C = new Float64Array(k * d);
  // k-means++: first centre uniform, then each next with probability ∝ D(x)².
  const first = rng.int(n);
  C.set(x.subarray(first * d, first * d + d), 0);
  const D = new Float64Array(n);
  for (let i = 0; i < n; i++) D[i] = dist2(x, i * d, C, 0, d);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += D[i];
    let pick = n - 1;
    if (total > 0) {
      let u = rng.uniform() * total;
      for (let i = 0; i < n; i++) {
        u -= D[i];
        if (u < 0) { pick = i; break; }
      }
    } else pick = rng.int(n);
    C.set(x.subarray(pick * d, pick * d + d), c * d);
    for (let i = 0; i < n; i++) D[i] = Math.min(D[i], dist2(x, i * d, C, c * d, d));
  }
  const assign = new Int32Array(n).fill(-1);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  let iterations = 0;
  let inertia = 0;
  for (; iterations < maxIter; iterations++) {
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      const [c, dd] = nearest(C, k, x, i * d, d);
      D[i] = dd;
      inertia += dd;
      if (assign[i] !== c) { assign[i] = c; changed++; }
    }
    if (changed === 0 && iterations > 0) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assign[i];
      counts[c]++;
      for (let j = 0; j < d; j++) sums[c * d + j] += x[i * d + j];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // Re-seed an empty cluster with the row farthest from its centroid.
        let far = 0;
        for (let i = 1; i < n; i++) if (D[i] > D[far]) far = i;
        C.set(x.subarray(far * d, far * d + d), c * d);
        D[far] = 0;
        assign[far] = c;
      } else for (let j = 0; j < d; j++) C[c * d + j] = sums[c * d + j] / counts[c];
    }
  }
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) sizes[assign[i]]++;
  return { k, d, centroids: Array.from(C), inertia, iterations, sizes };
}

/** Nearest-centroid cluster of every row. */
export function assignClusters(model: KMeansModel, x: Float64Array): Int32Array {
  const { k, d, centroids } = model;
  const n = x.length / d;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = nearest(centroids, k, x, i * d, d)[0];
  return out;
}
