/**
 * @fileoverview The elementwise half of the coupling layers, on f32x4 whatever the width db:
 * columns go 4 at a time within a row; a remaining pair of columns goes together with the same
 * pair of the next row (two 64-bit lanes); only an odd last column is scalar. So the d = 4 level
 * (db = 2) runs at full vector width instead of one scalar exp and tanh per value.
 *
 * Affine forward: logS = 2·tanh(s), e = exp(logS), yb = xb·e + t; the net output `o` keeps logS
 * in its first half and e in its second (t is not needed again), so the backward recomputes
 * nothing. The scalar column uses lane 0 of the same vector functions: every value is computed the
 * same way whatever its column. Row layouts: `o` rows have nOut = 2·db floats (logS | e), x / y
 * rows have d floats of which these kernels touch the last db (from column da).
 */
import { expv, exps, tanhv, tanhs } from './simdmath';

/** 4 floats at p0 (one row), or 2 at p0 and 2 at p1 (a pair of rows). */
@inline function lanes(p0: usize, p1: usize, pair: bool): v128 {
  return pair ? v128.load64_lane(p1, v128.load64_zero(p0), 1) : v128.load(p0);
}

@inline function put(p0: usize, p1: usize, v: v128, pair: bool): void {
  if (pair) {
    v128.store64_lane(p0, v, 0);
    v128.store64_lane(p1, v, 1);
  } else v128.store(p0, v);
}

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

@inline function fwdGroup(o0: usize, o1: usize, x0: usize, x1: usize, y0: usize, y1: usize, tOff: usize, pair: bool): v128 {
  const ls = f32x4.mul(f32x4.splat(2), tanhv(lanes(o0, o1, pair)));
  const e = expv(ls);
  const t = lanes(o0 + tOff, o1 + tOff, pair);
  put(y0, y1, f32x4.add(f32x4.mul(lanes(x0, x1, pair), e), t), pair);
  put(o0, o1, ls, pair);
  put(o0 + tOff, o1 + tOff, e, pair);
  return ls;
}

/** Affine forward over n rows (see the file comment); adds each row's Σ logS to logdet[row]. */
export function affineForward(n: i32, d: i32, da: i32, db: i32, x: usize, o: usize, y: usize, logdet: usize): void {
  const nOut = db * 2;
  const tOff = <usize>db << 2;
  const full = db & ~3;
  for (let i = 0; i < n; i++) {
    const xr = x + (<usize>(i * d + da) << 2), yr = y + (<usize>(i * d + da) << 2), or = o + (<usize>(i * nOut) << 2);
    let ldv = f32x4.splat(0);
    for (let j = 0; j < full; j += 4) {
      const c = <usize>j << 2;
      ldv = f32x4.add(ldv, fwdGroup(or + c, 0, xr + c, 0, yr + c, 0, tOff, false));
    }
    if (full > 0) store<f32>(logdet + (<usize>i << 2), load<f32>(logdet + (<usize>i << 2)) + hsum(ldv));
  }
  if (db & 2) {
    const c = <usize>full << 2;
    for (let i = 0; i < n; i += 2) {
      const i1 = i + 1 < n ? i + 1 : i; // an odd last row pairs with itself
      const ls = fwdGroup(o + (<usize>(i * nOut) << 2) + c, o + (<usize>(i1 * nOut) << 2) + c,
        x + (<usize>(i * d + da) << 2) + c, x + (<usize>(i1 * d + da) << 2) + c,
        y + (<usize>(i * d + da) << 2) + c, y + (<usize>(i1 * d + da) << 2) + c, tOff, true);
      const p = logdet + (<usize>i << 2);
      store<f32>(p, load<f32>(p) + (f32x4.extract_lane(ls, 0) + f32x4.extract_lane(ls, 1)));
      if (i1 != i) store<f32>(p + 4, load<f32>(p + 4) + (f32x4.extract_lane(ls, 2) + f32x4.extract_lane(ls, 3)));
    }
  }
  if (db & 1) {
    const j = db - 1;
    for (let i = 0; i < n; i++) {
      const po = o + (<usize>(i * nOut + j) << 2), px = x + (<usize>(i * d + da + j) << 2);
      const ls: f32 = <f32>2.0 * tanhs(load<f32>(po));
      const e = exps(ls);
      store<f32>(y + (<usize>(i * d + da + j) << 2), load<f32>(px) * e + load<f32>(po + tOff));
      store<f32>(po, ls);
      store<f32>(po + tOff, e);
      const p = logdet + (<usize>i << 2);
      store<f32>(p, load<f32>(p) + ls);
    }
  }
}

@inline function invGroup(o0: usize, o1: usize, y0: usize, y1: usize, x0: usize, x1: usize, tOff: usize, pair: bool): void {
  const ls = f32x4.mul(f32x4.splat(2), tanhv(lanes(o0, o1, pair)));
  const t = lanes(o0 + tOff, o1 + tOff, pair);
  put(x0, x1, f32x4.mul(f32x4.sub(lanes(y0, y1, pair), t), expv(f32x4.neg(ls))), pair);
}

/** Affine inverse: xb = (yb − t)·exp(−2·tanh(s)) from the net output o = [s | t]. */
export function affineInverse(n: i32, d: i32, da: i32, db: i32, y: usize, o: usize, x: usize): void {
  const nOut = db * 2;
  const tOff = <usize>db << 2;
  const full = db & ~3;
  for (let i = 0; i < n; i++) {
    const yr = y + (<usize>(i * d + da) << 2), xr = x + (<usize>(i * d + da) << 2), or = o + (<usize>(i * nOut) << 2);
    for (let j = 0; j < full; j += 4) {
      const c = <usize>j << 2;
      invGroup(or + c, 0, yr + c, 0, xr + c, 0, tOff, false);
    }
  }
  if (db & 2) {
    const c = <usize>full << 2;
    for (let i = 0; i < n; i += 2) {
      const i1 = i + 1 < n ? i + 1 : i;
      invGroup(o + (<usize>(i * nOut) << 2) + c, o + (<usize>(i1 * nOut) << 2) + c,
        y + (<usize>(i * d + da) << 2) + c, y + (<usize>(i1 * d + da) << 2) + c,
        x + (<usize>(i * d + da) << 2) + c, x + (<usize>(i1 * d + da) << 2) + c, tOff, true);
    }
  }
  if (db & 1) {
    const j = db - 1;
    for (let i = 0; i < n; i++) {
      const po = o + (<usize>(i * nOut + j) << 2);
      const ls: f32 = <f32>2.0 * tanhs(load<f32>(po));
      const yb = load<f32>(y + (<usize>(i * d + da + j) << 2));
      store<f32>(x + (<usize>(i * d + da + j) << 2), (yb - load<f32>(po + tOff)) * exps(-ls));
    }
  }
}

@inline function bwdGroup(o0: usize, o1: usize, x0: usize, x1: usize, dy0: usize, dy1: usize, dx0: usize, dx1: usize,
  do0: usize, do1: usize, tOff: usize, invN: f32, pair: bool): void {
  const dyb = lanes(dy0, dy1, pair);
  const ls = lanes(o0, o1, pair);
  const e = lanes(o0 + tOff, o1 + tOff, pair);
  const th = f32x4.mul(ls, f32x4.splat(0.5));
  const dls = f32x4.sub(f32x4.mul(f32x4.mul(dyb, lanes(x0, x1, pair)), e), f32x4.splat(invN));
  put(do0, do1, f32x4.mul(f32x4.mul(dls, f32x4.splat(2)), f32x4.sub(f32x4.splat(1), f32x4.mul(th, th))), pair);
  put(do0 + tOff, do1 + tOff, dyb, pair);
  put(dx0, dx1, f32x4.mul(dyb, e), pair);
}

/**
 * Affine backward: from dL/dyb, the forward input xb and o = [logS | e] to dL/do (dO) and dL/dxb;
 * `invN` weighs the −ΣlogS term of the loss.
 */
export function affineBackward(n: i32, d: i32, da: i32, db: i32, x: usize, o: usize, dy: usize, dx: usize, dO: usize, invN: f32): void {
  const nOut = db * 2;
  const tOff = <usize>db << 2;
  const full = db & ~3;
  for (let i = 0; i < n; i++) {
    const r = <usize>(i * d + da) << 2, ro = <usize>(i * nOut) << 2;
    for (let j = 0; j < full; j += 4) {
      const c = <usize>j << 2;
      bwdGroup(o + ro + c, 0, x + r + c, 0, dy + r + c, 0, dx + r + c, 0, dO + ro + c, 0, tOff, invN, false);
    }
  }
  if (db & 2) {
    const c = <usize>full << 2;
    for (let i = 0; i < n; i += 2) {
      const i1 = i + 1 < n ? i + 1 : i;
      const r0 = (<usize>(i * d + da) << 2) + c, r1 = (<usize>(i1 * d + da) << 2) + c;
      const q0 = (<usize>(i * nOut) << 2) + c, q1 = (<usize>(i1 * nOut) << 2) + c;
      bwdGroup(o + q0, o + q1, x + r0, x + r1, dy + r0, dy + r1, dx + r0, dx + r1, dO + q0, dO + q1, tOff, invN, true);
    }
  }
  if (db & 1) {
    const j = db - 1;
    for (let i = 0; i < n; i++) {
      const r = <usize>(i * d + da + j) << 2, ro = <usize>(i * nOut + j) << 2;
      const dyb = load<f32>(dy + r);
      const ls = load<f32>(o + ro);
      const e = load<f32>(o + ro + tOff);
      const th: f32 = ls * <f32>0.5;
      const dls = dyb * load<f32>(x + r) * e - invN;
      store<f32>(dO + ro, dls * <f32>2.0 * (<f32>1.0 - th * th));
      store<f32>(dO + ro + tOff, dyb);
      store<f32>(dx + r, dyb * e);
    }
  }
}

/** Additive coupling: yb = xb + sign·t over n rows (sign −1 for the inverse); t = o (nOut = db). */
export function additiveApply(n: i32, d: i32, da: i32, db: i32, src: usize, o: usize, dst: usize, sign: f32): void {
  for (let i = 0; i < n; i++) {
    const r = <usize>(i * d + da) << 2, ro = <usize>(i * db) << 2;
    let j = 0;
    for (; j + 4 <= db; j += 4) {
      const c = <usize>j << 2;
      v128.store(dst + r + c, f32x4.add(v128.load(src + r + c), f32x4.mul(v128.load(o + ro + c), f32x4.splat(sign))));
    }
    for (; j < db; j++) {
      const c = <usize>j << 2;
      store<f32>(dst + r + c, load<f32>(src + r + c) + load<f32>(o + ro + c) * sign);
    }
  }
}
