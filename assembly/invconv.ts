/**
 * @fileoverview ActNorm fused with the LU-parametrised invertible d×d transform (DESIGN §3).
 *
 * ActNorm y = (x + b)⊙exp(s) followed by y = x·Wᵀ is one affine map h = x·Aᵀ + c with
 * A = W·diag(exp(s)) and c = A·b. `prepareAffine` assembles W = P·L·(U + diag(sign⊙exp(logS)))
 * in f64 once per parameter change and stores A, Aᵀ, c and the inverse map
 * x = h·Bᵀ − b, B = diag(exp(−s))·W⁻¹, where W⁻¹ = U'⁻¹·L⁻¹·Pᵀ comes from triangular solves.
 * `backwardAffine` turns dL/dA (from G = dHᵀ·X and the column sums of dH) into the gradients of
 * bias, logs, lower, upper and log_s. All batch-independent d×d work is f64 (relative error
 * ~d·2⁻⁵³); only the final matrices are rounded to f32.
 */
import {
  H_PERM, H_SCR, H_SIGN, S_A, S_AT, S_BIAS, S_BT, S_C, S_D, S_LOGS, S_LOGSV, S_LOWER, S_NB,
  S_PERM, S_SIGN, S_UPPER, grad, hptr, param, rec, recPtr,
} from './plan';

@inline function f32at(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}
@inline function f64at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
@inline function setf64(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/** U'[k][j] for k ≤ j (f64); `diag` holds the diagonal sign⊙exp(logS). */
@inline function uprime(upper: usize, diag: usize, d: i32, k: i32, j: i32): f64 {
  return k == j ? f64at(diag, k) : <f64>f32at(upper, k * d + j);
}

/**
 * W (f64, d×d) into `w`, using `m` as scratch for M = L·U', after writing the diagonal of U'
 * (sign⊙exp(logS), one exp per entry) into `diag` (d f64).
 */
function assembleW(plan: usize, r: usize, m: usize, w: usize, diag: usize): void {
  const d = rec(r, S_D);
  const lower = param(plan, r, S_LOWER), upper = param(plan, r, S_UPPER), logSv = param(plan, r, S_LOGSV);
  const sign = hptr(plan, H_SIGN) + (<usize>rec(r, S_SIGN) << 2);
  const perm = hptr(plan, H_PERM) + (<usize>rec(r, S_PERM) << 2);
  for (let k = 0; k < d; k++) setf64(diag, k, <f64>f32at(sign, k) * Math.exp(<f64>f32at(logSv, k)));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      // (L·U')[i][j] = Σ_{k ≤ min(i,j)} L[i][k]·U'[k][j], L unit lower-triangular
      const kmax = i < j ? i : j;
      let acc: f64 = 0;
      for (let k = 0; k <= kmax; k++) {
        const lik: f64 = k == i ? 1.0 : <f64>f32at(lower, i * d + k);
        acc += lik * uprime(upper, diag, d, k, j);
      }
      setf64(m, i * d + j, acc);
    }
  }
  for (let i = 0; i < d; i++) {
    const src = load<i32>(perm + (<usize>i << 2));
    memory.copy(w + <usize>(i * d) * 8, m + <usize>(src * d) * 8, <usize>d * 8);
  }
}

/** Rebuild the derived matrices of one step after its parameters changed. Returns Σlogs + ΣlogS. */
export function prepareAffine(plan: usize, r: usize): f64 {
  const d = rec(r, S_D);
  const dd = d * d;
  const scr = hptr(plan, H_SCR);
  const m = scr, w = scr + <usize>dd * 8, minv = scr + <usize>(2 * dd) * 8;
  const y = scr + <usize>(3 * dd) * 8, diag = scr + <usize>(4 * dd) * 8;
  assembleW(plan, r, m, w, diag);
  const bias = param(plan, r, S_BIAS), logs = param(plan, r, S_LOGS);
  const lower = param(plan, r, S_LOWER), upper = param(plan, r, S_UPPER), logSv = param(plan, r, S_LOGSV);
  const perm = hptr(plan, H_PERM) + (<usize>rec(r, S_PERM) << 2);
  const at = recPtr(r, S_AT), a = recPtr(r, S_A), c = recPtr(r, S_C);
  const bt = recPtr(r, S_BT), nb = recPtr(r, S_NB);
  let logdet: f64 = 0;
  for (let j = 0; j < d; j++) logdet += <f64>f32at(logs, j) + <f64>f32at(logSv, j);
  // A = W·diag(exp(s)), c = A·b (exp(s) once per column, into y before the solves reuse it)
  for (let j = 0; j < d; j++) setf64(y, j, Math.exp(<f64>f32at(logs, j)));
  for (let i = 0; i < d; i++) {
    let ci: f64 = 0;
    for (let j = 0; j < d; j++) {
      const aij = f64at(w, i * d + j) * f64at(y, j);
      store<f32>(a + <usize>(i * d + j) * 4, <f32>aij);
      store<f32>(at + <usize>(j * d + i) * 4, <f32>aij);
      ci += aij * <f64>f32at(bias, j);
    }
    store<f32>(c + <usize>i * 4, <f32>ci);
    store<f32>(nb + <usize>i * 4, -f32at(bias, i));
  }
  // M⁻¹ column by column: L·y = e_j (forward substitution), U'·x = y (back substitution).
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < d; i++) {
      let s: f64 = i == j ? 1.0 : 0.0;
      for (let k = 0; k < i; k++) s -= <f64>f32at(lower, i * d + k) * f64at(y, k);
      setf64(y, i, s);
    }
    for (let i = d - 1; i >= 0; i--) {
      let s = f64at(y, i);
      for (let k = i + 1; k < d; k++) s -= <f64>f32at(upper, i * d + k) * f64at(minv, k * d + j);
      setf64(minv, i * d + j, s / f64at(diag, i));
    }
  }
  // W⁻¹[r][c] = M⁻¹[r][perm[c]];  B = diag(exp(−s))·W⁻¹;  store Bᵀ.
  for (let i = 0; i < d; i++) {
    const e = Math.exp(-<f64>f32at(logs, i));
    for (let col = 0; col < d; col++) {
      const pc = load<i32>(perm + (<usize>col << 2));
      store<f32>(bt + <usize>(col * d + i) * 4, <f32>(e * f64at(minv, i * d + pc)));
    }
  }
  return logdet;
}

/**
 * Gradients of the fused map from G = dHᵀ·X (d×d f32) and gh = Σ_rows dH (d f32), where the
 * forward was h = x·Aᵀ + c. The loss holds −Σlogs − ΣlogS once per sample, so its mean contributes
 * −1 to each of those gradients; a shard of a larger batch contributes −`ldWeight` (= its share).
 */
export function backwardAffine(plan: usize, r: usize, g: usize, gh: usize, ldWeight: f64): void {
  const d = rec(r, S_D);
  const dd = d * d;
  const scr = hptr(plan, H_SCR);
  const m = scr, w = scr + <usize>dd * 8, dA = scr + <usize>(2 * dd) * 8, dM = scr + <usize>(3 * dd) * 8;
  const diag = scr + <usize>(4 * dd) * 8;
  assembleW(plan, r, m, w, diag);
  const bias = param(plan, r, S_BIAS), logs = param(plan, r, S_LOGS);
  const lower = param(plan, r, S_LOWER), upper = param(plan, r, S_UPPER);
  const perm = hptr(plan, H_PERM) + (<usize>rec(r, S_PERM) << 2);
  const gBias = grad(plan, r, S_BIAS), gLogs = grad(plan, r, S_LOGS);
  const gLower = grad(plan, r, S_LOWER), gUpper = grad(plan, r, S_UPPER), gLogSv = grad(plan, r, S_LOGSV);
  // dA = G + gh ⊗ b
  for (let i = 0; i < d; i++) {
    const ghi = <f64>f32at(gh, i);
    for (let j = 0; j < d; j++) setf64(dA, i * d + j, <f64>f32at(g, i * d + j) + ghi * <f64>f32at(bias, j));
  }
  for (let j = 0; j < d; j++) {
    const es = Math.exp(<f64>f32at(logs, j));
    let gb: f64 = 0, gs: f64 = -ldWeight;
    for (let i = 0; i < d; i++) {
      const aij = f64at(w, i * d + j) * es;
      gb += <f64>f32at(gh, i) * aij;
      gs += f64at(dA, i * d + j) * aij;
      // dW = dA·exp(s_j), scattered through the permutation: dM[perm[i]][j] = dW[i][j]
      const pi = load<i32>(perm + (<usize>i << 2));
      setf64(dM, pi * d + j, f64at(dA, i * d + j) * es);
    }
    store<f32>(gBias + <usize>j * 4, f32at(gBias, j) + <f32>gb);
    store<f32>(gLogs + <usize>j * 4, f32at(gLogs, j) + <f32>gs);
  }
  // dL = dM·U'ᵀ on the strict lower triangle: dL[i][k] = Σ_{j ≥ k} dM[i][j]·U'[k][j]
  for (let i = 1; i < d; i++) {
    for (let k = 0; k < i; k++) {
      let s: f64 = 0;
      for (let j = k; j < d; j++) s += f64at(dM, i * d + j) * uprime(upper, diag, d, k, j);
      const p = gLower + <usize>(i * d + k) * 4;
      store<f32>(p, load<f32>(p) + <f32>s);
    }
  }
  // dU' = Lᵀ·dM on the upper triangle: dU'[k][j] = Σ_{i ≥ k} L[i][k]·dM[i][j]
  for (let k = 0; k < d; k++) {
    for (let j = k; j < d; j++) {
      let s = f64at(dM, k * d + j);
      for (let i = k + 1; i < d; i++) s += <f64>f32at(lower, i * d + k) * f64at(dM, i * d + j);
      if (j > k) {
        const p = gUpper + <usize>(k * d + j) * 4;
        store<f32>(p, load<f32>(p) + <f32>s);
      } else {
        const p = gLogSv + <usize>k * 4;
        store<f32>(p, load<f32>(p) + <f32>(s * f64at(diag, k) - ldWeight));
      }
    }
  }
}
