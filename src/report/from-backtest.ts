/**
 * @fileoverview A backtest's report section from what the engine computed: the strategy's result
 * and the baselines (trading/baselines.ts) run on the same bars with the same costs. The honest
 * statistics are taken as the engine made them (backtestPositions → honestStats), never
 * recomputed, so the report, `backtest` and `--json` agree to the last digit. Also the JSON of the
 * same section for `report --json` and `demo --json` (the shape of `backtest --json`'s `honest` and
 * `baselines`).
 */
import type { BacktestResult } from '../trading/backtest.js';
import { BASELINE_NAMES, baselineSummaries, type BaselineKey, type Baselines } from '../trading/baselines.js';
import type { ReportBacktest, ReportBacktestRow } from './types.js';

// The baselines' names, their runs on a result's bars and their JSON live with the baselines.
export { BASELINE_NAMES, baselinesOf, type BaselineKey, type Baselines } from '../trading/baselines.js';

/** The baselines in `report --json` and `demo --json`: per key, metrics, notes, honest statistics, final equity. */
export function baselinesJson(baselines: Baselines) {
  const all = baselineSummaries(baselines);
  return Object.fromEntries((Object.keys(all) as BaselineKey[]).map((k) => {
    const { equalRisk: _, ...summary } = all[k];
    return [k, summary];
  }));
}

export interface BacktestPartInput {
  id: string;
  title: string;
  caption?: string;
  /** Name of the strategy row, e.g. 'strategy "glow"'. */
  strategyName: string;
  result: BacktestResult;
  /** The baselines on the same bars and costs (see `baselinesOf`). */
  baselines: Baselines;
  /** Predicted risk the exposure was sized on, one per bar (e.g. a forecaster's h-bar CVaR), with its label. */
  risk?: { values: ArrayLike<number>; label: string };  // non-finite values become null (not drawn)
  notes?: string[];
}

function row(name: string, role: ReportBacktestRow['role'], r: BacktestResult): ReportBacktestRow {
  return { name, role, metrics: r.metrics, notes: r.notes.strategy, honest: r.honest, equalRisk: r.equalRisk, finalEquity: r.finalEquity };
}

/** The report section of one backtest: honest statistics, baselines table, equity curves, exposure. */
export function backtestReportPart(input: BacktestPartInput): ReportBacktest {
  const { result: r, baselines } = input;
  const keys = Object.keys(BASELINE_NAMES) as BaselineKey[];
  const rows = [row(input.strategyName, 'strategy', r), ...keys.map((k) => row(BASELINE_NAMES[k], 'baseline', baselines[k]))];
  const timestamp = Array.from(r.series.timestamp);
  return {
    id: input.id, title: input.title, ...(input.caption ? { caption: input.caption } : {}),
    rows,
    equity: {
      timestamp,
      curves: [{ name: input.strategyName, values: Array.from(r.series.equity) },
        ...keys.map((k) => ({ name: BASELINE_NAMES[k], values: Array.from(baselines[k].series.equity) }))],
    },
    exposure: {
      timestamp, exposure: Array.from(r.series.decision),
      ...(input.risk ? { risk: Array.from(input.risk.values, (v) => (Number.isFinite(v) ? v : null)), riskLabel: input.risk.label } : {}),
    },
    ...(input.notes?.length ? { notes: input.notes } : {}),
  };
}

