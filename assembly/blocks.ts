/**
 * @fileoverview Small dense helpers around the gemm on linear memory: column sums (bias
 * gradients), block and row copies, and the transpose of a weight matrix.
 */

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

/** Transpose an r×c row-major matrix into a c×r one: 4×4 blocks in registers, scalar edges. */
export function transpose(r: i32, c: i32, src: usize, dst: usize): void {
  const sr = <usize>c << 2, dr = <usize>r << 2; // row strides of src and dst (bytes)
  const r4 = r & ~3, c4 = c & ~3;
  for (let i = 0; i < r4; i += 4) {
    for (let j = 0; j < c4; j += 4) {
      const s = src + <usize>i * sr + (<usize>j << 2);
      const r0 = v128.load(s), r1 = v128.load(s + sr), r2 = v128.load(s + 2 * sr), r3 = v128.load(s + 3 * sr);
      // [a0 b0 a1 b1], [a2 b2 a3 b3], [c0 d0 c1 d1], [c2 d2 c3 d3] → columns
      const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
      const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
      const d = dst + <usize>j * dr + (<usize>i << 2);
      v128.store(d, i64x2.shuffle(t0, t2, 0, 2));
      v128.store(d + dr, i64x2.shuffle(t0, t2, 1, 3));
      v128.store(d + 2 * dr, i64x2.shuffle(t1, t3, 0, 2));
      v128.store(d + 3 * dr, i64x2.shuffle(t1, t3, 1, 3));
    }
  }
  for (let i = 0; i < r; i++) {
    const j0 = i < r4 ? c4 : 0; // rows inside the blocked part only miss their last columns
    for (let j = j0; j < c; j++) {
      store<f32>(dst + <usize>(j * r + i) * 4, load<f32>(src + <usize>(i * c + j) * 4));
    }
  }
}
