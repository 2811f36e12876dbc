/**
 * @fileoverview The forecaster (DESIGN §9) over a batch, one call each: the context embedding
 * e = MLP(c), the conditional GLOW flow of y (flow.ts and coupling.ts with u = [xa, e] as each
 * coupling's fc1 input), the base density per latent dimension (Student-t with learned ν, or
 * normal) with (μ, log σ) = MLP(e), exact per-row log p(y | c), the backward of the mean NLL into
 * every tensor, a whole Adam training step, and sampling of S draws per context row.
 *
 * Buffers (forecastplan.ts): the host writes y into the flow's X0 and c into CTX. log p is
 * accumulated in f64 from the f32 latents and network outputs.
 */
import { GEMM_ACC, GEMM_RELU, gemm } from './gemm';
import { colSum, copyBlock, copyRow, transpose } from './blocks';
import { backwardScaled, glowDiagnose, glowForward, glowInitActNorm, glowInverse, glowPrepare } from './flow';
import { glowApplyGradient, gatherRows } from './train';
import { fillNormal } from './rng';
import { fillStudent, studentPrepare } from './student';
import {
  H_CAP, H_GRADS, H_HID, H_LOGDET, H_LOGP, H_NSTEPS, H_NUMEL, H_PARAMS, H_RNG, H_X0, H_Z, R_LOGDET_CONST, R_LOSS,
  S_B1, S_B1ROW, S_DA, S_KIN, S_U, S_W1T, hdr, hptr, param, rec, recPtr, result, setResult, stepRec,
} from './plan';
import {
  F_B1ROWS, F_BC1, F_BC2, F_BP1, F_BP2, F_C, F_CAP, F_CH, F_CTX, F_DEMB, F_DF, F_DHC, F_DHP, F_DPO, F_DZ, F_E, F_EMB, F_FLOW,
  F_GNU, F_HC, F_HP, F_NU, F_PO, F_STUDENT, F_T, F_TAB, F_WC1, F_WC1T, F_WC2, F_WC2T, F_WP1, F_WP1T, F_WP2,
  F_WP2T, fh, fptr,
} from './forecastplan';

const HALF_LOG_2PI: f64 = 0.9189385332046727;
const TRAIN_BLOCK: i32 = 128;
/** Rows per inverse inside forecastSample: a block's activations stay in the caches (INFER_BLOCK of src/wasm/plan.ts). */
const SAMPLE_BLOCK: i32 = 512;

@inline function flowOf(fp: usize): usize {
  return fptr(fp, F_FLOW);
}

/** Byte pointer of a head tensor (by its element-offset slot) in params, or in grads. */
@inline function fparam(fp: usize, slot: i32): usize {
  return hptr(flowOf(fp), H_PARAMS) + (<usize>fh(fp, slot) << 2);
}
@inline function fgrad(fp: usize, slot: i32): usize {
  return hptr(flowOf(fp), H_GRADS) + (<usize>fh(fp, slot) << 2);
}

/** The context and prior networks' derived matrices and the ν constants (after the parameters changed). */
function headsPrepare(fp: usize): void {
  const C = fh(fp, F_C), E = fh(fp, F_E), CH = fh(fp, F_CH), T = fh(fp, F_T);
  transpose(CH, C, fparam(fp, F_WC1), fptr(fp, F_WC1T));
  transpose(E, CH, fparam(fp, F_WC2), fptr(fp, F_WC2T));
  transpose(CH, E, fparam(fp, F_WP1), fptr(fp, F_WP1T));
  transpose(2 * T, CH, fparam(fp, F_WP2), fptr(fp, F_WP2T));
  if (fh(fp, F_STUDENT) != 0) studentPrepare(fparam(fp, F_DF), T, fptr(fp, F_NU), fptr(fp, F_TAB));
}

/** Rebuild every derived matrix (flow and heads) from the parameters. */
export function forecastPrepare(fp: usize): void {
  glowPrepare(flowOf(fp));
  headsPrepare(fp);
}

/** e = relu(c·Wc1ᵀ + bc1)·Wc2ᵀ + bc2 for the n rows of CTX. */
function contextNet(fp: usize, n: i32): void {
  const C = fh(fp, F_C), E = fh(fp, F_E), CH = fh(fp, F_CH);
  const hc = fptr(fp, F_HC);
  gemm(n, CH, C, fptr(fp, F_CTX), C, 1, fptr(fp, F_WC1T), CH, hc, CH, fparam(fp, F_BC1), 0, GEMM_RELU);
  gemm(n, E, CH, hc, CH, 1, fptr(fp, F_WC2T), E, fptr(fp, F_EMB), E, fparam(fp, F_BC2), 0, 0);
}

/** [μ | log σ] = relu(e·Wp1ᵀ + bp1)·Wp2ᵀ + bp2 for n rows of EMB. */
function priorNet(fp: usize, n: i32): void {
  const E = fh(fp, F_E), CH = fh(fp, F_CH), T2 = 2 * fh(fp, F_T);
  const hp = fptr(fp, F_HP);
  gemm(n, CH, E, fptr(fp, F_EMB), E, 1, fptr(fp, F_WP1T), CH, hp, CH, fparam(fp, F_BP1), 0, GEMM_RELU);
  gemm(n, T2, CH, hp, CH, 1, fptr(fp, F_WP2T), T2, fptr(fp, F_PO), T2, fparam(fp, F_BP2), 0, 0);
}

/** Write rows of e into the last E columns of every conditional coupling's input u (row i ← e row src(i)). */
function spreadEmbedding(fp: usize, n: i32, emb: usize): void {
  const flow = flowOf(fp);
  const E = fh(fp, F_E);
  for (let s = 0; s < hdr(flow, H_NSTEPS); s++) {
    const r = stepRec(flow, s);
    const k = rec(r, S_KIN), da = rec(r, S_DA);
    copyBlock(n, E, emb, E, recPtr(r, S_U) + (<usize>da << 2), k);
  }
}

/** Per-row log p = Σ_j log base(z_j; μ_j, σ_j, ν_j) + log-det into LOGP; returns the mean NLL. */
function baseLogp(fp: usize, n: i32): f64 {
  const flow = flowOf(fp);
  const T = fh(fp, F_T);
  const z = hptr(flow, H_Z), po = fptr(fp, F_PO), logdet = hptr(flow, H_LOGDET), logp = hptr(flow, H_LOGP);
  const nu = fptr(fp, F_NU);
  const student = fh(fp, F_STUDENT) != 0;
  const c = result(flow, R_LOGDET_CONST);
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const zr = z + (<usize>(i * T) << 2), pr = po + (<usize>(i * 2 * T) << 2);
    let lp: f64 = <f64>load<f32>(logdet + (<usize>i << 2)) + c;
    for (let j = 0; j < T; j++) {
      const ls = <f64>load<f32>(pr + (<usize>(T + j) << 2));
      const u = (<f64>load<f32>(zr + (<usize>j << 2)) - <f64>load<f32>(pr + (<usize>j << 2))) * Math.exp(-ls);
      if (student) {
        const v = load<f64>(nu + (<usize>j << 3));
        lp += load<f64>(nu + (<usize>(T + j) << 3)) - ls - 0.5 * (v + 1) * Math.log1p(u * u / v);
      } else lp += -HALF_LOG_2PI - ls - 0.5 * u * u;
    }
    store<f64>(logp + (<usize>i << 3), lp);
    total -= lp;
  }
  return total / <f64>n;
}

/** Forward of the n rows (y in X0, c in CTX): z into Z, log p(y | c) into LOGP; returns the mean NLL. */
export function forecastForward(fp: usize, n: i32): f64 {
  contextNet(fp, n);
  spreadEmbedding(fp, n, fptr(fp, F_EMB));
  priorNet(fp, n);
  glowForward(flowOf(fp), n);
  return baseLogp(fp, n);
}

/** The data-dependent ActNorm initialisation (flow.ts) on the n rows, conditioned on their contexts. */
export function forecastInitActNorm(fp: usize, n: i32): f64 {
  contextNet(fp, n);
  spreadEmbedding(fp, n, fptr(fp, F_EMB));
  priorNet(fp, n);
  glowInitActNorm(flowOf(fp), n);
  return baseLogp(fp, n);
}

/** Inverse: the n latents in Z, contexts in CTX → y in X0. */
export function forecastInverse(fp: usize, n: i32): void {
  contextNet(fp, n);
  spreadEmbedding(fp, n, fptr(fp, F_EMB));
  glowInverse(flowOf(fp), n);
}

/**
 * Backward of (Σ NLL)·invN after forecastForward on the same n rows (see flow.ts backwardScaled):
 * base → dL/dz, dL/d[μ, log σ], dL/dθ; the flow (its couplings add dL/de); the prior network (adds
 * dL/de); the context network.
 */
function backwardF(fp: usize, n: i32, invN: f64, ldWeight: f64, zero: bool): void {
  const flow = flowOf(fp);
  const T = fh(fp, F_T), E = fh(fp, F_E), CH = fh(fp, F_CH), C = fh(fp, F_C), T2 = 2 * T;
  if (zero) memory.fill(hptr(flow, H_GRADS), 0, <usize>hdr(flow, H_NUMEL) << 2);
  const z = hptr(flow, H_Z), po = fptr(fp, F_PO), dz = fptr(fp, F_DZ), dpo = fptr(fp, F_DPO);
  const nu = fptr(fp, F_NU), gnu = fptr(fp, F_GNU);
  const student = fh(fp, F_STUDENT) != 0;
  if (student) memory.fill(gnu, 0, <usize>T << 3);
  for (let i = 0; i < n; i++) {
    const zr = z + (<usize>(i * T) << 2), pr = po + (<usize>(i * T2) << 2);
    const dzr = dz + (<usize>(i * T) << 2), dpr = dpo + (<usize>(i * T2) << 2);
    for (let j = 0; j < T; j++) {
      const ls = <f64>load<f32>(pr + (<usize>(T + j) << 2));
      const is = Math.exp(-ls);
      const u = (<f64>load<f32>(zr + (<usize>j << 2)) - <f64>load<f32>(pr + (<usize>j << 2))) * is;
      const u2 = u * u;
      let w: f64 = 1;
      if (student) {
        const v = load<f64>(nu + (<usize>j << 3));
        w = (v + 1) / (v + u2);
        // −∂ log t/∂ν, summed over rows
        const g = load<f64>(nu + (<usize>(2 * T + j) << 3)) - 0.5 * Math.log1p(u2 / v) + 0.5 * (v + 1) * u2 / (v * (v + u2));
        const p = gnu + (<usize>j << 3);
        store<f64>(p, load<f64>(p) - g * invN);
      }
      const gz = invN * w * u * is; // dL/dz = −invN·∂ log base/∂z
      store<f32>(dzr + (<usize>j << 2), <f32>gz);
      store<f32>(dpr + (<usize>j << 2), <f32>-gz);
      store<f32>(dpr + (<usize>(T + j) << 2), <f32>(invN * (1 - w * u2)));
    }
  }
  if (student) {
    const gdf = fgrad(fp, F_DF);
    for (let j = 0; j < T; j++) {
      const p = gdf + (<usize>j << 2);
      store<f32>(p, load<f32>(p) + <f32>(load<f64>(gnu + (<usize>j << 3)) * load<f64>(nu + (<usize>(3 * T + j) << 3))));
    }
  }
  const demb = fptr(fp, F_DEMB);
  memory.fill(demb, 0, <usize>(n * E) << 2);
  backwardScaled(flow, n, invN, ldWeight, false);
  // prior network
  const emb = fptr(fp, F_EMB), hp = fptr(fp, F_HP), dhp = fptr(fp, F_DHP);
  gemm(T2, CH, n, dpo, 1, T2, hp, CH, fgrad(fp, F_WP2), CH, 0, 0, GEMM_ACC);
  colSum(n, T2, dpo, T2, fgrad(fp, F_BP2), true);
  gemm(n, CH, T2, dpo, T2, 1, fparam(fp, F_WP2), CH, dhp, CH, 0, hp, 0);
  gemm(CH, E, n, dhp, 1, CH, emb, E, fgrad(fp, F_WP1), E, 0, 0, GEMM_ACC);
  colSum(n, CH, dhp, CH, fgrad(fp, F_BP1), true);
  gemm(n, E, CH, dhp, CH, 1, fparam(fp, F_WP1), E, demb, E, 0, 0, GEMM_ACC);
  // context network
  const hc = fptr(fp, F_HC), dhc = fptr(fp, F_DHC);
  gemm(E, CH, n, demb, 1, E, hc, CH, fgrad(fp, F_WC2), CH, 0, 0, GEMM_ACC);
  colSum(n, E, demb, E, fgrad(fp, F_BC2), true);
  gemm(n, CH, E, demb, E, 1, fparam(fp, F_WC2), CH, dhc, CH, 0, hc, 0);
  gemm(CH, C, n, dhc, 1, CH, fptr(fp, F_CTX), C, fgrad(fp, F_WC1), C, 0, 0, GEMM_ACC);
  colSum(n, CH, dhc, CH, fgrad(fp, F_BC1), true);
}

/** After forecastForward on the same n rows: the gradient of the mean NLL into GRADS (overwritten). */
export function forecastBackward(fp: usize, n: i32): void {
  backwardF(fp, n, 1.0 / <f64>n, 1.0, true);
}

/** Forward then (if finite) backward; returns the mean NLL. */
export function forecastLossGrad(fp: usize, n: i32): f64 {
  const loss = forecastForward(fp, n);
  if (isFinite<f64>(loss)) forecastBackward(fp, n);
  return loss;
}

/** Copy rows idx[0..n) of the y matrix into X0 and of the c matrix into CTX. */
export function forecastGather(fp: usize, ydata: usize, cdata: usize, idx: usize, n: i32): void {
  gatherRows(flowOf(fp), ydata, idx, n);
  const C = fh(fp, F_C);
  const ctx = fptr(fp, F_CTX);
  const rowBytes = <usize>C << 2;
  for (let i = 0; i < n; i++) {
    const k = <usize>load<i32>(idx + (<usize>i << 2));
    copyRow(cdata + k * rowBytes, ctx + <usize>i * rowBytes, C);
  }
}

/** Σ NLL of rows idx[0..n), its gradient scaled by 1/total into GRADS, in blocks of 128 rows (as train.ts). */
function lossGradBlocks(fp: usize, ydata: usize, cdata: usize, idx: usize, n: i32, total: i32): f64 {
  let sum: f64 = 0;
  for (let b0 = 0; b0 < n; b0 += TRAIN_BLOCK) {
    const nb = min(TRAIN_BLOCK, n - b0);
    forecastGather(fp, ydata, cdata, idx + (<usize>b0 << 2), nb);
    const loss = forecastForward(fp, nb);
    if (!isFinite<f64>(loss)) return loss;
    backwardF(fp, nb, 1.0 / <f64>total, <f64>nb / <f64>total, b0 == 0);
    sum += loss * <f64>nb;
  }
  return sum / <f64>n;
}

/** Clip, Adam step t, rebuild everything derived (train.ts glowApplyGradient over the whole vector). */
export function forecastApplyGradient(
  fp: usize, lr: f64, beta1: f64, beta2: f64, eps: f64, clipNorm: f64, t: i32, weightDecay: f64,
): f64 {
  const gn = glowApplyGradient(flowOf(fp), lr, beta1, beta2, eps, clipNorm, t, weightDecay);
  if (isFinite<f64>(gn)) headsPrepare(fp);
  return gn;
}

/**
 * One training step on rows idx[0..n) of y (·×T) and c (·×C): gather, forward and backward in
 * blocks, clip, Adam, prepare. Returns the batch's mean NLL before the update; nothing changes
 * when the loss or the gradient is not finite.
 */
export function forecastTrainStep(
  fp: usize, ydata: usize, cdata: usize, idx: usize, n: i32,
  lr: f64, beta1: f64, beta2: f64, eps: f64, clipNorm: f64, t: i32, weightDecay: f64,
): f64 {
  const flow = flowOf(fp);
  const loss = lossGradBlocks(fp, ydata, cdata, idx, n, n);
  setResult(flow, R_LOSS, loss);
  setResult(flow, 1, NaN);
  if (!isFinite<f64>(loss)) return loss;
  forecastApplyGradient(fp, lr, beta1, beta2, eps, clipNorm, t, weightDecay);
  return loss;
}

/** One data-parallel shard: the gradient of (Σ NLL of rows idx[0..n)) / total into GRADS. */
export function forecastShardGrad(fp: usize, ydata: usize, cdata: usize, idx: usize, n: i32, total: i32): f64 {
  const loss = lossGradBlocks(fp, ydata, cdata, idx, n, total);
  setResult(flowOf(fp), R_LOSS, loss);
  return loss;
}

/** After a non-finite forward: the first flow step with a non-finite output (−1: none). */
export function forecastDiagnose(fp: usize, n: i32): i32 {
  return glowDiagnose(flowOf(fp), n);
}

/**
 * e and (μ, T·σ) of the nctx context rows in CTX into EMB and PO (log σ turned into T·σ in place;
 * the prior output is recomputed by every call).
 */
function sampleHeads(fp: usize, nctx: i32, temperature: f64): void {
  const T = fh(fp, F_T), T2 = 2 * T;
  contextNet(fp, nctx);
  priorNet(fp, nctx);
  const po = fptr(fp, F_PO);
  for (let i = 0; i < nctx; i++) {
    for (let j = 0; j < T; j++) {
      const p = po + (<usize>(i * T2 + T + j) << 2);
      store<f32>(p, <f32>(temperature * Math.exp(<f64>load<f32>(p))));
    }
  }
}

/** m base draws into Z: ε ~ t_ν (or N(0, 1)) from the RNG stream, z = μ + T·σ·ε with row i's (μ, T·σ) from PO row ctxOf(i). */
function baseDraws(fp: usize, m: i32, r0: i32, S: i32): void {
  const flow = flowOf(fp);
  const T = fh(fp, F_T), T2 = 2 * T;
  const z = hptr(flow, H_Z), po = fptr(fp, F_PO);
  if (fh(fp, F_STUDENT) != 0) fillStudent(hptr(flow, H_RNG), z, m * T, T, fptr(fp, F_TAB));
  else fillNormal(hptr(flow, H_RNG), z, m * T, 1.0);
  for (let i = 0; i < m; i++) {
    const pr = po + (<usize>(((r0 + i) / S) * T2) << 2);
    const zr = z + (<usize>(i * T) << 2);
    for (let j = 0; j < T; j++) {
      const p = zr + (<usize>j << 2);
      store<f32>(p, load<f32>(pr + (<usize>j << 2)) + load<f32>(pr + (<usize>(T + j) << 2)) * load<f32>(p));
    }
  }
}

/**
 * S draws for each of the nctx context rows in CTX (nctx ≤ capacity) into out (nctx × S × T,
 * each context's draws contiguous): e and (μ, σ) once per context row; then, per context row,
 * each coupling's fc1 term of e folded into a bias once (S_B1ROW: b1 + W1[:, da:]·e), and the
 * row's draws in blocks of the flow's capacity: ε ~ t_ν (or N(0, 1)) from the RNG stream,
 * z = μ + T·σ·ε, the inverse with fc1 reading xa alone. The draws are the stream's in the same
 * order as forecastSampleRowwise's; the values differ from it only by f32 rounding in fc1 (the
 * e term summed apart from the xa terms).
 */
export function forecastSample(fp: usize, nctx: i32, S: i32, temperature: f64, out: usize): void {
  const flow = flowOf(fp);
  const T = fh(fp, F_T), E = fh(fp, F_E), Hd = hdr(flow, H_HID);
  sampleHeads(fp, nctx, temperature);
  const emb = fptr(fp, F_EMB), biases = fptr(fp, F_B1ROWS), capRows = fh(fp, F_CAP);
  const steps = hdr(flow, H_NSTEPS);
  for (let s = 0; s < steps; s++) {
    const r = stepRec(flow, s);
    const w1e = recPtr(r, S_W1T) + (<usize>(rec(r, S_DA) * Hd) << 2); // W1ᵀ's last E rows: e's weights
    gemm(nctx, Hd, E, emb, E, 1, w1e, Hd, biases + (<usize>(s * capRows * Hd) << 2), Hd, param(flow, r, S_B1), 0, 0);
  }
  const cap = min(hdr(flow, H_CAP), SAMPLE_BLOCK);
  const x0 = hptr(flow, H_X0);
  for (let c = 0; c < nctx; c++) {
    for (let s = 0; s < steps; s++) {
      store<i32>(stepRec(flow, s) + (<usize>S_B1ROW << 2), <i32>(biases + (<usize>((s * capRows + c) * Hd) << 2)));
    }
    for (let b0 = 0; b0 < S; b0 += cap) {
      const m = min(cap, S - b0);
      baseDraws(fp, m, c * S + b0, S);
      glowInverse(flow, m);
      memory.copy(out + (<usize>((c * S + b0) * T) << 2), x0, <usize>(m * T) << 2);
    }
  }
  for (let s = 0; s < steps; s++) store<i32>(stepRec(flow, s) + (<usize>S_B1ROW << 2), 0);
}

/**
 * forecastSample's reference: the same draws, with e copied into the last E columns of every
 * coupling's input u for each draw and fc1 over [xa, e] (blocks span context rows). Kept for the
 * test that bounds the per-row-bias path's rounding against it.
 */
export function forecastSampleRowwise(fp: usize, nctx: i32, S: i32, temperature: f64, out: usize): void {
  const flow = flowOf(fp);
  const T = fh(fp, F_T), E = fh(fp, F_E);
  sampleHeads(fp, nctx, temperature);
  const emb = fptr(fp, F_EMB);
  const cap = min(hdr(flow, H_CAP), SAMPLE_BLOCK);
  const total = nctx * S;
  const x0 = hptr(flow, H_X0);
  const steps = hdr(flow, H_NSTEPS);
  for (let r0 = 0; r0 < total; r0 += cap) {
    const m = min(cap, total - r0);
    for (let s = 0; s < steps; s++) {
      const r = stepRec(flow, s);
      const k = rec(r, S_KIN), da = rec(r, S_DA);
      const u = recPtr(r, S_U) + (<usize>da << 2);
      for (let i = 0; i < m; i++) {
        const c = (r0 + i) / S;
        copyRow(emb + (<usize>(c * E) << 2), u + (<usize>(i * k) << 2), E);
      }
    }
    baseDraws(fp, m, r0, S);
    glowInverse(flow, m);
    memory.copy(out + (<usize>(r0 * T) << 2), x0, <usize>(m * T) << 2);
  }
}
