/**
 * @fileoverview Seeded Gaussian noise in linear memory, four Box–Muller pairs per SIMD step.
 *
 * Counter-based: the state is 4 u32 words at a pointer (written by the host; any values work):
 * words 0–2 are the key, word 3 the index of the next element of the stream. Element e is a pure
 * function of (key, e) — pair p = e >> 1 hashes to two 32-bit words, u1 → radius, u2 → angle;
 * even e takes r·cos θ, odd e r·sin θ — so the values do not depend on how a caller splits the
 * draws into calls, and the stream (2³² elements) never repeats within one allocation.
 *
 * Hash: a = mix(p + k0), u1 = mix(a ^ k1), u2 = mix(u1 ^ k2) with mix the "lowbias32" integer
 * finaliser (two multiply–xorshift rounds, bijective), so distinct pairs give distinct a and u1, and
 * u2 is a further round of u1 rather than a second hash of a (which would repeat u1 when k1 = k2).
 * Radius: r = sqrt(−2 ln u), u = (u1 + ½)·2⁻³² ∈ (0, 1], so |z| ≤ 6.77 (P(|N(0,1)| > 6.77) ≈ 1e-11).
 * Angle: the top two bits of u2 pick the quadrant q, the next 23 give φ ∈ [−π/4, π/4) exactly;
 * θ = q·π/2 + φ covers a full turn uniformly.
 * Error budget (f32): ln ≤ 2 ulp relative (Cephes logf), sin/cos on [−π/4, π/4] ≤ 2 ulp, sqrt
 * and the products correctly rounded: each deviate is within ~1e-6 relative of r·cos θ in exact
 * arithmetic for its u1, u2 — far below the sampling noise it models.
 */

@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/** lowbias32 (C. Wellons): a bijective 32-bit mixer with low avalanche bias. */
@inline export function mixv(x: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, i32x4.splat(0x7feb352d));
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, i32x4.splat(<i32>0x846ca68b));
  return v128.xor(x, i32x4.shr_u(x, 16));
}

/** Natural log of x ∈ (0, 1] (Cephes logf: x = m·2ᵉ with m ∈ [√½, √2), ln(1 + (m−1)) by a degree-9 polynomial). */
@inline export function logv(x: v128): v128 {
  let e = i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(126));
  let m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000)); // m ∈ [½, 1)
  const small = f32x4.lt(m, splat(0.707106781186547524));
  // m < √½: 2m − 1 and e − 1; otherwise m − 1
  e = i32x4.add(e, small); // small is −1 where true
  m = f32x4.sub(f32x4.add(m, v128.and(m, small)), splat(1.0));
  const fe = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(m, m);
  let y = splat(7.0376836292e-2);
  y = f32x4.add(f32x4.mul(y, m), splat(-1.1514610310e-1));
  y = f32x4.add(f32x4.mul(y, m), splat(1.1676998740e-1));
  y = f32x4.add(f32x4.mul(y, m), splat(-1.2420140846e-1));
  y = f32x4.add(f32x4.mul(y, m), splat(1.4249322787e-1));
  y = f32x4.add(f32x4.mul(y, m), splat(-1.6668057665e-1));
  y = f32x4.add(f32x4.mul(y, m), splat(2.0000714765e-1));
  y = f32x4.add(f32x4.mul(y, m), splat(-2.4999993993e-1));
  y = f32x4.add(f32x4.mul(y, m), splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, m), z);
  y = f32x4.add(y, f32x4.mul(fe, splat(-2.12194440e-4)));
  y = f32x4.sub(y, f32x4.mul(z, splat(0.5)));
  return f32x4.add(f32x4.add(m, y), f32x4.mul(fe, splat(0.693359375)));
}

/**
 * The eight deviates of the four pairs in the lanes of `pair`, times `scale`, stored at out[0..8)
 * in stream order: r·cos θ then r·sin θ of each pair.
 */
@inline export function pairsv(pair: v128, k0: v128, k1: v128, k2: v128, scale: v128, out: usize): void {
  const a = mixv(i32x4.add(pair, k0));
  const u1 = mixv(v128.xor(a, k1));
  const u2 = mixv(v128.xor(u1, k2));
  const u = f32x4.mul(f32x4.add(f32x4.convert_i32x4_u(u1), splat(0.5)), splat(2.3283064365386963e-10));
  const r = f32x4.mul(f32x4.sqrt(f32x4.mul(logv(u), splat(-2.0))), scale);
  // φ = (f − (2²² − ½))·(π/2)/2²³ with f the 23 bits below the quadrant: exact in f32.
  const f = f32x4.convert_i32x4_s(v128.and(i32x4.shr_u(u2, 7), i32x4.splat(0x7fffff)));
  const phi = f32x4.mul(f32x4.sub(f, splat(4194303.5)), splat(1.8725351414619535e-7));
  const z = f32x4.mul(phi, phi);
  let s = splat(-1.9515295891e-4);
  s = f32x4.add(f32x4.mul(s, z), splat(8.3321608736e-3));
  s = f32x4.add(f32x4.mul(s, z), splat(-1.6666654611e-1));
  s = f32x4.add(f32x4.mul(f32x4.mul(s, z), phi), phi);
  let c = splat(2.443315711809948e-5);
  c = f32x4.add(f32x4.mul(c, z), splat(-1.388731625493765e-3));
  c = f32x4.add(f32x4.mul(c, z), splat(4.166664568298827e-2));
  c = f32x4.add(f32x4.sub(f32x4.mul(f32x4.mul(c, z), z), f32x4.mul(z, splat(0.5))), splat(1.0));
  // rotate by q·π/2: q=0 (c, s), 1 (−s, c), 2 (−c, −s), 3 (s, −c)
  const q = i32x4.shr_u(u2, 30);
  const swap = i32x4.eq(v128.and(q, i32x4.splat(1)), i32x4.splat(1));
  const cs = v128.bitselect(s, c, swap);
  const sn = v128.bitselect(c, s, swap);
  const negCos = i32x4.shl(v128.and(i32x4.add(q, i32x4.splat(1)), i32x4.splat(2)), 30); // q ∈ {1, 2}
  const negSin = i32x4.shl(v128.and(q, i32x4.splat(2)), 30); // q ∈ {2, 3}
  const cosv = f32x4.mul(v128.xor(cs, negCos), r);
  const sinv = f32x4.mul(v128.xor(sn, negSin), r);
  v128.store(out, v128.shuffle<f32>(cosv, sinv, 0, 4, 1, 5));
  v128.store(out, v128.shuffle<f32>(cosv, sinv, 2, 6, 3, 7), 16);
}

/** Fill out[0..n) with N(0, scale²) deviates: elements state[3] … state[3]+n−1 of the keyed stream; advances state[3]. */
export function fillNormal(state: usize, out: usize, n: i32, scale: f64): void {
  const k0 = i32x4.splat(load<i32>(state)), k1 = i32x4.splat(load<i32>(state, 4)), k2 = i32x4.splat(load<i32>(state, 8));
  const start = load<u32>(state, 12);
  const sc = f32x4.splat(<f32>scale);
  const lanes = i32x4(0, 2, 4, 6); // element offsets of the four pairs (pairs from u32 elements, so the wrap agrees with the scalar path)
  let i = 0;
  // Odd start or a short run: go element by element (the pair is recomputed; lanes 0 of 4).
  const buf = memory.data(32, 16);
  while (i < n && (((start + <u32>i) & 1) != 0 || n - i < 8)) {
    const e = start + <u32>i;
    pairsv(i32x4.splat(<i32>(e >>> 1)), k0, k1, k2, sc, buf);
    store<f32>(out + (<usize>i << 2), load<f32>(buf + ((<usize>e & 1) << 2)));
    i++;
  }
  for (; i + 8 <= n; i += 8) {
    const p = i32x4.shr_u(i32x4.add(i32x4.splat(<i32>(start + <u32>i)), lanes), 1);
    pairsv(p, k0, k1, k2, sc, out + (<usize>i << 2));
  }
  for (; i < n; i++) {
    const e = start + <u32>i;
    pairsv(i32x4.splat(<i32>(e >>> 1)), k0, k1, k2, sc, buf);
    store<f32>(out + (<usize>i << 2), load<f32>(buf + ((<usize>e & 1) << 2)));
  }
  store<u32>(state, start + <u32>n, 12);
}
