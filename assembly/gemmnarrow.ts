/**
 * @fileoverview The last 1–3 columns of a gemm (gemm.ts), when C is narrower than a 4-column
 * tile — e.g. the fc1 gradients of a d = 4 level, whose inputs are 2 wide. Instead of one scalar
 * dot product per output, the work is vectorised along whatever is contiguous:
 * - A stored transposed (rsA = 1): 16 rows of a column at once, 4 independent accumulators;
 * - A row-major (csA = 1): the few B columns are packed into a static buffer, and each output is a
 *   dot product along p, 16 values at a time in 4 accumulators (lanes summed at the end);
 * - other strides: scalar.
 * The epilogue (accumulate, bias, ReLU, mask) is applied per output.
 */
import { madd } from './gemmtile';

/** Longest packed B column (floats); longer products go in slices of this many. */
const KPACK: i32 = 1024;
/** Scratch: a packed column of B, or 16 results of the transposed-A path (static: never allocated). */
const packed = memory.data(KPACK * 4, 16);

@inline function finish(s: f32, pc: usize, pbias: usize, pmask: usize, acc: bool, relu: bool): f32 {
  if (acc) s += load<f32>(pc);
  if (pbias != 0) s += load<f32>(pbias);
  if (relu && s < 0) s = 0; // as f32x4.pmax(s, 0) in the tiles: a NaN passes through
  if (pmask != 0 && !(load<f32>(pmask) > 0)) s = 0;
  return s;
}

@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** One output C[i, j] as a scalar dot product (any strides; bytes). */
function dot1(k: i32, pa: usize, csA: usize, pb: usize, ldb: usize): f32 {
  let s: f32 = 0;
  for (let p = 0; p < k; p++) {
    s += load<f32>(pa) * load<f32>(pb);
    pa += csA;
    pb += ldb;
  }
  return s;
}

/** Σ_p A(i, p)·packed[p] for a row of A contiguous in p (at pa), k ≤ KPACK. */
function dotPacked(k: i32, pa: usize): f32 {
  let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
  let o: usize = 0;
  const end16 = <usize>(k & ~15) << 2, end4 = <usize>(k & ~3) << 2, end = <usize>k << 2;
  for (; o < end16; o += 64) {
    s0 = madd(v128.load(pa + o), v128.load(packed + o), s0);
    s1 = madd(v128.load(pa + o, 16), v128.load(packed + o, 16), s1);
    s2 = madd(v128.load(pa + o, 32), v128.load(packed + o, 32), s2);
    s3 = madd(v128.load(pa + o, 48), v128.load(packed + o, 48), s3);
  }
  for (; o < end4; o += 16) s0 = madd(v128.load(pa + o), v128.load(packed + o), s0);
  let s = hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
  for (; o < end; o += 4) s += load<f32>(pa + o) * load<f32>(packed + o);
  return s;
}

/**
 * C[:, j0..n) for an m-row gemm (element strides as in gemm()). `acc`/`relu`: the flags; `bias`
 * and `mask` byte pointers or 0.
 */
export function gemmNarrowColumns(
  m: i32, n: i32, j0: i32, k: i32, a: usize, rsA: i32, csA: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  bias: usize, mask: usize, acc: bool, relu: bool,
): void {
  const csAb = <usize>csA << 2, ldbb = <usize>ldb << 2, ldcb = <usize>ldc << 2;
  for (let j = j0; j < n; j++) {
    const jb = <usize>j << 2;
    const pbias: usize = bias != 0 ? bias + jb : 0;
    let i = 0;
    if (rsA == 1) {
      // 16 rows at a time: A(i..i+15, p) are 4 vectors, B[p, j] one broadcast
      for (; i + 16 <= m; i += 16) {
        let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
        let pa = a + (<usize>i << 2), pb = b + jb;
        for (let p = 0; p < k; p++) {
          const bv = v128.load32_splat(pb);
          s0 = madd(v128.load(pa), bv, s0);
          s1 = madd(v128.load(pa, 16), bv, s1);
          s2 = madd(v128.load(pa, 32), bv, s2);
          s3 = madd(v128.load(pa, 48), bv, s3);
          pa += csAb;
          pb += ldbb;
        }
        v128.store(packed, s0);
        v128.store(packed, s1, 16);
        v128.store(packed, s2, 32);
        v128.store(packed, s3, 48);
        for (let q = 0; q < 16; q++) {
          const pc = c + <usize>(i + q) * ldcb + jb;
          const pm: usize = mask != 0 ? mask + <usize>(i + q) * ldcb + jb : 0;
          store<f32>(pc, finish(load<f32>(packed + (<usize>q << 2)), pc, pbias, pm, acc, relu));
        }
      }
    }
    if (csA == 1 && k <= KPACK) {
      // pack column j of B, then one vector dot product per row of A
      for (let p = 0; p < k; p++) store<f32>(packed + (<usize>p << 2), load<f32>(b + <usize>p * ldbb + jb));
      for (; i < m; i++) {
        const pc = c + <usize>i * ldcb + jb;
        const pm: usize = mask != 0 ? mask + <usize>i * ldcb + jb : 0;
        store<f32>(pc, finish(dotPacked(k, a + (<usize>(i * rsA) << 2)), pc, pbias, pm, acc, relu));
      }
    }
    for (; i < m; i++) {
      const pc = c + <usize>i * ldcb + jb;
      const pm: usize = mask != 0 ? mask + <usize>i * ldcb + jb : 0;
      const s = dot1(k, a + (<usize>(i * rsA) << 2), csAb, b + jb, ldbb);
      store<f32>(pc, finish(s, pc, pbias, pm, acc, relu));
    }
  }
}
