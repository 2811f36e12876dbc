/**
 * @fileoverview The GLOW trading strategy (DESIGN §5): at the close of bar t, from the scaled
 * feature row x_t, the flow gives log p(x_t) and the latent z_t.
 *  - likelihood filter: trade only if log p ≥ the q-quantile of the TRAINING log-likelihoods;
 *  - direction: a ridge regression of the forward h-bar return c_{t+h}/c_t − 1 on z fitted on the
 *    training split, raw = tanh(pred / std(pred on train)) — or the seed's tanh(z_0) as an option;
 *  - cost awareness: flat when the predicted return |pred| < minEdge × costRate (it cannot pay
 *    for the trade);
 *  - confidence: percentile rank of log p among the training log-likelihoods;
 *  - target = raw × confidence × maxPosition, 0 below minConfidence, clamped at 0 if long-only;
 *  - held position: the targets, in time order, through the rebalance band (rebalance.ts);
 *  - regimes: seeded k-means++ on the training latents; every bar reports its regime, and an
 *    allowed-regime list can act as a filter.
 * Calibration uses training rows only and is stored in the model file (plain JSON).
 */
import type { Glow } from '../model/glow.js';
import { type MatrixInput, toFloat32Matrix } from '../model/matrix.js';
import { fitRidge, predictRidge, type RidgeModel } from './ridge.js';
import { assignClusters, fitKMeans, type KMeansModel } from './kmeans.js';
import { resolveStrategyOptions, storedStrategyOptions, type ResolvedStrategyOptions, type StrategyOptions } from './strategy-options.js';
import { applyRebalanceBand } from './rebalance.js';
import { quantileSorted, sortedFinite } from '../risk/stats.js';

export type { StrategyOptions, ResolvedStrategyOptions } from './strategy-options.js';

export interface StrategyCalibration {
  options: ResolvedStrategyOptions;
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
  /** The ridge's predicted forward return over the horizon (NaN for the tanh(z_0) direction). */
  edge: number;
  /** False when |edge| is below minEdge × costRate, which makes the position flat. */
  edgeClearsCost: boolean;
  /**
   * Over a sequence, keep the held position at this row: only the edge hurdle made it flat and the
   * options say belowEdge 'hold' (see `hold`).
   */
  keep: boolean;
  latent: Float32Array;
}

const QUANTILE_GRID = 1000;

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

/**
 * Fit the strategy on TRAINING rows only: scaled features x (n×d) and the forward returns at the
 * options' horizon h, forwardReturn[i] = c_{t_i + h} / c_{t_i} − 1 (see `forwardReturns` in
 * src/trading/bundle.ts; NaN where unknown, e.g. a target reaching past the last training candle:
 * those rows are skipped by the regression but still calibrate the likelihood).
 */
export function calibrateStrategy(
  glow: Glow, x: MatrixInput, forwardReturn: ArrayLike<number>, options: StrategyOptions = {},
): StrategyCalibration {
  const opts = resolveStrategyOptions(options);
  const d = glow.features;
  const { data, rows } = toFloat32Matrix(x, d, 'calibrateStrategy(x)');
  if (forwardReturn.length !== rows) {
    throw new RangeError(`calibrateStrategy: ${rows} feature rows but ${forwardReturn.length} forward returns`);
  }
  if (rows < opts.regimes) throw new RangeError(`calibrateStrategy: ${rows} rows cannot fit ${opts.regimes} regimes`);
  const { z, logProb: lp } = glow.encode(data); // one forward pass for both
  const s = sortedFinite(lp, 'calibrateStrategy: log-likelihoods of the training rows');
  const grid = Array.from({ length: QUANTILE_GRID + 1 }, (_, i) => quantileSorted(s, i / QUANTILE_GRID));
  const threshold = quantileSorted(s, opts.likelihoodQuantile);
  let ridge: RidgeModel | null = null;
  let predictionStd = 1;
  if (opts.direction === 'ridge') {
    const keep: number[] = [];
    for (let i = 0; i < rows; i++) if (Number.isFinite(forwardReturn[i])) keep.push(i);
    if (keep.length < d + 2) throw new RangeError(`calibrateStrategy: only ${keep.length} rows with a known ${opts.horizon}-bar forward return`);
    const X = new Float64Array(keep.length * d);
    const y = new Float64Array(keep.length);
    keep.forEach((r, i) => {
      for (let j = 0; j < d; j++) X[i * d + j] = z[r * d + j];
      y[i] = forwardReturn[r];
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
  readonly calibration: StrategyCalibration;

  /** Options missing from an older model file's calibration get the behaviour it was fitted for. */
  constructor(readonly glow: Glow, calibration: StrategyCalibration) {
    this.calibration = { ...calibration, options: storedStrategyOptions(calibration.options) };
  }

  /**
   * Signals for scaled feature rows. Each row is judged on its own (no look-ahead is possible); the
   * position is the TARGET before the rebalance band (see `positions` for the held positions).
   */
  signal(x: MatrixInput): Signal[] {
    const d = this.glow.features;
    const { data } = toFloat32Matrix(x, d, 'signal(x)');
    const { z, logProb } = this.glow.encode(data); // one forward pass for both
    return this.signalsOf(z, logProb);
  }

  /**
   * Signals from rows' latents (rows × d, concatenated) and log-likelihoods already computed by the
   * model — e.g. another strategy's signals of the same rows — without running the flow again.
   */
  signalsOf(z: Float32Array, lp: ArrayLike<number>): Signal[] {
    const d = this.glow.features;
    const rows = lp.length;
    if (z.length !== rows * d) throw new RangeError(`signalsOf: ${z.length} latent values for ${rows} rows of width ${d}`);
    const cal = this.calibration;
    const o = cal.options;
    const regimes = assignClusters(cal.kmeans, Float64Array.from(z));
    const pred = cal.ridge ? predictRidge(cal.ridge, Float64Array.from(z)) : null;
    const hurdle = o.minEdge * o.costRate;
    const out: Signal[] = [];
    for (let i = 0; i < rows; i++) {
      const latent = z.slice(i * d, (i + 1) * d);
      const raw = pred ? Math.tanh(pred[i] / cal.predictionStd) : Math.tanh(latent[0]);
      const edge = pred ? pred[i] : NaN;
      // The seed's tanh(z_0) predicts no return, so there is no edge to weigh against costs.
      const edgeClearsCost = !pred || Math.abs(edge) >= hurdle;
      const confidence = percentileRank(cal.logLikQuantiles, lp[i]);
      const inDistribution = lp[i] >= cal.threshold;
      const regime = regimes[i];
      let position = raw * confidence * o.maxPosition;
      const filtered = !inDistribution || confidence < o.minConfidence || (o.allowedRegimes !== null && !o.allowedRegimes.includes(regime));
      if (filtered || !edgeClearsCost) position = 0;
      if (o.longOnly && position < 0) position = 0;
      const keep = !filtered && !edgeClearsCost && o.belowEdge === 'hold';
      out.push({ position: position === 0 ? 0 : position, logLikelihood: lp[i], inDistribution, confidence, regime, raw, edge, edgeClearsCost, keep, latent });
    }
    return out;
  }

  /** The target position of every row (stateless, row by row; the band is NOT applied). */
  positions(x: MatrixInput): Float64Array {
    return Float64Array.from(this.signal(x), (s) => s.position);
  }

  /**
   * Held positions for rows IN TIME ORDER, starting flat: the targets through the calibrated
   * rebalance band. Path-dependent but causal: position t depends on rows 0…t only.
   */
  heldPositions(x: MatrixInput): Float64Array {
    return this.hold(this.signal(x));
  }

  /**
   * Held positions over already computed signals (in time order), from the `initial` position: rows
   * marked `keep` hold on, the others trade only outside the rebalance band.
   */
  hold(signals: readonly Signal[], initial = 0): Float64Array {
    const targets = Float64Array.from(signals, (s) => s.position);
    return applyRebalanceBand(targets, this.calibration.options.rebalanceBand, { initial, keep: signals.map((s) => s.keep) });
  }
}
