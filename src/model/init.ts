/**
 * @fileoverview Seeded initial parameters of a GLOW model (as the anchor initialises them):
 * ActNorm at the identity (bias 0, logs 0, not yet data-initialised), each 1×1 transform the LU
 * decomposition of a random rotation, coupling layers as PyTorch's `nn.Linear` default
 * (U(±1/√fan_in) for weight and bias) with the last layer zero so every coupling starts as the identity.
 */
import { Rng } from '../util/rng.js';
import type { ModelLayout } from './layout.js';
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
  const H = layout.config.hidden;
  const uniform = (off: number, n: number, bound: number): void => {
    for (let i = 0; i < n; i++) params[off + i] = (2 * rng.uniform() - 1) * bound;
  };
  for (const s of layout.steps) {
    const d = s.d;
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
    uniform(s.fc1w, H * s.da, 1 / Math.sqrt(s.da));
    uniform(s.fc1b, H, 1 / Math.sqrt(s.da));
    uniform(s.fc2w, H * H, 1 / Math.sqrt(H));
    uniform(s.fc2b, H, 1 / Math.sqrt(H));
    // fc3 stays zero: the coupling starts as the identity.
  }
  return { params, perm, sign };
}
