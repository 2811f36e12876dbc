/**
 * @fileoverview Affine (or additive) coupling: forward, inverse and backward over a batch.
 *
 *   xa = x[:, :da], xb = x[:, da:]; h1 = relu(xa·W1ᵀ+b1); h2 = relu(h1·W2ᵀ+b2); o = h2·W3ᵀ+b3
 *   affine:   logS = 2·tanh(o[:, :db]), t = o[:, db:];  yb = xb⊙exp(logS) + t;  logdet += ΣlogS
 *   additive: t = o;                                     yb = xb + t
 *
 * After the forward, the log-scale half of `o` holds logS (the backward needs only logS: tanh' =
 * 1 − (logS/2)²). The three products run through the SIMD gemm with the bias and ReLU fused, and
 * the ReLU derivative fused as a mask in the backward; exp and tanh are the f32x4 versions of
 * simdmath.ts, 4 columns at a time. Error budget: exp/tanh ≤ 2.4e-7 (simdmath.ts);
 * |logS| ≤ 2 keeps exp(logS) within [0.135, 7.39], so no overflow is possible here.
 */
import { GEMM_ACC, GEMM_RELU, colSum, copyBlock, gemm } from './gemm';
import { expv, exps, tanhv, tanhs } from './simdmath';
import {
  H_ADD, H_DH1, H_DH2, H_DO, H_HID, S_B1, S_B2, S_B3, S_D, S_DA, S_DB, S_H1, S_H2, S_NOUT, S_O,
  S_W1, S_W1T, S_W2, S_W2T, S_W3, S_W3T, grad, hdr, hptr, param, rec, recPtr,
} from './plan';

/** The coupling network o = MLP(rows of `xa`, leading dimension lda) into the step's h1, h2, o. */
function couplingNet(plan: usize, r: usize, n: i32, xa: usize, lda: i32): void {
  const H = hdr(plan, H_HID);
  const da = rec(r, S_DA), nOut = rec(r, S_NOUT);
  const h1 = recPtr(r, S_H1), h2 = recPtr(r, S_H2), o = recPtr(r, S_O);
  gemm(n, H, da, xa, lda, 1, recPtr(r, S_W1T), H, h1, H, param(plan, r, S_B1), 0, GEMM_RELU);
  gemm(n, H, H, h1, H, 1, recPtr(r, S_W2T), H, h2, H, param(plan, r, S_B2), 0, GEMM_RELU);
  gemm(n, nOut, H, h2, H, 1, recPtr(r, S_W3T), nOut, o, nOut, param(plan, r, S_B3), 0, 0);
}

/** y = coupling(x) for n rows of width d; adds Σ logS of each row to logdet[row]. */
export function couplingForward(plan: usize, r: usize, n: i32, x: usize, y: usize, logdet: usize): void {
  const d = rec(r, S_D), da = rec(r, S_DA), db = rec(r, S_DB), nOut = rec(r, S_NOUT);
  const additive = hdr(plan, H_ADD) != 0;
  couplingNet(plan, r, n, x, d);
  const o = recPtr(r, S_O);
  copyBlock(n, da, x, d, y, d);
  for (let i = 0; i < n; i++) {
    const xr = x + <usize>(i * d + da) * 4;
    const yr = y + <usize>(i * d + da) * 4;
    const or = o + <usize>(i * nOut) * 4;
    if (additive) {
      for (let j = 0; j < db; j++) {
        store<f32>(yr + <usize>j * 4, load<f32>(xr + <usize>j * 4) + load<f32>(or + <usize>j * 4));
      }
    } else {
      // 4 columns at a time with the vector exp/tanh, then the remaining columns
      let ldv = f32x4.splat(0);
      let j = 0;
      for (; j + 4 <= db; j += 4) {
        const o = <usize>j * 4;
        const ls = f32x4.mul(f32x4.splat(2), tanhv(v128.load(or + o)));
        v128.store(or + o, ls);
        const t = v128.load(or + <usize>db * 4 + o);
        v128.store(yr + o, f32x4.add(f32x4.mul(v128.load(xr + o), expv(ls)), t));
        ldv = f32x4.add(ldv, ls);
      }
      let ld: f32 = f32x4.extract_lane(ldv, 0) + f32x4.extract_lane(ldv, 1) + f32x4.extract_lane(ldv, 2) + f32x4.extract_lane(ldv, 3);
      for (; j < db; j++) {
        const ls: f32 = <f32>2.0 * tanhs(load<f32>(or + <usize>j * 4));
        store<f32>(or + <usize>j * 4, ls);
        const t = load<f32>(or + <usize>(db + j) * 4);
        store<f32>(yr + <usize>j * 4, load<f32>(xr + <usize>j * 4) * exps(ls) + t);
        ld += ls;
      }
      const p = logdet + <usize>i * 4;
      store<f32>(p, load<f32>(p) + ld);
    }
  }
}

/** x = coupling⁻¹(y) for n rows of width d (y and x distinct buffers). */
export function couplingInverse(plan: usize, r: usize, n: i32, y: usize, x: usize): void {
  const d = rec(r, S_D), da = rec(r, S_DA), db = rec(r, S_DB), nOut = rec(r, S_NOUT);
  const additive = hdr(plan, H_ADD) != 0;
  couplingNet(plan, r, n, y, d);
  const o = recPtr(r, S_O);
  copyBlock(n, da, y, d, x, d);
  for (let i = 0; i < n; i++) {
    const yr = y + <usize>(i * d + da) * 4;
    const xr = x + <usize>(i * d + da) * 4;
    const or = o + <usize>(i * nOut) * 4;
    let j = 0;
    if (!additive) {
      for (; j + 4 <= db; j += 4) {
        const o = <usize>j * 4;
        const ls = f32x4.mul(f32x4.splat(2), tanhv(v128.load(or + o)));
        const t = v128.load(or + <usize>db * 4 + o);
        v128.store(xr + o, f32x4.mul(f32x4.sub(v128.load(yr + o), t), expv(f32x4.neg(ls))));
      }
    }
    for (; j < db; j++) {
      const yb = load<f32>(yr + <usize>j * 4);
      if (additive) {
        store<f32>(xr + <usize>j * 4, yb - load<f32>(or + <usize>j * 4));
      } else {
        const ls: f32 = <f32>2.0 * tanhs(load<f32>(or + <usize>j * 4));
        const t = load<f32>(or + <usize>(db + j) * 4);
        store<f32>(xr + <usize>j * 4, (yb - t) * exps(-ls));
      }
    }
  }
}

/**
 * Backward of the coupling for the batch of the last forward: dy (n×d) → dx (n×d), accumulating
 * the gradients of fc1, fc2, fc3. `x` is the coupling's forward input; `invN` = 1/n weighs the
 * −ΣlogS term of the mean loss.
 */
export function couplingBackward(plan: usize, r: usize, n: i32, x: usize, dy: usize, dx: usize, invN: f32): void {
  const H = hdr(plan, H_HID);
  const d = rec(r, S_D), da = rec(r, S_DA), db = rec(r, S_DB), nOut = rec(r, S_NOUT);
  const additive = hdr(plan, H_ADD) != 0;
  const h1 = recPtr(r, S_H1), h2 = recPtr(r, S_H2), o = recPtr(r, S_O);
  const dO = hptr(plan, H_DO), dh1 = hptr(plan, H_DH1), dh2 = hptr(plan, H_DH2);
  for (let i = 0; i < n; i++) {
    const xr = x + <usize>(i * d + da) * 4;
    const dyr = dy + <usize>(i * d + da) * 4;
    const dxr = dx + <usize>(i * d + da) * 4;
    const or = o + <usize>(i * nOut) * 4;
    const dor = dO + <usize>(i * nOut) * 4;
    let j = 0;
    if (!additive) {
      const invNv = f32x4.splat(invN), two = f32x4.splat(2), one = f32x4.splat(1), half = f32x4.splat(0.5);
      for (; j + 4 <= db; j += 4) {
        const o = <usize>j * 4;
        const dyb = v128.load(dyr + o);
        const ls = v128.load(or + o);
        const e = expv(ls);
        const th = f32x4.mul(ls, half);
        const dls = f32x4.sub(f32x4.mul(f32x4.mul(dyb, v128.load(xr + o)), e), invNv);
        v128.store(dor + o, f32x4.mul(f32x4.mul(dls, two), f32x4.sub(one, f32x4.mul(th, th))));
        v128.store(dor + <usize>db * 4 + o, dyb);
        v128.store(dxr + o, f32x4.mul(dyb, e));
      }
    }
    for (; j < db; j++) {
      const dyb = load<f32>(dyr + <usize>j * 4);
      if (additive) {
        store<f32>(dor + <usize>j * 4, dyb);
        store<f32>(dxr + <usize>j * 4, dyb);
      } else {
        const ls = load<f32>(or + <usize>j * 4);
        const e = exps(ls);
        const th: f32 = ls * <f32>0.5;
        const dls = dyb * load<f32>(xr + <usize>j * 4) * e - invN;
        store<f32>(dor + <usize>j * 4, dls * <f32>2.0 * (<f32>1.0 - th * th));
        store<f32>(dor + <usize>(db + j) * 4, dyb);
        store<f32>(dxr + <usize>j * 4, dyb * e);
      }
    }
  }
  // fc3: dW3 += dOᵀ·h2, db3 += Σ dO;  dh2 = (dO·W3) ⊙ [h2 > 0]
  gemm(nOut, H, n, dO, 1, nOut, h2, H, grad(plan, r, S_W3), H, 0, 0, GEMM_ACC);
  colSum(n, nOut, dO, nOut, grad(plan, r, S_B3), true);
  gemm(n, H, nOut, dO, nOut, 1, param(plan, r, S_W3), H, dh2, H, 0, h2, 0);
  // fc2
  gemm(H, H, n, dh2, 1, H, h1, H, grad(plan, r, S_W2), H, 0, 0, GEMM_ACC);
  colSum(n, H, dh2, H, grad(plan, r, S_B2), true);
  gemm(n, H, H, dh2, H, 1, param(plan, r, S_W2), H, dh1, H, 0, h1, 0);
  // fc1: its input is xa = x[:, :da]
  gemm(H, da, n, dh1, 1, H, x, d, grad(plan, r, S_W1), da, 0, 0, GEMM_ACC);
  colSum(n, H, dh1, H, grad(plan, r, S_B1), true);
  // dxa = dya + dh1·W1
  copyBlock(n, da, dy, d, dx, d);
  gemm(n, da, H, dh1, H, 1, param(plan, r, S_W1), da, dx, d, 0, 0, GEMM_ACC);
}
