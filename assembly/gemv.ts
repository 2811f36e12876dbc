/**
 * @fileoverview Matrix–vector products for one row at a time (the single-row log p path,
 * rowflow.ts). A batch gemm (gemm.ts) run on one row keeps only 4 chains of k dependent
 * multiply-adds in flight per 16 outputs, and its small-n tiles (fc3 at d = 4: one chain of 64)
 * wait on latency. Here:
 *
 * - `gemvDot`: y = W·x (+ bias) (ReLU) with W row-major n×k (PyTorch's Linear weight as stored):
 *   8 outputs at a time, each a dot product along k in its own f32x4 accumulator, so 8 chains of
 *   only k/4 multiply-adds run in parallel; the 8 accumulators are reduced across lanes by a 4×4
 *   transpose-add. For layers with k ≥ 4 (fc2, fc3, the fused ActNorm·1×1).
 * - `gemvAxpy`: y = xᵀ·Wᵀ for a small k (fc1, whose input is da ≤ a few floats): one f32x4 output
 *   vector per group of 4 columns of Wᵀ (k×n row-major), k multiply-adds each; the groups are
 *   independent, so they overlap.
 *
 * Summation order differs from the batch gemm's (p = 0, 1, … per output): lanes hold partial
 * sums of p ≡ 0, 1, 2, 3 (mod 4), added at the end. Error budget as gemm.ts: each output is a
 * k-term f32 dot product, relative error ≤ k·2⁻²⁴ of Σ|W||x| (k ≤ 128 here: ≤ 1e-5 relative of
 * that sum); a row's log p stays within 1e-6 relative of its in-batch value (test/wasm/rowflow).
 *
 * Measured (bench/latency.js, Zen 5 host): a 64×64 product takes ~270–300 ns either way, as does
 * the batch gemm on one row — every weight is used once, so each multiply-add needs its own 16-byte
 * load, and both kernels run at the same ~4.2 v128 loads/ns that bounds the batch tiles. The gain
 * is on the small products (fc3 d = 4: ~2×, fc1) and the glue; the 12 fc2 products (~3.6 µs of a
 * ~5.5 µs row) set the floor. (1×32 axpy tiles and 8×4 batch tiles measured slower: V8 spills.)
 */
import { madd } from './gemmtile';

/** [Σ a0, Σ a1, Σ a2, Σ a3] (sums across the lanes of each vector). */
@inline function sum4(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const s01 = f32x4.add(i32x4.shuffle(a0, a1, 0, 4, 1, 5), i32x4.shuffle(a0, a1, 2, 6, 3, 7));
  const s23 = f32x4.add(i32x4.shuffle(a2, a3, 0, 4, 1, 5), i32x4.shuffle(a2, a3, 2, 6, 3, 7));
  return f32x4.add(i64x2.shuffle(s01, s23, 0, 2), i64x2.shuffle(s01, s23, 1, 3));
}

/** Σ_{p ≥ k4} W[row, p]·x[p]: the k mod 4 last terms of one output (scalar). */
@inline function tail(pw: usize, x: usize, k4b: usize, kb: usize): f32 {
  let s: f32 = 0;
  for (let o = k4b; o < kb; o += 4) s += load<f32>(pw + o) * load<f32>(x + o);
  return s;
}

/** Bias, the k mod 4 tail terms, ReLU; then store 4 outputs from row `j` (W rows at pw). */
@inline function put4(v: v128, y: usize, bias: usize, pw: usize, x: usize, k4b: usize, kb: usize, relu: bool): void {
  if (bias != 0) v = f32x4.add(v, v128.load(bias));
  if (k4b != kb) {
    v = f32x4.replace_lane(v, 0, f32x4.extract_lane(v, 0) + tail(pw, x, k4b, kb));
    v = f32x4.replace_lane(v, 1, f32x4.extract_lane(v, 1) + tail(pw + kb, x, k4b, kb));
    v = f32x4.replace_lane(v, 2, f32x4.extract_lane(v, 2) + tail(pw + 2 * kb, x, k4b, kb));
    v = f32x4.replace_lane(v, 3, f32x4.extract_lane(v, 3) + tail(pw + 3 * kb, x, k4b, kb));
  }
  if (relu) v = f32x4.pmax(v, f32x4.splat(0));
  v128.store(y, v);
}

/**
 * y[j] = ReLU?(bias[j] + Σ_p W[j, p]·x[p]) for j < n; W row-major n×k (byte pointer w), x k floats,
 * bias n floats or 0. y must not overlap x.
 */
export function gemvDot(n: i32, k: i32, w: usize, x: usize, bias: usize, y: usize, relu: bool): void {
  const kb = <usize>k << 2, k4b = <usize>(k & ~3) << 2;
  let j = 0;
  if (k == 64) {
    // the default hidden width: the 8 rows of a group at constant offsets (no address arithmetic)
    for (; j + 8 <= n; j += 8) {
      const pw = w + <usize>j * 256;
      let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
      for (let o: usize = 0; o < 256; o += 16) {
        const xv = v128.load(x + o);
        const p = pw + o;
        a0 = madd(v128.load(p), xv, a0);
        a1 = madd(v128.load(p, 256), xv, a1);
        a2 = madd(v128.load(p, 512), xv, a2);
        a3 = madd(v128.load(p, 768), xv, a3);
        a4 = madd(v128.load(p, 1024), xv, a4);
        a5 = madd(v128.load(p, 1280), xv, a5);
        a6 = madd(v128.load(p, 1536), xv, a6);
        a7 = madd(v128.load(p, 1792), xv, a7);
      }
      const jb = <usize>j << 2;
      put4(sum4(a0, a1, a2, a3), y + jb, bias != 0 ? bias + jb : 0, pw, x, 256, 256, relu);
      put4(sum4(a4, a5, a6, a7), y + jb + 16, bias != 0 ? bias + jb + 16 : 0, pw + 1024, x, 256, 256, relu);
    }
  }
  for (; j + 8 <= n; j += 8) {
    const pw = w + <usize>j * kb;
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (let o: usize = 0; o < k4b; o += 16) {
      const xv = v128.load(x + o);
      const p = pw + o;
      a0 = madd(v128.load(p), xv, a0);
      a1 = madd(v128.load(p + kb), xv, a1);
      a2 = madd(v128.load(p + 2 * kb), xv, a2);
      a3 = madd(v128.load(p + 3 * kb), xv, a3);
      a4 = madd(v128.load(p + 4 * kb), xv, a4);
      a5 = madd(v128.load(p + 5 * kb), xv, a5);
      a6 = madd(v128.load(p + 6 * kb), xv, a6);
      a7 = madd(v128.load(p + 7 * kb), xv, a7);
    }
    const jb = <usize>j << 2;
    put4(sum4(a0, a1, a2, a3), y + jb, bias != 0 ? bias + jb : 0, pw, x, k4b, kb, relu);
    put4(sum4(a4, a5, a6, a7), y + jb + 16, bias != 0 ? bias + jb + 16 : 0, pw + 4 * kb, x, k4b, kb, relu);
  }
  for (; j + 4 <= n; j += 4) {
    const pw = w + <usize>j * kb;
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
    for (let o: usize = 0; o < k4b; o += 16) {
      const xv = v128.load(x + o);
      const p = pw + o;
      a0 = madd(v128.load(p), xv, a0);
      a1 = madd(v128.load(p + kb), xv, a1);
      a2 = madd(v128.load(p + 2 * kb), xv, a2);
      a3 = madd(v128.load(p + 3 * kb), xv, a3);
    }
    const jb = <usize>j << 2;
    put4(sum4(a0, a1, a2, a3), y + jb, bias != 0 ? bias + jb : 0, pw, x, k4b, kb, relu);
  }
  for (; j < n; j++) {
    const pw = w + <usize>j * kb;
    let a = f32x4.splat(0);
    for (let o: usize = 0; o < k4b; o += 16) a = madd(v128.load(pw + o), v128.load(x + o), a);
    let s = (f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 1)) + (f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3));
    s += tail(pw, x, k4b, kb);
    if (bias != 0) s += load<f32>(bias + (<usize>j << 2));
    if (relu && s < 0) s = 0;
    store<f32>(y + (<usize>j << 2), s);
  }
}

/**
 * y[j] = ReLU?(bias[j] + Σ_p x[p]·Wt[p, j]) for j < n; Wt row-major k×n (the transposed weight),
 * for a small k. bias n floats or 0; y must not overlap x.
 */
export function gemvAxpy(n: i32, k: i32, wt: usize, x: usize, bias: usize, y: usize, relu: bool): void {
  // fc1 of the default widths (da = 8, 4, 2): the k broadcasts of x stay in registers
  if (k == 8) axpyK(n, 8, wt, x, bias, y, relu);
  else if (k == 4) axpyK(n, 4, wt, x, bias, y, relu);
  else if (k == 2) axpyK(n, 2, wt, x, bias, y, relu);
  else axpyK(n, k, wt, x, bias, y, relu);
}

/** gemvAxpy for k ≤ 8 known at the call (after inlining, the unused broadcasts fold away), or any k. */
@inline function axpyK(n: i32, k: i32, wt: usize, x: usize, bias: usize, y: usize, relu: bool): void {
  const nb = <usize>n << 2;
  let o: usize = 0;
  if (k <= 8) {
    const zero = f32x4.splat(0);
    const x0 = k > 0 ? v128.load32_splat(x) : zero, x1 = k > 1 ? v128.load32_splat(x + 4) : zero;
    const x2 = k > 2 ? v128.load32_splat(x + 8) : zero, x3 = k > 3 ? v128.load32_splat(x + 12) : zero;
    const x4 = k > 4 ? v128.load32_splat(x + 16) : zero, x5 = k > 5 ? v128.load32_splat(x + 20) : zero;
    const x6 = k > 6 ? v128.load32_splat(x + 24) : zero, x7 = k > 7 ? v128.load32_splat(x + 28) : zero;
    for (; o + 16 <= nb; o += 16) {
      let a = bias != 0 ? v128.load(bias + o) : zero;
      const pw = wt + o;
      if (k > 0) a = madd(x0, v128.load(pw), a);
      if (k > 1) a = madd(x1, v128.load(pw + nb), a);
      if (k > 2) a = madd(x2, v128.load(pw + 2 * nb), a);
      if (k > 3) a = madd(x3, v128.load(pw + 3 * nb), a);
      if (k > 4) a = madd(x4, v128.load(pw + 4 * nb), a);
      if (k > 5) a = madd(x5, v128.load(pw + 5 * nb), a);
      if (k > 6) a = madd(x6, v128.load(pw + 6 * nb), a);
      if (k > 7) a = madd(x7, v128.load(pw + 7 * nb), a);
      if (relu) a = f32x4.pmax(a, zero);
      v128.store(y + o, a);
    }
  } else {
    for (; o + 16 <= nb; o += 16) {
      let a = bias != 0 ? v128.load(bias + o) : f32x4.splat(0);
      let pw = wt + o;
      for (let p = 0; p < k; p++) {
        a = madd(v128.load32_splat(x + (<usize>p << 2)), v128.load(pw), a);
        pw += nb;
      }
      if (relu) a = f32x4.pmax(a, f32x4.splat(0));
      v128.store(y + o, a);
    }
  }
  for (; o < nb; o += 4) {
    let s: f32 = bias != 0 ? load<f32>(bias + o) : 0;
    for (let p = 0; p < k; p++) s += load<f32>(x + (<usize>p << 2)) * load<f32>(wt + <usize>p * nb + o);
    if (relu && s < 0) s = 0;
    store<f32>(y + o, s);
  }
}
