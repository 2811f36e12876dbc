/**
 * @fileoverview Draws from the distributions the risk models simulate, on a seeded Rng:
 * Gamma(shape, 1) by Marsaglia & Tsang (2000) — exact rejection sampling, boosted by U^{1/a} for
 * shape < 1 — and Student-t(ν) as a normal over √(V/ν), V = 2·Gamma(ν/2) ~ χ²_ν.
 */
import type { Rng } from './rng.js';

/**
 * Gamma(shape, 1) by Marsaglia & Tsang (2000): d = a − ⅓, c = 1/√(9d), v = (1 + c·x)³ for
 * x ~ N(0,1), accepted by the squeeze u < 1 − 0.0331x⁴ or ln u < ½x² + d(1 − v + ln v). For a < 1,
 * Gamma(a) = Gamma(a + 1)·U^(1/a) (never needed by the base: ν/2 > 1).
 */
export function gammaDraw(rng: Rng, shape: number): number {
  if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`gammaDraw: shape must be a finite number > 0, got ${shape}`);
  if (shape < 1) {
    let u = 0;
    while (u === 0) u = rng.uniform();
    return gammaDraw(rng, shape + 1) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = rng.uniform();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (u > 0 && Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** ε ~ t_ν: g / √(V/ν) with g ~ N(0,1) drawn first, then V = 2·Gamma(ν/2, 1) (a χ²_ν draw). */
export function studentTDraw(rng: Rng, nu: number): number {
  const g = rng.normal();
  const V = 2 * gammaDraw(rng, nu / 2);
  return g / Math.sqrt(V / nu);
}
