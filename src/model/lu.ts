/**
 * @fileoverview The LU-parametrised invertible d×d matrix in f64, shared by initialisation, the f64
 * oracle and tests: W = P · L · (U + diag(sign ⊙ exp(logS))), with (P·M)[i] = M[perm[i]].
 */

/** Assemble W (row-major d×d, f64) from the LU parameters; only the strict triangles are read. */
export function assembleW(
  d: number,
  lower: ArrayLike<number>, lowerOff: number,
  upper: ArrayLike<number>, upperOff: number,
  logS: ArrayLike<number>, logSOff: number,
  sign: ArrayLike<number>, signOff: number,
  perm: ArrayLike<number>, permOff: number,
): Float64Array {
  // M = L·U' with L unit lower-triangular and U' = strict upper + diag(sign·exp(logS)).
  const M = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      // (L U')[i][j] = Σ_{k ≤ min(i, j)} L[i][k] U'[k][j]
      let acc = 0;
      const kmax = Math.min(i, j);
      for (let k = 0; k <= kmax; k++) {
        const lik = k === i ? 1 : lower[lowerOff + i * d + k];
        const ukj = k === j ? sign[signOff + k] * Math.exp(logS[logSOff + k]) : upper[upperOff + k * d + j];
        acc += lik * ukj;
      }
      M[i * d + j] = acc;
    }
  }
  const W = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    const src = perm[permOff + i];
    for (let j = 0; j < d; j++) W[i * d + j] = M[src * d + j];
  }
  return W;
}

/**
 * LU decomposition with partial pivoting of a row-major d×d matrix A, returned in the glow
 * parametrisation: A = P·L·U with (P·M)[i] = M[perm[i]], L unit lower, U upper.
 */
export function luDecompose(A: Float64Array, d: number): { perm: Int32Array; L: Float64Array; U: Float64Array } {
  const a = Float64Array.from(A);
  const piv = Int32Array.from({ length: d }, (_, i) => i); // row k of LU came from row piv[k] of A
  for (let k = 0; k < d; k++) {
    let p = k;
    for (let i = k + 1; i < d; i++) if (Math.abs(a[i * d + k]) > Math.abs(a[p * d + k])) p = i;
    if (a[p * d + k] === 0) throw new Error('luDecompose: matrix is singular');
    if (p !== k) {
      for (let j = 0; j < d; j++) {
        const t = a[k * d + j];
        a[k * d + j] = a[p * d + j];
        a[p * d + j] = t;
      }
      const t = piv[k];
      piv[k] = piv[p];
      piv[p] = t;
    }
    for (let i = k + 1; i < d; i++) {
      const f = (a[i * d + k] /= a[k * d + k]);
      for (let j = k + 1; j < d; j++) a[i * d + j] -= f * a[k * d + j];
    }
  }
  const L = new Float64Array(d * d);
  const U = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      if (j < i) L[i * d + j] = a[i * d + j];
      else U[i * d + j] = a[i * d + j];
    }
    L[i * d + i] = 1;
  }
  // (LU)[k] = A[piv[k]]  ⇒  A[i] = (LU)[perm[i]] with perm = piv⁻¹.
  const perm = new Int32Array(d);
  for (let k = 0; k < d; k++) perm[piv[k]] = k;
  return { perm, L, U };
}

/** Random orthogonal d×d matrix: Q of the QR decomposition of a Gaussian matrix (Householder-free MGS in f64). */
export function randomRotation(d: number, normal: () => number): Float64Array {
  const G = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) G[i] = normal();
  // Modified Gram–Schmidt on the columns; sign convention of R's diagonal positive.
  const Q = Float64Array.from(G);
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += Q[i * d + k] * Q[i * d + j];
      for (let i = 0; i < d; i++) Q[i * d + j] -= dot * Q[i * d + k];
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += Q[i * d + j] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < d; i++) Q[i * d + j] /= norm;
  }
  return Q;
}
