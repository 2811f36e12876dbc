/**
 * @fileoverview The charts of a backtest section (see ReportBacktest): the equity of the strategy
 * and of every baseline on one axis, and the strategy's exposure over time (with the predicted risk
 * it was sized on in a panel below, when given). Lines are min/max down-sampled like the other
 * per-bar charts; captions carry the final equity of each curve and the exposure's range.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG, CHART_WIDTH, MAX_LINE_POINTS, STRATEGY_COLOUR, timeX } from './charts-market.js';
import { minMaxIndices } from './downsample.js';
import { countOf, fixed, formatPercent, formatTime } from './format.js';
import { vegaLiteToSvg } from './svg.js';
import type { ReportBacktest, ReportCurve } from './types.js';

/** Strategy blue, then grey, orange and green for the baselines (buy & hold grey as in the equity chart). */
const CURVE_COLOURS = [STRATEGY_COLOUR, '#7f7f7f', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b'];

/** A chart of a backtest section; ids are `<section id>-equity` and `<section id>-exposure`. */
export interface SectionChart {
  id: string;
  title: string;
  caption: string;
  svg: string;
  warnings: string[];
}

/** Every curve on one axis, one colour each, in the curves' order. */
export function curvesSpec(ts: readonly number[], curves: readonly ReportCurve[], yTitle: string): TopLevelSpec {
  // at most MAX_LINE_POINTS points per curve: min/max buckets over all curves at once
  const keep = minMaxIndices(curves.map((c) => c.values), Math.max(MAX_LINE_POINTS, 2 + 2 * curves.length));
  const values = keep.flatMap((i) => curves.map((c) => ({ t: ts[i], series: c.name, v: c.values[i] })));
  const names = curves.map((c) => c.name);
  return {
    config: CHART_CONFIG, width: CHART_WIDTH, height: 240,
    data: { values }, mark: { type: 'line', strokeWidth: 1.3 },
    encoding: {
      x: timeX(ts),
      y: { field: 'v', type: 'quantitative', title: yTitle, scale: { zero: false } },
      // long strategy names are not cut short in the legend
      color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 400 }, scale: { domain: names, range: CURVE_COLOURS.slice(0, names.length) } },
    },
  };
}

/** Exposure as an area; below it, the predicted risk as a line when there is one. */
export function exposureSpec(e: NonNullable<ReportBacktest['exposure']>): TopLevelSpec {
  const ts = e.timestamp;
  const exposure = minMaxIndices([e.exposure], MAX_LINE_POINTS).map((i) => ({ t: ts[i], exposure: e.exposure[i] }));
  const top = {
    width: CHART_WIDTH, height: 120,
    data: { values: exposure }, mark: { type: 'area' as const, interpolate: 'step-after' as const, line: { color: STRATEGY_COLOUR, strokeWidth: 1 }, color: STRATEGY_COLOUR, opacity: 0.35 },
    encoding: { x: timeX(ts), y: { field: 'exposure', type: 'quantitative' as const, title: 'Exposure' } },
  };
  if (!e.risk) return { config: CHART_CONFIG, ...top };
  // bars without a finite prediction are left out of the line (its gap shows them)
  const finite = e.risk.flatMap((v, i) => (v === null ? [] : [i]));
  const risk = finite.map((i) => e.risk![i] as number);
  const values = (risk.length ? minMaxIndices([risk], MAX_LINE_POINTS) : []).map((k) => ({ t: ts[finite[k]], risk: risk[k] }));
  return {
    config: CHART_CONFIG,
    vconcat: [top, {
      width: CHART_WIDTH, height: 120,
      data: { values }, mark: { type: 'line', strokeWidth: 1, color: '#d62728' },
      encoding: { x: timeX(ts), y: { field: 'risk', type: 'quantitative', title: e.riskLabel ?? 'Predicted risk', axis: { format: '.1%' }, scale: { zero: false } } },
    }],
  };
}

/** Min and max of finite values (the exposure's range for a caption). */
function range(values: readonly number[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return [lo, hi];
}

/** The charts of one backtest section, rendered. */
export async function buildBacktestCharts(b: ReportBacktest): Promise<SectionChart[]> {
  const out: SectionChart[] = [];
  if (b.equity && b.equity.curves.length > 0) {
    const { timestamp: ts, curves } = b.equity;
    const n = ts.length;
    const growth = curves.map((c) => `${c.name} ${formatPercent(c.values[n - 1] / c.values[0] - 1)}`).join(', ');
    const { svg, warnings } = await vegaLiteToSvg(curvesSpec(ts, curves, 'Equity'));
    out.push({
      id: `${b.id}-equity`, title: 'Equity: strategy vs baselines', svg, warnings,
      caption: `Equity of the strategy and of each baseline over ${countOf(n, 'bar')} from ${formatTime(ts[0])} to ${formatTime(ts[n - 1])}, `
        + `all with the same costs. Growth from first to last bar: ${growth}.`,
    });
  }
  if (b.exposure) {
    const [lo, hi] = range(b.exposure.exposure);
    const { svg, warnings } = await vegaLiteToSvg(exposureSpec(b.exposure));
    out.push({
      id: `${b.id}-exposure`, title: b.exposure.risk ? 'Exposure vs predicted risk' : 'Exposure over time', svg, warnings,
      caption: `Position decided at each close (fraction of equity, held over the next bar), from ${fixed(lo, 2)} to ${fixed(hi, 2)}`
        + (b.exposure.risk ? `; below it, the ${b.exposure.riskLabel ?? 'predicted risk'} the exposure was sized on.` : '.'),
    });
  }
  return out;
}
