/**
 * @fileoverview The f64 oracle of the forecaster (docs/forecaster-math.md): context embedding,
 * conditional flow (the GLOW oracle's step functions with the embedding appended to each coupling's
 * fc1), Student-t or normal base whose μ, log σ come from a prior network of the embedding and whose
 * ν = 2 + softplus(θ) is learned per latent dimension. Exact per-row log p(y | c), the inverse,
 * seeded sampling, and the mean NLL with its gradient w.r.t. every parameter by hand-written
 * backpropagation. Like the GLOW oracle it reads `params` on every call, so a test may perturb them
 * in place.
 */
import { Rng } from '../util/rng.js';
import type { ForecasterLayout } from './forecaster-layout.js';
import {
  type Conditioning,
  type FlowTensors,
  type ReferenceState,
  flowBackward,
  flowForward,
  flowInverse,
} from './reference.js';
import {
  type StudentTConstants,
  dfFromTheta,
  normalLogDensity,
  sigmoid,
  studentTConstants,
  studentTDraw,
  studentTGradWith,
  studentTLogDensityWith,
} from './student-t.js';

/** Context-network and prior-network activations of a batch. */
interface Heads {
  hc: Float64Array; // n×contextHidden
  e: Float64Array; // n×E
  hp: Float64Array; // n×contextHidden
  mu: Float64Array; // n×H
  logSigma: Float64Array; // n×H
}

export interface SampleOptions {
  /** Scale multiplier of the base draws: z = μ + T·σ·ε. Default 1. */
  temperature?: number;
  seed?: number;
}

export class ReferenceConditionalGlow {
  readonly params: Float64Array;
  readonly perm: Int32Array;
  readonly sign: Float64Array;
  private readonly flow: FlowTensors;

  constructor(readonly layout: ForecasterLayout, state: ReferenceState) {
    if (state.params.length !== layout.numel) {
      throw new RangeError(`forecaster reference: params has ${state.params.length} values, the layout needs ${layout.numel}`);
    }
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

  /** Check y (n×H, or none) and c (n×C) against the layout; names the argument and the expectation. */
  private check(what: string, y: Float64Array | null, c: Float64Array, n: number): void {
    const { target: H, context: C } = this.layout.config;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`forecaster reference: rows must be a positive integer, got ${n}`);
    if (c.length !== n * C) {
      const hint = c.length % n === 0 ? ` (${c.length / n} columns per row; the model's context width is ${C})` : '';
      throw new RangeError(`forecaster reference: c has ${c.length} values, expected ${n} rows × context width ${C} = ${n * C}${hint}`);
    }
    if (y && y.length !== n * H) {
      const hint = y.length % n === 0 ? ` (${y.length / n} columns per row; the model's target width is ${H})` : '';
      throw new RangeError(`forecaster reference: ${what} has ${y.length} values, expected ${n} rows × target width ${H} = ${n * H}${hint}`);
    }
  }

  /** ν_j = 2 + softplus(θ_j) per latent dimension (all Infinity with a normal base). */
  degreesOfFreedom(): Float64Array {
    const H = this.layout.config.target;
    const df = this.layout.prior.df;
    const out = new Float64Array(H);
    for (let j = 0; j < H; j++) out[j] = df < 0 ? Infinity : dfFromTheta(this.params[df + j]);
    return out;
  }

  /** Context embedding e (n×E) and the prior's μ, log σ (n×H each), with the hidden activations. */
  private heads(c: Float64Array, n: number): Heads {
    const p = this.params;
    const { context: C, embed: E, contextHidden: Hc, target: H } = this.layout.config;
    const cx = this.layout.context;
    const pr = this.layout.prior;
    const hc = dense(p, c, n, C, cx.fc1w, cx.fc1b, Hc, true);
    const e = dense(p, hc, n, Hc, cx.fc2w, cx.fc2b, E, false);
    const hp = dense(p, e, n, E, pr.fc1w, pr.fc1b, Hc, true);
    const o = dense(p, hp, n, Hc, pr.fc2w, pr.fc2b, 2 * H, false);
    const mu = new Float64Array(n * H);
    const logSigma = new Float64Array(n * H);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < H; j++) {
        mu[i * H + j] = o[i * 2 * H + j];
        logSigma[i * H + j] = o[i * 2 * H + H + j];
      }
    }
    return { hc, e, hp, mu, logSigma };
  }

  private constants(): StudentTConstants[] | null {
    if (this.layout.prior.df < 0) return null;
    return Array.from(this.degreesOfFreedom(), (nu) => studentTConstants(nu));
  }

  private run(y: Float64Array, c: Float64Array, n: number, init: boolean) {
    this.check('y', y, c, n);
    const { levels, steps, embed: E, target: H } = this.layout.config;
    const heads = this.heads(c, n);
    const cond: Conditioning = { e: heads.e, E };
    const { z, logDet, caches } = flowForward(this.flow, this.layout, levels, steps, H, y, n, init, cond);
    const ks = this.constants();
    const logProb = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = logDet[i];
      for (let j = 0; j < H; j++) {
        const q = i * H + j;
        s += ks ? studentTLogDensityWith(ks[j], z[q], heads.mu[q], heads.logSigma[q]) : normalLogDensity(z[q], heads.mu[q], heads.logSigma[q]);
      }
      logProb[i] = s;
    }
    return { z, logDet, logProb, caches, heads, ks };
  }

  /** y → z (latents in level order), the per-row log|det ∂z/∂y| and the per-row log p(y | c). */
  forward(y: Float64Array, c: Float64Array, n: number): { z: Float64Array; logDet: Float64Array; logProb: Float64Array } {
    const { z, logDet, logProb } = this.run(y, c, n, false);
    return { z, logDet, logProb };
  }

  /** Per-row log p(y | c) in nats (never averaged). */
  logProb(y: Float64Array, c: Float64Array, n: number): Float64Array {
    return this.run(y, c, n, false).logProb;
  }

  /** y → z. */
  encode(y: Float64Array, c: Float64Array, n: number): Float64Array {
    return this.run(y, c, n, false).z;
  }

  /** z → y: the embedding from c, then the flow's inverse with the same [xa, e] coupling inputs. */
  decode(z: Float64Array, c: Float64Array, n: number): Float64Array {
    this.check('z', z, c, n);
    const { levels, steps, embed: E, target: H } = this.layout.config;
    const { e } = this.heads(c, n);
    return flowInverse(this.flow, this.layout, levels, steps, H, z, n, { e, E });
  }

  /** Mean NLL (nats) over the batch. */
  loss(y: Float64Array, c: Float64Array, n: number): number {
    const lp = this.logProb(y, c, n);
    let s = 0;
    for (let i = 0; i < n; i++) s -= lp[i];
    return s / n;
  }

  /** Data-dependent ActNorm init: each ActNorm from the activations (given c) that reach it. */
  initializeActNorm(y: Float64Array, c: Float64Array, n: number): void {
    this.run(y, c, n, true);
  }

  /**
   * n draws per context row: z = μ + T·σ·ε, ε_j ~ t_{ν_j} (or N(0,1)), then the inverse. Draws come
   * from one Rng(seed) in row, draw, dimension order. Returns rows × n × H, each row's draws contiguous.
   */
  sample(c: Float64Array, rows: number, n: number, options: SampleOptions = {}): Float64Array {
    const T = options.temperature ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`forecaster reference: draws per row must be a positive integer, got ${n}`);
    if (!(T >= 0) || !Number.isFinite(T)) throw new RangeError(`forecaster reference: temperature must be a finite number ≥ 0, got ${T}`);
    this.check('', null, c, rows);
    const { context: C, target: H } = this.layout.config;
    const { mu, logSigma } = this.heads(c, rows);
    const nus = this.degreesOfFreedom();
    const rng = new Rng(options.seed ?? 0);
    const z = new Float64Array(rows * n * H);
    const cRep = new Float64Array(rows * n * C);
    for (let r = 0; r < rows; r++) {
      for (let s = 0; s < n; s++) {
        const q = r * n + s;
        cRep.set(c.subarray(r * C, (r + 1) * C), q * C);
        for (let j = 0; j < H; j++) {
          const eps = Number.isFinite(nus[j]) ? studentTDraw(rng, nus[j]) : rng.normal();
          z[q * H + j] = mu[r * H + j] + T * Math.exp(logSigma[r * H + j]) * eps;
        }
      }
    }
    return this.decode(z, cRep, rows * n);
  }

  /** Mean NLL, its gradient w.r.t. every parameter (flat layout order) by backpropagation, and the per-row log p. */
  lossAndGradient(y: Float64Array, c: Float64Array, n: number): { loss: number; grad: Float64Array; logProb: Float64Array } {
    const p = this.params;
    const { levels, steps, embed: E, target: H, context: C, contextHidden: Hc } = this.layout.config;
    const { z, logProb, caches, heads, ks } = this.run(y, c, n, false);
    let loss = 0;
    for (let i = 0; i < n; i++) loss -= logProb[i] / n;
    const g = new Float64Array(this.layout.numel);
    // ---- base: loss = −(1/n) Σ log base(z; μ, σ, ν)
    const dz = new Float64Array(n * H);
    const dO = new Float64Array(n * 2 * H); // ∂loss/∂[μ, logσ] = prior fc2 output
    const dnu = new Float64Array(H);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < H; j++) {
        const q = i * H + j;
        if (ks) {
          const gr = studentTGradWith(ks[j], z[q], heads.mu[q], heads.logSigma[q]);
          dz[q] = -gr.dz / n;
          dO[i * 2 * H + j] = -gr.dmu / n;
          dO[i * 2 * H + H + j] = -gr.dlogSigma / n;
          dnu[j] -= gr.dnu / n;
        } else {
          const u = (z[q] - heads.mu[q]) * Math.exp(-heads.logSigma[q]);
          const gz = -u * Math.exp(-heads.logSigma[q]);
          dz[q] = -gz / n;
          dO[i * 2 * H + j] = gz / n;
          dO[i * 2 * H + H + j] = -(-1 + u * u) / n;
        }
      }
    }
    const pr = this.layout.prior;
    if (pr.df >= 0) for (let j = 0; j < H; j++) g[pr.df + j] = dnu[j] * sigmoid(p[pr.df + j]);
    // ---- prior network: o = hp·Wp2ᵀ + bp2, hp = relu(e·Wp1ᵀ + bp1)
    const de = new Float64Array(n * E);
    const dhp = denseBackward(p, g, heads.hp, dO, n, Hc, pr.fc2w, pr.fc2b, 2 * H);
    for (let q = 0; q < n * Hc; q++) if (!(heads.hp[q] > 0)) dhp[q] = 0;
    addInto(de, denseBackward(p, g, heads.e, dhp, n, E, pr.fc1w, pr.fc1b, Hc));
    // ---- flow, with ∂loss/∂e from every coupling's fc1 embedding columns
    flowBackward(this.flow, this.layout, levels, steps, H, caches, dz, n, g, { e: heads.e, E, de });
    // ---- context network: e = hc·Wc2ᵀ + bc2, hc = relu(c·Wc1ᵀ + bc1)
    const cx = this.layout.context;
    const dhc = denseBackward(p, g, heads.hc, de, n, Hc, cx.fc2w, cx.fc2b, E);
    for (let q = 0; q < n * Hc; q++) if (!(heads.hc[q] > 0)) dhc[q] = 0;
    denseBackward(p, g, c, dhc, n, C, cx.fc1w, cx.fc1b, Hc);
    return { loss, grad: g, logProb };
  }
}

/** out = inp·Wᵀ + b (optionally relu) for n rows; W is (out, inW) at offset w of p. */
function dense(p: Float64Array, inp: Float64Array, n: number, inW: number, w: number, b: number, out: number, relu: boolean): Float64Array {
  const res = new Float64Array(n * out);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < out; o++) {
      let acc = p[b + o];
      for (let k = 0; k < inW; k++) acc += inp[i * inW + k] * p[w + o * inW + k];
      res[i * out + o] = relu && acc < 0 ? 0 : acc;
    }
  }
  return res;
}

/** Backward of `dense` (pre-activation gradient dOut): accumulates dW, db into g; returns ∂/∂inp. */
function denseBackward(
  p: Float64Array, g: Float64Array, inp: Float64Array, dOut: Float64Array, n: number, inW: number, w: number, b: number, out: number,
): Float64Array {
  const dIn = new Float64Array(n * inW);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < out; o++) {
      const go = dOut[i * out + o];
      if (go === 0) continue;
      g[b + o] += go;
      for (let k = 0; k < inW; k++) {
        g[w + o * inW + k] += go * inp[i * inW + k];
        dIn[i * inW + k] += go * p[w + o * inW + k];
      }
    }
  }
  return dIn;
}

function addInto(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}
