/**
 * @fileoverview The Student-t base of the forecaster: the per-dimension constants that depend on ν
 * only (computed once per parameter update, in f64), and SIMD draws ε ~ t_ν from the counter-based
 * stream of rng.ts: ε = g / sqrt(V/ν), g ~ N(0, 1), V = 2·Gamma(ν/2) by Marsaglia–Tsang.
 *
 * The gamma draw of element e (the same stream index as its g) is a pure function of (key, e):
 * attempt a hashes (e, a) with keys derived from the state's, so draws do not depend on how a
 * caller splits them into calls. Shape ν/2 > 1 always (ν = 2 + softplus θ), where Marsaglia–Tsang
 * accepts ~98 % of first attempts; lanes that reject try again together (at most 64 rounds; the
 * chance of reaching that is below 1e-100).
 */
import { fillNormal, logv, mixv, pairsv } from './rng';

const LN_2PI: f64 = 1.8378770664093453;

/** ln Γ(x), x > 0: recurrence up to x ≥ 10, then Stirling's series (error < 1e-13). */
export function lgamma(x: f64): f64 {
  let shift: f64 = 0;
  while (x < 10) {
    shift += Math.log(x);
    x += 1;
  }
  const r = 1 / x, r2 = r * r;
  const series = r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))));
  return (x - 0.5) * Math.log(x) - x + 0.5 * LN_2PI + series - shift;
}

/** ψ(x) = d ln Γ(x)/dx, x > 0: recurrence up to x ≥ 10, then the asymptotic series (error < 1e-13). */
export function digamma(x: f64): f64 {
  let shift: f64 = 0;
  while (x < 10) {
    shift += 1 / x;
    x += 1;
  }
  const r = 1 / x, r2 = r * r;
  const series = r2 * (1.0 / 12 - r2 * (1.0 / 120 - r2 * (1.0 / 252 - r2 * (1.0 / 240 - r2 / 132))));
  return Math.log(x) - 0.5 * r - series - shift;
}

/** ln(1 + eˣ) without overflow. */
export function softplus(x: f64): f64 {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * From θ (T values at `theta`, f32) fill `nu` (f64[4·T]: ν, log-normaliser lgamma((ν+1)/2) −
 * lgamma(ν/2) − ½ln(νπ), ½[ψ((ν+1)/2) − ψ(ν/2)] − 1/(2ν), sigmoid θ) and the sampling table `tab`
 * (f32[3·(T+4)]: d = ν/2 − ⅓, c = 1/√(9d), ν; column j at j and at j + T for wrap-around loads).
 */
export function studentPrepare(theta: usize, T: i32, nu: usize, tab: usize): void {
  const W = T + 4;
  for (let j = 0; j < T; j++) {
    const th = <f64>load<f32>(theta + (<usize>j << 2));
    const v = 2 + softplus(th);
    store<f64>(nu + (<usize>j << 3), v);
    store<f64>(nu + (<usize>(T + j) << 3), lgamma(0.5 * (v + 1)) - lgamma(0.5 * v) - 0.5 * Math.log(v * Math.PI));
    store<f64>(nu + (<usize>(2 * T + j) << 3), 0.5 * (digamma(0.5 * (v + 1)) - digamma(0.5 * v)) - 0.5 / v);
    store<f64>(nu + (<usize>(3 * T + j) << 3), 1 / (1 + Math.exp(-th)));
    const d = 0.5 * v - 1.0 / 3;
    for (let w = j; w < W; w += T) {
      store<f32>(tab + (<usize>w << 2), <f32>d);
      store<f32>(tab + (<usize>(W + w) << 2), <f32>(1 / Math.sqrt(9 * d)));
      store<f32>(tab + (<usize>(2 * W + w) << 2), <f32>v);
    }
  }
}

/** ε for 4 consecutive elements (stream indices in `e`) from their normals `g` and per-lane d, c, ν. */
@inline function studentGroup(e: v128, g: v128, d: v128, c: v128, nu: v128, k0: v128, k1: v128, k2: v128, buf: usize): v128 {
  let accepted = i32x4.splat(0);
  let gam = f32x4.splat(1);
  const one = f32x4.splat(1);
  for (let a = 0; a < 64; a++) {
    const ka = i32x4.add(k0, i32x4.splat(a * <i32>0x9e3779b9));
    pairsv(e, ka, k1, k2, one, buf); // lane l: pair e[l] → cos at buf[2l]
    const x = v128.shuffle<f32>(v128.load(buf), v128.load(buf, 16), 0, 2, 4, 6);
    const ub = mixv(v128.xor(mixv(i32x4.add(e, i32x4.add(ka, i32x4.splat(0x2545f491)))), k2));
    const u = f32x4.mul(f32x4.add(f32x4.convert_i32x4_u(ub), f32x4.splat(0.5)), f32x4.splat(2.3283064365386963e-10));
    const t = f32x4.add(one, f32x4.mul(c, x));
    const v = f32x4.mul(f32x4.mul(t, t), t);
    // accept when ln u < ½x² + d − d·v + d·ln v (and v > 0)
    const rhs = f32x4.add(f32x4.mul(f32x4.splat(0.5), f32x4.mul(x, x)), f32x4.mul(d, f32x4.add(f32x4.sub(one, v), logv(v))));
    const ok = v128.and(f32x4.gt(t, f32x4.splat(0)), f32x4.lt(logv(u), rhs));
    const fresh = v128.andnot(ok, accepted);
    gam = v128.bitselect(f32x4.mul(d, v), gam, fresh);
    accepted = v128.or(accepted, ok);
    if (i32x4.all_true(accepted)) break;
  }
  // ε = g / sqrt(V/ν), V = 2·gamma
  return f32x4.mul(g, f32x4.sqrt(f32x4.div(nu, f32x4.mul(f32x4.splat(2), gam))));
}

/**
 * Fill out[0..count) (rows of width T, row-major, starting at a row) with ε ~ t_ν per column from the stream at
 * `state` (advances its element counter by count), with the table of studentPrepare.
 */
export function fillStudent(state: usize, out: usize, count: i32, T: i32, tab: usize): void {
  const start = load<u32>(state, 12);
  fillNormal(state, out, count, 1.0);
  // keys of the gamma attempts: the state's key, decorrelated from the normals' by constants
  const k0 = i32x4.splat(load<i32>(state) ^ 0x6a09e667);
  const k1 = i32x4.splat(load<i32>(state, 4) ^ <i32>0xbb67ae85);
  const k2 = i32x4.splat(load<i32>(state, 8) ^ 0x3c6ef372);
  const W = T + 4;
  const buf = memory.data(48, 16);
  let col = 0;
  for (let k = 0; k < count; k += 4) {
    const e = i32x4.add(i32x4.splat(<i32>(start + <u32>k)), i32x4(0, 1, 2, 3));
    const cb = <usize>col << 2;
    const d = v128.load(tab + cb), c = v128.load(tab + (<usize>W << 2) + cb), nu = v128.load(tab + (<usize>(2 * W) << 2) + cb);
    const p = out + (<usize>k << 2);
    if (k + 4 <= count) v128.store(p, studentGroup(e, v128.load(p), d, c, nu, k0, k1, k2, buf));
    else {
      const tail = buf + 32;
      for (let l = 0; l < count - k; l++) store<f32>(tail + (<usize>l << 2), load<f32>(p + (<usize>l << 2)));
      v128.store(tail, studentGroup(e, v128.load(tail), d, c, nu, k0, k1, k2, buf));
      for (let l = 0; l < count - k; l++) store<f32>(p + (<usize>l << 2), load<f32>(tail + (<usize>l << 2)));
    }
    col += 4;
    while (col >= T) col -= T;
  }
}
