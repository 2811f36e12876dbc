/**
 * @fileoverview Vega-Lite specs of a forecaster's calibration charts: the 1-bar VaR 95%/99% as bands
 * (drawn as returns, −VaR) behind the realised 1-bar returns with every exceedance marked, and the
 * PIT histogram with the uniform line a calibrated forecast would follow. Long series are thinned
 * by min/max buckets, but every exceedance is kept: they are what the chart is for.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG, CHART_WIDTH, MAX_LINE_POINTS, SHORT_COLOUR, STRATEGY_COLOUR, timeX } from './charts-market.js';
import { histogram, minMaxIndices, type HistogramBin } from './downsample.js';
import type { ReportForecast } from './types.js';

const BAND_95 = '#fdae6b';
const BAND_99 = '#fdd0a2';
const EXCEED_95 = '#ff7f0e';

/** Which VaR the realised return broke: 2 = beyond the 99% VaR, 1 = beyond the 95% only, 0 = none. */
export function exceedanceLevel(f: ReportForecast, i: number): 0 | 1 | 2 {
  return f.realized[i] < -f.var99[i] ? 2 : f.realized[i] < -f.var95[i] ? 1 : 0;
}

/** Indices drawn: min/max buckets of the return and both VaR lines, plus every exceedance. */
export function varBandIndices(f: ReportForecast, maxPoints = MAX_LINE_POINTS): number[] {
  const n = f.timestamp.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const neg95 = f.var95.map((v) => -v), neg99 = f.var99.map((v) => -v);
  const keep = new Set(minMaxIndices([f.realized, neg95, neg99], maxPoints));
  for (let i = 0; i < n; i++) if (exceedanceLevel(f, i) > 0) keep.add(i);
  return [...keep].sort((a, b) => a - b);
}

/** Realised 1-bar returns over the −VaR bands (99% band light, 95% band darker), exceedances marked. */
export function varBandSpec(f: ReportForecast): TopLevelSpec {
  const ts = f.timestamp;
  const keep = varBandIndices(f);
  const values = keep.map((i) => ({
    t: ts[i], r: f.realized[i], v95: -f.var95[i], v99: -f.var99[i],
    hit: ['none', 'beyond VaR 95%', 'beyond VaR 99%'][exceedanceLevel(f, i)],
  }));
  const y = { field: 'r', type: 'quantitative', title: '1-bar return', axis: { format: '.1%' } } as const;
  const hits = values.some((v) => v.hit !== 'none'), calm = values.some((v) => v.hit === 'none');
  return {
    config: CHART_CONFIG, width: CHART_WIDTH, height: 260,
    data: { values },
    layer: [
      // Band between the 99% and the 95% VaR, then from the 95% VaR up to zero loss.
      { mark: { type: 'area', color: BAND_99, opacity: 0.9 }, encoding: { x: timeX(ts), y: { field: 'v99', type: 'quantitative', title: '1-bar return' }, y2: { field: 'v95' } } },
      { mark: { type: 'area', color: BAND_95, opacity: 0.35 }, encoding: { x: timeX(ts), y: { field: 'v95', type: 'quantitative' }, y2: { datum: 0 } } },
      // An empty layer makes Vega warn about its extent: leave out whichever point set is empty.
      ...(calm ? [{ mark: { type: 'point' as const, filled: true, size: 6, opacity: 0.55, color: STRATEGY_COLOUR }, transform: [{ filter: "datum.hit === 'none'" }], encoding: { x: timeX(ts), y } }] : []),
      ...(hits ? [{
        transform: [{ filter: "datum.hit !== 'none'" }],
        mark: { type: 'point' as const, filled: true, size: 22, shape: 'triangle-down' },
        encoding: {
          x: timeX(ts), y,
          color: { field: 'hit', type: 'nominal' as const, title: 'Exceedance', scale: { domain: ['beyond VaR 95%', 'beyond VaR 99%'], range: [EXCEED_95, SHORT_COLOUR] } },
        },
      }] : []),
    ],
  };
}

/** PIT bins: 20 with at least 200 values, else 10 — enough to see a slope or a U without noise ruling. */
export function pitBins(pit: readonly number[]): HistogramBin[] {
  return histogram(pit, pit.length >= 200 ? 20 : 10, [0, 1]);
}

/** Share of bars per PIT bin with the uniform share (1 / bins) as a dashed line. */
export function pitSpec(f: ReportForecast): TopLevelSpec {
  const bins = pitBins(f.pit);
  const uniform = 1 / bins.length;
  return {
    config: CHART_CONFIG, width: 460, height: 220,
    layer: [
      {
        data: { values: bins },
        mark: { type: 'rect', color: STRATEGY_COLOUR, opacity: 0.75, stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'x0', type: 'quantitative', title: 'PIT (predictive CDF at the outcome)', scale: { domain: [0, 1] } },
          x2: { field: 'x1' },
          y: { field: 'share', type: 'quantitative', title: 'Share of bars', axis: { format: '.0%' } },
        },
      },
      {
        data: { values: [{ share: uniform, label: `uniform (${(100 * uniform).toFixed(0)}% per bin)` }] },
        mark: { type: 'rule', color: SHORT_COLOUR, strokeWidth: 1.5 },
        encoding: { y: { field: 'share', type: 'quantitative' }, strokeDash: { field: 'label', type: 'nominal', title: null, scale: { range: [[5, 3]] }, legend: { labelLimit: 400 } } },
      },
    ],
  };
}
