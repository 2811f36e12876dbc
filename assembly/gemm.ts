/**
 * @fileoverview Single-precision matrix multiply on linear memory, f32x4 SIMD over output columns.
 *
 *   C[i,j] = (ACC ? C[i,j] : 0) + Σ_p A(i,p)·B[p,j]  (+ bias[j])  then RELU or a MASK
 *
 * A(i,p) lives at a + 4·(i·rsA + p·csA), so one kernel serves C = A·B (rsA = lda, csA = 1) and
 * C = Aᵀ·B (rsA = 1, csA = lda: weight gradients). B and C are row-major with leading dimensions
 * ldb and ldc. MASK zeroes C where mask[i,j] ≤ 0 (the ReLU derivative, fused into the product).
 *
 * Register tiles are 4 rows × 8 columns (8 accumulators + 2 B vectors + 1 broadcast = 11 live
 * v128, inside V8's 16 xmm), then 4×4, then scalar columns. Accumulation order is fixed, so results
 * are bit-reproducible. Error budget: each entry is a k-term f32 dot product, relative error
 * ≤ k·2⁻²⁴ of Σ|A||B| (k ≤ 128 here, i.e. ≤ 1e-5 relative).
 */

export const GEMM_ACC: i32 = 1;
export const GEMM_RELU: i32 = 2;

/**
 * c + a·b. The relaxed-SIMD build fuses it (one rounding, FMA where the CPU has it); the plain
 * SIMD build rounds twice. Both stay within the error budget above.
 */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

@inline function epilogue(c: v128, pc: usize, pbias: usize, pmask: usize, flags: i32): void {
  if (pbias != 0) c = f32x4.add(c, v128.load(pbias));
  if (flags & GEMM_RELU) c = f32x4.max(c, f32x4.splat(0));
  if (pmask != 0) c = v128.and(c, f32x4.gt(v128.load(pmask), f32x4.splat(0)));
  v128.store(pc, c);
}

@inline function start(pc: usize, flags: i32): v128 {
  return flags & GEMM_ACC ? v128.load(pc) : f32x4.splat(0);
}

function tile4x8(
  k: i32, a: usize, rsA: usize, csA: usize, b: usize, ldb: usize,
  c: usize, ldc: usize, bias: usize, mask: usize, flags: i32,
): void {
  let c00 = start(c, flags), c01 = start(c + 16, flags);
  let c10 = start(c + ldc, flags), c11 = start(c + ldc + 16, flags);
  let c20 = start(c + 2 * ldc, flags), c21 = start(c + 2 * ldc + 16, flags);
  let c30 = start(c + 3 * ldc, flags), c31 = start(c + 3 * ldc + 16, flags);
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(pa);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(pa + rsA);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(pa + 2 * rsA);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(pa + 3 * rsA);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    pa += csA;
    pb += ldb;
  }
  const b16: usize = bias != 0 ? bias + 16 : 0;
  epilogue(c00, c, bias, mask, flags);
  epilogue(c01, c + 16, b16, mask != 0 ? mask + 16 : 0, flags);
  epilogue(c10, c + ldc, bias, mask != 0 ? mask + ldc : 0, flags);
  epilogue(c11, c + ldc + 16, b16, mask != 0 ? mask + ldc + 16 : 0, flags);
  epilogue(c20, c + 2 * ldc, bias, mask != 0 ? mask + 2 * ldc : 0, flags);
  epilogue(c21, c + 2 * ldc + 16, b16, mask != 0 ? mask + 2 * ldc + 16 : 0, flags);
  epilogue(c30, c + 3 * ldc, bias, mask != 0 ? mask + 3 * ldc : 0, flags);
  epilogue(c31, c + 3 * ldc + 16, b16, mask != 0 ? mask + 3 * ldc + 16 : 0, flags);
}

function tile1x8(
  k: i32, a: usize, csA: usize, b: usize, ldb: usize,
  c: usize, bias: usize, mask: usize, flags: i32,
): void {
  let c00 = start(c, flags), c01 = start(c + 16, flags);
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    const av = v128.load32_splat(pa);
    c00 = madd(av, v128.load(pb), c00);
    c01 = madd(av, v128.load(pb, 16), c01);
    pa += csA;
    pb += ldb;
  }
  epilogue(c00, c, bias, mask, flags);
  epilogue(c01, c + 16, bias != 0 ? bias + 16 : 0, mask != 0 ? mask + 16 : 0, flags);
}

function tile4x4(
  k: i32, a: usize, rsA: usize, csA: usize, b: usize, ldb: usize,
  c: usize, ldc: usize, bias: usize, mask: usize, flags: i32,
): void {
  let c0 = start(c, flags), c1 = start(c + ldc, flags);
  let c2 = start(c + 2 * ldc, flags), c3 = start(c + 3 * ldc, flags);
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    c0 = madd(v128.load32_splat(pa), b0, c0);
    c1 = madd(v128.load32_splat(pa + rsA), b0, c1);
    c2 = madd(v128.load32_splat(pa + 2 * rsA), b0, c2);
    c3 = madd(v128.load32_splat(pa + 3 * rsA), b0, c3);
    pa += csA;
    pb += ldb;
  }
  epilogue(c0, c, bias, mask, flags);
  epilogue(c1, c + ldc, bias, mask != 0 ? mask + ldc : 0, flags);
  epilogue(c2, c + 2 * ldc, bias, mask != 0 ? mask + 2 * ldc : 0, flags);
  epilogue(c3, c + 3 * ldc, bias, mask != 0 ? mask + 3 * ldc : 0, flags);
}

function tile1x4(
  k: i32, a: usize, csA: usize, b: usize, ldb: usize,
  c: usize, bias: usize, mask: usize, flags: i32,
): void {
  let c0 = start(c, flags);
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    c0 = madd(v128.load32_splat(pa), v128.load(pb), c0);
    pa += csA;
    pb += ldb;
  }
  epilogue(c0, c, bias, mask, flags);
}

/** One output entry, scalar (column remainders). */
function dot1(
  k: i32, a: usize, csA: usize, b: usize, ldb: usize,
  c: usize, bias: usize, mask: usize, flags: i32,
): void {
  let s: f32 = flags & GEMM_ACC ? load<f32>(c) : 0;
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    s += load<f32>(pa) * load<f32>(pb);
    pa += csA;
    pb += ldb;
  }
  if (bias != 0) s += load<f32>(bias);
  if (flags & GEMM_RELU) s = s > 0 ? s : 0;
  if (mask != 0 && !(load<f32>(mask) > 0)) s = 0;
  store<f32>(c, s);
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
  const rsAb = <usize>rsA << 2, csAb = <usize>csA << 2, ldbb = <usize>ldb << 2, ldcb = <usize>ldc << 2;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const jb = <usize>j << 2;
    const pbias: usize = bias != 0 ? bias + jb : 0;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      tile4x8(k, a + <usize>i * rsAb, rsAb, csAb, b + jb, ldbb, c + <usize>i * ldcb + jb, ldcb, pbias,
        mask != 0 ? mask + <usize>i * ldcb + jb : 0, flags);
    }
    for (; i < m; i++) {
      tile1x8(k, a + <usize>i * rsAb, csAb, b + jb, ldbb, c + <usize>i * ldcb + jb, pbias,
        mask != 0 ? mask + <usize>i * ldcb + jb : 0, flags);
    }
  }
  for (; j + 4 <= n; j += 4) {
    const jb = <usize>j << 2;
    const pbias: usize = bias != 0 ? bias + jb : 0;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      tile4x4(k, a + <usize>i * rsAb, rsAb, csAb, b + jb, ldbb, c + <usize>i * ldcb + jb, ldcb, pbias,
        mask != 0 ? mask + <usize>i * ldcb + jb : 0, flags);
    }
    for (; i < m; i++) {
      tile1x4(k, a + <usize>i * rsAb, csAb, b + jb, ldbb, c + <usize>i * ldcb + jb, pbias,
        mask != 0 ? mask + <usize>i * ldcb + jb : 0, flags);
    }
  }
  for (; j < n; j++) {
    const jb = <usize>j << 2;
    for (let i = 0; i < m; i++) {
      dot1(k, a + <usize>i * rsAb, csAb, b + jb, ldbb, c + <usize>i * ldcb + jb,
        bias != 0 ? bias + jb : 0, mask != 0 ? mask + <usize>i * ldcb + jb : 0, flags);
    }
  }
}

/** out[j] = [out[j] +] Σ_i A[i, j] for an m×n row-major A with leading dimension lda. */
export function colSum(m: i32, n: i32, a: usize, lda: i32, out: usize, accumulate: bool): void {
  const ldab = <usize>lda << 2;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const jb = <usize>j << 2;
    let s = accumulate ? v128.load(out + jb) : f32x4.splat(0);
    let p = a + jb;
    for (let i = 0; i < m; i++) {
      s = f32x4.add(s, v128.load(p));
      p += ldab;
    }
    v128.store(out + jb, s);
  }
  for (; j < n; j++) {
    const jb = <usize>j << 2;
    let s: f32 = accumulate ? load<f32>(out + jb) : 0;
    let p = a + jb;
    for (let i = 0; i < m; i++) {
      s += load<f32>(p);
      p += ldab;
    }
    store<f32>(out + jb, s);
  }
}

/**
 * Copy an m×n block between row-major matrices with leading dimensions lds and ldd. Rows here are
 * a few floats wide, so they move as v128 / u64 / f32 loads and stores: `memory.copy` costs a call
 * into the runtime per row.
 */
export function copyBlock(m: i32, n: i32, src: usize, lds: i32, dst: usize, ldd: i32): void {
  if (n == lds && n == ldd) {
    memory.copy(dst, src, <usize>(m * n) << 2);
    return;
  }
  const sb = <usize>lds << 2, db = <usize>ldd << 2;
  let s = src, d = dst;
  for (let i = 0; i < m; i++) {
    copyRow(s, d, n);
    s += sb;
    d += db;
  }
}

/** Copy n floats (non-overlapping). */
@inline export function copyRow(s: usize, d: usize, n: i32): void {
  let o: usize = 0;
  const end = <usize>n << 2;
  for (; o + 16 <= end; o += 16) v128.store(d + o, v128.load(s + o));
  if (o + 8 <= end) {
    store<u64>(d + o, load<u64>(s + o));
    o += 8;
  }
  if (o < end) store<f32>(d + o, load<f32>(s + o));
}

/** Transpose an r×c row-major matrix into a c×r one. */
export function transpose(r: i32, c: i32, src: usize, dst: usize): void {
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      store<f32>(dst + <usize>(j * r + i) * 4, load<f32>(src + <usize>(i * c + j) * 4));
    }
  }
}
