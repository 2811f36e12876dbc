/**
 * @fileoverview Nelder–Mead downhill simplex minimisation (standard coefficients: reflection 1,
 * expansion 2, contraction ½, shrink ½), for the few-parameter maximum-likelihood fits of the risk
 * baselines. Written here because the usual npm pick, fmin 0.0.4, does not load under Node's ESM
 * (its package.json declares "type": "module" over a UMD build).
 *
 * Stops when the simplex's function values span less than `tolerance` (absolute) and its vertices
 * lie within `tolerance` of the best in every coordinate, or after `maxIterations`.
 */

export interface NelderMeadOptions {
  maxIterations?: number;
  tolerance?: number;
  /** Initial step per coordinate (default 0.1, or 10% of a non-zero start value, whichever is larger). */
  step?: number;
}

export interface NelderMeadResult {
  x: Float64Array;
  fx: number;
  iterations: number;
  converged: boolean;
}

/** Minimise f from x0. Non-finite values of f count as +Infinity (outside the feasible region). */
export function nelderMead(f: (x: Float64Array) => number, x0: ArrayLike<number>, options: NelderMeadOptions = {}): NelderMeadResult {
  const n = x0.length;
  const maxIterations = options.maxIterations ?? 400 * n;
  const tolerance = options.tolerance ?? 1e-10;
  const value = (x: Float64Array) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const pts: Float64Array[] = [];
  const fx: number[] = [];
  for (let i = 0; i <= n; i++) {
    const p = Float64Array.from(x0);
    if (i > 0) p[i - 1] += Math.max(options.step ?? 0.1, 0.1 * Math.abs(p[i - 1]));
    pts.push(p);
    fx.push(value(p));
  }
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const along = (t: number) => {
    const worst = pts[order[n]];
    const p = new Float64Array(n);
    for (let j = 0; j < n; j++) p[j] = centroid[j] + t * (worst[j] - centroid[j]);
    return p;
  };
  let it = 0, converged = false;
  for (; it < maxIterations; it++) {
    order.sort((a, b) => fx[a] - fx[b]);
    const best = pts[order[0]];
    let spread = 0;
    for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) spread = Math.max(spread, Math.abs(pts[order[i]][j] - best[j]));
    if (fx[order[n]] - fx[order[0]] <= tolerance && spread <= Math.sqrt(tolerance)) {
      converged = true;
      break;
    }
    centroid.fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += pts[order[i]][j] / n;
    const w = order[n];
    const xr = along(-1), fr = value(xr);
    if (fr < fx[order[0]]) {
      const xe = along(-2), fe = value(xe);
      [pts[w], fx[w]] = fe < fr ? [xe, fe] : [xr, fr];
    } else if (fr < fx[order[n - 1]]) {
      [pts[w], fx[w]] = [xr, fr];
    } else {
      const outside = fr < fx[w];
      const xc = along(outside ? -0.5 : 0.5), fc = value(xc);
      if (fc < (outside ? fr : fx[w])) {
        [pts[w], fx[w]] = [xc, fc];
      } else {
        for (let i = 1; i <= n; i++) {
          const p = pts[order[i]];
          for (let j = 0; j < n; j++) p[j] = best[j] + 0.5 * (p[j] - best[j]);
          fx[order[i]] = value(p);
        }
      }
    }
  }
  order.sort((a, b) => fx[a] - fx[b]);
  return { x: Float64Array.from(pts[order[0]]), fx: fx[order[0]], iterations: it, converged };
}
