/**
 * @fileoverview The metrics of a strategy beside buy-and-hold as a plain-text table for the CLI,
 * with undefined metrics shown as "n/a (reason)".
 */
import { formatMetric, METRIC_LABELS, METRIC_NAMES, type MetricNotes, type Metrics } from './metrics.js';

export function metricsTable(
  strategy: Metrics, benchmark: Metrics, notes: { strategy: MetricNotes; benchmark: MetricNotes }, titles: [string, string] = ['strategy', 'buy & hold'],
): string {
  const rows = METRIC_NAMES.map((k) => [METRIC_LABELS[k], formatMetric(k, strategy[k], notes.strategy), formatMetric(k, benchmark[k], notes.benchmark)]);
  const all = [['', ...titles], ...rows];
  const widths = [0, 1, 2].map((c) => Math.max(...all.map((r) => r[c].length)));
  return all.map((r) => [r[0].padEnd(widths[0]), r[1].padStart(widths[1]), r[2].padStart(widths[2])].join('   ').trimEnd()).join('\n');
}
