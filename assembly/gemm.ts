/**
 * @fileoverview Single-precision matrix multiply on linear memory, f32x4 SIMD over output columns.
 *
 *   C[i,j] = (ACC ? C[i,j] : 0) + Σ_p A(i,p)·B[p,j]  (+ bias[j])  then RELU or a MASK
 *
 * A(i,p) lives at a + 4·(i·rsA + p·csA), so one kernel serves C = A·B (rsA = lda, csA = 1) and
 * C = Aᵀ·B (rsA = 1, csA = lda: weight gradients). B and C are row-major with leading dimensions
 * ldb and ldc. MASK zeroes C where mask[i,j] ≤ 0 (the ReLU derivative, fused into the product).
 *
 * Register tiles (gemmtile.ts) cover 8, then 4 columns; fewer than 4 left go to gemmnarrow.ts.
 * The combinations of epilogue flags the flow uses each get their own compiled copy of the
 * driver, so the tiles carry no flag tests. Accumulation order is fixed, so results are
 * bit-reproducible. Error budget: each entry is a k-term f32 dot product, relative error
 * ≤ k·2⁻²⁴ of Σ|A||B| (k ≤ 128 here, i.e. ≤ 1e-5 relative).
 */
import { tile1x16, tile1x4, tile1x8, tile4x4, tile4x8 } from './gemmtile';
import { gemmNarrowColumns } from './gemmnarrow';

export const GEMM_ACC: i32 = 1;
export const GEMM_RELU: i32 = 2;

@inline function drive(
  m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  bias: usize, mask: usize, ACC: bool, RELU: bool, BIAS: bool, MASK: bool,
): void {
  const rsAb = <usize>rsA << 2, csAb = <usize>csA << 2, ldbb = <usize>ldb << 2, ldcb = <usize>ldc << 2;
  const m4 = m & ~3;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const jb = <usize>j << 2;
    for (let i = 0; i < m4; i += 4) {
      const o = <usize>i * ldcb + jb;
      tile4x8(k, a + <usize>i * rsAb, rsAb, csAb, b + jb, ldbb, c + o, ldcb, bias + jb, mask + o, ACC, RELU, BIAS, MASK);
    }
  }
  // rows left over (all of them for a single row): 16 columns at a time, then 8
  for (let i = m4; i < m; i++) {
    const pa = a + <usize>i * rsAb, pc = c + <usize>i * ldcb;
    let jj = 0;
    for (; jj + 16 <= j; jj += 16) {
      const jb = <usize>jj << 2;
      tile1x16(k, pa, csAb, b + jb, ldbb, pc + jb, bias + jb, mask + <usize>i * ldcb + jb, ACC, RELU, BIAS, MASK);
    }
    for (; jj < j; jj += 8) {
      const jb = <usize>jj << 2;
      tile1x8(k, pa, csAb, b + jb, ldbb, pc + jb, bias + jb, mask + <usize>i * ldcb + jb, ACC, RELU, BIAS, MASK);
    }
  }
  for (; j + 4 <= n; j += 4) {
    const jb = <usize>j << 2;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const o = <usize>i * ldcb + jb;
      tile4x4(k, a + <usize>i * rsAb, rsAb, csAb, b + jb, ldbb, c + o, ldcb, bias + jb, mask + o, ACC, RELU, BIAS, MASK);
    }
    for (; i < m; i++) {
      const o = <usize>i * ldcb + jb;
      tile1x4(k, a + <usize>i * rsAb, csAb, b + jb, ldbb, c + o, bias + jb, mask + o, ACC, RELU, BIAS, MASK);
    }
  }
  if (j < n) {
    gemmNarrowColumns(m, n, j, k, a, rsA, csA, b, ldb, c, ldc, BIAS ? bias : 0, MASK ? mask : 0, ACC, RELU);
  }
}

// The specialisations the flow calls (forward: bias, bias+ReLU; backward: plain, accumulate, mask).
function gemmPlain(m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, c: usize, ldc: i32): void {
  drive(m, n, k, a, rsA, csA, b, ldb, c, ldc, 0, 0, false, false, false, false);
}
function gemmAcc(m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, c: usize, ldc: i32): void {
  drive(m, n, k, a, rsA, csA, b, ldb, c, ldc, 0, 0, true, false, false, false);
}
function gemmBias(m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, c: usize, ldc: i32, bias: usize): void {
  drive(m, n, k, a, rsA, csA, b, ldb, c, ldc, bias, 0, false, false, true, false);
}
function gemmBiasRelu(m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, c: usize, ldc: i32, bias: usize): void {
  drive(m, n, k, a, rsA, csA, b, ldb, c, ldc, bias, 0, false, true, true, false);
}
function gemmMask(m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, c: usize, ldc: i32, mask: usize): void {
  drive(m, n, k, a, rsA, csA, b, ldb, c, ldc, 0, mask, false, false, false, true);
}
/** Any other combination, with the flags tested at run time. */
function gemmGeneral(
  m: i32, n: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  bias: usize, mask: usize, acc: bool, relu: bool,
): void {
  drive(m, n, k, a, rsA, csA, b, ldb, c, ldc, bias, mask, acc, relu, bias != 0, mask != 0);
}

/**
 * C (m×n) = [C +] A(m×k)·B(k×n) [+ bias] [relu | mask]. All strides in elements.
 * `bias` and `mask` are byte pointers or 0; the mask has C's shape and leading dimension.
 */
export function gemm(
  m: i32, n: i32, k: i32,
  a: usize, rsA: i32, csA: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  bias: usize, mask: usize, flags: i32,
): void {
  const acc = (flags & GEMM_ACC) != 0, relu = (flags & GEMM_RELU) != 0;
  if (mask == 0 && !acc) {
    if (bias == 0 && !relu) gemmPlain(m, n, k, a, rsA, csA, b, ldb, c, ldc);
    else if (bias != 0 && !relu) gemmBias(m, n, k, a, rsA, csA, b, ldb, c, ldc, bias);
    else if (bias != 0) gemmBiasRelu(m, n, k, a, rsA, csA, b, ldb, c, ldc, bias);
    else gemmGeneral(m, n, k, a, rsA, csA, b, ldb, c, ldc, bias, mask, acc, relu);
  } else if (acc && mask == 0 && bias == 0 && !relu) gemmAcc(m, n, k, a, rsA, csA, b, ldb, c, ldc);
  else if (!acc && mask != 0 && bias == 0 && !relu) gemmMask(m, n, k, a, rsA, csA, b, ldb, c, ldc, mask);
  else gemmGeneral(m, n, k, a, rsA, csA, b, ldb, c, ldc, bias, mask, acc, relu);
}
