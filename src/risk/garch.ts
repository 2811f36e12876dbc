/**
 * @fileoverview GARCH(1,1) with standardised Student-t innovations, fitted by maximum likelihood on
 * the training bars, then run forward with fixed parameters.
 *
 * On x_i = ℓ_i / (s·f_i) — the log returns over their training std s (for a well-scaled fit) and the
 * optional hour-of-day factor f — :
 *   x_i = μ + ε_i,  ε_i = σ_i z_i,  σ²_i = ω + α ε²_{i−1} + β σ²_{i−1},  z_i ~ t_ν scaled to variance 1.
 * σ² starts at the training variance; an unknown return (gap) leaves ε² at its expectation σ².
 * Log-likelihood per bar: lnΓ((ν+1)/2) − lnΓ(ν/2) − ½ln(π(ν−2)) − ½ln σ²_i − (ν+1)/2 · ln(1 + ε²_i/((ν−2)σ²_i)).
 * Parameters are searched unconstrained (Nelder–Mead) through
 *   persistence P = α + β = 0.999·sigmoid(u₁), α = P·sigmoid(u₂), β = P − α,
 *   ω = (1 − P)·e^{u₃} (unconditional variance e^{u₃}), ν = 2.05 + e^{u₄}, μ = u₀,
 * so every point searched is stationary with finite variance.
 *
 * Forecasts at the close of t:
 *   1 bar: closed form. L = s·f·(μ + σ_{t+1}·k·T), k = √((ν−2)/ν), T ~ t_ν. VaR_c = 1 − e^{s f (μ + σ k t_α)};
 *          CVaR_c = 1 − mean over M = 256 midpoint nodes u ∈ (0, α) of e^{s f (μ + σ k F⁻¹(u))}.
 *   h bars: S simulated paths of the recursion from σ²_{t+1}. The innovations are drawn once per
 *          fit (seeded) and reused at every bar — common random numbers: the forecasts move with
 *          the state only, never with simulation noise, and a run costs the recursion alone.
 * Mean and std (all horizons) come from the simulated paths: a t-distributed log return has no
 * finite exponential moments, so the simple return's mean under the exact model is unbounded.
 */
import { emptyHorizonRisk, storeSample, type RiskForecast } from './bar-risk.js';
import { seasonality, type VolatilityInput } from './ewma.js';
import { nelderMead } from './nelder-mead.js';
import { lgamma, tQuantile } from '../util/special.js';
import { Rng } from '../util/rng.js';
import { studentTDraw } from '../util/rng-dists.js';

export interface GarchParams {
  /** Mean of x (scaled units). */
  mu: number;
  omega: number;
  alpha: number;
  beta: number;
  nu: number;
  /** The training std s of the (deseasonalised) log returns that x is scaled by. */
  scale: number;
}

export interface GarchFit extends GarchParams {
  logLikelihood: number;
  bars: number;
  iterations: number;
  converged: boolean;
}

const sigmoid = (u: number) => 1 / (1 + Math.exp(-u));
const logit = (p: number) => Math.log(p / (1 - p));

function fromUnconstrained(u: ArrayLike<number>, scale: number): GarchParams {
  const persistence = 0.999 * sigmoid(u[1]);
  const alpha = persistence * sigmoid(u[2]);
  return { mu: u[0], alpha, beta: persistence - alpha, omega: (1 - persistence) * Math.exp(u[3]), nu: 2.05 + Math.exp(u[4]), scale };
}

/** Variance path: out[i] = σ²_{i+1}, the variance of bar i + 1 known at the close of bar i. */
export function garchFilter(p: GarchParams, x: ArrayLike<number>, from: number, to: number, start: number, out?: Float64Array): Float64Array {
  const v = out ?? new Float64Array(to);
  let s2 = start;
  for (let i = from; i < to; i++) {
    const e = x[i] - p.mu;
    const e2 = Number.isFinite(e) ? e * e : s2;
    s2 = p.omega + p.alpha * e2 + p.beta * s2;
    v[i] = s2;
  }
  return v;
}

/** Log-likelihood of x[from, to) under p, σ² started at `start`. */
export function garchLogLikelihood(p: GarchParams, x: ArrayLike<number>, from: number, to: number, start: number): number {
  const nu = p.nu;
  const c = lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * Math.log(Math.PI * (nu - 2));
  let s2 = start, ll = 0;
  for (let i = from; i < to; i++) {
    const e = x[i] - p.mu;
    if (Number.isFinite(e)) {
      ll += c - 0.5 * Math.log(s2) - ((nu + 1) / 2) * Math.log1p((e * e) / ((nu - 2) * s2));
      s2 = p.omega + p.alpha * e * e + p.beta * s2;
    } else s2 = p.omega + (p.alpha + p.beta) * s2;
  }
  return ll;
}

function trainStats(x: ArrayLike<number>, from: number, to: number): { mean: number; variance: number; n: number } {
  let s = 0, n = 0;
  for (let i = from; i < to; i++) if (Number.isFinite(x[i])) {
    s += x[i];
    n++;
  }
  const mean = s / n;
  let ss = 0;
  for (let i = from; i < to; i++) if (Number.isFinite(x[i])) ss += (x[i] - mean) ** 2;
  return { mean, variance: ss / n, n };
}

/** Maximum-likelihood GARCH(1,1)-t on returns r[from, to) (NaN = unknown). */
export function fitGarchT(r: ArrayLike<number>, from: number, to: number): GarchFit {
  const raw = trainStats(r, from, to);
  if (raw.n < 100) throw new RangeError(`GARCH fit: needs at least 100 training returns, got ${raw.n}`);
  const scale = Math.sqrt(raw.variance);
  if (!(scale > 0)) throw new RangeError('GARCH fit: the training returns do not vary');
  const x = Float64Array.from({ length: to }, (_, i) => (i >= from ? r[i] / scale : NaN));
  const { mean } = trainStats(x, from, to);
  // Start near the usual estimates for hourly crypto returns: α ≈ 0.07, β ≈ 0.9, ν ≈ 5.
  const u0 = [mean, logit(0.97 / 0.999), logit(0.07 / 0.97), 0, Math.log(3)];
  const objective = (u: Float64Array) => -garchLogLikelihood(fromUnconstrained(u, scale), x, from, to, 1);
  let best = nelderMead(objective, u0, { maxIterations: 3000, tolerance: 1e-9 });
  // One restart from the optimum: Nelder–Mead can stall on a ridge (α vs β).
  best = nelderMead(objective, best.x, { maxIterations: 3000, tolerance: 1e-10 });
  const p = fromUnconstrained(best.x, scale);
  return { ...p, logLikelihood: -best.fx - raw.n * Math.log(scale), bars: raw.n, iterations: best.iterations, converged: best.converged };
}

export interface GarchRiskOptions {
  /** Simulated paths for the h-bar forecasts (default 2000). */
  paths?: number;
  seed?: number;
  /** Parameters to use instead of fitting on the training bars. */
  params?: GarchParams;
}

/** GARCH(1,1)-t forecasts for every bar and horizon (fitted on input.train unless params are given). */
export function garchRisk(input: VolatilityInput, options: GarchRiskOptions = {}): RiskForecast {
  const { factor, returns, futureFactor } = seasonality(input);
  const [a, b] = input.train;
  const fit = options.params ? null : fitGarchT(returns, a, b);
  const p = options.params ?? fit!;
  const s = p.scale;
  const x = Float64Array.from(returns, (v) => v / s);
  const start = trainStats(x, a, b).variance;
  const variance = garchFilter(p, x, a, x.length, start);
  const maxH = Math.max(...input.horizons);
  const S = options.paths ?? 2000;
  const seed = options.seed ?? 0;
  // Common random numbers: S × maxH standardised t innovations, drawn once (path by path), stored
  // step by step so that the recursion below reads them in order.
  const rng = new Rng(seed);
  const k = Math.sqrt((p.nu - 2) / p.nu);
  const z = new Float64Array(S * maxH);
  for (let q = 0; q < S; q++) for (let j = 0; j < maxH; j++) z[j * S + q] = k * studentTDraw(rng, p.nu);
  // Quantile nodes of the standard t for the 1-bar CVaR.
  const M = 256;
  const nodes = (alpha: number) => Float64Array.from({ length: M }, (_, j) => tQuantile((alpha * (j + 0.5)) / M, p.nu));
  const nodes95 = nodes(0.05), nodes99 = nodes(0.01);
  const t95 = tQuantile(0.05, p.nu), t99 = tQuantile(0.01, p.nu);

  const horizons = input.horizons.map((h) => emptyHorizonRisk(h, input.bars.length));
  const byH = new Map(horizons.map((o) => [o.horizon, o]));
  const cum = new Float64Array(S), s2 = new Float64Array(S);
  const sample = new Float64Array(S);
  const f = new Float64Array(maxH + 1);
  for (let i = 0; i < input.bars.length; i++) {
    const t = input.bars[i];
    if (t < a) throw new RangeError(`GARCH: forecast bar ${t} lies before the training start ${a}`);
    for (let j = 1; j <= maxH; j++) f[j] = s * futureFactor(t, j);
    s2.fill(variance[t]);
    cum.fill(0);
    const { mu, omega, alpha, beta } = p;
    for (let step = 1; step <= maxH; step++) {
      const fs = f[step], zs = (step - 1) * S;
      for (let q = 0; q < S; q++) {
        const e = Math.sqrt(s2[q]) * z[zs + q];
        cum[q] += fs * (mu + e);
        s2[q] = omega + alpha * e * e + beta * s2[q];
      }
      const out = byH.get(step);
      if (!out) continue;
      for (let q = 0; q < S; q++) sample[q] = Math.expm1(cum[q]);
      storeSample(out, i, sample);
      if (step === 1) {
        const sd = Math.sqrt(variance[t]) * k;
        const tail = (nodesA: Float64Array) => {
          let m = 0;
          for (let j = 0; j < M; j++) m += Math.exp(f[1] * (p.mu + sd * nodesA[j]));
          return 1 - m / M;
        };
        out.var95[i] = -Math.expm1(f[1] * (p.mu + sd * t95));
        out.var99[i] = -Math.expm1(f[1] * (p.mu + sd * t99));
        out.cvar95[i] = tail(nodes95);
        out.cvar99[i] = tail(nodes99);
      }
    }
  }
  return {
    method: input.hourFactor ? 'garch-t-hour' : 'garch-t',
    bars: input.bars,
    horizons,
    details: { ...(fit ?? p), paths: S, seed, hourFactor: factor ? Array.from(factor) : null },
  };
}
