/**
 * @fileoverview Performance at equal risk (issue 14's second target): a strategy that only holds
 * less of the asset lowers its drawdown without any skill, so drawdown alone proves nothing. Here
 * both the strategy's and buy & hold's per-bar returns are scaled by the constants k_s and k_b that
 * make each one's maximum drawdown the same level — by default 60% of buy & hold's own — and their
 * CAGRs are compared at that level. The strategy "beats holding less" when its scaled CAGR is at
 * least buy & hold's scaled CAGR.
 *
 * Scaling r → k·r is what holding k times the position would have earned (costs scale with it,
 * financing is ignored). The drawdown of Π(1 + k·r) grows with k for the series met here, so k is
 * found by bisection on [0, kMax] (kMax keeps every 1 + k·r > 0), to a relative drawdown error
 * of 1e-9 (60 halvings of the bracket).
 */
import { maxDrawdown } from './metrics.js';

export interface ScaledResult {
  /** The constant the returns were multiplied by. */
  scale: number;
  /** CAGR of the scaled returns (null when it cannot be annualised). */
  cagr: number | null;
  maxDrawdown: number;
}

export interface EqualRisk {
  /** The common drawdown level: `fraction` × buy & hold's maximum drawdown. */
  drawdown: number;
  fraction: number;
  strategy: ScaledResult | null;
  benchmark: ScaledResult | null;
  /** Strategy's scaled CAGR ≥ buy & hold's scaled CAGR (null when either is undefined). */
  beats: boolean | null;
  note?: string;
}

/** CAGR of the returns scaled by k (null when it cannot be annualised). */
function cagrOf(r: ArrayLike<number>, k: number, periodsPerYear: number): number | null {
  let growth = 1;
  for (let i = 0; i < r.length; i++) growth *= 1 + k * r[i];
  const c = Math.pow(growth, periodsPerYear / Math.max(r.length, 1)) - 1;
  return r.length > 0 && growth > 0 && Number.isFinite(c) ? c : null;
}

/** The scale k ≥ 0 whose scaled returns have maximum drawdown `target` (null if no k reaches it). */
export function scaleToDrawdown(r: ArrayLike<number>, target: number): number | null {
  if (!(target > 0 && target < 1)) throw new RangeError(`scaleToDrawdown: target must be in (0, 1), got ${target}`);
  let worst = 0;
  for (let i = 0; i < r.length; i++) worst = Math.min(worst, r[i]);
  if (worst === 0) return null; // never loses: no scale gives a drawdown
  let lo = 0, hi = (1 - 1e-12) / -worst;
  if (maxDrawdown(r, hi) < target) return null;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (maxDrawdown(r, mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Scale returns to a drawdown and report the scale, the scaled CAGR and the drawdown reached. */
export function atDrawdown(r: ArrayLike<number>, target: number, periodsPerYear: number): ScaledResult | null {
  const k = scaleToDrawdown(r, target);
  if (k === null) return null;
  return { scale: k, cagr: cagrOf(r, k, periodsPerYear), maxDrawdown: maxDrawdown(r, k) };
}

/**
 * Strategy vs buy & hold at the same maximum drawdown, `fraction` (default 0.6) of buy & hold's:
 * `returns` are the strategy's net per-bar returns, `assetReturns` the asset's (buy & hold's).
 */
export function equalRisk(returns: ArrayLike<number>, assetReturns: ArrayLike<number>, periodsPerYear: number, fraction = 0.6): EqualRisk {
  if (returns.length !== assetReturns.length) throw new RangeError(`equalRisk: ${returns.length} returns but ${assetReturns.length} asset returns`);
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`equalRisk: fraction must be in (0, 1], got ${fraction}`);
  const drawdown = fraction * maxDrawdown(assetReturns);
  if (!(drawdown > 0) || drawdown >= 1) {
    return { drawdown, fraction, strategy: null, benchmark: null, beats: null, note: 'buy & hold has no drawdown to match' };
  }
  const strategy = atDrawdown(returns, drawdown, periodsPerYear);
  const benchmark = atDrawdown(assetReturns, drawdown, periodsPerYear);
  const beats = strategy?.cagr != null && benchmark?.cagr != null ? strategy.cagr >= benchmark.cagr : null;
  return { drawdown, fraction, strategy, benchmark, beats, ...(strategy ? {} : { note: 'the strategy never loses, or cannot reach that drawdown' }) };
}

/** One line for the human output. */
export function equalRiskLine(e: EqualRisk): string {
  const pct = (v: number | null | undefined) => (v == null ? 'n/a' : `${(v * 100).toFixed(2)}%`);
  if (!e.strategy || !e.benchmark) return `at equal risk: n/a (${e.note ?? 'undefined'})`;
  return `at equal risk (max drawdown ${pct(e.drawdown)} = ${e.fraction} × buy & hold's): CAGR ${pct(e.strategy.cagr)} ` +
    `(×${e.strategy.scale.toFixed(2)}) vs buy & hold ${pct(e.benchmark.cagr)} (×${e.benchmark.scale.toFixed(2)}) — ` +
    (e.beats ? 'beats holding less' : 'does not beat holding less');
}
