/**
 * @fileoverview Vega-Lite specs of the per-bar charts: price with long/short bands and position,
 * equity against buy-and-hold, drawdown, log-likelihood with the trading threshold, and the regime
 * timeline. Every line is down-sampled (min/max buckets) and every band coarsened, so a chart's
 * size does not grow with the number of bars. Time axes are UTC.
 */
import type { TopLevelSpec } from 'vega-lite';
import { coarseRuns, drawdownSeries, minMaxIndices } from './downsample.js';
import type { ReportBars } from './types.js';

/** Most points drawn per chart line; a 20k-bar series is reduced to this many. */
export const MAX_LINE_POINTS = 2000;
/** Most shaded bands (position or regime runs) per chart. */
const MAX_BANDS = 600;
export const CHART_WIDTH = 760;

const LONG_COLOUR = '#2ca02c';
export const SHORT_COLOUR = '#d62728';
export const STRATEGY_COLOUR = '#1f77b4';
const BENCHMARK_COLOUR = '#7f7f7f';

/**
 * Shared look: system fonts only (nothing to fetch), light grid, legends on top. Marks carry no
 * per-point ARIA labels (they would triple the file size); each chart gets one label on its <svg>.
 */
export const CHART_CONFIG = {
  mark: { aria: false },
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e6e6e6', domainColor: '#888', tickColor: '#888' },
  legend: { orient: 'top', labelFontSize: 11, titleFontSize: 11 },
  title: { fontSize: 13, anchor: 'start' },
} as const;

/** When bar i ends: the next bar's start, or one median step after the last bar's start. */
function barEnd(ts: readonly number[], i: number): number {
  if (i + 1 < ts.length) return ts[i + 1];
  return ts.length > 1 ? ts[i] + (ts[ts.length - 1] - ts[ts.length - 2]) : ts[i] + 3_600_000;
}

/** The time axis shared by every per-bar chart, from the first bar's start to the last bar's end. */
export function timeX(ts: readonly number[], title = '') {
  return {
    field: 't', type: 'temporal' as const, title,
    // domainMin/Max rather than domain: Vega-Lite warns about a domain conflict on rects with x2.
    scale: { type: 'utc' as const, domainMin: ts[0], domainMax: barEnd(ts, ts.length - 1) },
    axis: { labelOverlap: true, tickCount: 8 },
  };
}

/** Rows {t, <name>: value} for the down-sampled indices of `series`. */
function rows(ts: readonly number[], series: Record<string, readonly number[]>, keep: number[]) {
  return keep.map((i) => {
    const row: Record<string, number> = { t: ts[i] };
    for (const [name, values] of Object.entries(series)) row[name] = values[i];
    return row;
  });
}

/** Price line over long (green) / short (red) bands, with the signed position in a panel below. */
export function priceSpec(bars: ReportBars): TopLevelSpec {
  const ts = bars.timestamp;
  const bands = coarseRuns(bars.position, MAX_BANDS, Math.sign)
    .filter((r) => r.key !== 0)
    .map((r) => ({ t: ts[r.start], t2: barEnd(ts, r.end), side: r.key > 0 ? 'long' : 'short' }));
  const price = rows(ts, { close: bars.close }, minMaxIndices([bars.close], MAX_LINE_POINTS));
  const position = rows(ts, { position: bars.position }, minMaxIndices([bars.position], MAX_LINE_POINTS));
  const side = { domain: ['long', 'short'], range: [LONG_COLOUR, SHORT_COLOUR] };
  return {
    config: CHART_CONFIG,
    vconcat: [
      {
        width: CHART_WIDTH, height: 240,
        layer: [
          // Without any position there are no bands (an empty layer makes Vega warn about its extent).
          ...(bands.length === 0 ? [] : [{
            data: { values: bands }, mark: { type: 'rect' as const, opacity: 0.16 },
            encoding: { x: timeX(ts), x2: { field: 't2' }, color: { field: 'side', type: 'nominal' as const, title: 'Position', scale: side } },
          }]),
          {
            data: { values: price }, mark: { type: 'line', strokeWidth: 1.2, color: '#222' },
            encoding: { x: timeX(ts), y: { field: 'close', type: 'quantitative', title: 'Close', scale: { zero: false } } },
          },
        ],
      },
      {
        width: CHART_WIDTH, height: 80,
        data: { values: position }, mark: { type: 'area', line: { color: STRATEGY_COLOUR, strokeWidth: 1 }, color: STRATEGY_COLOUR, opacity: 0.35 },
        encoding: { x: timeX(ts), y: { field: 'position', type: 'quantitative', title: 'Position' } },
      },
    ],
  };
}

/** Strategy equity and buy-and-hold equity on one axis. */
export function equitySpec(bars: ReportBars): TopLevelSpec {
  const ts = bars.timestamp;
  const keep = minMaxIndices([bars.equity, bars.benchmarkEquity], MAX_LINE_POINTS);
  const values = keep.flatMap((i) => [
    { t: ts[i], series: 'Strategy', equity: bars.equity[i] },
    { t: ts[i], series: 'Buy & hold', equity: bars.benchmarkEquity[i] },
  ]);
  return {
    config: CHART_CONFIG, width: CHART_WIDTH, height: 240,
    data: { values }, mark: { type: 'line', strokeWidth: 1.4 },
    encoding: {
      x: timeX(ts),
      y: { field: 'equity', type: 'quantitative', title: 'Equity', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['Strategy', 'Buy & hold'], range: [STRATEGY_COLOUR, BENCHMARK_COLOUR] } },
    },
  };
}

/** Drawdown below the running peak (computed here from equity) for the strategy and buy-and-hold. */
export function drawdownSpec(bars: ReportBars): TopLevelSpec {
  const ts = bars.timestamp;
  const strategy = drawdownSeries(bars.equity), benchmark = drawdownSeries(bars.benchmarkEquity);
  const keep = minMaxIndices([strategy, benchmark], MAX_LINE_POINTS);
  const values = keep.flatMap((i) => [
    { t: ts[i], series: 'Strategy', drawdown: strategy[i] },
    { t: ts[i], series: 'Buy & hold', drawdown: benchmark[i] },
  ]);
  const colour = { field: 'series', type: 'nominal', title: null, scale: { domain: ['Strategy', 'Buy & hold'], range: [STRATEGY_COLOUR, BENCHMARK_COLOUR] } } as const;
  const y = { field: 'drawdown', type: 'quantitative', title: 'Drawdown', axis: { format: '.0%' } } as const;
  return {
    config: CHART_CONFIG, width: CHART_WIDTH, height: 180,
    data: { values },
    layer: [
      { transform: [{ filter: "datum.series === 'Strategy'" }], mark: { type: 'area', opacity: 0.25, color: STRATEGY_COLOUR }, encoding: { x: timeX(ts), y } },
      { mark: { type: 'line', strokeWidth: 1.2 }, encoding: { x: timeX(ts), y, color: colour } },
    ],
  };
}

/** Per-bar log-likelihood with the threshold as a dashed rule; kept points below it marked red. */
export function likelihoodSpec(bars: ReportBars, threshold: number): TopLevelSpec {
  const ts = bars.timestamp;
  const values = minMaxIndices([bars.logLikelihood], MAX_LINE_POINTS)
    .map((i) => ({ t: ts[i], ll: bars.logLikelihood[i], below: bars.logLikelihood[i] < threshold }));
  const y = { field: 'll', type: 'quantitative', title: 'log p(x) [nats]', scale: { zero: false } } as const;
  return {
    config: CHART_CONFIG, width: CHART_WIDTH, height: 200,
    layer: [
      { data: { values }, mark: { type: 'line', strokeWidth: 1, color: STRATEGY_COLOUR }, encoding: { x: timeX(ts), y } },
      {
        data: { values }, transform: [{ filter: 'datum.below' }],
        mark: { type: 'point', filled: true, size: 10, color: SHORT_COLOUR }, encoding: { x: timeX(ts), y },
      },
      {
        // The threshold is named in a legend rather than a text label, which the data would hide.
        data: { values: [{ threshold, label: `threshold ${threshold.toFixed(2)}` }] },
        mark: { type: 'rule', color: SHORT_COLOUR, strokeWidth: 1.5 },
        encoding: {
          y: { field: 'threshold', type: 'quantitative' },
          strokeDash: { field: 'label', type: 'nominal', title: null, scale: { range: [[5, 3]] } },
        },
      },
    ],
  };
}

/** Which regime each stretch of bars was in, as coloured bands on a strip. */
export function regimeTimelineSpec(bars: ReportBars, regimeDomain: number[]): TopLevelSpec {
  const ts = bars.timestamp;
  const values = coarseRuns(bars.regime, MAX_BANDS).map((r) => ({ t: ts[r.start], t2: barEnd(ts, r.end), regime: r.key }));
  return {
    config: CHART_CONFIG, width: CHART_WIDTH, height: 50,
    data: { values }, mark: { type: 'rect' },
    encoding: {
      x: timeX(ts), x2: { field: 't2' },
      color: { field: 'regime', type: 'nominal', title: 'Regime', scale: { domain: regimeDomain, scheme: 'tableau10' } },
    },
  };
}
