/**
 * @fileoverview exp and tanh on f32x4 (Cephes single-precision algorithms).
 *
 * expv: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two parts so n·ln2 is exact), e^r = 1 + r + r²·P(r) with a
 * degree-5 minimax P, scaled by 2ⁿ through the exponent bits. Relative error ≤ 2 ulp
 * (≈ 2.4e-7) on [−87, 88]; inputs are clamped to that range (no inf/NaN from finite input).
 * tanhv: |x| < 0.625: x + x³·P(x²) (relative error ≤ 2 ulp); otherwise sign(x)·(1 − 2/(e^{2|x|}+1))
 * (absolute error ≤ 2.4e-7; saturates to ±1 for |x| > 9).
 */

@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/** 1.5·2²³ and its bit pattern (see expv). */
const MAGIC: f32 = 12582912.0;
const MAGIC_BITS: i32 = 0x4b400000;

/** a·b + c (two roundings; the polynomial's error budget above includes them). */
@inline function mad(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(f32x4.mul(a, b), c);
}

@inline export function expv(x: v128): v128 {
  // pmax/pmin (x86 maxps/minps): wasm's min/max cost ~7 instructions each for their NaN and ±0
  // rules; with x first, a NaN still propagates.
  x = f32x4.pmin(f32x4.pmax(x, splat(-87.0)), splat(88.0));
  // n = round(x·log2 e) by adding 1.5·2²³: the sum's low mantissa bits hold n, ties to even as
  // f32x4.nearest, and its bits give 2ⁿ below without a float → int conversion.
  const shifted = f32x4.add(f32x4.mul(x, splat(1.44269504088896341)), splat(MAGIC));
  const fx = f32x4.sub(shifted, splat(MAGIC));
  let r = f32x4.sub(x, f32x4.mul(fx, splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(fx, splat(-2.12194440e-4)));
  const r2 = f32x4.mul(r, r);
  let y = splat(1.9875691500e-4);
  y = mad(y, r, splat(1.3981999507e-3));
  y = mad(y, r, splat(8.3334519073e-3));
  y = mad(y, r, splat(4.1665795894e-2));
  y = mad(y, r, splat(1.6666665459e-1));
  y = mad(y, r, splat(5.0000001201e-1));
  y = f32x4.add(mad(y, r2, r), splat(1.0));
  const pow2n = i32x4.shl(i32x4.add(shifted, i32x4.splat(127 - MAGIC_BITS)), 23);
  return f32x4.mul(y, pow2n);
}

@inline export function tanhv(x: v128): v128 {
  const ax = f32x4.abs(x);
  // small |x|: odd polynomial
  const z = f32x4.mul(x, x);
  let p = splat(-5.70498872745e-3);
  p = mad(p, z, splat(2.06390887954e-2));
  p = mad(p, z, splat(-5.37397155531e-2));
  p = mad(p, z, splat(1.33314422036e-1));
  p = mad(p, z, splat(-3.33332819422e-1));
  const small = mad(f32x4.mul(p, z), x, x);
  // large |x|: 1 − 2/(e^{2|x|} + 1), with the sign of x
  const e = expv(f32x4.mul(f32x4.pmin(ax, splat(9.0)), splat(2.0)));
  const big = f32x4.sub(splat(1.0), f32x4.div(splat(2.0), f32x4.add(e, splat(1.0))));
  const signed = v128.or(big, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(ax, splat(0.625)));
}

/** Scalar wrappers for tails (lane 0 of the vector versions, so results match the SIMD lanes). */
@inline export function exps(x: f32): f32 {
  return f32x4.extract_lane(expv(f32x4.splat(x)), 0);
}

@inline export function tanhs(x: f32): f32 {
  return f32x4.extract_lane(tanhv(f32x4.splat(x)), 0);
}

/** Exported for kernel tests: out[i] = exp(in[i]) or tanh(in[i]) for i < n. */
export function vexp(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + <usize>i * 4, expv(v128.load(src + <usize>i * 4)));
  for (; i < n; i++) store<f32>(dst + <usize>i * 4, exps(load<f32>(src + <usize>i * 4)));
}

export function vtanh(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + <usize>i * 4, tanhv(v128.load(src + <usize>i * 4)));
  for (; i < n; i++) store<f32>(dst + <usize>i * 4, tanhs(load<f32>(src + <usize>i * 4)));
}
