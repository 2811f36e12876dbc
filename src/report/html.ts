/**
 * @fileoverview The report page: one self-contained HTML file (inline CSS and inline SVG charts, no
 * scripts, no external resources; a Content-Security-Policy forbids any fetch) with the summary, the
 * metrics table (strategy vs buy-and-hold, "n/a" with a note where a value is undefined), each
 * backtest's honest statistics and baselines with their charts (html-backtest.ts), the charts
 * as <figure data-chart="…"> (a forecaster's VaR bands and PIT histogram last), the scenario risk
 * table, the risk tables (stress table, VaR test, forecaster vs baselines) and the notes. All text is HTML-escaped.
 */
import { moments } from '../risk/stats.js';
import { writeFileAtomic } from '../util/atomic.js';
import { buildCharts, type ChartId, type ReportChart } from './charts.js';
import { buildBacktestCharts, type SectionChart } from './charts-backtest.js';
import { backtestSection } from './html-backtest.js';
import { escapeHtml, formatMetric, formatPercent, formatTime } from './format.js';
import { validateReportData, type ReportData, type ReportScenarioSet, type ReportTable } from './types.js';

const STYLE = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6474; --line: #dde1e8; --accent: #1f77b4; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f6f8; color: var(--ink); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 860px; margin: 0 auto; padding: 24px 16px 48px; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 0; color: var(--muted); }
section, figure { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin: 16px 0; }
h2 { font-size: 17px; margin: 0 0 10px; }
h3 { font-size: 15px; margin: 0 0 8px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; }
/* Wide tables scroll inside their box on narrow screens instead of widening the page. */
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; }
th:first-child, td:first-child, .note { text-align: left; }
td.note { color: var(--muted); font-size: 12px; }
.na { color: #a0a6b1; }
p.caption { color: var(--muted); font-size: 13px; margin: 0 0 8px; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 8px; }
nav { display: flex; flex-wrap: wrap; gap: 4px 14px; }
nav a { color: var(--accent); white-space: nowrap; }
/* The forecaster-vs-baselines table has 11 columns: numbers stay on one line, the verdict wraps. */
table[data-table="forecast-evaluation"] { font-size: 11.5px; }
table[data-table="forecast-evaluation"] th, table[data-table="forecast-evaluation"] td { padding: 3px 4px; white-space: nowrap; }
table[data-table="forecast-evaluation"] td:first-child { white-space: normal; min-width: 5em; }
table[data-table="forecast-evaluation"] td:last-child, table[data-table="forecast-evaluation"] th:last-child { white-space: normal; min-width: 11em; text-align: left; }
/* Backtest sections: the verdict stands out; the 13-column baselines table keeps each row on one line (headers wrap). */
dl.honest { margin-bottom: 12px; }
dd.verdict { font-weight: 600; }
dd.verdict.noise { color: #a4461b; }
dd.verdict.edge { color: #1d6b2c; }
section.backtest table { font-size: 11px; }
section.backtest th, section.backtest td { padding: 3px 4px; white-space: nowrap; }
section.backtest th, section.backtest td:first-child { white-space: normal; vertical-align: bottom; }
section.backtest td:first-child { min-width: 7em; }
section.backtest tr.strategy td { font-weight: 600; }
ul.verdicts { color: var(--muted); font-size: 12.5px; }
/* The walk-forward folds table (15-16 columns): numbers on one line, headers wrap. */
table[data-table="walk-forward-folds"] { font-size: 10.5px; }
table[data-table="walk-forward-folds"] th, table[data-table="walk-forward-folds"] td { padding: 3px 2px; white-space: nowrap; }
table[data-table="walk-forward-folds"] th, table[data-table="walk-forward-folds"] td:nth-child(2) { white-space: normal; vertical-align: bottom; }
table[data-table="walk-forward-folds"] td:nth-child(2) { min-width: 7.4em; vertical-align: top; }
footer { color: var(--muted); font-size: 12px; text-align: center; }
`;

/** A table cell for a formatted value, greyed when it is "n/a". */
function valueCell(text: string): string {
  return text === 'n/a' ? '<td class="na">n/a</td>' : `<td>${escapeHtml(text)}</td>`;
}

function summaryBlock(data: ReportData): string {
  const items = data.summary.map((s) => `<dt>${escapeHtml(s.label)}</dt><dd>${escapeHtml(s.value)}</dd>`).join('');
  return `<section class="summary"><h2>Summary</h2><dl>${items}</dl></section>`;
}

function metricsTable(data: ReportData): string {
  if (data.metrics.length === 0) return ''; // a forecaster-only report has no backtest
  const rows = data.metrics.map((m) => `<tr><td>${escapeHtml(m.name)}</td>${valueCell(formatMetric(m.strategy, m.format))}`
    + `${valueCell(formatMetric(m.benchmark, m.format))}<td class="note">${escapeHtml(m.note ?? '')}</td></tr>`).join('\n');
  return `<section class="metrics"><h2>Performance</h2><div class="table-wrap"><table data-table="metrics"><thead><tr><th>Metric</th><th>Strategy</th>`
    + `<th>Buy &amp; hold</th><th class="note">Note</th></tr></thead><tbody>\n${rows}\n</tbody></table></div></section>`;
}

function scenarioTable(scenarios: readonly ReportScenarioSet[]): string {
  const rows = scenarios.map((s) => {
    const { mean, std } = moments(s.returns, `scenarios ${s.horizon}`); // std null (n/a) for a single value
    const cells = [mean, std, s.var95, s.cvar95, s.var99, s.cvar99].map((v) => valueCell(formatPercent(v))).join('');
    return `<tr><td>${escapeHtml(s.horizon)}</td>${valueCell(s.returns.length.toLocaleString('en-US'))}${cells}</tr>`;
  }).join('\n');
  return `<div class="table-wrap"><table data-table="scenario-risk"><thead><tr><th>Horizon</th><th>Scenarios</th><th>Mean</th><th>Std</th>`
    + `<th>VaR 95%</th><th>CVaR 95%</th><th>VaR 99%</th><th>CVaR 99%</th></tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
}

/** A risk table (stress table, VaR test) in its own section, with its caption and notes. */
function riskTable(t: ReportTable): string {
  const head = t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map((c, j) => (j === 0 ? `<td>${escapeHtml(c)}</td>` : valueCell(c))).join('')}</tr>`).join('\n');
  const caption = t.caption ? `<p class="caption">${escapeHtml(t.caption)}</p>` : '';
  const notes = t.notes && t.notes.length > 0 ? `<ul>${t.notes.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>` : '';
  return `<section id="table-${t.id}" class="risk-table"><h2>${escapeHtml(t.title)}</h2>${caption}`
    + `<div class="table-wrap"><table data-table="${t.id}"><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>${notes}</section>`;
}

function figure(chart: ReportChart | SectionChart, extra = ''): string {
  const svg = chart.svg.replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(chart.title)}" `);
  return `<figure id="chart-${chart.id}" data-chart="${chart.id}"><h3>${escapeHtml(chart.title)}</h3>\n${svg}\n`
    + `<figcaption>${escapeHtml(chart.caption)}</figcaption>${extra}</figure>`;
}

/** The page for `data` with already rendered `charts` (see `buildCharts`) and backtest charts by section id (`buildSectionCharts`). */
export function reportHtml(data: ReportData, charts: readonly ReportChart[], sectionCharts: Readonly<Record<string, SectionChart[]>> = {}): string {
  const tables = data.tables ?? [];
  const backtests = data.backtests ?? [];
  const nav = [
    ...backtests.flatMap((b) => [`<a href="#backtest-${b.id}">${escapeHtml(b.title)}</a>`,
      ...(sectionCharts[b.id] ?? []).map((c) => `<a href="#chart-${c.id}">${escapeHtml(c.title)}</a>`)]),
    ...charts.map((c) => `<a href="#chart-${c.id}">${escapeHtml(c.title)}</a>`),
    ...tables.map((t) => `<a href="#table-${t.id}">${escapeHtml(t.title)}</a>`),
  ].join('');
  const figures = charts.map((c) => figure(c, c.id === 'scenarios' && data.scenarios ? scenarioTable(data.scenarios) : '')).join('\n');
  const notes = data.notes && data.notes.length > 0
    ? `<section class="notes"><h2>Notes</h2><ul>${data.notes.map((t) => `<li>${escapeHtml(t)}</li>`).join('')}</ul></section>` : '';
  const generated = Number.isNaN(Date.parse(data.generatedAt)) ? data.generatedAt : formatTime(Date.parse(data.generatedAt));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="glow-trade">
<title>${escapeHtml(data.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header><h1>${escapeHtml(data.title)}</h1>${data.subtitle ? `<p class="subtitle">${escapeHtml(data.subtitle)}</p>` : ''}
<p class="generated">Generated ${escapeHtml(generated)}</p></header>
${summaryBlock(data)}
${metricsTable(data)}
${backtests.map((b) => backtestSection(b, sectionCharts[b.id] ?? [], (c) => figure(c))).join('\n')}
<nav>${nav}</nav>
${figures}
${tables.map(riskTable).join('\n')}
${notes}
<footer>Made by glow-trade. Charts rendered with Vega-Lite; this file loads nothing from the network.</footer>
</main>
</body>
</html>
`;
}

/** Every backtest section's charts, by section id. */
export async function buildSectionCharts(data: ReportData): Promise<Record<string, SectionChart[]>> {
  const out: Record<string, SectionChart[]> = {};
  for (const b of data.backtests ?? []) out[b.id] = await buildBacktestCharts(b);
  return out;
}

/** Validate `data`, render its charts and return the whole self-contained HTML page. */
export async function renderReport(data: ReportData): Promise<string> {
  validateReportData(data);
  return reportHtml(data, await buildCharts(data), await buildSectionCharts(data));
}

/** What `writeReport` wrote. */
export interface WrittenReport {
  path: string;
  bytes: number;
  charts: ChartId[];
  /** Charts of the backtest sections (`<section id>-equity`, `<section id>-exposure`). */
  sectionCharts: string[];
}

/** Render the report and write it to `path` atomically (a failed run leaves no partial file). */
export async function writeReport(path: string, data: ReportData): Promise<WrittenReport> {
  validateReportData(data);
  const charts = await buildCharts(data);
  const sections = await buildSectionCharts(data);
  const html = reportHtml(data, charts, sections);
  writeFileAtomic(path, html);
  return { path, bytes: Buffer.byteLength(html, 'utf8'), charts: charts.map((c) => c.id), sectionCharts: Object.values(sections).flat().map((c) => c.id) };
}
