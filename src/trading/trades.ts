/**
 * @fileoverview The trade list of a backtest. A trade is a maximal run of bars held with the same
 * non-zero sign of position; its size may change inside the run.
 *
 * Conventions (row t = bar t; held[t] = the position held over bar t, decided at the close of t − 1):
 *  - a run of held bars u … v was ENTERED at the close of bar u − 1 and EXITED at the close of bar v,
 *    so entry/exit time and price are those of bars u − 1 and v, and bars held = v − (u − 1);
 *  - its return is compounded over its bars, net of the costs that belong to it:
 *      Π_{t=u..v} (1 + held[t]·r[t] − c_t) · (1 − rate·|held[v]|) − 1,
 *    where c_u = rate·|held[u]| (the opening part of the entry trade), c_t = rate·|held[t] − held[t−1]|
 *    inside the run, and the last factor is the cost of closing it. When a position flips sign, the
 *    cost of that bar is split: the closing part to the old trade, the opening part to the new one,
 *    so the trades' costs add up to exactly rate × turnover;
 *  - a run still held on the last bar is an open trade (closed = false): exit = the last bar, and no
 *    closing cost, because the backtest does not liquidate at the end either.
 */

export interface Trade {
  side: 'long' | 'short';
  /** Row at whose close the trade was entered (u − 1) and exited (v). */
  entryIndex: number;
  exitIndex: number;
  entryTime: number;
  exitTime: number;
  entryPrice: number;
  exitPrice: number;
  /** Bars held: exitIndex − entryIndex. */
  bars: number;
  /** Compounded net return of the trade, costs included. */
  return: number;
  /** Costs charged to this trade, as a sum of fractions of equity (rate × units traded). */
  cost: number;
  /** False if the position was still held on the last bar. */
  closed: boolean;
}

export interface TradeInput {
  /** Position held over each row's bar; held[0] must be 0 (nothing is held over the first row). */
  held: ArrayLike<number>;
  /** Asset return of each row's bar, r[t] = close[t] / close[t − 1] − 1 (r[0] unused). */
  assetReturns: ArrayLike<number>;
  /** Cost per unit of position traded (fee + slippage). */
  costRate: number;
  timestamps: ArrayLike<number>;
  closes: ArrayLike<number>;
}

export function extractTrades(input: TradeInput): Trade[] {
  const { held, assetReturns: r, costRate: rate, timestamps, closes } = input;
  const n = held.length;
  if (r.length !== n || timestamps.length !== n || closes.length !== n) {
    throw new RangeError(`extractTrades: ${n} positions but ${r.length} returns, ${timestamps.length} timestamps, ${closes.length} closes`);
  }
  if (!(rate >= 0) || !Number.isFinite(rate)) throw new RangeError(`extractTrades: cost rate must be a finite number ≥ 0, got ${rate}`);
  if (n > 0 && held[0] !== 0) throw new RangeError(`extractTrades: held[0] is ${held[0]}; nothing can be held over the first row`);
  const trades: Trade[] = [];
  let t = 1;
  while (t < n) {
    const side = Math.sign(held[t]);
    if (side === 0 || Number.isNaN(side)) {
      if (Number.isNaN(side)) throw new RangeError(`extractTrades: position of row ${t} is NaN`);
      t++;
      continue;
    }
    const u = t;
    let growth = 1, cost = 0;
    for (; t < n && Math.sign(held[t]) === side; t++) {
      const c = t === u ? rate * Math.abs(held[t]) : rate * Math.abs(held[t] - held[t - 1]);
      cost += c;
      growth *= 1 + held[t] * r[t] - c;
    }
    const v = t - 1;
    const closed = v < n - 1;
    if (closed) {
      const c = rate * Math.abs(held[v]);
      cost += c;
      growth *= 1 - c;
    }
    trades.push({
      side: side > 0 ? 'long' : 'short',
      entryIndex: u - 1, exitIndex: v,
      entryTime: timestamps[u - 1], exitTime: timestamps[v],
      entryPrice: closes[u - 1], exitPrice: closes[v],
      bars: v - u + 1,
      return: growth - 1,
      cost,
      closed,
    });
  }
  return trades;
}
