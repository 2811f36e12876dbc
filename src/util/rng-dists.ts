/**
 * @fileoverview Draws from the distributions the risk models simulate, on a seeded Rng:
 * Gamma(shape, 1) by Marsaglia & Tsang (2000) — exact rejection sampling, boosted by U^{1/a} for
 * shape < 1 — and Student-t(ν) as a normal over √(V/ν), V = 2·Gamma(ν/2) ~ χ²_ν.
 */
import type { Rng } from './rng.js';

/** One Gamma(shape, 1) draw, shape > 0. */
export function gammaDraw(rng: Rng, shape: number): number {
  if (!(shape > 0)) throw new RangeError(`gamma draw: shape must be > 0, got ${shape}`);
  if (shape < 1) return gammaDraw(rng, shape + 1) * Math.pow(rng.uniform() || Number.MIN_VALUE, 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** One Student-t(ν) draw (location 0, scale 1), ν > 0. */
export function studentTDraw(rng: Rng, nu: number): number {
  const g = rng.normal();
  return g / Math.sqrt((2 * gammaDraw(rng, nu / 2)) / nu);
}
