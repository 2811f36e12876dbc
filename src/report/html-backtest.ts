/**
 * @fileoverview The HTML of a backtest section (ReportBacktest): the strategy's honest statistics
 * as a definition list ending in the plain-words verdict, the strategy-vs-baselines table (one row
 * each, the same columns: metrics and honest statistics), each row's verdict under the table, and
 * the section's charts. Numbers are printed with the digits `backtest` prints them with
 * (trading/honest-stats.ts honestLines): t, beta and Sharpe 2 decimals, deflated Sharpe 3,
 * percentages 2. The table's last column says whether the edge is distinguishable from zero (yes/no,
 * the verdict's `distinguishable`); the verdicts in words follow the table. All text is HTML-escaped.
 */
import type { EqualRisk } from '../trading/equal-risk.js';
import type { HonestStats } from '../trading/honest-stats.js';
import type { SectionChart } from './charts-backtest.js';
import { escapeHtml, fixed, formatMetric, formatPercent } from './format.js';
import type { ReportBacktest, ReportBacktestRow } from './types.js';

/** Header of the strategy-vs-baselines table. */
export const BACKTEST_TABLE_HEADER = ['', 'Total return', 'CAGR', 'Sharpe', 'Sharpe 95% interval', 'Max drawdown', 'Trades',
  'Beta', 'Alpha a year', 'Alpha t', 'Deflated Sharpe', 'Costs / gross profit', 'Edge ≠ 0'];

const na = (why: string | undefined) => `n/a${why ? ` (${why})` : ''}`;

function interval(h: HonestStats): string {
  return h.sharpeCI ? `[${fixed(h.sharpeCI.low, 2)}, ${fixed(h.sharpeCI.high, 2)}]` : 'n/a';
}

/** The cells of one row, in BACKTEST_TABLE_HEADER's order. */
export function backtestRowCells(r: ReportBacktestRow): string[] {
  const m = r.metrics, h = r.honest;
  return [r.name, formatMetric(m.totalReturn, 'pct'), formatMetric(m.cagr, 'pct'), fixed(m.sharpe, 2), interval(h),
    formatMetric(m.maxDrawdown, 'pct'), formatMetric(m.trades, 'int'), fixed(h.beta, 2), formatPercent(h.alphaAnnual), fixed(h.alphaT, 2),
    fixed(h.deflatedSharpe, 3), formatPercent(h.costShare), h.distinguishable ? 'yes' : 'no'];
}

/** Strategy vs buy & hold, each scaled to the same max drawdown (trading/equal-risk.ts). */
export function equalRiskText(e: EqualRisk): string {
  if (!e.strategy || !e.benchmark) return na(e.note ?? 'undefined');
  return `CAGR ${formatPercent(e.strategy.cagr)} (returns × ${fixed(e.strategy.scale, 2)}) against buy & hold's ${formatPercent(e.benchmark.cagr)} ` +
    `(× ${fixed(e.benchmark.scale, 2)}), both at a max drawdown of ${formatPercent(e.drawdown)} (${e.fraction} × buy & hold's): ` +
    (e.beats ? 'beats holding less' : 'does not beat holding less');
}

/** The strategy's statistics, label → text, the verdict last. */
export function honestItems(h: HonestStats, equal?: EqualRisk): Array<[string, string]> {
  const ci = h.sharpeCI
    ? `, 95% interval ${interval(h)} (stationary bootstrap, ${h.sharpeCI.resamples} resamples, mean block ${h.sharpeCI.meanBlock} bars, seed ${h.sharpeCI.seed})`
    : `, no interval (${h.notes.sharpeCI ?? 'too few bars'})`;
  return [
    ['Bars', String(h.bars)],
    ['Alpha vs the asset', h.alphaAnnual === null ? na(h.notes.alphaT ?? 'too few bars')
      : `${formatPercent(h.alphaAnnual)} a year, t = ${h.alphaT === null ? na(h.notes.alphaT) : fixed(h.alphaT, 2)} (Newey–West, lag ${h.lag})`],
    ['Beta', h.beta === null ? na(h.notes.beta) : fixed(h.beta, 2)],
    ['Sharpe', `${h.sharpe === null ? na(h.notes.sharpe) : fixed(h.sharpe, 2)}${ci}`],
    ['Deflated Sharpe', `${h.deflatedSharpe === null ? na(h.notes.deflatedSharpe) : fixed(h.deflatedSharpe, 3)} after ${h.trials} trial${h.trials === 1 ? '' : 's'} `
      + '(probability that the true Sharpe beats the best of that many no-skill trials)'],
    ['Costs', h.costShare === null ? na(h.notes.costShare) : `${formatPercent(h.costShare)} of the gross profit`],
    ...(equal ? [['At equal risk', equalRiskText(equal)] as [string, string]] : []),
    ['Verdict', h.verdict],
  ];
}

function cell(text: string, first: boolean): string {
  if (first) return `<td>${escapeHtml(text)}</td>`;
  return text === 'n/a' ? '<td class="na">n/a</td>' : `<td>${escapeHtml(text)}</td>`;
}

/** The section: statistics, table, verdicts, notes and the charts (already rendered). */
export function backtestSection(b: ReportBacktest, charts: readonly SectionChart[], figure: (c: SectionChart) => string): string {
  const strategy = b.rows[0];
  const items = honestItems(strategy.honest, strategy.equalRisk).map(([k, v]) => {
    const cls = k === 'Verdict' ? ` class="verdict ${strategy.honest.distinguishable ? 'edge' : 'noise'}"` : '';
    return `<dt>${escapeHtml(k)}</dt><dd${cls}>${escapeHtml(v)}</dd>`;
  }).join('');
  const head = BACKTEST_TABLE_HEADER.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = b.rows.map((r) => `<tr class="${r.role}">${backtestRowCells(r).map((c, j) => cell(c, j === 0)).join('')}</tr>`).join('\n');
  const verdicts = b.rows.map((r) => `<li>${escapeHtml(`${r.name}: ${r.honest.verdict}`)}</li>`).join('');
  const notes = b.notes?.length ? `<ul class="backtest-notes">${b.notes.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>` : '';
  const caption = b.caption ? `<p class="caption">${escapeHtml(b.caption)}</p>` : '';
  return `<section id="backtest-${b.id}" class="backtest"><h2>${escapeHtml(b.title)}</h2>${caption}`
    + `<h3>Honest statistics of ${escapeHtml(strategy.name)}</h3><dl class="honest" data-honest="${b.id}">${items}</dl>`
    + `<h3>Against the baselines (same bars, same costs)</h3>`
    + `<div class="table-wrap"><table data-table="baselines-${b.id}"><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`
    + `<ul class="verdicts">${verdicts}</ul>${notes}</section>\n${charts.map(figure).join('\n')}`;
}
