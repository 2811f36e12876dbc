/**
 * @fileoverview One whole training step in one call: gather a minibatch by index, forward, mean
 * NLL, backward, gradient-norm clipping, Adam, rebuild the derived matrices. The same step split
 * for data-parallel training: each replica computes its shard's share of the batch gradient
 * (`glowShardGrad`), the host adds the shares in a fixed order (`vecAdd`), and every replica
 * applies the identical update (`glowApplyGradient`). Sampling: noise then inverse, also in one call.
 */
import { adamUpdate, gradNorm } from './adam';
import { backwardScaled, glowBackward, glowForward, glowInverse, glowPrepare } from './flow';
import { fillNormal } from './rng';
import { copyRow } from './blocks';
import {
  H_D, H_GRADS, H_M, H_NUMEL, H_PARAMS, H_RNG, H_V, H_X0, H_Z, R_GNORM, R_LOSS, hdr, hptr, setResult,
} from './plan';

/** Copy rows idx[0..n) of an (·×D) f32 matrix into X0. */
export function gatherRows(plan: usize, data: usize, idx: usize, n: i32): void {
  const D = hdr(plan, H_D);
  const x0 = hptr(plan, H_X0);
  const rowBytes = <usize>D * 4;
  for (let i = 0; i < n; i++) {
    const k = <usize>load<i32>(idx + <usize>i * 4);
    copyRow(data + k * rowBytes, x0 + <usize>i * rowBytes, D);
  }
}

/** Mean NLL and its gradient (into GRADS) for the n rows in X0. */
export function glowLossGrad(plan: usize, n: i32): f64 {
  const loss = glowForward(plan, n);
  if (isFinite<f64>(loss)) glowBackward(plan, n);
  return loss;
}

/**
 * Clip the gradient in GRADS to global norm `clipNorm` (0: no clipping), take Adam step t and
 * rebuild the derived matrices. Returns the norm before clipping; when it is not finite nothing
 * changes.
 */
export function glowApplyGradient(
  plan: usize, lr: f64, beta1: f64, beta2: f64, eps: f64, clipNorm: f64, t: i32, weightDecay: f64,
): f64 {
  const numel = hdr(plan, H_NUMEL);
  const gn = gradNorm(hptr(plan, H_GRADS), numel);
  setResult(plan, R_GNORM, gn);
  if (!isFinite<f64>(gn)) return gn;
  const scale = clipNorm > 0 && gn > clipNorm ? clipNorm / gn : 1.0;
  adamUpdate(hptr(plan, H_PARAMS), hptr(plan, H_GRADS), hptr(plan, H_M), hptr(plan, H_V), numel,
    lr, beta1, beta2, eps, t, scale, weightDecay);
  glowPrepare(plan);
  return gn;
}

/**
 * Rows per forward + backward inside a training step: a block's activations stay in the core's
 * caches between the forward and the backward (measured: 128 rows ~5 % faster than 256, which is
 * faster than one pass over 1024 or 4096 rows).
 */
const TRAIN_BLOCK: i32 = 128;

/**
 * Σ over rows idx[0..n) of `data` of NLL, and its gradient scaled by 1/total into GRADS
 * (overwritten), computed in blocks of TRAIN_BLOCK rows. Returns the mean NLL of the n rows; stops
 * at the first block whose loss is not finite (GRADS then incomplete) and returns that loss.
 */
function lossGradBlocks(plan: usize, data: usize, idx: usize, n: i32, total: i32): f64 {
  let sum: f64 = 0;
  for (let b0 = 0; b0 < n; b0 += TRAIN_BLOCK) {
    const nb = min(TRAIN_BLOCK, n - b0);
    gatherRows(plan, data, idx + (<usize>b0 << 2), nb);
    const loss = glowForward(plan, nb);
    if (!isFinite<f64>(loss)) return loss;
    backwardScaled(plan, nb, 1.0 / <f64>total, <f64>nb / <f64>total, b0 == 0);
    sum += loss * <f64>nb;
  }
  return sum / <f64>n;
}

/**
 * Train on rows idx[0..n) of `data` (forward and backward in blocks of 128 rows, gradients added
 * up). Returns the batch's mean NLL before the update. Nothing is updated when the loss or the
 * gradient is not finite (the host then re-runs the forward to report where it happened).
 */
export function glowTrainStep(
  plan: usize, data: usize, idx: usize, n: i32,
  lr: f64, beta1: f64, beta2: f64, eps: f64, clipNorm: f64, t: i32, weightDecay: f64,
): f64 {
  const loss = lossGradBlocks(plan, data, idx, n, n);
  setResult(plan, R_LOSS, loss);
  setResult(plan, R_GNORM, NaN);
  if (!isFinite<f64>(loss)) return loss;
  glowApplyGradient(plan, lr, beta1, beta2, eps, clipNorm, t, weightDecay);
  return loss;
}

/**
 * One shard of a data-parallel step: rows idx[0..n) of `data`, the gradient of (Σ of their NLL) /
 * total into GRADS, i.e. this shard's share of the mean over a batch of `total` rows (in blocks, as
 * glowTrainStep). Returns the shard's mean NLL; GRADS are incomplete when it is not finite.
 */
export function glowShardGrad(plan: usize, data: usize, idx: usize, n: i32, total: i32): f64 {
  const loss = lossGradBlocks(plan, data, idx, n, total);
  setResult(plan, R_LOSS, loss);
  return loss;
}

/** dst[i] += src[i] for i < n (f32; the host's fixed-order reduction of shard gradients). */
export function vecAdd(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/** Draw n latents z ~ N(0, T²·I) into Z from the RNG state (advancing it). */
export function glowNoise(plan: usize, n: i32, temperature: f64): void {
  fillNormal(hptr(plan, H_RNG), hptr(plan, H_Z), n * hdr(plan, H_D), temperature);
}

/** Draw n latents z ~ N(0, T²·I) into Z and map them to x in X0. */
export function glowSample(plan: usize, n: i32, temperature: f64): void {
  glowNoise(plan, n, temperature);
  glowInverse(plan, n);
}
