/**
 * @fileoverview Seeded initial parameters of a GLOW model (as the anchor initialises them):
 * ActNorm at the identity (bias 0, logs 0, not yet data-initialised), each 1×1 transform the LU
 * decomposition of a random rotation, coupling layers as PyTorch's `nn.Linear` default
 * (U(±1/√fan_in) for weight and bias) with the last layer zero so every coupling starts as the identity.
 */
import { Rng } from '../util/rng.js';
import type { ModelLayout, StepLayout } from './layout.js';
import { luDecompose, randomRotation } from './lu.js';

/** The flat vectors of a model: parameters (f64 master copy) and the fixed buffers. */
export interface ModelState {
  params: Float64Array;
  perm: Int32Array;
  sign: Float64Array;
}

export function initialState(layout: ModelLayout, seed: number): ModelState {
  const rng = new Rng(seed);
  const params = new Float64Array(layout.numel);
  const perm = new Int32Array(layout.permLength);
  const sign = new Float64Array(layout.signLength);
  for (const s of layout.steps) initStep(s, layout.config.hidden, s.da, rng, params, perm, sign);
  return { params, perm, sign };
}

/**
 * One flow step's initial tensors, drawn from `rng` in a fixed order (the rotation's normals, then
 * fc1 weight, fc1 bias, fc2 weight, fc2 bias): the 1×1 as the LU of a random rotation, fc1 / fc2 as
 * PyTorch `Linear` with fan-in `fc1In` (da for the GLOW, da + E for the forecaster's conditional
 * coupling) and `hidden`, fc3 left at zero. ActNorm stays at the identity until data init.
 */
export function initStep(
  s: StepLayout,
  hidden: number,
  fc1In: number,
  rng: Rng,
  params: Float64Array,
  perm: Int32Array,
  sign: Float64Array,
): void {
  const d = s.d;
  const H = hidden;
  const Q = randomRotation(d, () => rng.normal());
  const { perm: p, L, U } = luDecompose(Q, d);
  for (let i = 0; i < d; i++) {
    perm[s.perm + i] = p[i];
    const u = U[i * d + i];
    sign[s.sign + i] = u < 0 ? -1 : 1;
    params[s.logS + i] = Math.log(Math.abs(u));
    for (let j = 0; j < d; j++) {
      if (j < i) params[s.lower + i * d + j] = L[i * d + j];
      if (j > i) params[s.upper + i * d + j] = U[i * d + j];
    }
  }
  linearInit(rng, params, s.fc1w, s.fc1b, H, fc1In);
  linearInit(rng, params, s.fc2w, s.fc2b, H, H);
  // fc3 stays zero: the coupling starts as the identity.
}

/**
 * PyTorch `nn.Linear` default init of an (out, in) layer: weight, then bias, each U(±1/√in),
 * drawn as (2u − 1)·bound.
 */
export function linearInit(rng: Rng, params: Float64Array, w: number, b: number, out: number, inW: number): void {
  const bound = 1 / Math.sqrt(inW);
  for (let i = 0; i < out * inW; i++) params[w + i] = (2 * rng.uniform() - 1) * bound;
  for (let i = 0; i < out; i++) params[b + i] = (2 * rng.uniform() - 1) * bound;
}
