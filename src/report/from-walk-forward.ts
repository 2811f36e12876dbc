/**
 * @fileoverview A walk-forward report from the JSON that `backtest --walk-forward --json` writes:
 * the stitched run's honest statistics beside the baselines' (a backtest section without curves —
 * the JSON has no per-bar series), the folds table (per fold: the strategy's metrics and honest
 * statistics, the baselines' return and Sharpe, the ensemble members' Sharpe spread), and with an
 * ensemble the members table. The JSON is checked first: a wrong file names the field it lacks.
 */
import type { EqualRisk } from '../trading/equal-risk.js';
import type { HonestStats } from '../trading/honest-stats.js';
import type { MetricNotes, Metrics } from '../trading/metrics.js';
import { BASELINE_NAMES, type BaselineKey } from './from-backtest.js';
import { fixed, formatMetric, formatPercent } from './format.js';
import { reportMetrics } from './from-run.js';
import type { ReportData, ReportTable } from './types.js';

interface JsonRange { from: string; to: string; rows: number }
interface Spread { min: number; median: number; max: number; members: number }
interface BaselineJson { metrics: Metrics; notes: MetricNotes; honest: HonestStats; finalEquity?: number }

/** The part of `backtest --walk-forward --json` the report reads. */
export interface WalkForwardJson {
  mode: 'walk-forward';
  strategy: string;
  data: string;
  range: JsonRange;
  fee: number;
  slippage: number;
  metrics: Metrics;
  benchmark: Metrics;
  honest: HonestStats;
  equalRisk?: EqualRisk;
  notes: { strategy: MetricNotes; benchmark: MetricNotes };
  finalEquity: number;
  baselines: Record<BaselineKey, BaselineJson & { finalEquity: number }>;
  walkForward: {
    window: string; trainBars: number; testBars: number; step: number; conditional?: boolean; seeds?: number[]; trials?: number;
    plannedFolds?: number; seconds: number;
    members?: Array<{ seed: number; metrics: Metrics; notes: MetricNotes; honest: HonestStats }>;
    spread?: Record<string, Spread | null>;
    folds: Array<{
      fold: number; test: JsonRange; metrics: Metrics; benchmark: Metrics; notes: { strategy: MetricNotes }; honest: HonestStats;
      baselines: Record<BaselineKey, BaselineJson>; spread?: Record<string, Spread | null>; members?: unknown[];
    }>;
  };
  warnings?: string[];
}

/** Throws an Error naming `source` and the first field the report needs that is missing or of the wrong type. */
export function checkWalkForwardJson(j: unknown, source: string): WalkForwardJson {
  const fail = (field: string, expected: string): never => {
    throw new Error(`${source}: ${field} ${expected} (expected the output of "glow-trade backtest --walk-forward --json")`);
  };
  const obj = (v: unknown, field: string) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : fail(field, 'is missing or not an object'));
  const root = obj(j, 'the file');
  if (root.mode !== 'walk-forward') fail('mode', `is ${JSON.stringify(root.mode)}, not "walk-forward"`);
  for (const k of ['metrics', 'benchmark', 'honest', 'baselines', 'walkForward', 'range', 'notes']) obj(root[k], k);
  const honestOk = (h: unknown, field: string) => {
    const o = obj(h, field);
    if (typeof o.verdict !== 'string' || typeof o.bars !== 'number' || typeof o.trials !== 'number') fail(field, 'lacks its verdict, bars or trials');
  };
  honestOk(root.honest, 'honest');
  const baselines = obj(root.baselines, 'baselines');
  for (const k of Object.keys(BASELINE_NAMES)) { obj(baselines[k], `baselines.${k}`); honestOk((baselines[k] as Record<string, unknown>).honest, `baselines.${k}.honest`); }
  const wf = obj(root.walkForward, 'walkForward');
  if (!Array.isArray(wf.folds) || wf.folds.length === 0) fail('walkForward.folds', 'is missing or empty');
  (wf.folds as unknown[]).forEach((f, i) => {
    const o = obj(f, `walkForward.folds[${i}]`);
    for (const k of ['test', 'metrics', 'baselines']) obj(o[k], `walkForward.folds[${i}].${k}`);
    honestOk(o.honest, `walkForward.folds[${i}].honest`);
  });
  return j as WalkForwardJson;
}

const spreadText = (s: Spread | null | undefined, sep = ' / ') => (s ? [s.min, s.median, s.max].map((v) => fixed(v, 2)).join(sep) : 'n/a');

/** Per fold: period, strategy metrics and honest statistics, baselines, members' Sharpe spread. */
export function walkForwardFoldsTable(j: WalkForwardJson): ReportTable {
  const wf = j.walkForward;
  const ensemble = (wf.seeds?.length ?? 1) > 1;
  const rows = wf.folds.map((f) => {
    const b = f.baselines, h = f.honest;
    // a no-break space keeps the arrow with the first day, so a narrow column wraps between the two days
    return [String(f.fold), `${f.test.from.slice(0, 10)}\u00a0→ ${f.test.to.slice(0, 10)}`, String(f.test.rows),
      formatMetric(f.metrics.totalReturn, 'pct'), fixed(f.metrics.sharpe, 2), formatMetric(f.metrics.maxDrawdown, 'pct'),
      fixed(h.alphaT, 2), h.sharpeCI ? `[${fixed(h.sharpeCI.low, 2)}, ${fixed(h.sharpeCI.high, 2)}]` : 'n/a', fixed(h.deflatedSharpe, 3),
      h.distinguishable ? 'yes' : 'no',
      ...(ensemble ? [spreadText(f.spread?.sharpe, '/')] : []),
      formatMetric(b.buyAndHold.metrics.totalReturn, 'pct'), fixed(b.buyAndHold.metrics.sharpe, 2),
      fixed(b.volTarget.metrics.sharpe, 2), fixed(b.momentum.metrics.sharpe, 2)];
  });
  return {
    id: 'walk-forward-folds', title: 'Walk-forward folds',
    caption: `${wf.folds.length}${wf.plannedFolds && wf.plannedFolds !== wf.folds.length ? ` of ${wf.plannedFolds}` : ''} folds, ${wf.window} window, `
      + `${wf.trainBars} training candles, ${wf.testBars} tested rows per fold (test bars: UTC days of the first and last)${ensemble ? `, an ensemble of ${wf.seeds!.length} seeds (${wf.seeds!.join(', ')})` : ''}. `
      + 'Per fold: the strategy on its test bars with its honest statistics (alpha t Newey–West, the seeded bootstrap interval of the Sharpe, '
      + 'the deflated Sharpe, whether the edge is distinguishable from zero), then the baselines on the same bars with the same costs.',
    header: ['Fold', 'Test bars', 'Rows', 'Return', 'Sharpe', 'Max DD', 'Alpha t', 'Sharpe 95%', 'Deflated Sharpe', 'Edge ≠ 0',
      ...(ensemble ? ['Members Sharpe min/med/max'] : []), 'Buy & hold return', 'Buy & hold Sharpe', 'Vol target Sharpe', 'Momen\u00adtum Sharpe' /* soft hyphen: the header may break inside the word */],
    rows,
    notes: wf.folds.map((f) => `fold ${f.fold}: ${f.honest.verdict}`),
  };
}

/** The ensemble's members (stitched over all folds) and the ensemble itself, with the spread. */
export function walkForwardMembersTable(j: WalkForwardJson): ReportTable | null {
  const members = j.walkForward.members ?? [];
  if (members.length < 2) return null;
  const line = (name: string, m: Metrics, h: HonestStats) => [name, formatMetric(m.totalReturn, 'pct'), fixed(m.sharpe, 2), formatMetric(m.maxDrawdown, 'pct'),
    fixed(h.alphaT, 2), fixed(h.deflatedSharpe, 3)];
  const s = j.walkForward.spread ?? {};
  return {
    id: 'walk-forward-members', title: 'Ensemble members',
    caption: `Each seed's model traded alone over all folds, and the ensemble (their averaged positions); the deflated Sharpe counts ${j.honest.trials} trials.`,
    header: ['', 'Return', 'Sharpe', 'Max DD', 'Alpha t', 'Deflated Sharpe'],
    rows: [...members.map((m) => line(`seed ${m.seed}`, m.metrics, m.honest)), line('ensemble', j.metrics, j.honest)],
    notes: [`spread over the members (min / median / max): Sharpe ${spreadText(s.sharpe)}, return `
      + `${s.totalReturn ? `${formatPercent(s.totalReturn.min)} / ${formatPercent(s.totalReturn.median)} / ${formatPercent(s.totalReturn.max)}` : 'n/a'}`],
  };
}

/** The whole walk-forward report. */
export function reportDataFromWalkForward(j: WalkForwardJson, options: { title?: string; source?: string; now?: () => number } = {}): ReportData {
  const wf = j.walkForward;
  const keys = Object.keys(BASELINE_NAMES) as BaselineKey[];
  const members = walkForwardMembersTable(j);
  return {
    title: options.title ?? 'glow-trade walk-forward report',
    generatedAt: new Date((options.now ?? Date.now)()).toISOString(),
    summary: [
      ...(options.source ? [{ label: 'Walk-forward file', value: options.source }] : []),
      { label: 'Data', value: j.data },
      { label: 'Strategy', value: `"${j.strategy}"${wf.conditional ? ' on forecasters (--conditional)' : ''}, fee ${j.fee} + slippage ${j.slippage} per unit traded` },
      { label: 'Tested bars', value: `${j.range.rows} (${j.range.from} → ${j.range.to} UTC), ${wf.folds.length} folds, ${wf.seconds.toFixed(1)} s` },
      ...(wf.seeds && wf.seeds.length > 1 ? [{ label: 'Ensemble', value: `${wf.seeds.length} seeds: ${wf.seeds.join(', ')}` }] : []),
    ],
    history: [],
    metrics: reportMetrics(j.metrics, j.benchmark, j.notes),
    backtests: [{
      id: 'walk-forward', title: 'Is the edge real? All folds stitched',
      caption: 'The stitched out-of-sample bars of every fold against the baselines run on the same bars with the same costs.',
      rows: [
        { name: `strategy "${j.strategy}"`, role: 'strategy', metrics: j.metrics, notes: j.notes.strategy, honest: j.honest, ...(j.equalRisk ? { equalRisk: j.equalRisk } : {}), finalEquity: j.finalEquity },
        ...keys.map((k) => ({ name: BASELINE_NAMES[k], role: 'baseline' as const, metrics: j.baselines[k].metrics, notes: j.baselines[k].notes, honest: j.baselines[k].honest, finalEquity: j.baselines[k].finalEquity })),
      ],
    }],
    tables: [walkForwardFoldsTable(j), ...(members ? [members] : [])],
    notes: j.warnings ?? [],
  };
}
