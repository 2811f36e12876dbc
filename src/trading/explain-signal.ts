/**
 * @fileoverview Why a signal's position is what it is, in words: which of the strategy's rules made
 * the target flat (likelihood filter, confidence minimum, regime filter, cost hurdle, long-only) and
 * whether the rebalance band or the hurdle kept the holding instead of moving to the target. The
 * `signal` command prints these so that a FLAT answer is never a mystery.
 */
import type { Signal, StrategyCalibration } from './strategy.js';

const pct = (v: number, digits = 3) => `${(100 * v).toFixed(digits)}%`;
const signed = (v: number) => `${v >= 0 ? '+' : ''}${pct(v)}`;
const fix = (v: number) => String(Number(v.toFixed(4)));

/**
 * The reasons, in rule order, why the held position (`position`, from `holding`) differs from the
 * model's raw direction: empty when the strategy simply moved to a non-zero target.
 */
export function explainSignal(s: Signal, calibration: Pick<StrategyCalibration, 'threshold' | 'options'>, holding: number, position: number): string[] {
  const o = calibration.options;
  const reasons: string[] = [];
  if (!s.inDistribution) {
    reasons.push(`likelihood filter: log-likelihood ${s.logLikelihood.toFixed(3)} is below the model's threshold ` +
      `${calibration.threshold.toFixed(3)} (the ${pct(o.likelihoodQuantile, 0)} quantile of its training bars): ` +
      'the market looks unlike anything the model learned, so it does not trade');
  }
  if (s.confidence < o.minConfidence) reasons.push(`confidence ${s.confidence.toFixed(3)} is below the minimum ${o.minConfidence}`);
  if (o.allowedRegimes !== null && !o.allowedRegimes.includes(s.regime)) {
    reasons.push(`regime filter: regime ${s.regime} is not among the allowed regimes ${o.allowedRegimes.join(', ')}`);
  }
  if (!s.edgeClearsCost) {
    const hurdle = o.minEdge * o.costRate;
    reasons.push(`cost hurdle: the predicted return over the next ${o.horizon} bars is ${signed(s.edge)}, smaller than the ` +
      `hurdle ±${pct(hurdle)} (minEdge ${o.minEdge} × cost ${pct(o.costRate)} per unit traded)` +
      (s.keep ? ', so the held position is kept' : ', so the target is flat'));
  }
  if (o.longOnly && s.raw * s.confidence * o.maxPosition < 0 && reasons.length === 0) {
    reasons.push('long-only: the direction is short, so the target is flat');
  }
  if (s.raw === 0 && reasons.length === 0) reasons.push('the model predicts no direction (0)');
  if (position !== s.position && !s.keep && position === holding) {
    reasons.push(`rebalance band: the target ${fix(s.position)} is within ${o.rebalanceBand} of the holding ${fix(holding)}, ` +
      'so the holding is kept (trading the difference would cost more than it changes)');
  }
  return reasons;
}
