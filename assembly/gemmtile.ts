/**
 * @fileoverview The register tiles of the SIMD gemm (gemm.ts): 4 rows × 8 columns (8 accumulators
 * + 2 B vectors + 1 broadcast = 11 live v128, inside the ~13 V8 can keep in xmm registers without
 * spilling), 1×16 and 1×8 for rows left over, 4×4 and 1×4. Every tile is @inline and takes its epilogue as compile-time flags
 * (accumulate into C, add a bias row, ReLU, multiply by a ReLU mask), so each gemm specialisation
 * gets branch-free copies. Each output is Σ_p in order p = 0, 1, …: results do not depend on which
 * tile computed them.
 */

/**
 * c + a·b. The relaxed-SIMD build fuses it (one rounding, FMA where the CPU has it); the plain
 * SIMD build rounds twice. Both stay within the error budget of gemm.ts.
 */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

@inline function start(pc: usize, ACC: bool): v128 {
  return ACC ? v128.load(pc) : f32x4.splat(0);
}

/** Bias, then ReLU or the mask (C = 0 where mask ≤ 0), then store. */
@inline function put(v: v128, pc: usize, pbias: usize, pmask: usize, RELU: bool, BIAS: bool, MASK: bool): void {
  if (BIAS) v = f32x4.add(v, v128.load(pbias));
  if (RELU) v = f32x4.pmax(v, f32x4.splat(0)); // maxps: wasm's max spends ~7 instructions on NaN / ±0 rules
  if (MASK) v = v128.and(v, f32x4.gt(v128.load(pmask), f32x4.splat(0)));
  v128.store(pc, v);
}

// Pointers and strides below are in bytes; `ldc` is also the mask's row stride.

@inline export function tile4x8(
  k: i32, a: usize, rsA: usize, csA: usize, b: usize, ldb: usize, c: usize, ldc: usize, bias: usize, mask: usize,
  ACC: bool, RELU: bool, BIAS: bool, MASK: bool,
): void {
  let c00 = start(c, ACC), c01 = start(c + 16, ACC);
  let c10 = start(c + ldc, ACC), c11 = start(c + ldc + 16, ACC);
  let c20 = start(c + 2 * ldc, ACC), c21 = start(c + 2 * ldc + 16, ACC);
  let c30 = start(c + 3 * ldc, ACC), c31 = start(c + 3 * ldc + 16, ACC);
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
  put(c00, c, bias, mask, RELU, BIAS, MASK);
  put(c01, c + 16, bias + 16, mask + 16, RELU, BIAS, MASK);
  put(c10, c + ldc, bias, mask + ldc, RELU, BIAS, MASK);
  put(c11, c + ldc + 16, bias + 16, mask + ldc + 16, RELU, BIAS, MASK);
  put(c20, c + 2 * ldc, bias, mask + 2 * ldc, RELU, BIAS, MASK);
  put(c21, c + 2 * ldc + 16, bias + 16, mask + 2 * ldc + 16, RELU, BIAS, MASK);
  put(c30, c + 3 * ldc, bias, mask + 3 * ldc, RELU, BIAS, MASK);
  put(c31, c + 3 * ldc + 16, bias + 16, mask + 3 * ldc + 16, RELU, BIAS, MASK);
}

@inline export function tile1x8(
  k: i32, a: usize, csA: usize, b: usize, ldb: usize, c: usize, bias: usize, mask: usize,
  ACC: bool, RELU: bool, BIAS: bool, MASK: bool,
): void {
  let c00 = start(c, ACC), c01 = start(c + 16, ACC);
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    const av = v128.load32_splat(pa);
    c00 = madd(av, v128.load(pb), c00);
    c01 = madd(av, v128.load(pb, 16), c01);
    pa += csA;
    pb += ldb;
  }
  put(c00, c, bias, mask, RELU, BIAS, MASK);
  put(c01, c + 16, bias + 16, mask + 16, RELU, BIAS, MASK);
}

/**
 * One row × 16 columns: 4 independent accumulators, so a lone row (the single-row log p) is not
 * held up by the latency of one chain of multiply-adds per 8 columns. (1×32 measured slower: V8
 * spills.)
 */
@inline export function tile1x16(
  k: i32, a: usize, csA: usize, b: usize, ldb: usize, c: usize, bias: usize, mask: usize,
  ACC: bool, RELU: bool, BIAS: bool, MASK: bool,
): void {
  let c0 = start(c, ACC), c1 = start(c + 16, ACC), c2 = start(c + 32, ACC), c3 = start(c + 48, ACC);
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    const av = v128.load32_splat(pa);
    c0 = madd(av, v128.load(pb), c0);
    c1 = madd(av, v128.load(pb, 16), c1);
    c2 = madd(av, v128.load(pb, 32), c2);
    c3 = madd(av, v128.load(pb, 48), c3);
    pa += csA;
    pb += ldb;
  }
  put(c0, c, bias, mask, RELU, BIAS, MASK);
  put(c1, c + 16, bias + 16, mask + 16, RELU, BIAS, MASK);
  put(c2, c + 32, bias + 32, mask + 32, RELU, BIAS, MASK);
  put(c3, c + 48, bias + 48, mask + 48, RELU, BIAS, MASK);
}

@inline export function tile4x4(
  k: i32, a: usize, rsA: usize, csA: usize, b: usize, ldb: usize, c: usize, ldc: usize, bias: usize, mask: usize,
  ACC: bool, RELU: bool, BIAS: bool, MASK: bool,
): void {
  let c0 = start(c, ACC), c1 = start(c + ldc, ACC);
  let c2 = start(c + 2 * ldc, ACC), c3 = start(c + 3 * ldc, ACC);
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
  put(c0, c, bias, mask, RELU, BIAS, MASK);
  put(c1, c + ldc, bias, mask + ldc, RELU, BIAS, MASK);
  put(c2, c + 2 * ldc, bias, mask + 2 * ldc, RELU, BIAS, MASK);
  put(c3, c + 3 * ldc, bias, mask + 3 * ldc, RELU, BIAS, MASK);
}

@inline export function tile1x4(
  k: i32, a: usize, csA: usize, b: usize, ldb: usize, c: usize, bias: usize, mask: usize,
  ACC: bool, RELU: bool, BIAS: bool, MASK: bool,
): void {
  let c0 = start(c, ACC);
  let pa = a;
  let pb = b;
  for (let p = 0; p < k; p++) {
    c0 = madd(v128.load32_splat(pa), v128.load(pb), c0);
    pa += csA;
    pb += ldb;
  }
  put(c0, c, bias, mask, RELU, BIAS, MASK);
}
