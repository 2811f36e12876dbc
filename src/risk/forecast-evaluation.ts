/**
 * @fileoverview Judging per-bar risk forecasts against what happened: for each method and horizon,
 * exceedances and coverage tests at 95% and 99%, mean pinball loss, and a Diebold–Mariano test of
 * the pinball losses against a reference method (the best baseline) — each with a plain verdict.
 *
 * Coverage at h > 1: the h-bar windows of consecutive bars overlap, so their hits are dependent by
 * construction. Kupiec and Christoffersen use non-overlapping windows (every h-th forecast); the hit
 * rate is also tested on all forecasts with Newey–West errors (lag h − 1). Pinball losses and the DM
 * test use every forecast, with lag ≥ h − 1.
 */
import { realizedReturns, type RiskForecast } from './bar-risk.js';
import { coverageTests, everyNth, hitRateHac, type CoverageResult } from './coverage.js';
import { dieboldMariano, meanFinite, pinballLosses, type DieboldMarianoResult } from './forecast-loss.js';

export const RISK_LEVELS = [
  { confidence: 0.95, alpha: 0.05, var: 'var95' },
  { confidence: 0.99, alpha: 0.01, var: 'var99' },
] as const;

export interface LevelEvaluation {
  confidence: number;
  /** Forecasts whose outcome is known. */
  n: number;
  exceedances: number;
  rate: number;
  /** Kupiec / Christoffersen on non-overlapping windows (all forecasts when h = 1). */
  coverage: CoverageResult;
  /** Hit rate on all forecasts with HAC errors (for h > 1; equal in spirit to Kupiec at h = 1). */
  hac: { z: number; pValue: number; lag: number };
  /** Mean pinball loss of −VaR as the (1 − c)-quantile of the return. */
  pinball: number;
  /** DM against the reference method (null for the reference itself). */
  dm: DieboldMarianoResult | null;
  /** Pinball loss relative to the reference: loss / reference loss − 1. */
  vsReference: number | null;
  verdict: string;
}

export interface MethodEvaluation {
  method: string;
  horizon: number;
  levels: LevelEvaluation[];
}

/** Plain words for a coverage result and a DM comparison. */
export function riskVerdict(level: Pick<LevelEvaluation, 'coverage' | 'rate' | 'dm' | 'confidence'>, reference: string | null): string {
  const expected = 1 - level.confidence;
  const cc = level.coverage.conditional.pValue;
  const parts: string[] = [];
  if (level.coverage.kupiec.pValue < 0.05) {
    parts.push(level.rate > expected ? 'too many breaches (VaR too low)' : 'too few breaches (VaR too high)');
  } else if (level.coverage.independence.pValue < 0.05) parts.push('right rate, but breaches cluster');
  else if (cc >= 0.05) parts.push('calibrated');
  else parts.push('coverage rejected');
  if (level.dm && reference) {
    const t = level.dm.statistic;
    parts.push(t <= -2 ? `better than ${reference}` : t >= 2 ? `worse than ${reference}` : `not distinguishable from ${reference}`);
  }
  return parts.join('; ');
}

/**
 * Evaluate every method on the same bars. `logReturns` are the one-bar log returns of every candle;
 * each method's `bars` must be the same. `reference` names the method DM tests compare against.
 */
export function evaluateRiskForecasts(methods: RiskForecast[], logReturns: ArrayLike<number>, reference: string | null): MethodEvaluation[] {
  if (methods.length === 0) return [];
  const bars = methods[0].bars;
  for (const m of methods) {
    if (m.bars.length !== bars.length || m.bars.some((b, i) => b !== bars[i])) throw new RangeError(`risk evaluation: ${m.method} forecasts other bars than ${methods[0].method}`);
  }
  const ref = reference === null ? null : methods.find((m) => m.method === reference);
  if (reference !== null && !ref) throw new RangeError(`risk evaluation: no method named ${reference}`);
  const out: MethodEvaluation[] = [];
  for (const m of methods) {
    for (const hr of m.horizons) {
      const h = hr.horizon;
      const y = realizedReturns(logReturns, bars, h);
      const refH = ref?.horizons.find((x) => x.horizon === h);
      const levels = RISK_LEVELS.map((lv) => {
        const q = Float64Array.from(hr[lv.var], (v) => -v);
        const losses = pinballLosses(y, q, lv.alpha);
        const known: number[] = [];
        for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i])) known.push(y[i] < q[i] ? 1 : 0);
        const coverage = coverageTests(h === 1 ? known : Array.from(everyNth(known, h)), lv.alpha);
        const hac = hitRateHac(known, lv.alpha, h - 1);
        const pinball = meanFinite(losses);
        let dm: DieboldMarianoResult | null = null;
        let vsReference: number | null = null;
        if (refH && m !== ref) {
          const refLosses = pinballLosses(y, Float64Array.from(refH[lv.var], (v) => -v), lv.alpha);
          dm = dieboldMariano(losses, refLosses, { horizon: h });
          vsReference = pinball / meanFinite(refLosses) - 1;
        }
        const ev = { confidence: lv.confidence, n: known.length, exceedances: known.reduce((a, b) => a + b, 0), rate: 0, coverage, hac: { z: hac.z, pValue: hac.pValue, lag: hac.lag }, pinball, dm, vsReference, verdict: '' };
        ev.rate = ev.n > 0 ? ev.exceedances / ev.n : NaN;
        ev.verdict = riskVerdict(ev, ref && m !== ref ? ref.method : null);
        return ev;
      });
      out.push({ method: m.method, horizon: h, levels });
    }
  }
  return out;
}

/** The method with the lowest pinball loss (95% plus 99%) on horizon h among `methods`: the "best baseline". */
export function bestMethod(evaluations: MethodEvaluation[], methods: string[], horizon: number): string | null {
  let best: string | null = null, bestLoss = Infinity;
  for (const e of evaluations) {
    if (e.horizon !== horizon || !methods.includes(e.method)) continue;
    const loss = e.levels.reduce((s, l) => s + l.pinball, 0);
    if (loss < bestLoss) {
      bestLoss = loss;
      best = e.method;
    }
  }
  return best;
}
