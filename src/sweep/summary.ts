/**
 * @fileoverview What a sweep found, per market and variant, from its results rows alone (so a
 * summary of a resumed or a cluster sweep is the same as of a local one):
 *
 * - the stitched out-of-sample result of each seed: its folds in fold order, compounded —
 *   total return Π(1 + r_k) − 1 — and the Sharpe of the pooled per-bar returns, whose mean and
 *   variance are combined exactly from each fold's bar count, mean and sd (Chan et al.'s parallel
 *   variance: M2 = Σ (n_k − 1)s_k² + n_k(m_k − m)²), annualised by √P. Each job starts its fold
 *   flat (it cannot know the previous fold's last position), so this differs from one walk-forward
 *   run by the re-entry cost and the bar at each fold start;
 * - across seeds: the median and spread (min, max, sample sd) of those stitched figures;
 * - across every fold of every seed: the median fold Sharpe and the share of folds whose edge is
 *   distinguishable from noise (honest statistics).
 * Errors: sums in doubles over at most millions of bars, relative error ~1e-12 — far below print.
 */
import { quantile } from '../risk/stats.js';
import type { ResultRow } from './results-csv.js';

export interface Spread { median: number; min: number; max: number; sd: number | null; n: number }

export interface SeedStitch {
  seed: number;
  folds: number[];
  bars: number;
  totalReturn: number;
  benchmarkReturn: number | null;
  sharpe: number | null;
}

export interface MarketSummary {
  market: string;
  variant: string;
  seeds: number;
  /** Fold numbers found for some seed; a seed missing one of them is listed in `incomplete`. */
  folds: number[];
  incomplete: Array<{ seed: number; missingFolds: number[] }>;
  stitched: { perSeed: SeedStitch[]; totalReturn: Spread | null; sharpe: Spread | null };
  perFold: { sharpe: Spread | null; totalReturn: Spread | null; distinguishableShare: number | null };
}

const value = (s: string | undefined): number | null => (s === undefined || s.trim() === '' ? null : Number(s));

/** Median (type 7), min, max and sample sd of the finite values; null when there are none. */
export function spread(values: ReadonlyArray<number | null>): Spread | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (v.length === 0) return null;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : null;
  return { median: quantile(v, 0.5), min: Math.min(...v), max: Math.max(...v), sd, n: v.length };
}

/** One seed's folds, in fold order, stitched (see the file comment). */
export function stitchSeed(seed: number, rows: readonly ResultRow[]): SeedStitch {
  const sorted = [...rows].sort((a, b) => Number(a.fold) - Number(b.fold));
  let growth = 1, bench: number | null = 1, n = 0, sum = 0;
  for (const r of sorted) {
    growth *= 1 + (value(r.total_return) ?? 0);
    const b = value(r.benchmark_return);
    bench = bench === null || b === null ? null : bench * (1 + b);
    const k = Number(r.bars), m = value(r.bar_mean);
    if (k > 0 && m !== null) { n += k; sum += k * m; }
  }
  const mean = n > 0 ? sum / n : NaN;
  let m2 = 0;
  for (const r of sorted) {
    const k = Number(r.bars), m = value(r.bar_mean), s = value(r.bar_sd) ?? 0;
    if (k > 0 && m !== null) m2 += (k - 1) * s * s + k * (m - mean) ** 2;
  }
  const sd = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
  const P = Number(sorted[0]?.periods_per_year);
  const sharpe = sd > 1e-15 * Math.max(1, Math.abs(mean)) && P > 0 ? (mean / sd) * Math.sqrt(P) : null;
  return { seed, folds: sorted.map((r) => Number(r.fold)), bars: n, totalReturn: growth - 1, benchmarkReturn: bench === null ? null : bench - 1, sharpe };
}

/** Per market and variant (in the order they first appear), the figures of the file comment. */
export function summarizeResults(rows: readonly ResultRow[]): MarketSummary[] {
  const groups = new Map<string, ResultRow[]>();
  for (const r of rows) {
    const key = JSON.stringify([r.market, r.variant]);
    const g = groups.get(key);
    if (g) g.push(r); else groups.set(key, [r]);
  }
  return [...groups.values()].map((g) => {
    const bySeed = new Map<number, ResultRow[]>();
    for (const r of g) {
      const s = Number(r.seed);
      const list = bySeed.get(s);
      if (list) list.push(r); else bySeed.set(s, [r]);
    }
    const seeds = [...bySeed.keys()].sort((a, b) => a - b);
    const folds = [...new Set(g.map((r) => Number(r.fold)))].sort((a, b) => a - b);
    const perSeed = seeds.map((s) => stitchSeed(s, bySeed.get(s)!));
    const incomplete = perSeed
      .map((p) => ({ seed: p.seed, missingFolds: folds.filter((f) => !p.folds.includes(f)) }))
      .filter((x) => x.missingFolds.length > 0);
    const verdicts = g.map((r) => value(r.distinguishable)).filter((x): x is number => x !== null);
    return {
      market: g[0].market, variant: g[0].variant, seeds: seeds.length, folds, incomplete,
      stitched: { perSeed, totalReturn: spread(perSeed.map((p) => p.totalReturn)), sharpe: spread(perSeed.map((p) => p.sharpe)) },
      perFold: {
        sharpe: spread(g.map((r) => value(r.sharpe))), totalReturn: spread(g.map((r) => value(r.total_return))),
        distinguishableShare: verdicts.length ? verdicts.reduce((a, b) => a + b, 0) / verdicts.length : null,
      },
    };
  });
}
