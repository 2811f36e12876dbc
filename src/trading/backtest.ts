/**
 * @fileoverview The backtest engine: pure arithmetic over arrays, no model involved.
 *
 * Timing convention. Row t is bar t (its candle's open time and close). The position DECIDED at the
 * close of bar t is HELD over bar t + 1 and earns r_{t+1} = c_{t+1} / c_t − 1. So, per row t:
 *   position[t] = decision[t − 1]                 (position[0] = 0: nothing is held over the first row)
 *   cost[t]     = (fee + slippage) · |position[t] − position[t − 1]|   (charged on the bar the NEW
 *                 position is held over, as a fraction of equity)
 *   return[t]   = position[t] · r_t − cost[t]     (return[0] = 0)
 *   equity[t]   = capital · Π_{s ≤ t} (1 + return[s])           (compounding; position = fraction of equity)
 *   benchmark[t] = capital · c_t / c_0             (buy at the close of the first row and hold, no costs)
 * The last row's decision is never held inside the period (it would earn the bar after it), and open
 * positions are not liquidated at the end. Turnover = Σ|Δposition|, so total costs = rate × turnover.
 * Metrics use the returns of rows 1 … n − 1: row 0 carries no position by construction.
 *
 * Ruin. Equity cannot go below zero: the first row whose return is ≤ −100% (a leveraged position
 * against a large move, or costs above the equity) ends the account. That row's return is set to
 * −100% (equity 0), every later row holds nothing and earns nothing, and the metrics of both the
 * strategy and buy-and-hold cover the rows up to and including that bar. `ruin` names the bar.
 * Fee + slippage are bounded (< MAX_COST_RATE per unit traded): a larger rate is a typo, not a market.
 */
import { computeMetrics, type MetricNotes, type Metrics } from './metrics.js';
import { extractTrades, type Trade } from './trades.js';
import { equalRisk, type EqualRisk } from './equal-risk.js';
import { honestStats, type HonestStats } from './honest-stats.js';

export const DEFAULT_FEE = 0.001;
export const DEFAULT_SLIPPAGE = 0.0005;
export const DEFAULT_CAPITAL = 10_000;
/** Fee + slippage must stay below this per unit of position traded (10%): no real market charges more. */
export const MAX_COST_RATE = 0.1;

export interface BacktestInput {
  timestamps: ArrayLike<number>;
  /** Close of each row's bar. */
  closes: ArrayLike<number>;
  /** Position decided at the close of each row (fraction of equity; negative = short). */
  decisions: ArrayLike<number>;
  periodsPerYear: number;
  fee?: number;
  slippage?: number;
  capital?: number;
  /** Carried into the series for the equity file (NaN / −1 when absent). */
  logLikelihood?: ArrayLike<number>;
  regime?: ArrayLike<number>;
  /** Configurations × seeds tried to reach this one: the Deflated Sharpe Ratio's N (default 1). */
  trials?: number;
  /** Seed of the Sharpe bootstrap (default 1). */
  bootstrapSeed?: number;
}

/** One entry per row (columnar). */
export interface BacktestSeries {
  timestamp: Float64Array;
  close: Float64Array;
  decision: Float64Array;
  /** Held over the bar ending at this row (decided at the previous close). */
  position: Float64Array;
  assetReturn: Float64Array;
  cost: Float64Array;
  /** Net strategy return of this row's bar. */
  return: Float64Array;
  equity: Float64Array;
  benchmarkEquity: Float64Array;
  logLikelihood: Float64Array;
  regime: Int32Array;
}

export interface BacktestResult {
  series: BacktestSeries;
  trades: Trade[];
  metrics: Metrics;
  benchmark: Metrics;
  /** Alpha, beta, Sharpe interval, deflated Sharpe, cost share and a verdict (honest-stats.ts). */
  honest: HonestStats;
  /** CAGR of the strategy and of buy & hold, each scaled to 60% of buy & hold's max drawdown (equal-risk.ts). */
  equalRisk: EqualRisk;
  notes: { strategy: MetricNotes; benchmark: MetricNotes };
  capital: number;
  fee: number;
  slippage: number;
  costRate: number;
  turnover: number;
  /** Σ cost[t] (fractions of equity) = costRate × turnover. */
  totalCosts: number;
  /** The same costs in money: Σ cost[t] · equity[t − 1]. */
  costAmount: number;
  finalEquity: number;
  benchmarkFinalEquity: number;
  periodsPerYear: number;
  /** The bar at which equity reached zero (see "Ruin" above), or null. */
  ruin: { index: number; timestamp: number } | null;
}

/** The warning a ruined backtest carries: names the bar and says what the metrics cover. */
export function ruinWarning(ruin: { index: number; timestamp: number }): string {
  return `equity reached zero at the bar of ${new Date(ruin.timestamp).toISOString().slice(0, 16)}Z (row ${ruin.index}): ` +
    'the backtest stopped there (equity stays 0, nothing is held after it) and the metrics cover the bars up to it';
}

function nonNegative(name: string, v: number): number {
  if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`backtest: ${name} must be a finite number ≥ 0, got ${v}`);
  return v;
}

export function backtestPositions(input: BacktestInput): BacktestResult {
  const fee = nonNegative('fee', input.fee ?? DEFAULT_FEE);
  const slippage = nonNegative('slippage', input.slippage ?? DEFAULT_SLIPPAGE);
  if (!(fee + slippage < MAX_COST_RATE)) {
    throw new RangeError(`backtest: fee + slippage must be < ${MAX_COST_RATE} per unit traded, got ${fee} + ${slippage}`);
  }
  const capital = input.capital ?? DEFAULT_CAPITAL;
  if (!(capital > 0) || !Number.isFinite(capital)) throw new RangeError(`backtest: capital must be a finite number > 0, got ${capital}`);
  const { timestamps, closes, decisions } = input;
  const n = closes.length;
  if (timestamps.length !== n || decisions.length !== n) {
    throw new RangeError(`backtest: ${n} closes but ${timestamps.length} timestamps and ${decisions.length} decisions`);
  }
  const at = (t: number) => `row ${t} (${new Date(timestamps[t]).toISOString()})`;
  for (let t = 0; t < n; t++) {
    if (!(closes[t] > 0) || !Number.isFinite(closes[t])) throw new RangeError(`backtest: close of ${at(t)} is ${closes[t]}, expected a positive number`);
    if (!Number.isFinite(decisions[t])) throw new RangeError(`backtest: position decided at ${at(t)} is ${decisions[t]}, expected a finite number`);
    if (t > 0 && !(timestamps[t] > timestamps[t - 1])) throw new RangeError(`backtest: timestamps are not ascending at ${at(t)}`);
  }
  const rate = fee + slippage;
  const s: BacktestSeries = {
    timestamp: Float64Array.from(timestamps), close: Float64Array.from(closes), decision: Float64Array.from(decisions),
    position: new Float64Array(n), assetReturn: new Float64Array(n), cost: new Float64Array(n), return: new Float64Array(n),
    equity: new Float64Array(n), benchmarkEquity: new Float64Array(n),
    logLikelihood: input.logLikelihood ? Float64Array.from(input.logLikelihood) : new Float64Array(n).fill(NaN),
    regime: input.regime ? Int32Array.from(input.regime) : new Int32Array(n).fill(-1),
  };
  if (s.logLikelihood.length !== n || s.regime.length !== n) throw new RangeError(`backtest: log-likelihoods and regimes need ${n} entries`);
  let equity = capital, turnover = 0, totalCosts = 0, costAmount = 0;
  let ruin = -1;
  for (let t = 0; t < n; t++) {
    if (t > 0) {
      s.assetReturn[t] = s.close[t] / s.close[t - 1] - 1;
      // after ruin there is no equity left: nothing is held, traded or earned
      if (ruin < 0) {
        s.position[t] = s.decision[t - 1];
        const traded = Math.abs(s.position[t] - s.position[t - 1]);
        turnover += traded;
        s.cost[t] = rate * traded;
        totalCosts += s.cost[t];
        costAmount += s.cost[t] * equity;
        s.return[t] = s.position[t] * s.assetReturn[t] - s.cost[t];
        if (s.return[t] <= -1) {
          ruin = t;
          s.return[t] = -1;
        }
      }
      equity = ruin >= 0 ? 0 : equity * (1 + s.return[t]);
    }
    s.equity[t] = equity;
    s.benchmarkEquity[t] = capital * (s.close[t] / s.close[0]);
  }
  const trades = extractTrades({ held: s.position, assetReturns: s.assetReturn, costRate: rate, timestamps: s.timestamp, closes: s.close });
  // a trade cannot lose more than the whole account
  if (ruin >= 0) for (const tr of trades) tr.return = Math.max(-1, tr.return);
  const P = input.periodsPerYear;
  const { strategy, benchmark } = metricsOfRows(s, trades, 0, ruin >= 0 ? ruin + 1 : n, P);
  const end = ruin >= 0 ? ruin + 1 : n;
  const honest = honestOfSeries(s, end, P, { trials: input.trials, seed: input.bootstrapSeed });
  // the bars the metrics cover: rows 1 … end − 1 (row 0 holds nothing)
  const equal = equalRisk(s.return.subarray(1, Math.max(end, 1)), s.assetReturn.subarray(1, Math.max(end, 1)), P);
  return {
    series: s, trades, metrics: strategy.metrics, benchmark: benchmark.metrics, honest, equalRisk: equal, notes: { strategy: strategy.notes, benchmark: benchmark.notes },
    capital, fee, slippage, costRate: rate, turnover, totalCosts, costAmount,
    finalEquity: n > 0 ? s.equity[n - 1] : capital, benchmarkFinalEquity: n > 0 ? s.benchmarkEquity[n - 1] : capital, periodsPerYear: P,
    ruin: ruin >= 0 ? { index: ruin, timestamp: s.timestamp[ruin] } : null,
  };
}

/**
 * Honest statistics of rows 1 … end − 1 of a series (the bars the metrics cover): the strategy's net
 * returns against the asset's own returns (the buy-and-hold per-bar returns), with the costs paid.
 */
export function honestOfSeries(s: BacktestSeries, end: number, periodsPerYear: number, opts: { trials?: number; seed?: number } = {}): HonestStats {
  return honestOfRows(s, 1, end, periodsPerYear, opts);
}

/** Honest statistics of rows [from, to) of a series (row 0 excluded: it holds nothing), e.g. one walk-forward fold. */
export function honestOfRows(s: BacktestSeries, from: number, to: number, periodsPerYear: number, opts: { trials?: number; seed?: number } = {}): HonestStats {
  const a = Math.max(1, from);
  const b = Math.max(a, to);
  return honestStats({
    returns: s.return.subarray(a, b), assetReturns: s.assetReturn.subarray(a, b), costs: s.cost.subarray(a, b),
    periodsPerYear, trials: opts.trials, seed: opts.seed,
  });
}

type Report = { metrics: Metrics; notes: MetricNotes };

/**
 * Metrics of rows [from, to) of a series (e.g. one walk-forward fold): the strategy's returns of
 * those rows (row 0 excluded, it holds nothing), the trades whose first held bar lies there, and a
 * buy-and-hold benchmark entered at the close before the first of those bars.
 */
export function metricsOfRows(s: BacktestSeries, trades: readonly Trade[], from: number, to: number, periodsPerYear: number): {
  strategy: Report; benchmark: Report;
} {
  const a = Math.max(1, from);
  const b = Math.max(a, to);
  let turnover = 0, growth = 1;
  for (let t = a; t < b; t++) {
    turnover += Math.abs(s.position[t] - s.position[t - 1]);
    growth *= 1 + s.assetReturn[t];
  }
  const tradeReturns = trades.filter((tr) => tr.entryIndex + 1 >= a && tr.entryIndex + 1 < b).map((tr) => tr.return);
  const strategy = computeMetrics({
    returns: s.return.subarray(a, b), positions: s.position.subarray(a, b), tradeReturns, turnover, periodsPerYear,
  });
  const benchmark = computeMetrics({
    returns: s.assetReturn.subarray(a, b), positions: new Float64Array(b - a).fill(1),
    tradeReturns: b > a ? [growth - 1] : [], turnover: b > a ? 1 : 0, periodsPerYear,
  });
  return { strategy, benchmark };
}
