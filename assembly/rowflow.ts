/**
 * @fileoverview The forward pass x → z and log p one row at a time, for latency (a live signal
 * scores one candle): matrix–vector kernels (gemv.ts) instead of the batch gemm, whose 4-row
 * register tiles leave a lone row waiting on one chain of multiply-adds per output vector.
 *
 * Same outputs as glowForward for the n rows of X0 — Z, LOGDET, LOGP, the mean NLL — equal to
 * the batch values within the gemv's rounding (sums in another order; ≤ 1e-6 relative in log p),
 * not bit for bit. The per-step activation buffers hold only the last row afterwards, so this is
 * an inference entry point: a backward needs glowForward. Plain GLOW plans only (no conditional
 * coupling: S_U = 0 in every step).
 */
import { copyRow } from './blocks';
import { affineForward, additiveApply } from './couplingmath';
import { gemvAxpy, gemvDot } from './gemv';
import {
  H_ADD, H_D, H_HID, H_LEVELS, H_LOGDET, H_LOGP, H_NSTEPS, H_X0, H_Z, L_FIRST_STEP, L_LATENT,
  L_LATENT_OFF, L_OUT, L_WIDTH, R_LOGDET_CONST, S_A, S_B1, S_B3, S_B2, S_C, S_D, S_DA, S_DB, S_H1,
  S_H2, S_HC, S_NOUT, S_O, S_W1T, S_W2, S_W3, S_X, S_Y, hdr, hptr, levelRec, param, rec, recPtr,
  result, stepRec,
} from './plan';

const HALF_LOG_2PI: f64 = 0.9189385332046727;

/** One flow step on the row at `x` (width d): output row into the step's Y, Σ logS added at `ld`. */
function stepRow(plan: usize, r: usize, x: usize, ld: usize): void {
  const H = hdr(plan, H_HID);
  const d = rec(r, S_D), da = rec(r, S_DA), db = rec(r, S_DB), nOut = rec(r, S_NOUT);
  const hc = recPtr(r, S_HC), h1 = recPtr(r, S_H1), h2 = recPtr(r, S_H2), o = recPtr(r, S_O), y = recPtr(r, S_Y);
  gemvDot(d, d, recPtr(r, S_A), x, recPtr(r, S_C), hc, false); // h = A·x + c (ActNorm and 1×1 fused)
  gemvAxpy(H, da, recPtr(r, S_W1T), hc, param(plan, r, S_B1), h1, true);
  gemvDot(H, H, param(plan, r, S_W2), h1, param(plan, r, S_B2), h2, true);
  gemvDot(nOut, H, param(plan, r, S_W3), h2, param(plan, r, S_B3), o, false);
  copyRow(hc, y, da);
  if (hdr(plan, H_ADD) != 0) additiveApply(1, d, da, db, hc, o, y, 1);
  else affineForward(1, d, da, db, hc, o, y, ld);
}

/**
 * Forward pass of the n rows in X0, one row at a time: z into Z, log p into LOGP, the
 * sample-dependent log-determinant into LOGDET. Returns the mean NLL (nats).
 */
export function glowForwardRows(plan: usize, n: i32): f64 {
  const D = hdr(plan, H_D);
  const levels = hdr(plan, H_LEVELS), nSteps = hdr(plan, H_NSTEPS);
  const x0 = hptr(plan, H_X0), z0 = hptr(plan, H_Z);
  const logdet = hptr(plan, H_LOGDET), logp = hptr(plan, H_LOGP);
  const c = result(plan, R_LOGDET_CONST) - <f64>D * HALF_LOG_2PI;
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const ld = logdet + (<usize>i << 2);
    const z = z0 + <usize>(i * D) * 4;
    store<f32>(ld, 0);
    let x = x0 + <usize>(i * D) * 4; // step 0 reads row i of X0; later steps row 0 of their X
    for (let l = 0; l < levels; l++) {
      const lr = levelRec(plan, l);
      const first = rec(lr, L_FIRST_STEP);
      const last = l + 1 < levels ? rec(levelRec(plan, l + 1), L_FIRST_STEP) : nSteps;
      for (let s = first; s < last; s++) {
        const r = stepRec(plan, s);
        if (s != 0) x = recPtr(r, S_X);
        stepRow(plan, r, x, ld);
      }
      const width = rec(lr, L_WIDTH), latent = rec(lr, L_LATENT), off = rec(lr, L_LATENT_OFF);
      const out = recPtr(lr, L_OUT);
      copyRow(out, z + <usize>off * 4, latent);
      if (l + 1 < levels) copyRow(out + <usize>latent * 4, recPtr(stepRec(plan, last), S_X), width - latent);
    }
    // log p exactly as runForward (flow.ts) computes it from z and the log-determinant
    let q: f64 = 0;
    for (let j = 0; j < D; j++) {
      const v = <f64>load<f32>(z + <usize>j * 4);
      q += v * v;
    }
    const lp = -0.5 * q + <f64>load<f32>(ld) + c;
    store<f64>(logp + <usize>i * 8, lp);
    total -= lp;
  }
  return total / n;
}
