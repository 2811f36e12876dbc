/**
 * @fileoverview The GLOW trading strategy (DESIGN §5): at the close of bar t, from the scaled
 * feature row x_t, the flow gives log p(x_t) and the latent z_t.
 *  - likelihood filter: trade only if log p ≥ the q-quantile of the TRAINING log-likelihoods;
 *  - direction: a ridge regression of r_{t+1} on z fitted on the training split,
 *    raw = tanh(pred / std(pred on train)) — or the seed's tanh(z_0) as an option;
 *  - confidence: percentile rank of log p among the training log-likelihoods;
 *  - position = raw × confidence × maxPosition, 0 below minConfidence, clamped at 0 if long-only;
 *  - regimes: seeded k-means++ on the training latents; every bar reports its regime, and an
 *    allowed-regime list can act as a filter.
 * Calibration uses training rows only and is stored in the model file (plain JSON).
 */
import type { Glow } from '../model/glow.js';
import { type MatrixInput, toFloat32Matrix } from '../model/matrix.js';
import { fitRidge, predictRidge, type RidgeModel } from './ridge.js';
import { assignClusters, fitKMeans, type KMeansModel } from './kmeans.js';

export interface StrategyOptions {
  /** Quantile of the training log-likelihoods below which the strategy stays flat (default 0.05). */
  likelihoodQuantile?: number;
  /** 'ridge' (default): regression of the next return on z; 'latent0': the seed's tanh(z_0). */
  direction?: 'ridge' | 'latent0';
  /** Ridge penalty (default 10). */
  ridgeLambda?: number;
  /** Largest absolute position, as a fraction of equity (default 1). */
  maxPosition?: number;
  /** Positions with confidence below this are zero (default 0). */
  minConfidence?: number;
  longOnly?: boolean;
  /** Number of k-means regimes (default 4). */
  regimes?: number;
  /** Trade only in these regimes (default: all). */
  allowedRegimes?: number[];
  /** Seed of the k-means++ initialisation (default 0). */
  seed?: number;
}

export interface StrategyCalibration {
  options: Required<Omit<StrategyOptions, 'allowedRegimes'>> & { allowedRegimes: number[] | null };
  /** log p threshold = the likelihoodQuantile of training log-likelihoods. */
  threshold: number;
  /** 1001 quantiles (0‰…1000‰) of the training log-likelihoods, for percentile ranks. */
  logLikQuantiles: number[];
  ridge: RidgeModel | null;
  /** std of the ridge predictions on the training rows (the tanh scale). */
  predictionStd: number;
  kmeans: KMeansModel;
  /** Rows the calibration was fitted on. */
  rows: number;
}

export interface Signal {
  position: number;
  logLikelihood: number;
  inDistribution: boolean;
  confidence: number;
  regime: number;
  /** Direction before confidence scaling, in [−1, 1]. */
  raw: number;
  latent: Float32Array;
}

const QUANTILE_GRID = 1000;

/** Sorted copy of values. */
function sorted(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Linear-interpolated quantile (type 7) of a sorted sample. */
function quantileSorted(s: Float64Array, q: number): number {
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/** Percentile rank in [0, 1] of v on a quantile grid (piecewise-linear inverse of the grid). */
export function percentileRank(grid: ArrayLike<number>, v: number): number {
  const n = grid.length - 1;
  if (!(v > grid[0])) return 0;
  if (v >= grid[n]) return 1;
  let lo = 0, hi = n;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (grid[mid] <= v) lo = mid;
    else hi = mid;
  }
  const span = grid[hi] - grid[lo];
  return (lo + (span > 0 ? (v - grid[lo]) / span : 0)) / n;
}

function resolve(o: StrategyOptions): StrategyCalibration['options'] {
  const opts = {
    likelihoodQuantile: o.likelihoodQuantile ?? 0.05,
    direction: o.direction ?? 'ridge',
    ridgeLambda: o.ridgeLambda ?? 10,
    maxPosition: o.maxPosition ?? 1,
    minConfidence: o.minConfidence ?? 0,
    longOnly: o.longOnly ?? false,
    regimes: o.regimes ?? 4,
    allowedRegimes: o.allowedRegimes ?? null,
    seed: o.seed ?? 0,
  };
  if (!(opts.likelihoodQuantile >= 0 && opts.likelihoodQuantile < 1)) {
    throw new RangeError(`strategy: likelihoodQuantile must be in [0, 1), got ${opts.likelihoodQuantile}`);
  }
  if (!(opts.maxPosition > 0) || !Number.isFinite(opts.maxPosition)) {
    throw new RangeError(`strategy: maxPosition must be a finite number > 0, got ${opts.maxPosition}`);
  }
  if (!(opts.minConfidence >= 0 && opts.minConfidence <= 1)) {
    throw new RangeError(`strategy: minConfidence must be in [0, 1], got ${opts.minConfidence}`);
  }
  if (opts.direction !== 'ridge' && opts.direction !== 'latent0') {
    throw new RangeError(`strategy: direction must be 'ridge' or 'latent0', got ${opts.direction}`);
  }
  if (!(Number.isInteger(opts.regimes) && opts.regimes >= 1)) {
    throw new RangeError(`strategy: regimes must be a positive integer, got ${opts.regimes}`);
  }
  return opts;
}

/**
 * Fit the strategy on TRAINING rows only: scaled features x (n×d) and the next-bar returns
 * nextReturn[i] = r_{t_i + 1} (NaN where unknown, e.g. the last row; those rows are skipped by the
 * regression but still calibrate the likelihood).
 */
export function calibrateStrategy(
  glow: Glow, x: MatrixInput, nextReturn: ArrayLike<number>, options: StrategyOptions = {},
): StrategyCalibration {
  const opts = resolve(options);
  const d = glow.features;
  const { data, rows } = toFloat32Matrix(x, d, 'calibrateStrategy(x)');
  if (nextReturn.length !== rows) {
    throw new RangeError(`calibrateStrategy: ${rows} feature rows but ${nextReturn.length} next returns`);
  }
  if (rows < opts.regimes) throw new RangeError(`calibrateStrategy: ${rows} rows cannot fit ${opts.regimes} regimes`);
  const { z } = glow.encode(data);
  const lp = glow.logProb(data);
  const s = sorted(lp);
  const grid = Array.from({ length: QUANTILE_GRID + 1 }, (_, i) => quantileSorted(s, i / QUANTILE_GRID));
  const threshold = quantileSorted(s, opts.likelihoodQuantile);
  let ridge: RidgeModel | null = null;
  let predictionStd = 1;
  if (opts.direction === 'ridge') {
    const keep: number[] = [];
    for (let i = 0; i < rows; i++) if (Number.isFinite(nextReturn[i])) keep.push(i);
    if (keep.length < d + 2) throw new RangeError(`calibrateStrategy: only ${keep.length} rows with a known next return`);
    const X = new Float64Array(keep.length * d);
    const y = new Float64Array(keep.length);
    keep.forEach((r, i) => {
      for (let j = 0; j < d; j++) X[i * d + j] = z[r * d + j];
      y[i] = nextReturn[r];
    });
    ridge = fitRidge(X, y, { lambda: opts.ridgeLambda });
    const pred = predictRidge(ridge, X);
    let m = 0;
    for (const p of pred) m += p / pred.length;
    let v = 0;
    for (const p of pred) v += (p - m) ** 2 / Math.max(pred.length - 1, 1);
    predictionStd = Math.sqrt(v) > 1e-15 ? Math.sqrt(v) : 1;
  }
  const kmeans = fitKMeans(Float64Array.from(z), d, { k: opts.regimes, seed: opts.seed });
  return { options: opts, threshold, logLikQuantiles: grid, ridge, predictionStd, kmeans, rows };
}

/** A calibrated strategy bound to its model. */
export class GlowStrategy {
  constructor(readonly glow: Glow, readonly calibration: StrategyCalibration) {}

  /** Signals for scaled feature rows (each row is judged on its own: no look-ahead is possible). */
  signal(x: MatrixInput): Signal[] {
    const d = this.glow.features;
    const { data, rows } = toFloat32Matrix(x, d, 'signal(x)');
    const { z } = this.glow.encode(data);
    const lp = this.glow.logProb(data);
    const cal = this.calibration;
    const o = cal.options;
    const regimes = assignClusters(cal.kmeans, Float64Array.from(z));
    const pred = cal.ridge ? predictRidge(cal.ridge, Float64Array.from(z)) : null;
    const out: Signal[] = [];
    for (let i = 0; i < rows; i++) {
      const latent = z.slice(i * d, (i + 1) * d);
      const raw = pred ? Math.tanh(pred[i] / cal.predictionStd) : Math.tanh(latent[0]);
      const confidence = percentileRank(cal.logLikQuantiles, lp[i]);
      const inDistribution = lp[i] >= cal.threshold;
      const regime = regimes[i];
      let position = raw * confidence * o.maxPosition;
      if (!inDistribution || confidence < o.minConfidence) position = 0;
      if (o.allowedRegimes && !o.allowedRegimes.includes(regime)) position = 0;
      if (o.longOnly && position < 0) position = 0;
      out.push({ position: position === 0 ? 0 : position, logLikelihood: lp[i], inDistribution, confidence, regime, raw, latent });
    }
    return out;
  }

  /** Just the positions. */
  positions(x: MatrixInput): Float64Array {
    return Float64Array.from(this.signal(x), (s) => s.position);
  }
}
