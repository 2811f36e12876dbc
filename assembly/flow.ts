/**
 * @fileoverview The multi-scale GLOW flow over a batch: forward x→z with per-sample log p, the
 * data-dependent ActNorm initialisation, the inverse z→x, and the backward pass of the mean NLL.
 * One call does a whole batch; the host never calls a layer.
 *
 * Buffers: the host writes x into X0 (= the first step's input) and z into Z. Every step keeps its
 * input (X), coupling input (HC) and network activations for the backward. Per-sample log p is
 * accumulated in f64 from the f32 latents: −½Σz² − ½·D·ln 2π + Σ logS (f32 per sample) + const.
 */
import { gemm } from './gemm';
import { colSum, copyBlock, transpose } from './blocks';
import { backwardAffine, prepareAffine } from './invconv';
import { couplingBackward, couplingForward, couplingInverse } from './coupling';
import {
  H_D, H_DZ, H_G, H_GH, H_GRADS, H_HID, H_LEVELS, H_LOGDET, H_LOGP, H_NSTEPS, H_NUMEL, H_P, H_Q, H_Z,
  L_FIRST_STEP, L_LATENT, L_LATENT_OFF, L_OUT, L_WIDTH, R_BAD_STEP, R_LOGDET_CONST, S_A, S_AT, S_BIAS,
  S_BT, S_C, S_D, S_HC, S_LOGS, S_NB, S_NOUT, S_W1, S_W1T, S_W2, S_W2T, S_W3, S_W3T, S_X, S_Y,
  fc1In, hdr, hptr, levelRec, param, rec, recPtr, result, setResult, stepRec,
} from './plan';

const HALF_LOG_2PI: f64 = 0.9189385332046727;

/** Rebuild every derived matrix after the parameters changed (batch-independent work). */
export function glowPrepare(plan: usize): void {
  const H = hdr(plan, H_HID);
  let logdet: f64 = 0;
  for (let s = 0; s < hdr(plan, H_NSTEPS); s++) {
    const r = stepRec(plan, s);
    logdet += prepareAffine(plan, r);
    transpose(H, fc1In(r), param(plan, r, S_W1), recPtr(r, S_W1T));
    transpose(H, H, param(plan, r, S_W2), recPtr(r, S_W2T));
    transpose(rec(r, S_NOUT), H, param(plan, r, S_W3), recPtr(r, S_W3T));
  }
  setResult(plan, R_LOGDET_CONST, logdet);
}

/** ActNorm data init of one step from the n rows of its input: b = −mean, s = −log(std + 1e-6). */
function initActNorm(plan: usize, r: usize, n: i32): void {
  const d = rec(r, S_D);
  const x = recPtr(r, S_X);
  const bias = param(plan, r, S_BIAS), logs = param(plan, r, S_LOGS);
  for (let j = 0; j < d; j++) {
    let sum: f64 = 0;
    for (let i = 0; i < n; i++) sum += <f64>load<f32>(x + <usize>(i * d + j) * 4);
    const mean = sum / n;
    let ss: f64 = 0;
    for (let i = 0; i < n; i++) {
      const v = <f64>load<f32>(x + <usize>(i * d + j) * 4) - mean;
      ss += v * v;
    }
    const std = Math.sqrt(ss / n); // population std, as the anchor
    store<f32>(bias + <usize>j * 4, <f32>-mean);
    store<f32>(logs + <usize>j * 4, <f32>-Math.log(std + 1e-6));
  }
  prepareAffine(plan, r);
}

function stepForward(plan: usize, r: usize, n: i32): void {
  const d = rec(r, S_D);
  const x = recPtr(r, S_X), hc = recPtr(r, S_HC);
  gemm(n, d, d, x, d, 1, recPtr(r, S_AT), d, hc, d, recPtr(r, S_C), 0, 0);
  couplingForward(plan, r, n, hc, recPtr(r, S_Y), hptr(plan, H_LOGDET));
}

function runForward(plan: usize, n: i32, init: bool): f64 {
  const D = hdr(plan, H_D);
  const z = hptr(plan, H_Z);
  memory.fill(hptr(plan, H_LOGDET), 0, <usize>n * 4);
  const levels = hdr(plan, H_LEVELS);
  for (let l = 0; l < levels; l++) {
    const lr = levelRec(plan, l);
    const first = rec(lr, L_FIRST_STEP);
    const last = l + 1 < levels ? rec(levelRec(plan, l + 1), L_FIRST_STEP) : hdr(plan, H_NSTEPS);
    for (let s = first; s < last; s++) {
      const r = stepRec(plan, s);
      if (init) initActNorm(plan, r, n);
      stepForward(plan, r, n);
    }
    const width = rec(lr, L_WIDTH), latent = rec(lr, L_LATENT), off = rec(lr, L_LATENT_OFF);
    const out = recPtr(lr, L_OUT);
    copyBlock(n, latent, out, width, z + <usize>off * 4, D);
    if (l + 1 < levels) {
      const next = stepRec(plan, last);
      copyBlock(n, width - latent, out + <usize>latent * 4, width, recPtr(next, S_X), width - latent);
    }
  }
  if (init) glowPrepare(plan);
  const logdet = hptr(plan, H_LOGDET), logp = hptr(plan, H_LOGP);
  const c = result(plan, R_LOGDET_CONST) - <f64>D * HALF_LOG_2PI;
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    let q: f64 = 0;
    const zr = z + <usize>(i * D) * 4;
    for (let j = 0; j < D; j++) {
      const v = <f64>load<f32>(zr + <usize>j * 4);
      q += v * v;
    }
    const lp = -0.5 * q + <f64>load<f32>(logdet + <usize>i * 4) + c;
    store<f64>(logp + <usize>i * 8, lp);
    total -= lp;
  }
  return total / n;
}

/** Forward pass of the n rows in X0: z into Z, log p into LOGP. Returns the mean NLL (nats). */
export function glowForward(plan: usize, n: i32): f64 {
  return runForward(plan, n, false);
}

/** Data-dependent ActNorm initialisation on the n rows in X0 (each ActNorm from the data reaching it). */
export function glowInitActNorm(plan: usize, n: i32): f64 {
  return runForward(plan, n, true);
}

/** Inverse: the n latents in Z → x in X0. */
export function glowInverse(plan: usize, n: i32): void {
  const D = hdr(plan, H_D);
  const z = hptr(plan, H_Z);
  const levels = hdr(plan, H_LEVELS);
  for (let l = levels - 1; l >= 0; l--) {
    const lr = levelRec(plan, l);
    const first = rec(lr, L_FIRST_STEP);
    const last = l + 1 < levels ? rec(levelRec(plan, l + 1), L_FIRST_STEP) : hdr(plan, H_NSTEPS);
    const width = rec(lr, L_WIDTH), latent = rec(lr, L_LATENT), off = rec(lr, L_LATENT_OFF);
    const out = recPtr(lr, L_OUT);
    copyBlock(n, latent, z + <usize>off * 4, D, out, width);
    if (l + 1 < levels) {
      copyBlock(n, width - latent, recPtr(stepRec(plan, last), S_X), width - latent, out + <usize>latent * 4, width);
    }
    for (let s = last - 1; s >= first; s--) {
      const r = stepRec(plan, s);
      const d = rec(r, S_D);
      const hc = recPtr(r, S_HC);
      couplingInverse(plan, r, n, recPtr(r, S_Y), hc);
      gemm(n, d, d, hc, d, 1, recPtr(r, S_BT), d, recPtr(r, S_X), d, recPtr(r, S_NB), 0, 0);
    }
  }
}

/**
 * Backward of the mean NLL of the last glowForward (same n): gradients of every parameter into
 * GRADS (overwritten). The input gradient dL/dx is left in the P buffer (n×D).
 */
export function glowBackward(plan: usize, n: i32): void {
  backwardScaled(plan, n, 1.0 / <f64>n, 1.0, true);
}

/**
 * Backward of (Σ over the n rows of NLL)·invN, i.e. of the mean when invN = 1/n, or of one shard's
 * share of a larger batch's mean (invN = 1/total) so that shard gradients simply add up.
 * `ldWeight` = n·invN is the weight of the batch-independent log-determinant terms (passed exactly,
 * so the plain mean keeps weight 1.0 bit for bit). `zero`: overwrite GRADS, else add to them (the
 * blocks of one minibatch).
 */
export function backwardScaled(plan: usize, n: i32, invNf: f64, ldWeight: f64, zero: bool): void {
  const D = hdr(plan, H_D);
  const z = hptr(plan, H_Z);
  if (zero) memory.fill(hptr(plan, H_GRADS), 0, <usize>hdr(plan, H_NUMEL) * 4);
  const invN: f32 = <f32>invNf;
  const g = hptr(plan, H_G), gh = hptr(plan, H_GH);
  let cur = hptr(plan, H_P), other = hptr(plan, H_Q);
  const levels = hdr(plan, H_LEVELS);
  for (let l = levels - 1; l >= 0; l--) {
    const lr = levelRec(plan, l);
    const first = rec(lr, L_FIRST_STEP);
    const last = l + 1 < levels ? rec(levelRec(plan, l + 1), L_FIRST_STEP) : hdr(plan, H_NSTEPS);
    const width = rec(lr, L_WIDTH), latent = rec(lr, L_LATENT), off = rec(lr, L_LATENT_OFF);
    // dL/d(level output) = [z_ℓ/n, dL/d(next level input)]; a conditional base gives its own dL/dz
    const dz = hptr(plan, H_DZ);
    if (dz != 0) copyBlock(n, latent, dz + <usize>off * 4, D, other, width);
    else {
      for (let i = 0; i < n; i++) {
        const zr = z + <usize>(i * D + off) * 4;
        const dr = other + <usize>(i * width) * 4;
        for (let j = 0; j < latent; j++) store<f32>(dr + <usize>j * 4, load<f32>(zr + <usize>j * 4) * invN);
      }
    }
    if (l + 1 < levels) copyBlock(n, width - latent, cur, width - latent, other + <usize>latent * 4, width);
    const t = cur;
    cur = other;
    other = t;
    for (let s = last - 1; s >= first; s--) {
      const r = stepRec(plan, s);
      const d = rec(r, S_D);
      const x = recPtr(r, S_X), hc = recPtr(r, S_HC);
      couplingBackward(plan, r, n, hc, cur, other, invN);
      // h = x·Aᵀ + c:  G = dHᵀ·x,  gh = Σ dH,  dx = dH·A
      gemm(d, d, n, other, 1, d, x, d, g, d, 0, 0, 0);
      colSum(n, d, other, d, gh, false);
      gemm(n, d, d, other, d, 1, recPtr(r, S_A), d, cur, d, 0, 0, 0);
      backwardAffine(plan, r, g, gh, ldWeight);
    }
  }
  if (cur != hptr(plan, H_P)) memory.copy(hptr(plan, H_P), cur, <usize>(n * D) * 4);
}

/** After a forward that produced a non-finite value: the first step whose output is non-finite (−1: none). */
export function glowDiagnose(plan: usize, n: i32): i32 {
  for (let s = 0; s < hdr(plan, H_NSTEPS); s++) {
    const r = stepRec(plan, s);
    const d = rec(r, S_D);
    const y = recPtr(r, S_Y);
    for (let k = 0; k < n * d; k++) {
      if (!isFinite<f32>(load<f32>(y + <usize>k * 4))) {
        setResult(plan, R_BAD_STEP, <f64>s);
        return s;
      }
    }
  }
  setResult(plan, R_BAD_STEP, -1);
  return -1;
}
