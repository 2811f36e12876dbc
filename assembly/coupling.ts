/**
 * @fileoverview Affine (or additive) coupling: forward, inverse and backward over a batch.
 *
 *   xa = x[:, :da], xb = x[:, da:]; h1 = relu(xa·W1ᵀ+b1); h2 = relu(h1·W2ᵀ+b2); o = h2·W3ᵀ+b3
 *   affine:   logS = 2·tanh(o[:, :db]), t = o[:, db:];  yb = xb⊙exp(logS) + t;  logdet += ΣlogS
 *   additive: t = o;                                     yb = xb + t
 *
 * After the affine forward, `o` holds [logS | exp(logS)] (the backward needs nothing else: tanh' =
 * 1 − (logS/2)²). The three products run through the SIMD gemm with the bias and ReLU fused, and
 * the ReLU derivative fused as a mask in the backward; the elementwise part is couplingmath.ts.
 * Error budget: exp/tanh ≤ 2.4e-7 (simdmath.ts);
 * |logS| ≤ 2 keeps exp(logS) within [0.135, 7.39], so no overflow is possible here.
 */
import { GEMM_ACC, GEMM_RELU, gemm } from './gemm';
import { colSum, copyBlock } from './blocks';
import { additiveApply, affineBackward, affineForward, affineInverse } from './couplingmath';
import {
  H_ADD, H_DH1, H_DH2, H_DO, H_HID, S_B1, S_B2, S_B3, S_D, S_DA, S_DB, S_H1, S_H2, S_NOUT, S_O,
  S_U, S_DEMB, S_B1ROW, S_W1, S_W1T, S_W2, S_W2T, S_W3, S_W3T, fc1In, grad, hdr, hptr, param, rec, recPtr,
} from './plan';

/**
 * The coupling network o = MLP(rows of `xa`, leading dimension lda) into the step's h1, h2, o. A
 * conditional coupling (S_U set) first copies xa into the first da columns of u = [xa, e] and
 * reads fc1's input from u. With S_B1ROW set (forecaster sampling: all n rows share one e), fc1
 * reads xa alone and its bias is b1 + W1[:, da:]·e, computed once for the call.
 */
function couplingNet(plan: usize, r: usize, n: i32, xa: usize, lda: i32): void {
  const H = hdr(plan, H_HID);
  const da = rec(r, S_DA), nOut = rec(r, S_NOUT);
  const h1 = recPtr(r, S_H1), h2 = recPtr(r, S_H2), o = recPtr(r, S_O);
  const u = recPtr(r, S_U);
  let inp = xa, ld = lda, k = da;
  let b1 = param(plan, r, S_B1);
  const b1row = recPtr(r, S_B1ROW);
  if (b1row != 0) b1 = b1row; // every row has the same e: its fc1 term is in the bias (W1ᵀ's first da rows are xa's)
  else if (u != 0) {
    k = fc1In(r);
    copyBlock(n, da, xa, lda, u, k);
    inp = u;
    ld = k;
  }
  gemm(n, H, k, inp, ld, 1, recPtr(r, S_W1T), H, h1, H, b1, 0, GEMM_RELU);
  gemm(n, H, H, h1, H, 1, recPtr(r, S_W2T), H, h2, H, param(plan, r, S_B2), 0, GEMM_RELU);
  gemm(n, nOut, H, h2, H, 1, recPtr(r, S_W3T), nOut, o, nOut, param(plan, r, S_B3), 0, 0);
}

/** y = coupling(x) for n rows of width d; adds Σ logS of each row to logdet[row]. */
export function couplingForward(plan: usize, r: usize, n: i32, x: usize, y: usize, logdet: usize): void {
  const d = rec(r, S_D), da = rec(r, S_DA), db = rec(r, S_DB);
  couplingNet(plan, r, n, x, d);
  const o = recPtr(r, S_O);
  copyBlock(n, da, x, d, y, d);
  if (hdr(plan, H_ADD) != 0) additiveApply(n, d, da, db, x, o, y, 1);
  else affineForward(n, d, da, db, x, o, y, logdet);
}

/** x = coupling⁻¹(y) for n rows of width d (y and x distinct buffers). */
export function couplingInverse(plan: usize, r: usize, n: i32, y: usize, x: usize): void {
  const d = rec(r, S_D), da = rec(r, S_DA), db = rec(r, S_DB);
  couplingNet(plan, r, n, y, d);
  const o = recPtr(r, S_O);
  copyBlock(n, da, y, d, x, d);
  if (hdr(plan, H_ADD) != 0) additiveApply(n, d, da, db, y, o, x, -1);
  else affineInverse(n, d, da, db, y, o, x);
}

/**
 * Backward of the coupling for the batch of the last forward: dy (n×d) → dx (n×d), accumulating
 * the gradients of fc1, fc2, fc3. `x` is the coupling's forward input; `invN` weighs the −ΣlogS
 * term of the loss (1/n for the mean).
 */
export function couplingBackward(plan: usize, r: usize, n: i32, x: usize, dy: usize, dx: usize, invN: f32): void {
  const H = hdr(plan, H_HID);
  const d = rec(r, S_D), da = rec(r, S_DA), db = rec(r, S_DB), nOut = rec(r, S_NOUT);
  const h1 = recPtr(r, S_H1), h2 = recPtr(r, S_H2), o = recPtr(r, S_O);
  const dO = hptr(plan, H_DO), dh1 = hptr(plan, H_DH1), dh2 = hptr(plan, H_DH2);
  if (hdr(plan, H_ADD) != 0) {
    const dyb = dy + (<usize>da << 2);
    copyBlock(n, db, dyb, d, dO, nOut); // dL/dt = dL/dyb
    copyBlock(n, db, dyb, d, dx + (<usize>da << 2), d);
  } else affineBackward(n, d, da, db, x, o, dy, dx, dO, invN);
  // fc3: dW3 += dOᵀ·h2, db3 += Σ dO;  dh2 = (dO·W3) ⊙ [h2 > 0]
  gemm(nOut, H, n, dO, 1, nOut, h2, H, grad(plan, r, S_W3), H, 0, 0, GEMM_ACC);
  colSum(n, nOut, dO, nOut, grad(plan, r, S_B3), true);
  gemm(n, H, nOut, dO, nOut, 1, param(plan, r, S_W3), H, dh2, H, 0, h2, 0);
  // fc2
  gemm(H, H, n, dh2, 1, H, h1, H, grad(plan, r, S_W2), H, 0, 0, GEMM_ACC);
  colSum(n, H, dh2, H, grad(plan, r, S_B2), true);
  gemm(n, H, H, dh2, H, 1, param(plan, r, S_W2), H, dh1, H, 0, h1, 0);
  const u = recPtr(r, S_U);
  if (u != 0) {
    // conditional: fc1's input is u = [xa, e]; dxa = dya + dh1·W1[:, :da], de += dh1·W1[:, da:]
    const k = fc1In(r);
    gemm(H, k, n, dh1, 1, H, u, k, grad(plan, r, S_W1), k, 0, 0, GEMM_ACC);
    colSum(n, H, dh1, H, grad(plan, r, S_B1), true);
    copyBlock(n, da, dy, d, dx, d);
    const w1 = param(plan, r, S_W1);
    gemm(n, da, H, dh1, H, 1, w1, k, dx, d, 0, 0, GEMM_ACC);
    gemm(n, k - da, H, dh1, H, 1, w1 + (<usize>da << 2), k, recPtr(r, S_DEMB), k - da, 0, 0, GEMM_ACC);
    return;
  }
  // fc1: its input is xa = x[:, :da]
  gemm(H, da, n, dh1, 1, H, x, d, grad(plan, r, S_W1), da, 0, 0, GEMM_ACC);
  colSum(n, H, dh1, H, grad(plan, r, S_B1), true);
  // dxa = dya + dh1·W1
  copyBlock(n, da, dy, d, dx, d);
  gemm(n, da, H, dh1, H, 1, param(plan, r, S_W1), da, dx, d, 0, 0, GEMM_ACC);
}
