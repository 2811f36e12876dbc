/**
 * @fileoverview Out-of-sample check of the model's VaR on held-out candles.
 *
 * For each horizon h (1, 5, 10, 20 bars) the realized forward return of bar t is c_{t+h}/c_t − 1, the
 * same quantity as the feature return_h of bar t+h. Only bars t strictly after the model's validation
 * range (or its training range when it had no validation split) are used, so neither the scaler, the
 * flow nor early stopping saw them; a window t … t+h that crosses a missing candle is skipped. An
 * exceedance is a realized loss beyond the VaR: r < −VaR. Exceedances are counted at 95% and 99% and
 * tested with Kupiec's POF statistic.
 *
 * For h > 1 consecutive windows overlap (they share h − 1 bars), so exceedances cluster and are not
 * independent: the p-value on all bars is indicative only. A second count on non-overlapping windows
 * (t = first, first + h, …) meets the test's independence assumption better, at the cost of h times
 * fewer bars.
 *
 * Verdict. Each level gets one in words (`verdict95`, `verdict99`): the Kupiec test at 5% significance
 * on the non-overlapping windows (all windows for h = 1) either finds the VaR consistent with the
 * losses, or rejects it — too many losses beyond it (the VaR understates the risk) or too few (it
 * overstates it). Fewer than 20 windows decide nothing.
 */
import type { Candles } from '../data/candles.js';
import { validateCandles } from '../data/candle-checks.js';
import { inferIntervalMs } from '../data/gaps.js';
import { openTimeAfter } from '../data/interval.js';
import type { TrainingRecord } from '../trading/bundle.js';
import { kupiecPof } from './kupiec.js';
import type { RiskHorizon } from './scenarios.js';
import type { VarCvar } from './var.js';

export const HORIZON_BARS: Record<RiskHorizon, number> = { return_1: 1, return_5: 5, return_10: 10, return_20: 20 };

export const OVERLAP_NOTE =
  'For horizons above 1 bar consecutive forward returns overlap, so exceedances are not independent and ' +
  'the Kupiec p-values on all bars are indicative only; the "every h-th" columns count every h-th bar ' +
  'only (windows that do not overlap), and the verdict uses them.';

/** Significance of the Kupiec test behind a verdict. */
export const VERDICT_SIGNIFICANCE = 0.05;
/** Fewer windows than this decide nothing (a 95% VaR expects one loss in 20). */
export const VERDICT_MIN_BARS = 20;

export interface VarVerdict {
  result: 'consistent' | 'VaR too low' | 'VaR too high' | 'too few bars';
  /** One sentence for people: the counts, the p-value and what it means. */
  text: string;
}

/** The verdict on one VaR level from its (non-overlapping) exceedance counts. */
export function varVerdict(level: 95 | 99, counts: ExceedanceCounts): VarVerdict {
  const x = level === 95 ? counts.exceedances95 : counts.exceedances99;
  const p = level === 95 ? counts.kupiecP95 : counts.kupiecP99;
  const expected = counts.n * (level === 95 ? 0.05 : 0.01);
  const seen = `${x} loss${x === 1 ? '' : 'es'} beyond the ${level}% VaR in ${counts.n} bars, ${expected.toFixed(1)} expected`;
  if (counts.n < VERDICT_MIN_BARS) return { result: 'too few bars', text: `undecided: ${seen}; ${VERDICT_MIN_BARS} bars are needed for a verdict` };
  const ps = `Kupiec p = ${p < 0.001 ? p.toExponential(1) : p.toFixed(3)}`;
  if (!(p < VERDICT_SIGNIFICANCE)) return { result: 'consistent', text: `passes: ${seen} (${ps}): the VaR is consistent with the realised losses` };
  return x > expected
    ? { result: 'VaR too low', text: `FAILS: ${seen} (${ps}): the VaR understates the risk, losses beyond it happen more often than it says` }
    : { result: 'VaR too high', text: `FAILS: ${seen} (${ps}): the VaR overstates the risk, losses beyond it happen less often than it says` };
}

export interface ForwardReturns {
  horizon: number;
  /** Open time of bar t of each window. */
  timestamps: Float64Array;
  returns: Float64Array;
  /** Windows dropped because a candle inside t … t+h is missing. */
  skippedGaps: number;
}

/** Realized forward returns c_{t+h}/c_t − 1 for bars t with timestamp > `after`. */
export function forwardReturns(candles: Candles, h: number, options: { after: number; intervalMs: number }): ForwardReturns {
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`forward return horizon must be a positive integer, got ${h}`);
  if (!(options.intervalMs > 0)) throw new RangeError(`intervalMs must be positive, got ${options.intervalMs}`);
  const { timestamp: ts, close: c } = candles;
  const times: number[] = [], returns: number[] = [];
  let skippedGaps = 0;
  for (let t = 0; t + h < ts.length; t++) {
    if (ts[t] <= options.after) continue;
    // openTimeAfter: month candles (intervalMs = the nominal 30 days) are h calendar months apart.
    if (ts[t + h] !== openTimeAfter(options.intervalMs, ts[t], h)) {
      skippedGaps++;
      continue;
    }
    times.push(ts[t]);
    returns.push(c[t + h] / c[t] - 1);
  }
  return { horizon: h, timestamps: Float64Array.from(times), returns: Float64Array.from(returns), skippedGaps };
}

export interface ExceedanceCounts {
  n: number;
  exceedances95: number;
  rate95: number;
  kupiecLR95: number;
  kupiecP95: number;
  exceedances99: number;
  rate99: number;
  kupiecLR99: number;
  kupiecP99: number;
}

/** Exceedances of the 95% and 99% VaR by `returns` (r < −VaR) with Kupiec tests. */
export function exceedanceCounts(returns: ArrayLike<number>, risk: Pick<VarCvar, 'var95' | 'var99'>): ExceedanceCounts {
  const n = returns.length;
  let x95 = 0, x99 = 0;
  for (let i = 0; i < n; i++) {
    if (returns[i] < -risk.var95) x95++;
    if (returns[i] < -risk.var99) x99++;
  }
  const a = kupiecPof(n, x95, 0.05);
  const b = kupiecPof(n, x99, 0.01);
  return {
    n, exceedances95: x95, rate95: a.rate, kupiecLR95: a.lr, kupiecP95: a.pValue,
    exceedances99: x99, rate99: b.rate, kupiecLR99: b.lr, kupiecP99: b.pValue,
  };
}

export interface HorizonVarTest extends ExceedanceCounts {
  var95: number;
  var99: number;
  expected95: number;
  expected99: number;
  /** First and last bar t tested (Unix ms). */
  from: number;
  to: number;
  skippedGaps: number;
  /** The same test on every h-th window only (equal to the main counts for h = 1). */
  nonOverlapping: ExceedanceCounts;
  /** The verdicts in words, from the non-overlapping counts (see "Verdict" above). */
  verdict95: VarVerdict;
  verdict99: VarVerdict;
}

export interface VarTestResult {
  /** Bars t must open after this time (the end of the validation range, else of the training range). */
  after: number;
  /** Per horizon; null when no h-bar window after the cutoff fits in the data. */
  horizons: Record<RiskHorizon, HorizonVarTest | null>;
  note: string;
}

/** The out-of-sample VaR test of `risk` (per-horizon VaR of one scenario set) on held-out `candles`. */
export function varTest(candles: Candles, training: TrainingRecord, risk: Record<RiskHorizon, VarCvar>, source = 'candles'): VarTestResult {
  validateCandles(candles, { source });
  const after = training.validation?.end ?? training.train.end;
  const intervalMs = training.intervalMs;
  const spacing = inferIntervalMs(candles.timestamp);
  if (spacing !== undefined && intervalMs > 0 && spacing !== intervalMs) {
    throw new Error(`${source}: candles are ${spacing / 60000} minutes apart but the model was trained on ` +
      `${intervalMs / 60000}-minute candles; its horizons would mean other time spans`);
  }
  const horizons = {} as Record<RiskHorizon, HorizonVarTest | null>;
  for (const [name, h] of Object.entries(HORIZON_BARS) as [RiskHorizon, number][]) {
    const fwd = forwardReturns(candles, h, { after, intervalMs: intervalMs > 0 ? intervalMs : spacing ?? 0 });
    const n = fwd.returns.length;
    if (n === 0) {
      if (h === 1) {
        throw new Error(`${source}: no forward return starts after the model's validation range ` +
          `(${new Date(after).toISOString()}); the VaR test needs held-out candles that the model never saw`);
      }
      horizons[name] = null;
      continue;
    }
    // Kept windows have increasing t, so every h-th of them starts ≥ h bars after the previous one.
    const every = fwd.returns.filter((_, i) => i % h === 0);
    const nonOverlapping = exceedanceCounts(every, risk[name]);
    horizons[name] = {
      var95: risk[name].var95,
      var99: risk[name].var99,
      expected95: 0.05 * n,
      expected99: 0.01 * n,
      ...exceedanceCounts(fwd.returns, risk[name]),
      from: fwd.timestamps[0],
      to: fwd.timestamps[n - 1],
      skippedGaps: fwd.skippedGaps,
      nonOverlapping,
      verdict95: varVerdict(95, nonOverlapping),
      verdict99: varVerdict(99, nonOverlapping),
    };
  }
  return { after, horizons, note: OVERLAP_NOTE };
}
