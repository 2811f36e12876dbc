/**
 * @fileoverview What the forecaster predicts at each tested close, for trading: from S seeded
 * scenarios of p(y | c_t) — drawn and summarised by the per-bar risk code (risk/scenario-risk.ts,
 * the same draws `glow-trade risk` makes, on the model's worker threads) — for the h-bar return
 * R_h = exp(L_h) − 1, L_h = scale · Σ_{i≤h} y_i: the mean and std of the LOG return L_h, CVaR 95% of
 * R_h (a positive loss), and the probabilities P(R_h > c) and P(R_h < −c) of beating the cost hurdle
 * c either way. Why log: the forecaster's Student-t tails (ν can be near 2) put draws so far up that
 * exp overflows, and then R_h's own mean and std are Infinity or NaN; L_h's are always finite, and
 * for the small returns of a few bars E[L_h] ≈ E[R_h]. R_h's loss side is bounded (≥ −100%), so its
 * CVaR is finite.
 *
 * Common random numbers: every bar gets the SAME S base draws (seeded by `seed`, whatever the bar's
 * chunk or the tested period; ConditionalGlow.sample's commonDraws), so the bar-to-bar changes of
 * these numbers are the forecaster's response to the market state, not Monte-Carlo noise — and a bar's
 * numbers are the same in a backtest, a walk-forward fold or `signal`.
 *
 * Error budget: every number is a Monte-Carlo estimate from S draws. With independent draws per
 * bar, CVaR 95% of R_10 from 256 draws differed by 23% (mean relative difference) between two seeds
 * on BTC hourly bars, as much as it moved from bar to bar; with common draws that noise is one shared
 * factor per seed, and the calibration's median (same draws) divides it out (docs/forecast-strategy.md).
 */
import { lossProbability, scenarioRiskSync, type SyncPathSampler } from '../risk/scenario-risk.js';
import { shareAtOrBelow } from '../risk/stats.js';
import type { ForecasterBundle } from './forecaster-bundle.js';

/** S paths per context row, the same base draws for every row (the chunk seed of scenario-risk is ignored). */
export function commonDrawSampler(bundle: Pick<ForecasterBundle, 'model'>, seed: number): SyncPathSampler {
  return (contexts, _rows, scenarios, _seed, buffer) => bundle.model.sample(contexts, scenarios, { seed, commonDraws: true, into: buffer });
}

/** Per-bar statistics of R_h, one entry per forecast bar. */
export interface ForecastStatistics {
  horizon: number;
  /** Mean and std of the h-bar log return ln(1 + R_h). */
  mean: Float64Array;
  std: Float64Array;
  cvar95: Float64Array;
  /** P(R_h > c): the share of the bar's scenarios above the cost hurdle. */
  probAboveCost: Float64Array;
  /** P(R_h < −c). */
  probBelowCost: Float64Array;
}

export interface ForecastStatisticsOptions {
  /** Context rows of the bars (row-major, the model's context width). */
  contexts: Float32Array;
  /** Candle index of each bar (for the record; one per context row). */
  bars: Int32Array;
  horizon: number;
  scenarios: number;
  seed: number;
  /** The cost hurdle c ≥ 0 (a simple return). */
  hurdle: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Log returns beyond ±LOG_RETURN_CLIP (×0.37 … ×2.7 over at most a path length of bars) are clipped
 * to it in the moments: such draws are the flow's numerical far tail (f32 overflow to ±Infinity in
 * rare inverse passes), not market moves, and with common draws one of them would reach every bar.
 */
export const LOG_RETURN_CLIP = 1;

/** Mean and sample std (ddof 1) of ln(1 + r), clipped to ±LOG_RETURN_CLIP, over a sample of simple returns r (NaN draws skipped). */
export function logMoments(sample: ArrayLike<number>): { mean: number; std: number } {
  let n = 0, m = 0;
  const at = (k: number) => Math.max(-LOG_RETURN_CLIP, Math.min(LOG_RETURN_CLIP, Math.log1p(sample[k])));
  for (let k = 0; k < sample.length; k++) {
    const x = at(k);
    if (!Number.isNaN(x)) { m += x; n++; }
  }
  m /= n;
  let ss = 0;
  for (let k = 0; k < sample.length; k++) {
    const x = at(k);
    if (!Number.isNaN(x)) ss += (x - m) ** 2;
  }
  return { mean: n ? m : NaN, std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN };
}

/** The statistics of R_h at every bar (synchronous: the forecaster's sampler returns its draws directly). */
export function forecastStatistics(bundle: Pick<ForecasterBundle, 'model' | 'horizon' | 'targetScale'>, o: ForecastStatisticsOptions): ForecastStatistics {
  const n = o.bars.length;
  const probAboveCost = new Float64Array(n), probBelowCost = new Float64Array(n), mean = new Float64Array(n), std = new Float64Array(n);
  const risk = scenarioRiskSync({
    sample: commonDrawSampler(bundle, o.seed), contexts: o.contexts, contextWidth: bundle.model.contextWidth, pathLength: bundle.horizon,
    bars: o.bars, horizons: [o.horizon], scenarios: o.scenarios, seed: o.seed, scale: bundle.targetScale, onProgress: o.onProgress,
    onSample: (bar, _h, sample) => {
      probAboveCost[bar] = 1 - shareAtOrBelow(sample, o.hurdle);
      probBelowCost[bar] = lossProbability(sample, o.hurdle);
      ({ mean: mean[bar], std: std[bar] } = logMoments(sample));
    },
  });
  const h = risk.horizons[0];
  return { horizon: o.horizon, mean, std, cvar95: h.cvar95, probAboveCost, probBelowCost };
}
