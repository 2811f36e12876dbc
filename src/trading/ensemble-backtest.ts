/**
 * @fileoverview A backtest of several model files of one kind traded together: each member is
 * backtested alone on the same bars (the caller runs them), then the row-wise mean of their
 * positions (ensemble.ts) runs through the engine with the same costs. The result is the ensemble's,
 * with every member's metrics and the spread across them. The Deflated Sharpe Ratio counts
 * trials × K: each member is a try.
 */
import { backtestPositions, type BacktestResult } from './backtest.js';
import { averageDecisions, metricSpread, type Spread } from './ensemble.js';
import type { HonestStats } from './honest-stats.js';
import type { MetricName, MetricNotes, Metrics } from './metrics.js';

export interface EnsembleInput {
  /** Where the member came from (its file) and its training seed. */
  source: string;
  seed: number;
  result: BacktestResult & { strategy: string; period: { from: number; to: number; rows: number }; warnings: string[] };
}

export interface EnsembleMemberReport { source: string; seed: number; metrics: Metrics; notes: MetricNotes; honest: HonestStats; finalEquity: number }

export interface EnsembleBacktestResult extends BacktestResult {
  strategy: string;
  period: { from: number; to: number; rows: number };
  warnings: string[];
  members: EnsembleMemberReport[];
  spread: Record<MetricName, Spread | null>;
  trials: number;
}

/** The averaged positions of the members backtested (see the file comment). */
export function ensembleBacktest(members: readonly EnsembleInput[], options: { fee?: number; slippage?: number; capital?: number; trials?: number } = {}): EnsembleBacktestResult {
  if (members.length === 0) throw new RangeError('ensemble backtest: no members');
  const first = members[0].result;
  const ts = first.series.timestamp;
  for (const m of members) {
    const t = m.result.series.timestamp;
    if (t.length !== ts.length || t.some((v, i) => v !== ts[i])) {
      throw new RangeError(`ensemble backtest: ${m.source} tested ${t.length} bars, ${members[0].source} ${ts.length}; every member must test the same bars`);
    }
  }
  const trials = (options.trials ?? 1) * members.length;
  const result = backtestPositions({
    timestamps: ts, closes: first.series.close, decisions: averageDecisions(members.map((m) => m.result.series.decision)),
    periodsPerYear: first.periodsPerYear, fee: options.fee, slippage: options.slippage, capital: options.capital, trials,
  });
  const reports = members.map((m) => ({
    source: m.source, seed: m.seed, metrics: m.result.metrics, notes: m.result.notes.strategy, honest: m.result.honest, finalEquity: m.result.finalEquity,
  }));
  const strategies = [...new Set(members.map((m) => m.result.strategy))].join('+');
  return {
    ...result, strategy: `${strategies} (ensemble of ${members.length})`, period: first.period,
    warnings: [...new Set(members.flatMap((m) => m.result.warnings))], members: reports, spread: metricSpread(reports.map((r) => r.metrics)), trials,
  };
}
