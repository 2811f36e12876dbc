/**
 * @fileoverview The forecaster's plan (DESIGN §9): an i32 header, written once by the host
 * (src/wasm/forecast-plan.ts, whose slot numbers must agree), that points at the conditional flow's
 * own GLOW plan (assembly/plan.ts, with S_KIN/S_U/S_DEMB set per step and H_DZ set) and at the
 * context and prior networks' parameters, derived matrices and activations.
 */

export const F_FLOW: i32 = 0; // byte pointer of the flow's GLOW plan (its params = the whole flat vector)
export const F_C: i32 = 1; // context width C
export const F_E: i32 = 2; // embedding width E
export const F_CH: i32 = 3; // context / prior hidden width
export const F_T: i32 = 4; // target width (= the flow's D)
export const F_STUDENT: i32 = 5; // 1 = Student-t base, 0 = normal
export const F_CTX: i32 = 6; // f32[cap·C] context rows
export const F_HC: i32 = 7; // f32[cap·CH] context hidden
export const F_EMB: i32 = 8; // f32[cap·E] embedding e
export const F_HP: i32 = 9; // f32[cap·CH] prior hidden
export const F_PO: i32 = 10; // f32[cap·2T] prior output [μ | logσ]
export const F_DEMB: i32 = 11; // f32[cap·E] dL/de (every step's S_DEMB)
export const F_DHC: i32 = 12; // f32[cap·CH]
export const F_DHP: i32 = 13; // f32[cap·CH]
export const F_DPO: i32 = 14; // f32[cap·2T]
export const F_DZ: i32 = 15; // f32[cap·T] dL/dz (the flow's H_DZ)
// element offsets into the flat parameter vector
export const F_WC1: i32 = 16;
export const F_BC1: i32 = 17;
export const F_WC2: i32 = 18;
export const F_BC2: i32 = 19;
export const F_WP1: i32 = 20;
export const F_BP1: i32 = 21;
export const F_WP2: i32 = 22;
export const F_BP2: i32 = 23;
export const F_DF: i32 = 24; // prior.df (θ), −1 with a normal base
// byte pointers of derived matrices (forecastPrepare)
export const F_WC1T: i32 = 25; // C×CH
export const F_WC2T: i32 = 26; // CH×E
export const F_WP1T: i32 = 27; // E×CH
export const F_WP2T: i32 = 28; // CH×2T
export const F_NU: i32 = 29; // f64[4·T]: per latent j: ν, log-normaliser, ½[ψ((ν+1)/2) − ψ(ν/2)] − 1/(2ν), dν/dθ
export const F_TAB: i32 = 30; // f32[3·(T+4)]: Marsaglia–Tsang d, c and ν per column, wrapped (student.ts)
export const F_GNU: i32 = 31; // f64[T] scratch: dL/dν of one call
export const F_CAP: i32 = 32; // rows of every buffer above (= the flow's capacity)
export const F_B1ROWS: i32 = 33; // f32[steps·cap·hidden]: per context row and step, fc1's bias b1 + W1[:, da:]·e (sampling)
export const F_HEADER_WORDS: i32 = 48;

@inline export function fh(fp: usize, slot: i32): i32 {
  return load<i32>(fp + (<usize>slot << 2));
}

@inline export function fptr(fp: usize, slot: i32): usize {
  return <usize>load<i32>(fp + (<usize>slot << 2));
}

export function forecastHeaderWords(): i32 {
  return F_HEADER_WORDS;
}
