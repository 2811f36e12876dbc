/**
 * @fileoverview Performance metrics of a backtest, exactly as DESIGN §5, on per-bar NET returns r
 * (fractions of equity, never dollars), n bars, P periods per year:
 *
 *   totalReturn  Π(1 + r) − 1
 *   cagr         (1 + total)^(P/n) − 1
 *   sharpe       mean(r) / std(r, ddof 1) · √P                (risk-free rate 0)
 *   sortino      mean(r) / √(Σ min(r, 0)² / n) · √P           (downside deviation over ALL n bars)
 *   maxDrawdown  largest fall of equity from its running peak, as a positive fraction of the peak
 *                (the path starts at 1, so a loss on the first bar counts)
 *   calmar       cagr / maxDrawdown
 *   winRate      share of trades whose net return is > 0 (a trade of exactly 0 is not a win)
 *   profitFactor Σ returns of winning trades / |Σ returns of losing trades|
 *   trades       number of trades (maximal runs of same-sign non-zero position)
 *   exposure     share of bars with a non-zero position
 *   turnover     Σ |Δposition| (units of equity traded; costs = (fee + slippage) × turnover)
 *
 * Guarded: a metric that is undefined for the data is `null` and `notes` says why ("zero
 * volatility", "no losing trades", …). No NaN or ±Infinity ever leaves this module.
 */

export interface Metrics {
  totalReturn: number | null;
  cagr: number | null;
  sharpe: number | null;
  sortino: number | null;
  maxDrawdown: number | null;
  calmar: number | null;
  winRate: number | null;
  profitFactor: number | null;
  trades: number;
  exposure: number | null;
  turnover: number;
}

export type MetricName = keyof Metrics;
export const METRIC_NAMES: readonly MetricName[] = [
  'totalReturn', 'cagr', 'sharpe', 'sortino', 'maxDrawdown', 'calmar', 'winRate', 'profitFactor', 'trades', 'exposure', 'turnover',
];
/** Why a metric is null, by metric name. */
export type MetricNotes = Partial<Record<MetricName, string>>;

export interface MetricsInput {
  /** Net return of each bar over which a position could be held. */
  returns: ArrayLike<number>;
  /** Position held over each of those bars (same length), for the exposure. */
  positions: ArrayLike<number>;
  /** Compounded net return of each trade. */
  tradeReturns: ArrayLike<number>;
  /** Σ |Δposition| over the bars. */
  turnover: number;
  periodsPerYear: number;
}

const YEAR_MS = 365 * 86_400_000;
/** The nominal length the data layer gives month candles (their real length varies). */
const NOMINAL_MONTH_MS = 30 * 86_400_000;

/**
 * Bars per year for a candle interval in ms: a 365-day year (1h → 8760, 1d → 365), except month
 * candles (nominal 30 days), which count 12 a year.
 */
export function periodsPerYear(intervalMs: number): number {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
    throw new RangeError(`periodsPerYear: the candle interval must be a positive number of ms, got ${intervalMs}`);
  }
  return intervalMs === NOMINAL_MONTH_MS ? 12 : YEAR_MS / intervalMs;
}

/**
 * Largest peak-to-trough fall of the equity path 1·Π(1 + scale·r), as a positive fraction (`scale`
 * 1 by default: the returns as they are; equal-risk.ts scales them without copying).
 */
export function maxDrawdown(returns: ArrayLike<number>, scale = 1): number {
  let equity = 1, peak = 1, worst = 0;
  for (let i = 0; i < returns.length; i++) {
    equity *= 1 + scale * returns[i];
    if (equity > peak) peak = equity;
    const fall = (peak - equity) / peak;
    if (fall > worst) worst = fall;
  }
  return worst;
}

/** A finite value, or null with the reason recorded in notes. */
function guarded(notes: MetricNotes, name: MetricName, value: number, reason: string): number | null {
  if (Number.isFinite(value)) return value;
  notes[name] = reason;
  return null;
}

export function computeMetrics(input: MetricsInput): { metrics: Metrics; notes: MetricNotes } {
  const { returns: r, positions, tradeReturns, turnover, periodsPerYear: P } = input;
  const n = r.length;
  if (positions.length !== n) throw new RangeError(`computeMetrics: ${n} returns but ${positions.length} positions`);
  if (!(P > 0) || !Number.isFinite(P)) throw new RangeError(`computeMetrics: periodsPerYear must be a positive number, got ${P}`);
  if (!(turnover >= 0) || !Number.isFinite(turnover)) throw new RangeError(`computeMetrics: turnover must be a finite number ≥ 0, got ${turnover}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(r[i])) throw new RangeError(`computeMetrics: return of bar ${i} is ${r[i]} (expected a finite number)`);
    if (!Number.isFinite(positions[i])) throw new RangeError(`computeMetrics: position of bar ${i} is ${positions[i]} (expected a finite number)`);
  }
  for (let i = 0; i < tradeReturns.length; i++) {
    if (!Number.isFinite(tradeReturns[i])) throw new RangeError(`computeMetrics: return of trade ${i} is ${tradeReturns[i]} (expected a finite number)`);
  }
  const notes: MetricNotes = {};
  const m: Metrics = {
    totalReturn: null, cagr: null, sharpe: null, sortino: null, maxDrawdown: null, calmar: null,
    winRate: null, profitFactor: null, trades: tradeReturns.length, exposure: null, turnover,
  };
  if (n === 0) {
    for (const k of ['totalReturn', 'cagr', 'sharpe', 'sortino', 'maxDrawdown', 'calmar', 'exposure'] as const) notes[k] = 'no bars';
  } else {
    let growth = 1, sum = 0, downside = 0, held = 0, largest = 0;
    for (let i = 0; i < n; i++) {
      growth *= 1 + r[i];
      sum += r[i];
      if (r[i] < 0) downside += r[i] * r[i];
      if (positions[i] !== 0) held++;
      largest = Math.max(largest, Math.abs(r[i]));
    }
    const mean = sum / n;
    m.totalReturn = guarded(notes, 'totalReturn', growth - 1, 'equity overflowed');
    m.exposure = held / n;
    m.maxDrawdown = guarded(notes, 'maxDrawdown', maxDrawdown(r), 'equity overflowed');
    if (m.totalReturn === null) notes.cagr = 'total return undefined';
    else if (growth < 0) notes.cagr = 'equity fell below zero';
    else m.cagr = guarded(notes, 'cagr', Math.pow(growth, P / n) - 1, `too large to annualise from ${n} bars`);
    if (n < 2) notes.sharpe = 'fewer than 2 bars';
    else {
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (r[i] - mean) ** 2;
      const sd = Math.sqrt(ss / (n - 1));
      // Equal returns can leave rounding noise of ~1e-17·|r| in sd: that is zero volatility too.
      if (!(sd > 1e-12 * largest)) notes.sharpe = 'zero volatility';
      else m.sharpe = guarded(notes, 'sharpe', (mean / sd) * Math.sqrt(P), 'overflow');
    }
    const dd = Math.sqrt(downside / n);
    if (!(dd > 0)) notes.sortino = 'no losing bars';
    else m.sortino = guarded(notes, 'sortino', (mean / dd) * Math.sqrt(P), 'overflow');
    if (m.cagr === null) notes.calmar = `CAGR undefined (${notes.cagr})`;
    else if (m.maxDrawdown === null) notes.calmar = 'max drawdown undefined';
    else if (m.maxDrawdown === 0) notes.calmar = 'no drawdown';
    else m.calmar = guarded(notes, 'calmar', m.cagr / m.maxDrawdown, 'overflow');
  }
  const t = tradeReturns.length;
  if (t === 0) {
    notes.winRate = 'no trades';
    notes.profitFactor = 'no trades';
  } else {
    let wins = 0, gains = 0, losses = 0;
    for (let i = 0; i < t; i++) {
      const v = tradeReturns[i];
      if (v > 0) { wins++; gains += v; } else if (v < 0) losses -= v;
    }
    m.winRate = wins / t;
    if (losses > 0) m.profitFactor = gains / losses;
    else notes.profitFactor = gains > 0 ? 'no losing trades' : 'no winning or losing trades';
  }
  return { metrics: m, notes };
}

type Style = 'percent' | 'ratio' | 'count' | 'units';
const STYLE: Record<MetricName, Style> = {
  totalReturn: 'percent', cagr: 'percent', sharpe: 'ratio', sortino: 'ratio', maxDrawdown: 'percent', calmar: 'ratio',
  winRate: 'percent', profitFactor: 'ratio', trades: 'count', exposure: 'percent', turnover: 'units',
};
export const METRIC_LABELS: Record<MetricName, string> = {
  totalReturn: 'total return', cagr: 'CAGR', sharpe: 'Sharpe', sortino: 'Sortino', maxDrawdown: 'max drawdown',
  calmar: 'Calmar', winRate: 'win rate', profitFactor: 'profit factor', trades: 'trades', exposure: 'exposure', turnover: 'turnover',
};

/** One metric for people: "12.34%", "1.52", or "n/a (zero volatility)" when it is undefined. */
export function formatMetric(name: MetricName, value: number | null, notes: MetricNotes = {}): string {
  if (value === null || !Number.isFinite(value)) return `n/a (${notes[name] ?? 'undefined'})`;
  switch (STYLE[name]) {
    case 'percent': return `${(100 * value).toFixed(2)}%`;
    case 'ratio': return value.toFixed(3);
    case 'count': return String(value);
    case 'units': return value.toFixed(2);
  }
}
