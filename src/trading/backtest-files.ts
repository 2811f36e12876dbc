/**
 * @fileoverview The backtest's CSV files. Equity: one row per bar with exactly the columns
 * `timestamp,close,position,return,equity,benchmark_equity,log_likelihood,regime` (timestamp = bar
 * open time in Unix ms, like the candle files; `position` is the one held over the bar ending at that
 * row, `return` that bar's net strategy return). Trades: one row per trade. Numbers are written in
 * shortest round-trip form; an unknown log-likelihood or regime is an empty cell. Writes are atomic.
 */
import { writeFileAtomic } from '../util/atomic.js';
import type { BacktestSeries } from './backtest.js';
import type { Trade } from './trades.js';

export const EQUITY_COLUMNS = ['timestamp', 'close', 'position', 'return', 'equity', 'benchmark_equity', 'log_likelihood', 'regime'] as const;
export const TRADE_COLUMNS = ['side', 'entry_time', 'exit_time', 'entry_price', 'exit_price', 'bars', 'return', 'cost', 'closed'] as const;

const cell = (v: number) => (Number.isFinite(v) ? String(v) : '');

export function equityCsv(s: BacktestSeries): string {
  const lines = [EQUITY_COLUMNS.join(',')];
  for (let t = 0; t < s.timestamp.length; t++) {
    lines.push([
      s.timestamp[t], s.close[t], s.position[t], s.return[t], s.equity[t], s.benchmarkEquity[t], cell(s.logLikelihood[t]),
      s.regime[t] >= 0 ? s.regime[t] : '',
    ].join(','));
  }
  return lines.join('\n') + '\n';
}

export function tradesCsv(trades: readonly Trade[]): string {
  const lines = [TRADE_COLUMNS.join(',')];
  for (const t of trades) {
    lines.push([t.side, t.entryTime, t.exitTime, t.entryPrice, t.exitPrice, t.bars, t.return, t.cost, t.closed].join(','));
  }
  return lines.join('\n') + '\n';
}

export function writeEquityCsv(path: string, s: BacktestSeries): void {
  writeFileAtomic(path, equityCsv(s));
}

export function writeTradesCsv(path: string, trades: readonly Trade[]): void {
  writeFileAtomic(path, tradesCsv(trades));
}
