/**
 * @fileoverview Honest statistics of a backtest: is its edge distinguishable from noise? Pure
 * functions on the per-bar NET returns r_s of the strategy, the asset's own per-bar returns r_a
 * (buy & hold) and the per-bar costs, P periods per year (conventions as metrics.ts: Sharpe =
 * mean / std(ddof 1) · √P, risk-free rate 0).
 *
 *   beta, alpha   OLS r_s = α + β r_a + ε. α per bar and annualised (× P).
 *   alphaT        α / se(α), se from a Newey–West (Bartlett, lag neweyWestLag(n)) HAC variance:
 *                 α̂ − α = (1/n) Σ ψ_t with ψ_t = e_t · (1 − x̄ (x_t − x̄) / s_xx), e_t the residuals,
 *                 x = r_a, s_xx = (1/n) Σ (x_t − x̄)²; so Var(α̂) = Ω(ψ) / n (Ω of newey-west.ts,
 *                 divisor n, no small-sample correction).
 *   sharpeCI      95% percentile interval of the annualised Sharpe over B stationary-bootstrap
 *                 resamples (Politis & Romano 1994; geometric blocks of mean length ⌈√n⌉), seeded.
 *   deflatedSharpe  Bailey & López de Prado (2014): PSR(SR*) = Φ((SR − SR*)√(n−1) /
 *                 √(1 − skew·SR + (kurt−1)/4·SR²)), SR per bar, skew and (non-excess) kurt of the
 *                 sample, SR* = E[max of N trials] ≈ σ_SR((1−γ)Φ⁻¹(1−1/N) + γΦ⁻¹(1−1/(N e))),
 *                 γ Euler–Mascheroni, σ_SR = 1/√(n−1) (the standard error of a per-bar Sharpe whose
 *                 true value is 0: N trials of no skill). N = 1 gives SR* = 0.
 *   costShare     Σ costs ÷ Σ gross returns before costs (null when that gross profit ≤ 0).
 * Guarded like metrics.ts: undefined values are null and `notes` says why.
 */
import { Rng } from '../util/rng.js';
import { normalCdf, normalQuantile } from '../util/special.js';
import { neweyWestLag, neweyWestVariance } from '../risk/newey-west.js';

export const EULER_GAMMA = 0.5772156649015329;
export const DEFAULT_BOOTSTRAP_RESAMPLES = 1000;
export const DEFAULT_BOOTSTRAP_SEED = 1;
/** |t| below this, or a Sharpe interval containing 0, means "not distinguishable from zero". */
export const T_THRESHOLD = 2;
/** A deflated Sharpe below this probability does not survive the number of trials. */
export const DSR_THRESHOLD = 0.95;

export interface AlphaBeta {
  beta: number | null;
  alphaPerBar: number | null;
  alphaAnnual: number | null;
  alphaT: number | null;
  lag: number;
}

export interface SharpeInterval { low: number; high: number; level: number; resamples: number; meanBlock: number; seed: number }

export interface HonestStats extends AlphaBeta {
  bars: number;
  sharpe: number | null;
  sharpeCI: SharpeInterval | null;
  skew: number | null;
  kurtosis: number | null;
  trials: number;
  deflatedSharpe: number | null;
  grossProfit: number;
  costs: number;
  costShare: number | null;
  distinguishable: boolean;
  verdict: string;
  notes: Record<string, string>;
}

export interface HonestInput {
  /** Net per-bar strategy returns. */
  returns: ArrayLike<number>;
  /** The asset's own per-bar returns over the same bars. */
  assetReturns: ArrayLike<number>;
  /** Per-bar costs (fractions of equity) over the same bars; gross = net + cost. */
  costs?: ArrayLike<number>;
  periodsPerYear: number;
  /** Configurations × seeds tried before this one (the DSR's N), default 1. */
  trials?: number;
  resamples?: number;
  seed?: number;
  meanBlock?: number;
}

const mean = (x: ArrayLike<number>) => { let s = 0; for (let i = 0; i < x.length; i++) s += x[i]; return x.length ? s / x.length : NaN; };

/** Per-bar Sharpe mean / std(ddof 1), or null for fewer than 2 bars or zero volatility. */
export function sharpePerBar(r: ArrayLike<number>): number | null {
  const n = r.length;
  if (n < 2) return null;
  const m = mean(r);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (r[i] - m) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  return sd > 1e-15 * Math.max(1, Math.abs(m)) ? m / sd : null;
}

/** OLS of y on x with a Newey–West t-statistic of the intercept (see the file comment). */
export function alphaBeta(y: ArrayLike<number>, x: ArrayLike<number>, periodsPerYear: number, lag?: number): AlphaBeta {
  const n = y.length;
  if (x.length !== n) throw new RangeError(`alphaBeta: ${n} strategy returns but ${x.length} asset returns`);
  const L = lag ?? neweyWestLag(n);
  if (n < 3) return { beta: null, alphaPerBar: null, alphaAnnual: null, alphaT: null, lag: L };
  const mx = mean(x), my = mean(y);
  let sxx = 0, sxy = 0;
  for (let t = 0; t < n; t++) { sxx += (x[t] - mx) ** 2; sxy += (x[t] - mx) * (y[t] - my); }
  sxx /= n; sxy /= n;
  const flat = !(sxx > 0);
  const beta = flat ? 0 : sxy / sxx;
  const alpha = my - beta * mx;
  const psi = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const e = y[t] - alpha - beta * x[t];
    psi[t] = flat ? e : e * (1 - (mx * (x[t] - mx)) / sxx);
  }
  const se = Math.sqrt(neweyWestVariance(psi, L) / n);
  const alphaT = se > 1e-15 * Math.max(1, Math.abs(alpha)) ? alpha / se : null;
  return { beta: flat ? null : beta, alphaPerBar: alpha, alphaAnnual: alpha * periodsPerYear, alphaT, lag: L };
}

/** Type-7 quantile of sorted values. */
function quantileSorted(s: Float64Array, p: number): number {
  const h = (s.length - 1) * p, lo = Math.floor(h), hi = Math.ceil(h);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/**
 * 95% (or `level`) percentile interval of the annualised Sharpe over `resamples` stationary-bootstrap
 * resamples: each bar continues the current block with probability 1 − 1/meanBlock (wrapping round
 * the series) or starts a new block at a uniformly drawn bar. Resamples with zero volatility are
 * skipped. Null when fewer than 2 bars or no resample has a Sharpe.
 */
export function bootstrapSharpe(r: ArrayLike<number>, periodsPerYear: number,
  opts: { resamples?: number; seed?: number; meanBlock?: number; level?: number } = {}): SharpeInterval | null {
  const n = r.length;
  const B = opts.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const seed = opts.seed ?? DEFAULT_BOOTSTRAP_SEED;
  const level = opts.level ?? 0.95;
  const meanBlock = opts.meanBlock ?? Math.max(1, Math.ceil(Math.sqrt(n)));
  if (!(Number.isInteger(B) && B >= 1)) throw new RangeError(`bootstrap: resamples must be a whole number ≥ 1, got ${B}`);
  if (!(meanBlock >= 1)) throw new RangeError(`bootstrap: mean block length must be ≥ 1, got ${meanBlock}`);
  if (n < 2) return null;
  const rng = new Rng(seed);
  // a new block starts when a 32-bit draw falls below 2³²/meanBlock (one draw per bar, not two)
  const newBelow = 4294967296 / meanBlock;
  // Deviations from the sample mean: one pass of sums per resample, and a constant series gives
  // exactly zero variance (no cancellation), as sharpePerBar would.
  const m0 = mean(r);
  const d = Float64Array.from(r as ArrayLike<number>, (v) => v - m0);
  const values: number[] = [];
  for (let b = 0; b < B; b++) {
    let i = rng.int(n), s1 = 0, s2 = 0;
    for (let t = 0; t < n; t++) {
      if (t > 0) i = rng.nextU32() < newBelow ? rng.int(n) : i + 1 === n ? 0 : i + 1;
      const v = d[i];
      s1 += v;
      s2 += v * v;
    }
    const m = s1 / n;
    const sd = Math.sqrt(Math.max(0, (s2 - n * m * m) / (n - 1)));
    if (sd > 1e-15 * Math.max(1, Math.abs(m0 + m))) values.push(((m0 + m) / sd) * Math.sqrt(periodsPerYear));
  }
  if (!values.length) return null;
  const sorted = Float64Array.from(values).sort();
  const tail = (1 - level) / 2;
  return { low: quantileSorted(sorted, tail), high: quantileSorted(sorted, 1 - tail), level, resamples: values.length, meanBlock, seed };
}

/** Sample skewness m3/m2^1.5 and (non-excess) kurtosis m4/m2² (biased moments), null if flat. */
export function moments(r: ArrayLike<number>): { skew: number; kurtosis: number } | null {
  const n = r.length, m = mean(r);
  let m2 = 0, m3 = 0, m4 = 0;
  for (let i = 0; i < n; i++) { const d = r[i] - m; m2 += d * d; m3 += d * d * d; m4 += d * d * d * d; }
  m2 /= n; m3 /= n; m4 /= n;
  return m2 > 0 ? { skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) } : null;
}

/** Probabilistic Sharpe ratio PSR(SR*) (per-bar Sharpes), or null when the variance term is ≤ 0. */
export function probabilisticSharpe(sr: number, srStar: number, n: number, skew: number, kurtosis: number): number | null {
  const v = 1 - skew * sr + ((kurtosis - 1) / 4) * sr * sr;
  if (!(v > 0) || n < 2) return null;
  return normalCdf(((sr - srStar) * Math.sqrt(n - 1)) / Math.sqrt(v));
}

/** Expected maximum per-bar Sharpe of N no-skill trials with Sharpe standard deviation σ_SR. */
export function expectedMaxSharpe(trials: number, sigma: number): number {
  if (!(Number.isInteger(trials) && trials >= 1)) throw new RangeError(`the number of trials must be a whole number ≥ 1, got ${trials}`);
  if (trials === 1) return 0;
  return sigma * ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) + EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E)));
}

/** Deflated Sharpe ratio of net returns r after N trials (see the file comment). */
export function deflatedSharpe(r: ArrayLike<number>, trials: number): number | null {
  const n = r.length;
  const sr = sharpePerBar(r);
  const mo = moments(r);
  if (sr === null || mo === null) return null;
  return probabilisticSharpe(sr, expectedMaxSharpe(trials, 1 / Math.sqrt(n - 1)), n, mo.skew, mo.kurtosis);
}

/** Share of the gross profit (Σ (net + cost)) paid in costs; null with a reason when gross ≤ 0. */
export function costShare(returns: ArrayLike<number>, costs: ArrayLike<number>): { grossProfit: number; costs: number; share: number | null; note?: string } {
  let gross = 0, paid = 0;
  for (let t = 0; t < returns.length; t++) { gross += returns[t] + costs[t]; paid += costs[t]; }
  if (!(gross > 0)) return { grossProfit: gross, costs: paid, share: null, note: 'no gross profit before costs' };
  return { grossProfit: gross, costs: paid, share: paid / gross };
}

const f2 = (v: number) => v.toFixed(2);

/** The plain-words verdict (see T_THRESHOLD, DSR_THRESHOLD). */
export function verdictOf(s: Omit<HonestStats, 'verdict' | 'distinguishable'>): { distinguishable: boolean; verdict: string } {
  if (s.alphaT === null || s.sharpeCI === null) {
    return { distinguishable: false, verdict: 'too few bars, or no variation in the returns, to tell an edge from zero' };
  }
  const why: string[] = [];
  if (Math.abs(s.alphaT) < T_THRESHOLD) why.push(`alpha t = ${f2(s.alphaT)} (|t| < ${T_THRESHOLD})`);
  if (s.sharpeCI.low <= 0 && s.sharpeCI.high >= 0) why.push(`the Sharpe 95% interval [${f2(s.sharpeCI.low)}, ${f2(s.sharpeCI.high)}] contains 0`);
  let verdict: string;
  let distinguishable = false;
  if (why.length) verdict = `the edge is not distinguishable from zero: ${why.join(' and ')}`;
  else if (s.alphaT < 0) verdict = `the strategy loses to its own exposure to the asset: alpha t = ${f2(s.alphaT)}`;
  else if (s.deflatedSharpe !== null && s.deflatedSharpe < DSR_THRESHOLD) {
    verdict = `the edge looks significant alone (alpha t = ${f2(s.alphaT)}) but not after ${s.trials} trials: deflated Sharpe ${f2(s.deflatedSharpe)} < ${DSR_THRESHOLD}`;
  } else {
    distinguishable = true;
    verdict = `the edge is distinguishable from zero: alpha t = ${f2(s.alphaT)}, Sharpe 95% interval [${f2(s.sharpeCI.low)}, ${f2(s.sharpeCI.high)}]`;
  }
  if (s.costShare !== null && s.costShare >= 1) verdict += `; costs ate ${Math.round(100 * s.costShare)}% of the gross profit`;
  return { distinguishable, verdict };
}

/** Every honest statistic of one backtest's bars. */
export function honestStats(input: HonestInput): HonestStats {
  const { returns: r, assetReturns: a, periodsPerYear: P } = input;
  const n = r.length;
  if (a.length !== n) throw new RangeError(`honest statistics: ${n} strategy returns but ${a.length} asset returns`);
  const costs = input.costs ?? new Float64Array(n);
  if (costs.length !== n) throw new RangeError(`honest statistics: ${n} returns but ${costs.length} costs`);
  const trials = input.trials ?? 1;
  const notes: Record<string, string> = {};
  const ab = alphaBeta(r, a, P);
  if (ab.beta === null) notes.beta = n < 3 ? 'fewer than 3 bars' : 'the asset did not move';
  if (ab.alphaT === null) notes.alphaT = n < 3 ? 'fewer than 3 bars' : 'zero residual variance';
  const sr = sharpePerBar(r);
  if (sr === null) notes.sharpe = n < 2 ? 'fewer than 2 bars' : 'zero volatility';
  const sharpeCI = bootstrapSharpe(r, P, { resamples: input.resamples, seed: input.seed, meanBlock: input.meanBlock });
  if (sharpeCI === null) notes.sharpeCI = n < 2 ? 'fewer than 2 bars' : 'no resample has any volatility';
  const mo = n >= 2 ? moments(r) : null;
  const dsr = deflatedSharpe(r, trials);
  if (dsr === null) notes.deflatedSharpe = sr === null ? notes.sharpe : 'the Sharpe variance term is not positive';
  const cs = costShare(r, costs);
  if (cs.note) notes.costShare = cs.note;
  const base = {
    bars: n, ...ab, sharpe: sr === null ? null : sr * Math.sqrt(P), sharpeCI, skew: mo?.skew ?? null, kurtosis: mo?.kurtosis ?? null,
    trials, deflatedSharpe: dsr, grossProfit: cs.grossProfit, costs: cs.costs, costShare: cs.share, notes,
  };
  return { ...base, ...verdictOf(base) };
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const num = (v: number | null, digits = 2, why?: string) => (v === null ? `n/a${why ? ` (${why})` : ''}` : v.toFixed(digits));

/** The human "Honest statistics" block: a few lines, the verdict last. */
export function honestLines(h: HonestStats): string[] {
  const alpha = h.alphaAnnual === null ? `n/a (${h.notes.alphaT ?? 'too few bars'})` : `${pct(h.alphaAnnual)} a year`;
  const ci = h.sharpeCI ? `95% interval [${num(h.sharpeCI.low)}, ${num(h.sharpeCI.high)}] (stationary bootstrap, ${h.sharpeCI.resamples} resamples, mean block ${h.sharpeCI.meanBlock} bars, seed ${h.sharpeCI.seed})` : `no interval (${h.notes.sharpeCI})`;
  return [
    `Honest statistics (${h.bars} bars):`,
    `  alpha vs the asset ${alpha}, t = ${num(h.alphaT, 2, h.notes.alphaT)} (Newey–West, lag ${h.lag}); beta ${num(h.beta, 2, h.notes.beta)}`,
    `  Sharpe ${num(h.sharpe, 2, h.notes.sharpe)}, ${ci}`,
    `  deflated Sharpe ${num(h.deflatedSharpe, 3, h.notes.deflatedSharpe)} (probability the true Sharpe beats the best of ${h.trials} no-skill trial${h.trials === 1 ? '' : 's'}; --trials counts configurations × seeds tried)`,
    `  costs ${h.costShare === null ? `n/a (${h.notes.costShare})` : `ate ${pct(h.costShare)} of the gross profit`}`,
    `  verdict: ${h.verdict}`,
  ];
}
