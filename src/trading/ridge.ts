/**
 * @fileoverview Ridge regression in f64: y ≈ X·w + b, minimising Σ(y − Xw − b)² + λ‖w‖².
 * The intercept is not penalised (X and y are centred first). Solved by Cholesky on the d×d
 * normal matrix XcᵀXc + λI, which is symmetric positive definite for λ > 0 — for the d ≤ a few
 * dozen latent coordinates used here the normal equations lose at most ~cond(XᵀX+λI)·ε ≈ 1e-12
 * relative accuracy, far below the noise of any return regression. The model is plain JSON.
 */

export interface RidgeModel {
  weights: number[];
  intercept: number;
  lambda: number;
}

/** Fit on n×d row-major X (f64) and n targets. */
export function fitRidge(X: Float64Array, y: ArrayLike<number>, options: { lambda?: number } = {}): RidgeModel {
  const lambda = options.lambda ?? 1;
  const n = y.length;
  if (n === 0) throw new RangeError('fitRidge: no rows');
  if (X.length % n !== 0) throw new RangeError(`fitRidge: ${X.length} values is not ${n} rows`);
  if (!(lambda > 0)) throw new RangeError(`fitRidge: lambda must be > 0, got ${lambda}`);
  const d = X.length / n;
  const mx = new Float64Array(d);
  let my = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i])) throw new RangeError(`fitRidge: target ${i} is ${y[i]}`);
    my += y[i] / n;
    for (let j = 0; j < d; j++) mx[j] += X[i * d + j] / n;
  }
  // A = XcᵀXc + λI, c = Xcᵀyc
  const A = new Float64Array(d * d);
  const c = new Float64Array(d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = X[i * d + j] - mx[j];
    const yi = y[i] - my;
    for (let j = 0; j < d; j++) {
      c[j] += row[j] * yi;
      const rj = row[j];
      for (let k = 0; k <= j; k++) A[j * d + k] += rj * row[k];
    }
  }
  for (let j = 0; j < d; j++) {
    A[j * d + j] += lambda;
    for (let k = 0; k < j; k++) A[k * d + j] = A[j * d + k];
  }
  const w = solveSpd(A, c, d);
  let b = my;
  for (let j = 0; j < d; j++) b -= mx[j] * w[j];
  return { weights: Array.from(w), intercept: b, lambda };
}

/** Predictions for n×d row-major X. */
export function predictRidge(model: RidgeModel, X: Float64Array): Float64Array {
  const d = model.weights.length;
  const n = X.length / d;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = model.intercept;
    for (let j = 0; j < d; j++) s += X[i * d + j] * model.weights[j];
    out[i] = s;
  }
  return out;
}

/** Solve A x = b for symmetric positive-definite A (d×d) by Cholesky, A = L Lᵀ. */
function solveSpd(A: Float64Array, b: Float64Array, d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * d + j];
      for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
      if (i === j) {
        if (!(s > 0)) throw new RangeError('solveSpd: matrix is not positive definite');
        L[i * d + i] = Math.sqrt(s);
      } else L[i * d + j] = s / L[j * d + j];
    }
  }
  const x = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * d + k] * x[k];
    x[i] = s / L[i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < d; k++) s -= L[k * d + i] * x[k];
    x[i] = s / L[i * d + i];
  }
  return x;
}
