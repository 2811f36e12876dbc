/**
 * @fileoverview The model plan: an i32 table in linear memory, written once by the host, that tells
 * the kernels where every parameter, derived matrix and activation buffer of a model lives. Kernels
 * only read it. The host twin is src/wasm/plan.ts; the slot numbers here and there must agree
 * (the host checks `planHeaderWords()`/`planStepWords()`/`planLevelWords()` at load time).
 */

// ---- header slots (i32 words at the plan pointer) ----
export const H_D: i32 = 0; // input dimension
export const H_LEVELS: i32 = 1;
export const H_K: i32 = 2; // steps per level
export const H_HID: i32 = 3; // hidden width
export const H_ADD: i32 = 4; // 1 = additive coupling
export const H_NSTEPS: i32 = 5;
export const H_CAP: i32 = 6; // batch capacity of every activation buffer
export const H_PARAMS: i32 = 7; // f32[numel]
export const H_GRADS: i32 = 8; // f32[numel]
export const H_NUMEL: i32 = 9;
export const H_M: i32 = 10; // Adam first moments f32[numel]
export const H_V: i32 = 11; // Adam second moments f32[numel]
export const H_PERM: i32 = 12; // i32[]
export const H_SIGN: i32 = 13; // f32[]
export const H_Z: i32 = 14; // f32[cap·D] latent
export const H_LOGDET: i32 = 15; // f32[cap] per-sample log-determinant (sample-dependent part)
export const H_LOGP: i32 = 16; // f64[cap] per-sample log p(x)
export const H_P: i32 = 17; // f32[cap·D] backward ping buffer
export const H_Q: i32 = 18; // f32[cap·D] backward pong buffer
export const H_DO: i32 = 19; // f32[cap·maxOut] gradient of the coupling output
export const H_DH1: i32 = 20; // f32[cap·H]
export const H_DH2: i32 = 21; // f32[cap·H]
export const H_SCR: i32 = 22; // f64[8·D·D] scratch for batch-independent d×d work
export const H_G: i32 = 23; // f32[D·D]
export const H_GH: i32 = 24; // f32[D]
export const H_RES: i32 = 25; // f64[8]: results (see R_*)
export const H_RNG: i32 = 26; // u32[4] Gaussian stream: key words 0–2, element counter word 3 (rng.ts)
export const H_LEVELTAB: i32 = 27; // byte pointer of the level table
export const H_STEPTAB: i32 = 28; // byte pointer of the step table
export const H_X0: i32 = 29; // input buffer (= X of step 0), f32[cap·D]
// Conditional flows (the forecaster, assembly/forecast.ts); 0 in a plain GLOW plan:
export const H_DZ: i32 = 30; // f32[cap·D] dL/dz of the base density, already weighted (0: standard normal, z/n)
export const HEADER_WORDS: i32 = 32;

// ---- result slots (f64 at H_RES) ----
export const R_LOSS: i32 = 0;
export const R_GNORM: i32 = 1; // gradient norm before clipping
export const R_LOGDET_CONST: i32 = 2; // Σ actnorm.logs + Σ invconv.log_s
export const R_BAD_STEP: i32 = 3; // first step whose output was non-finite (−1: none)

// ---- level records ----
export const L_WIDTH: i32 = 0;
export const L_LATENT: i32 = 1;
export const L_LATENT_OFF: i32 = 2;
export const L_FIRST_STEP: i32 = 3;
export const L_OUT: i32 = 4; // byte pointer: level output f32[cap·width]
export const LEVEL_WORDS: i32 = 8;

// ---- step records ----
export const S_D: i32 = 0;
export const S_DA: i32 = 1;
export const S_DB: i32 = 2;
export const S_NOUT: i32 = 3;
export const S_LEVEL: i32 = 4;
// element offsets into params / grads
export const S_BIAS: i32 = 5;
export const S_LOGS: i32 = 6;
export const S_LOWER: i32 = 7;
export const S_UPPER: i32 = 8;
export const S_LOGSV: i32 = 9;
export const S_W1: i32 = 10;
export const S_B1: i32 = 11;
export const S_W2: i32 = 12;
export const S_B2: i32 = 13;
export const S_W3: i32 = 14;
export const S_B3: i32 = 15;
// element offsets into perm / sign
export const S_PERM: i32 = 16;
export const S_SIGN: i32 = 17;
// byte pointers of derived (batch-independent) f32 matrices
export const S_AT: i32 = 18; // Aᵀ, A = W·diag(exp(logs)): fused ActNorm + 1×1, h = x·Aᵀ + c
export const S_A: i32 = 19; // A
export const S_C: i32 = 20; // c = A·b
export const S_BT: i32 = 21; // Bᵀ, B = diag(exp(−logs))·W⁻¹: inverse x = h·Bᵀ − b
export const S_NB: i32 = 22; // −b
export const S_W1T: i32 = 23; // fc1.weightᵀ (da×H)
export const S_W2T: i32 = 24; // fc2.weightᵀ (H×H)
export const S_W3T: i32 = 25; // fc3.weightᵀ (H×nOut)
// byte pointers of activations (f32, cap rows)
export const S_X: i32 = 26; // step input (cap×d)
export const S_HC: i32 = 27; // coupling input (cap×d)
export const S_H1: i32 = 28; // cap×H
export const S_H2: i32 = 29; // cap×H
export const S_O: i32 = 30; // coupling net output (cap×nOut); the log-scale half holds logS after forward
export const S_Y: i32 = 31; // step output (cap×d): next step's X or the level output
// Conditional couplings (0 in a plain GLOW plan): fc1 reads u = [xa, e] of width da + E
export const S_KIN: i32 = 32; // fc1 input width da + E (0: da, unconditional)
export const S_U: i32 = 33; // byte pointer: u (cap×KIN); its last E columns hold e, written by the host kernel
export const S_DEMB: i32 = 34; // byte pointer: dL/de (cap×E), accumulated over every step by the backward
// Forecaster sampling only (forecast.ts; 0 otherwise): fc1's bias for a call whose rows share one e
export const S_B1ROW: i32 = 35; // byte pointer: b1 + W1[:, da:]·e (H); fc1 then reads xa alone
export const STEP_WORDS: i32 = 40;

/** Input width of a step's fc1: da, or da + E for a conditional coupling. */
@inline export function fc1In(r: usize): i32 {
  const k = load<i32>(r + (<usize>S_KIN << 2));
  return k != 0 ? k : load<i32>(r + (<usize>S_DA << 2));
}

@inline export function hdr(plan: usize, slot: i32): i32 {
  return load<i32>(plan + (<usize>slot << 2));
}

@inline export function hptr(plan: usize, slot: i32): usize {
  return <usize>load<i32>(plan + (<usize>slot << 2));
}

@inline export function stepRec(plan: usize, s: i32): usize {
  return hptr(plan, H_STEPTAB) + <usize>(s * STEP_WORDS) * 4;
}

@inline export function levelRec(plan: usize, l: i32): usize {
  return hptr(plan, H_LEVELTAB) + <usize>(l * LEVEL_WORDS) * 4;
}

@inline export function rec(r: usize, slot: i32): i32 {
  return load<i32>(r + (<usize>slot << 2));
}

@inline export function recPtr(r: usize, slot: i32): usize {
  return <usize>load<i32>(r + (<usize>slot << 2));
}

/** Byte pointer of a parameter tensor (by its element offset slot in a step record). */
@inline export function param(plan: usize, r: usize, slot: i32): usize {
  return hptr(plan, H_PARAMS) + (<usize>rec(r, slot) << 2);
}

/** Byte pointer of a parameter's gradient. */
@inline export function grad(plan: usize, r: usize, slot: i32): usize {
  return hptr(plan, H_GRADS) + (<usize>rec(r, slot) << 2);
}

@inline export function result(plan: usize, slot: i32): f64 {
  return load<f64>(hptr(plan, H_RES) + (<usize>slot << 3));
}

@inline export function setResult(plan: usize, slot: i32, v: f64): void {
  store<f64>(hptr(plan, H_RES) + (<usize>slot << 3), v);
}

export function planHeaderWords(): i32 {
  return HEADER_WORDS;
}
export function planStepWords(): i32 {
  return STEP_WORDS;
}
export function planLevelWords(): i32 {
  return LEVEL_WORDS;
}
