/**
 * @fileoverview Vega-Lite specs of the model charts: training curves (train/validation NLL per
 * epoch), the latent scatter coloured by regime, and the scenario return distributions per horizon
 * with their VaR lines. Scatters are thinned and distributions binned here, so only summaries of
 * large sample sets reach the HTML.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG, CHART_WIDTH, SHORT_COLOUR, STRATEGY_COLOUR } from './charts-market.js';
import { centralRange, histogram, thinScatter } from './downsample.js';
import type { ReportEpoch, ReportLatents, ReportScenarioSet } from './types.js';

/** Most points in the latent scatter. */
export const MAX_SCATTER_POINTS = 2000;

/** Bins for a distribution of n values: √n, kept between 10 and 60. */
function binCount(n: number): number {
  return Math.max(10, Math.min(60, Math.round(Math.sqrt(n))));
}

/** Train and validation NLL per epoch (validation left out where it is null). */
export function trainingSpec(history: readonly ReportEpoch[]): TopLevelSpec {
  const values = history.flatMap((h) => {
    const out = [{ epoch: h.epoch, series: 'train', nll: h.trainNll }];
    if (h.valNll !== null) out.push({ epoch: h.epoch, series: 'validation', nll: h.valNll });
    return out;
  });
  return {
    config: CHART_CONFIG, width: CHART_WIDTH, height: 220,
    data: { values },
    mark: { type: 'line', point: { size: 18 }, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'Epoch', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'nll', type: 'quantitative', title: 'NLL [nats/sample]', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['train', 'validation'], range: [STRATEGY_COLOUR, '#ff7f0e'] } },
    },
  };
}

/** Two latent coordinates per point, coloured by regime (same colours as the regime timeline). */
export function latentSpec(latents: ReportLatents, regimeDomain: number[]): TopLevelSpec {
  const keep = thinScatter(latents.x, latents.y, MAX_SCATTER_POINTS);
  const values = keep.map((i) => ({ x: latents.x[i], y: latents.y[i], regime: latents.regime[i] }));
  return {
    config: CHART_CONFIG, width: 460, height: 400,
    data: { values },
    mark: { type: 'circle', size: 14, opacity: 0.6 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: latents.xLabel ?? 'z_0', scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: latents.yLabel ?? 'z_1', scale: { zero: false } },
      color: { field: 'regime', type: 'nominal', title: 'Regime', scale: { domain: regimeDomain, scheme: 'tableau10' } },
    },
  };
}

/** One histogram panel per horizon (share of scenarios per return bin) with rules at −VaR 95% / 99%. */
export function scenarioSpec(scenarios: readonly ReportScenarioSet[]): TopLevelSpec {
  const lineStyle = {
    field: 'line', type: 'nominal' as const, title: null,
    scale: { domain: ['VaR 95%', 'VaR 99%'], range: [[6, 3], [2, 2]] },
  };
  const panels = scenarios.map((s) => ({
    width: (CHART_WIDTH - 60) / 2, height: 170,
    title: s.horizon,
    layer: [
      {
        data: { values: histogram(s.returns, binCount(s.returns.length), centralRange(s.returns, [-s.var99])) },
        mark: { type: 'rect' as const, color: STRATEGY_COLOUR, opacity: 0.75, stroke: 'white', strokeWidth: 0.3 },
        encoding: {
          x: { field: 'x0', type: 'quantitative' as const, title: 'Return over horizon', axis: { format: '.1%' } },
          x2: { field: 'x1' },
          y: { field: 'share', type: 'quantitative' as const, title: 'Share of scenarios', axis: { format: '.0%' } },
        },
      },
      {
        data: { values: [{ line: 'VaR 95%', x: -s.var95 }, { line: 'VaR 99%', x: -s.var99 }] },
        mark: { type: 'rule' as const, color: SHORT_COLOUR, strokeWidth: 1.5 },
        encoding: { x: { field: 'x', type: 'quantitative' as const }, strokeDash: lineStyle },
      },
    ],
  }));
  return { config: CHART_CONFIG, columns: 2, concat: panels };
}
