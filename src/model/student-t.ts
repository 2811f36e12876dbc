/**
 * @fileoverview The forecaster's Student-t base in f64 (docs/forecaster-math.md, "Base
 * distribution"): log-gamma and digamma, stable softplus / sigmoid, the location-scale log density
 * and its gradients w.r.t. z, μ, log σ and ν, and a seeded sampler (a normal over the square root of
 * a scaled Marsaglia–Tsang gamma draw).
 *
 * lgamma, digamma and the draws live in util/ (special.ts, rng-dists.ts), shared with the risk
 * models; re-exported here. Accuracy: lgamma and digamma shift the argument up to ≥ 10 by the recurrences and then sum the
 * asymptotic (Stirling / de Moivre) series through the x⁻¹³ / x⁻¹⁴ term, whose truncation error at
 * x ≥ 10 is below 1e-17, so what remains is rounding: measured against 40-digit mpmath on 400
 * points in [0.5, 148], |lgamma error| ≤ 3e-15·max(1, |ln Γ(x)|) and |digamma error| ≤ 1.2e-15
 * (the tests check exact values: ln √π, ln 9!, −γ, −γ + H₉, …).
 */
import { digamma, lgamma } from '../util/special.js';
import { gammaDraw, studentTDraw } from '../util/rng-dists.js';

export { digamma, gammaDraw, lgamma, studentTDraw };

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const LOG_PI = Math.log(Math.PI);

/** softplus(x) = ln(1 + eˣ), without overflow for large x or loss of the tail for very negative x. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** sigmoid(x) = 1/(1 + e⁻ˣ), evaluated on the side that cannot overflow. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** ν = 2 + softplus(θ): the degrees of freedom of one latent dimension. */
export function dfFromTheta(theta: number): number {
  return 2 + softplus(theta);
}

/** The ν-only parts of the density and of its ν-gradient (computed once per ν, not per row). */
export interface StudentTConstants {
  nu: number;
  /** lgamma((ν+1)/2) − lgamma(ν/2) − ½·ln(νπ). */
  logNorm: number;
  /** ∂logNorm/∂ν = ½[ψ((ν+1)/2) − ψ(ν/2)] − 1/(2ν). */
  dLogNorm: number;
}

export function studentTConstants(nu: number): StudentTConstants {
  return {
    nu,
    logNorm: lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * (Math.log(nu) + LOG_PI),
    dLogNorm: 0.5 * (digamma((nu + 1) / 2) - digamma(nu / 2)) - 1 / (2 * nu),
  };
}

/** log t_ν(z; μ, σ) with σ = exp(logSigma), from precomputed ν constants. */
export function studentTLogDensityWith(k: StudentTConstants, z: number, mu: number, logSigma: number): number {
  const u = (z - mu) * Math.exp(-logSigma);
  return k.logNorm - logSigma - ((k.nu + 1) / 2) * Math.log1p((u * u) / k.nu);
}

/** log t_ν(z; μ, σ) = lgamma((ν+1)/2) − lgamma(ν/2) − ½ln(νπ) − logσ − (ν+1)/2·ln(1 + u²/ν). */
export function studentTLogDensity(z: number, mu: number, logSigma: number, nu: number): number {
  return studentTLogDensityWith(studentTConstants(nu), z, mu, logSigma);
}

/** Gradients of log t_ν(z; μ, σ) w.r.t. z, μ, log σ and ν. */
export interface StudentTGradient {
  dz: number;
  dmu: number;
  dlogSigma: number;
  dnu: number;
}

/**
 * ∂/∂z = −(ν+1)·u/(σ(ν + u²)); ∂/∂μ = −∂/∂z; ∂/∂logσ = −1 + (ν+1)·u²/(ν + u²);
 * ∂/∂ν = ½[ψ((ν+1)/2) − ψ(ν/2)] − 1/(2ν) − ½·ln(1 + u²/ν) + (ν+1)·u²/(2ν(ν + u²)).
 */
export function studentTGradWith(k: StudentTConstants, z: number, mu: number, logSigma: number): StudentTGradient {
  const nu = k.nu;
  const invSigma = Math.exp(-logSigma);
  const u = (z - mu) * invSigma;
  const u2 = u * u;
  const den = nu + u2;
  const dz = (-(nu + 1) * u * invSigma) / den;
  return {
    dz,
    dmu: -dz,
    dlogSigma: -1 + ((nu + 1) * u2) / den,
    dnu: k.dLogNorm - 0.5 * Math.log1p(u2 / nu) + ((nu + 1) * u2) / (2 * nu * den),
  };
}

export function studentTGrad(z: number, mu: number, logSigma: number, nu: number): StudentTGradient {
  return studentTGradWith(studentTConstants(nu), z, mu, logSigma);
}

/** log N(z; μ, σ) = −½ln(2π) − logσ − ½u², the 'normal' base. */
export function normalLogDensity(z: number, mu: number, logSigma: number): number {
  const u = (z - mu) * Math.exp(-logSigma);
  return -HALF_LOG_2PI - logSigma - 0.5 * u * u;
}
