/**
 * @fileoverview The human members table of an ensemble (a walk-forward's seeds, or several model
 * files traded together): one row per member and one for the ensemble, then the spread line.
 */
import type { Spread } from '../trading/ensemble.js';
import type { HonestStats } from '../trading/honest-stats.js';
import { formatMetric, type MetricName, type MetricNotes, type Metrics } from '../trading/metrics.js';
import { renderTable } from './risk-tables.js';

export interface MemberRow { label: string; metrics: Metrics; notes: MetricNotes; honest: HonestStats }

const t2 = (v: number | null) => (v === null ? 'n/a' : v.toFixed(2));

/** "min / median / max" of a spread, or n/a. */
export function spreadText(s: Spread | null, digits = 2): string {
  return s ? `${s.min.toFixed(digits)} / ${s.median.toFixed(digits)} / ${s.max.toFixed(digits)}` : 'n/a';
}

export function membersLines(members: MemberRow[], ensemble: MemberRow, spread: Record<MetricName, Spread | null>, trials: number): string[] {
  const row = (m: MemberRow) => [m.label, formatMetric('totalReturn', m.metrics.totalReturn, m.notes), formatMetric('sharpe', m.metrics.sharpe, m.notes),
    formatMetric('maxDrawdown', m.metrics.maxDrawdown, m.notes), t2(m.honest.alphaT), t2(m.honest.deflatedSharpe)];
  return [
    `Members (the deflated Sharpe counts ${trials} trials: configurations × seeds):`,
    renderTable(['', 'return', 'Sharpe', 'max DD', 'alpha t', 'deflated Sharpe'], [...members.map(row), row(ensemble)]),
    `spread over the members (min / median / max): Sharpe ${spreadText(spread.sharpe)}, return ${spreadText(spread.totalReturn, 4)}, ` +
    `max drawdown ${spreadText(spread.maxDrawdown, 4)}`,
  ];
}
