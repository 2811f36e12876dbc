/**
 * @fileoverview Test data for the model tests: seeded Gaussians of known covariance, mixtures,
 * and helpers to perturb a model so that no layer is the identity.
 */
import { Rng } from '../../src/util/rng.js';
import type { Glow } from '../../src/model/glow.js';

/** n rows of N(mean, I)·scale (row-major Float32Array). */
export function gaussianRows(n: number, d: number, seed: number, scale = 1, mean = 0): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: n * d }, () => mean + scale * r.normal());
}

/** A correlated Gaussian x = ε·Cᵀ with a fixed random factor C; knows its entropy. */
export class CorrelatedGaussian {
  readonly chol: Float64Array;
  readonly entropy: number;
  constructor(readonly d: number, seed: number) {
    const r = new Rng(seed);
    const A = Float64Array.from({ length: d * d }, () => r.normal());
    const cov = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += A[i * d + k] * A[j * d + k];
        cov[i * d + j] = s / d + (i === j ? 0.1 : 0);
      }
    }
    this.chol = cholesky(cov, d);
    let logdet = 0;
    for (let i = 0; i < d; i++) logdet += 2 * Math.log(this.chol[i * d + i]);
    this.entropy = 0.5 * (d * (1 + Math.log(2 * Math.PI)) + logdet);
  }

  sample(n: number, seed: number): Float32Array {
    const r = new Rng(seed);
    const { d } = this;
    const out = new Float32Array(n * d);
    const e = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) e[k] = r.normal();
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k <= j; k++) s += this.chol[j * d + k] * e[k];
        out[i * d + j] = s;
      }
    }
    return out;
  }
}

export function cholesky(a: Float64Array, d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
      L[i * d + j] = i === j ? Math.sqrt(s) : s / L[j * d + j];
    }
  }
  return L;
}

/** NLL (nats, mean over rows) of the best Gaussian fit (sample mean and ML covariance) evaluated on `test`. */
export function gaussianFitNll(train: Float32Array, test: Float32Array, d: number): number {
  const n = train.length / d;
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += train[i * d + j] / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < d; k++) cov[j * d + k] += ((train[i * d + j] - mu[j]) * (train[i * d + k] - mu[k])) / n;
    }
  }
  const L = cholesky(cov, d);
  let logdet = 0;
  for (let i = 0; i < d; i++) logdet += 2 * Math.log(L[i * d + i]);
  const m = test.length / d;
  let total = 0;
  const y = new Float64Array(d);
  for (let i = 0; i < m; i++) {
    // solve L·y = x − μ; Mahalanobis distance = |y|²
    let q = 0;
    for (let j = 0; j < d; j++) {
      let s = test[i * d + j] - mu[j];
      for (let k = 0; k < j; k++) s -= L[j * d + k] * y[k];
      y[j] = s / L[j * d + j];
      q += y[j] * y[j];
    }
    total += 0.5 * (q + logdet + d * Math.log(2 * Math.PI));
  }
  return total / m;
}

/** Add N(0, scale²) noise to every parameter (so no coupling or ActNorm is the identity). */
export function perturb(glow: Glow, scale: number, seed: number): void {
  const r = new Rng(seed);
  const p = glow.getParameters();
  for (let i = 0; i < p.length; i++) p[i] += scale * r.normal();
  glow.setParameters(p);
}

/** f32 parameters of a Glow as the f64 state the oracle takes. */
export function oracleState(glow: Glow): { params: Float64Array; perm: Int32Array; sign: Float64Array } {
  const named = glow.namedParameters();
  const { layout } = glow;
  const params = Float64Array.from(glow.getParameters());
  const perm = new Int32Array(layout.permLength);
  const sign = new Float64Array(layout.signLength);
  for (const t of layout.tensors) {
    if (t.store === 'perm') perm.set(named[t.name].data, t.offset);
    if (t.store === 'sign') sign.set(named[t.name].data, t.offset);
  }
  return { params, perm, sign };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
  return e;
}
