/**
 * @fileoverview The pure TypeScript f64 implementation of the GLOW maths: the test oracle of the
 * WASM engine and the plain-JS baseline of the benchmarks. Written for clarity, in the unfused
 * form of DESIGN §3 (ActNorm, then the 1×1 transform, then the coupling), with hand-written
 * backpropagation of the mean NLL. It reads the parameters through the layout on every call, so a
 * test may change `params` in place (finite differences) and call again.
 *
 * Error budget: f64 throughout; the 1×1 inverse uses triangular solves (relative error ~d·2⁻⁵³
 * times the condition number of W).
 *
 * The flow's pieces (a step forward / inverse / backward, the whole multi-scale flow) are exported
 * as functions with an optional conditioning input appended to the coupling's fc1, so the
 * forecaster's oracle (forecaster-reference.ts) runs the same code with its context embedding.
 */
import type { ModelLayout, StepLayout } from './layout.js';
import { assembleW } from './lu.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export interface ReferenceState {
  params: Float64Array;
  perm: Int32Array;
  sign: ArrayLike<number>;
}

/** What a flow step reads besides its StepLayout: the flat vectors and the shape-wide options. */
export interface FlowTensors {
  params: Float64Array;
  perm: Int32Array;
  sign: Float64Array;
  hidden: number;
  affine: boolean;
}

/**
 * A conditioning input appended, last, to every coupling's fc1 input (the forecaster's context
 * embedding, n×E); fc1's rows are then da + E long. `de` (n×E), when given, receives ∂loss/∂e in
 * the backward pass. The GLOW passes none (E = 0), which leaves its arithmetic unchanged.
 */
export interface Conditioning {
  e: Float64Array;
  E: number;
  de?: Float64Array;
}

/** Activations of one step kept for the backward pass. */
export interface StepCache {
  x: Float64Array; // ActNorm input (n×d)
  u: Float64Array; // ActNorm output
  v: Float64Array; // 1×1 output = coupling input
  h1: Float64Array;
  h2: Float64Array;
  ls: Float64Array; // log-scales (n×db), affine only
  t: Float64Array; // shifts (n×db)
  W: Float64Array;
}

/** The step's 1×1 matrix W = P·L·(U + diag(sign·exp(log_s))). */
export function stepW(f: FlowTensors, s: StepLayout): Float64Array {
  const p = f.params;
  return assembleW(s.d, p, s.lower, p, s.upper, p, s.logS, f.sign, s.sign, f.perm, s.perm);
}

/** Data-dependent ActNorm init from the rows x (n×d) reaching it: b = −mean, s = −log(std + 1e-6). */
export function actNormInit(p: Float64Array, s: StepLayout, x: Float64Array, n: number): void {
  const d = s.d;
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += x[i * d + j];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (x[i * d + j] - m) ** 2;
    p[s.bias + j] = -m;
    p[s.logs + j] = -Math.log(Math.sqrt(v / n) + 1e-6);
  }
}

/** One flow step forward on n rows of width d; adds its log-determinants to logDet. */
export function stepForward(
  f: FlowTensors, s: StepLayout, x: Float64Array, n: number, logDet: Float64Array, init: boolean, cond?: Conditioning,
): { y: Float64Array; cache: StepCache } {
  const p = f.params;
  const { d, da, db } = s;
  const affine = f.affine;
  if (init) actNormInit(p, s, x, n);
  // ActNorm: u = (x + b)·exp(s)
  const u = new Float64Array(n * d);
  let constant = 0;
  for (let j = 0; j < d; j++) constant += p[s.logs + j] + p[s.logS + j];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) u[i * d + j] = (x[i * d + j] + p[s.bias + j]) * Math.exp(p[s.logs + j]);
    logDet[i] += constant;
  }
  // 1×1: v = u·Wᵀ
  const W = stepW(f, s);
  const v = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < d; r++) {
      let acc = 0;
      for (let c = 0; c < d; c++) acc += u[i * d + c] * W[r * d + c];
      v[i * d + r] = acc;
    }
  }
  // coupling
  const { h1, h2, o } = couplingNet(f, s, v, n, cond);
  const ls = new Float64Array(n * db);
  const t = new Float64Array(n * db);
  const y = Float64Array.from(v);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < db; j++) {
      const shift = affine ? o[i * s.nOut + db + j] : o[i * s.nOut + j];
      const l = affine ? 2 * Math.tanh(o[i * s.nOut + j]) : 0;
      ls[i * db + j] = l;
      t[i * db + j] = shift;
      y[i * d + da + j] = v[i * d + da + j] * Math.exp(l) + shift;
      logDet[i] += l;
    }
  }
  return { y, cache: { x, u, v, h1, h2, ls, t, W } };
}

/** The coupling network on [xa, e]: xa = rows of `src` (width d), columns [0, da); e appended last. */
export function couplingNet(f: FlowTensors, s: StepLayout, src: Float64Array, n: number, cond?: Conditioning) {
  const p = f.params;
  const H = f.hidden;
  const d = s.d;
  const dense = (inp: Float64Array, inW: number, inLd: number, w: number, b: number, out: number, relu: boolean): Float64Array => {
    const res = new Float64Array(n * out);
    for (let i = 0; i < n; i++) {
      for (let o = 0; o < out; o++) {
        let acc = p[b + o];
        for (let k = 0; k < inW; k++) acc += inp[i * inLd + k] * p[w + o * inW + k];
        res[i * out + o] = relu && acc < 0 ? 0 : acc;
      }
    }
    return res;
  };
  let h1: Float64Array;
  if (!cond) h1 = dense(src, s.da, d, s.fc1w, s.fc1b, H, true);
  else {
    const { e, E } = cond;
    const inW = s.da + E;
    h1 = new Float64Array(n * H);
    for (let i = 0; i < n; i++) {
      for (let o = 0; o < H; o++) {
        let acc = p[s.fc1b + o];
        for (let k = 0; k < s.da; k++) acc += src[i * d + k] * p[s.fc1w + o * inW + k];
        for (let k = 0; k < E; k++) acc += e[i * E + k] * p[s.fc1w + o * inW + s.da + k];
        h1[i * H + o] = acc < 0 ? 0 : acc;
      }
    }
  }
  const h2 = dense(h1, H, H, s.fc2w, s.fc2b, H, true);
  const o = dense(h2, H, H, s.fc3w, s.fc3b, s.nOut, false);
  return { h1, h2, o };
}

/** One step inverted: coupling⁻¹, then the 1×1 inverse by triangular solves, then ActNorm⁻¹. */
export function stepInverse(f: FlowTensors, s: StepLayout, cur: Float64Array, n: number, cond?: Conditioning): Float64Array {
  const p = f.params;
  const { d, da, db, nOut } = s;
  const affine = f.affine;
  // coupling⁻¹ (ya passes through unchanged, so the network sees the same input)
  const { o } = couplingNet(f, s, cur, n, cond);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < db; j++) {
      const shift = affine ? o[i * nOut + db + j] : o[i * nOut + j];
      const ls = affine ? 2 * Math.tanh(o[i * nOut + j]) : 0;
      cur[i * d + da + j] = (cur[i * d + da + j] - shift) * Math.exp(-ls);
    }
  }
  // 1×1⁻¹: v = W·u with W = P·L·U'  ⇒  L·U'·u = Pᵀ·v
  const out = new Float64Array(n * d);
  const wv = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < d; r++) wv[f.perm[s.perm + r]] = cur[i * d + r];
    for (let r = 0; r < d; r++) {
      let acc = wv[r];
      for (let c = 0; c < r; c++) acc -= p[s.lower + r * d + c] * wv[c];
      wv[r] = acc;
    }
    for (let r = d - 1; r >= 0; r--) {
      let acc = wv[r];
      for (let c = r + 1; c < d; c++) acc -= p[s.upper + r * d + c] * wv[c];
      wv[r] = acc / (f.sign[s.sign + r] * Math.exp(p[s.logS + r]));
    }
    // ActNorm⁻¹: x = u·exp(−s) − b
    for (let j = 0; j < d; j++) out[i * d + j] = wv[j] * Math.exp(-p[s.logs + j]) - p[s.bias + j];
  }
  return out;
}

/**
 * Backward through one step of the mean loss over n rows, in which every row's log-determinant
 * enters with weight −1/n: accumulates parameter gradients into g, adds ∂loss/∂e into cond.de when
 * given, and returns ∂loss/∂x (n×d) from dy = ∂loss/∂y.
 */
export function stepBackward(
  f: FlowTensors, s: StepLayout, c: StepCache, dy: Float64Array, n: number, g: Float64Array, cond?: Conditioning,
): Float64Array {
  const p = f.params;
  const H = f.hidden;
  const affine = f.affine;
  const { d, da, db, nOut } = s;
  // ---- coupling: yb = vb·exp(ls) + t, ls = 2·tanh(o_s)
  const dv = Float64Array.from(dy); // dya passes through; dvb overwritten below
  const dO = new Float64Array(n * nOut);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < db; j++) {
      const dyb = dy[i * d + da + j];
      const e = Math.exp(c.ls[i * db + j]);
      dv[i * d + da + j] = dyb * e;
      if (affine) {
        const dls = dyb * c.v[i * d + da + j] * e - 1 / n; // −ΣlogS/n in the loss
        const th = c.ls[i * db + j] / 2; // tanh(o_s), since ls = 2·tanh(o_s)
        dO[i * nOut + j] = dls * 2 * (1 - th * th);
        dO[i * nOut + db + j] = dyb;
      } else dO[i * nOut + j] = dyb;
    }
  }
  // fc3
  const dh2 = new Float64Array(n * H);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < nOut; o++) {
      const go = dO[i * nOut + o];
      g[s.fc3b + o] += go;
      for (let h = 0; h < H; h++) {
        g[s.fc3w + o * H + h] += go * c.h2[i * H + h];
        dh2[i * H + h] += go * p[s.fc3w + o * H + h];
      }
    }
  }
  for (let q = 0; q < n * H; q++) if (!(c.h2[q] > 0)) dh2[q] = 0;
  // fc2
  const dh1 = new Float64Array(n * H);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < H; o++) {
      const go = dh2[i * H + o];
      if (go === 0) continue;
      g[s.fc2b + o] += go;
      for (let h = 0; h < H; h++) {
        g[s.fc2w + o * H + h] += go * c.h1[i * H + h];
        dh1[i * H + h] += go * p[s.fc2w + o * H + h];
      }
    }
  }
  for (let q = 0; q < n * H; q++) if (!(c.h1[q] > 0)) dh1[q] = 0;
  // fc1 (input [xa, e]: xa = v[:, :da], then the E conditioning columns)
  const E = cond ? cond.E : 0;
  const inW = da + E;
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < H; o++) {
      const go = dh1[i * H + o];
      if (go === 0) continue;
      g[s.fc1b + o] += go;
      for (let a = 0; a < da; a++) {
        g[s.fc1w + o * inW + a] += go * c.v[i * d + a];
        dv[i * d + a] += go * p[s.fc1w + o * inW + a];
      }
      if (cond) {
        const { e, de } = cond;
        for (let k = 0; k < E; k++) {
          g[s.fc1w + o * inW + da + k] += go * e[i * E + k];
          if (de) de[i * E + k] += go * p[s.fc1w + o * inW + da + k];
        }
      }
    }
  }
  // ---- 1×1: v = u·Wᵀ  ⇒  du = dv·W, dW = dvᵀ·u
  const du = new Float64Array(n * d);
  const dW = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < d; r++) {
      const gv = dv[i * d + r];
      for (let q = 0; q < d; q++) {
        du[i * d + q] += gv * c.W[r * d + q];
        dW[r * d + q] += gv * c.u[i * d + q];
      }
    }
  }
  luBackward(f, s, dW, g);
  // ---- ActNorm: u = (x + b)·exp(s)
  const dx = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    const es = Math.exp(p[s.logs + j]);
    let gb = 0, gs = -1; // −Σlogs in the loss, once per row, mean over rows
    for (let i = 0; i < n; i++) {
      const q = i * d + j;
      dx[q] = du[q] * es;
      gb += du[q] * es;
      gs += du[q] * c.u[q];
    }
    g[s.bias + j] += gb;
    g[s.logs + j] += gs;
  }
  return dx;
}

/** Gradients of lower, upper and log_s from dL/dW, with W = P·L·U', U' = U + diag(sign·exp(log_s)). */
export function luBackward(f: FlowTensors, s: StepLayout, dW: Float64Array, g: Float64Array): void {
  const p = f.params;
  const d = s.d;
  const Lm = (i: number, k: number) => (i === k ? 1 : k < i ? p[s.lower + i * d + k] : 0);
  const Um = (k: number, j: number) =>
    k === j ? f.sign[s.sign + k] * Math.exp(p[s.logS + k]) : k < j ? p[s.upper + k * d + j] : 0;
  // W[i] = M[perm[i]]  ⇒  dM[perm[i]] = dW[i]
  const dM = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) dM[f.perm[s.perm + i] * d + j] = dW[i * d + j];
  // M = L·U'  ⇒  dL = dM·U'ᵀ (strict lower), dU' = Lᵀ·dM (upper with diagonal)
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < i; k++) {
      let acc = 0;
      for (let j = 0; j < d; j++) acc += dM[i * d + j] * Um(k, j);
      g[s.lower + i * d + k] += acc;
    }
  }
  for (let k = 0; k < d; k++) {
    for (let j = k; j < d; j++) {
      let acc = 0;
      for (let i = 0; i < d; i++) acc += Lm(i, k) * dM[i * d + j];
      if (j > k) g[s.upper + k * d + j] += acc;
      else g[s.logS + k] += acc * Um(k, k) - 1; // −Σlog_s in the loss
    }
  }
}

/**
 * The multi-scale flow forward (DESIGN §3) over steps laid out level by level: x (n×D) → z (latents
 * in level order), per-row log-dets and the step caches. `cond` conditions every coupling.
 */
export function flowForward(
  f: FlowTensors,
  layout: { levelWidths: number[]; latentWidths: number[]; latentOffsets: number[]; steps: StepLayout[] },
  levels: number, K: number, D: number, x: Float64Array, n: number, init: boolean, cond?: Conditioning,
) {
  const { levelWidths, latentWidths, latentOffsets, steps } = layout;
  const z = new Float64Array(n * D);
  const logDet = new Float64Array(n);
  const caches: StepCache[] = [];
  let cur: Float64Array = Float64Array.from(x);
  let si = 0;
  for (let l = 0; l < levels; l++) {
    const w = levelWidths[l];
    for (let k = 0; k < K; k++, si++) {
      const { y, cache } = stepForward(f, steps[si], cur, n, logDet, init, cond);
      caches.push(cache);
      cur = y;
    }
    const lat = latentWidths[l];
    const rest = new Float64Array(n * (w - lat));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < lat; j++) z[i * D + latentOffsets[l] + j] = cur[i * w + j];
      for (let j = lat; j < w; j++) rest[i * (w - lat) + j - lat] = cur[i * w + j];
    }
    cur = rest;
  }
  return { z, logDet, caches };
}

/** The multi-scale flow inverse: z (n×D) → x, step by step backwards. */
export function flowInverse(
  f: FlowTensors,
  layout: { levelWidths: number[]; latentWidths: number[]; latentOffsets: number[]; steps: StepLayout[] },
  levels: number, K: number, D: number, z: Float64Array, n: number, cond?: Conditioning,
): Float64Array {
  const { levelWidths, latentWidths, latentOffsets, steps } = layout;
  let cur: Float64Array = new Float64Array(0);
  for (let l = levels - 1; l >= 0; l--) {
    const w = levelWidths[l];
    const lat = latentWidths[l];
    const next = new Float64Array(n * w);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < lat; j++) next[i * w + j] = z[i * D + latentOffsets[l] + j];
      for (let j = lat; j < w; j++) next[i * w + j] = cur[i * (w - lat) + j - lat];
    }
    cur = next;
    for (let k = K - 1; k >= 0; k--) cur = stepInverse(f, steps[l * K + k], cur, n, cond);
  }
  return cur;
}

/**
 * Backward through the whole flow from dz = ∂loss/∂z (n×D, latents in level order), log-dets
 * weighted −1/n per row; accumulates into g (and cond.de) and returns ∂loss/∂x.
 */
export function flowBackward(
  f: FlowTensors,
  layout: { levelWidths: number[]; latentWidths: number[]; latentOffsets: number[]; steps: StepLayout[] },
  levels: number, K: number, D: number, caches: StepCache[], dz: Float64Array, n: number, g: Float64Array, cond?: Conditioning,
): Float64Array {
  const { levelWidths, latentWidths, latentOffsets, steps } = layout;
  let dNext: Float64Array = new Float64Array(0); // gradient w.r.t. the input of the next level
  for (let l = levels - 1; l >= 0; l--) {
    const w = levelWidths[l];
    const lat = latentWidths[l];
    // this level's latent gradient; the rest comes from the next level
    let dy: Float64Array = new Float64Array(n * w);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < lat; j++) dy[i * w + j] = dz[i * D + latentOffsets[l] + j];
      for (let j = lat; j < w; j++) dy[i * w + j] = dNext[i * (w - lat) + j - lat];
    }
    for (let k = K - 1; k >= 0; k--) {
      const si = l * K + k;
      dy = stepBackward(f, steps[si], caches[si], dy, n, g, cond);
    }
    dNext = dy;
  }
  return dNext;
}

export class ReferenceGlow {
  readonly params: Float64Array;
  readonly perm: Int32Array;
  readonly sign: Float64Array;
  private readonly flow: FlowTensors;

  constructor(readonly layout: ModelLayout, state: ReferenceState) {
    this.params = state.params;
    this.perm = state.perm;
    this.sign = Float64Array.from(state.sign);
    this.flow = {
      params: this.params,
      perm: this.perm,
      sign: this.sign,
      hidden: layout.config.hidden,
      affine: layout.config.coupling === 'affine',
    };
  }

  private get D(): number {
    return this.layout.config.features;
  }

  private run(x: Float64Array, n: number, init: boolean) {
    const D = this.D;
    if (x.length !== n * D) throw new RangeError(`reference: expected ${n}×${D} values, got ${x.length}`);
    const { config } = this.layout;
    return flowForward(this.flow, this.layout, config.levels, config.steps, D, x, n, init);
  }

  /** x → z (latents in level order) and the per-row log|det ∂z/∂x|. */
  forward(x: Float64Array, n: number): { z: Float64Array; logDet: Float64Array } {
    const { z, logDet } = this.run(x, n, false);
    return { z, logDet };
  }

  /** Per-row log p(x) in nats. */
  logProb(x: Float64Array, n: number): Float64Array {
    const { z, logDet } = this.run(x, n, false);
    return logProbOf(z, logDet, n, this.D);
  }

  /** Mean NLL (nats). */
  loss(x: Float64Array, n: number): number {
    const lp = this.logProb(x, n);
    let s = 0;
    for (let i = 0; i < n; i++) s -= lp[i];
    return s / n;
  }

  /** Data-dependent ActNorm init: each ActNorm from the activations that reach it. */
  initializeActNorm(x: Float64Array, n: number): void {
    this.run(x, n, true);
  }

  /** z → x: coupling⁻¹, then the 1×1 inverse by triangular solves, then ActNorm⁻¹, step by step backwards. */
  inverse(z: Float64Array, n: number): Float64Array {
    const { config } = this.layout;
    return flowInverse(this.flow, this.layout, config.levels, config.steps, this.D, z, n);
  }

  /** Mean NLL and its gradient w.r.t. every parameter (state_dict order), by backpropagation. */
  lossAndGradient(x: Float64Array, n: number): { loss: number; grad: Float64Array } {
    const D = this.D;
    const { config } = this.layout;
    const { z, logDet, caches } = this.run(x, n, false);
    const lp = logProbOf(z, logDet, n, D);
    let loss = 0;
    for (let i = 0; i < n; i++) loss -= lp[i] / n;
    const g = new Float64Array(this.layout.numel);
    // d(loss)/dz = z/n under the standard normal prior
    const dz = new Float64Array(n * D);
    for (let q = 0; q < n * D; q++) dz[q] = z[q] / n;
    flowBackward(this.flow, this.layout, config.levels, config.steps, D, caches, dz, n, g);
    return { loss, grad: g };
  }
}

function logProbOf(z: Float64Array, logDet: Float64Array, n: number, D: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let q = 0;
    for (let j = 0; j < D; j++) q += z[i * D + j] ** 2;
    out[i] = -0.5 * q - D * HALF_LOG_2PI + logDet[i];
  }
  return out;
}
