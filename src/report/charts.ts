/**
 * @fileoverview The report's charts in order: which ones the data allows, their titles, captions
 * with the numbers a reader looks for first (final equity, max drawdown, share of bars below the
 * likelihood threshold, …), and their SVGs rendered through Vega-Lite.
 */
import type { TopLevelSpec } from 'vega-lite';
import { drawdownSpec, equitySpec, likelihoodSpec, MAX_LINE_POINTS, priceSpec, regimeTimelineSpec } from './charts-market.js';
import { exceedanceLevel, pitBins, pitSpec, varBandSpec } from './charts-forecast.js';
import { latentSpec, MAX_SCATTER_POINTS, scenarioSpec, trainingSpec } from './charts-model.js';
import { drawdownSeries } from './downsample.js';
import { countOf, formatNumber, formatPercent, formatTime } from './format.js';
import { vegaLiteToSvg } from './svg.js';
import type { ReportBars, ReportData, ReportForecast } from './types.js';

/** Chart ids in report order; each needs its data present (the first five the bars, the last two a forecast). */
export const CHART_IDS = ['price', 'equity', 'drawdown', 'likelihood', 'regime-timeline', 'latent-regimes', 'training', 'scenarios', 'var-bands', 'pit'] as const;
export type ChartId = (typeof CHART_IDS)[number];

/** A chart ready for the page. Captions are plain text (escaped when the page is written). */
export interface ReportChart {
  id: ChartId;
  title: string;
  caption: string;
  svg: string;
  /** Vega-Lite / Vega warnings raised while rendering (empty when all is well). */
  warnings: string[];
}

interface ChartPlan {
  id: ChartId;
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

/** Share of values for which `test` holds. */
function share(values: readonly number[], test: (v: number) => boolean): number {
  let k = 0;
  for (const v of values) if (test(v)) k++;
  return values.length === 0 ? 0 : k / values.length;
}

/** Every regime id seen in the bars and the latents, ascending, so both charts use one colour map. */
function regimeDomain(data: ReportData): number[] {
  const seen = new Set<number>(data.bars?.regime ?? []);
  for (const r of data.latents?.regime ?? []) seen.add(r);
  return [...seen].sort((a, b) => a - b);
}

/** The charts this data supports, with captions (no rendering yet). */
function planCharts(data: ReportData): ChartPlan[] {
  const regimes = regimeDomain(data);
  const plans: ChartPlan[] = data.bars ? barCharts(data.bars, data.likelihoodThreshold ?? NaN, regimes) : [];
  plans.push(...modelCharts(data, regimes));
  if (data.forecast) plans.push(...forecastCharts(data.forecast));
  return plans;
}

/** The per-bar charts of a backtest. */
function barCharts(b: ReportBars, threshold: number, regimes: number[]): ChartPlan[] {
  const n = b.timestamp.length;
  const span = `${countOf(n, 'bar')} from ${formatTime(b.timestamp[0])} to ${formatTime(b.timestamp[n - 1])}`;
  const thinned = n > MAX_LINE_POINTS ? ` Lines are drawn through at most ${MAX_LINE_POINTS} points per series (each bucket's minimum and maximum kept).` : '';
  const growth = (eq: number[]) => eq[eq.length - 1] / eq[0] - 1;
  const mdd = (eq: number[]) => -drawdownSeries(eq).reduce((a, d) => Math.min(a, d), 0);
  return [
    {
      id: 'price', title: 'Price and positions', spec: priceSpec(b),
      caption: `Close price over ${span}, shaded green while long and red while short (position held after each close); `
        + `the lower panel shows the signed position size. Long ${formatPercent(share(b.position, (p) => p > 0), 1)} of bars, `
        + `short ${formatPercent(share(b.position, (p) => p < 0), 1)}, flat ${formatPercent(share(b.position, (p) => p === 0), 1)}.${thinned}`,
    },
    {
      id: 'equity', title: 'Equity: strategy vs buy-and-hold', spec: equitySpec(b),
      caption: `Growth from first to last bar: strategy ${formatPercent(growth(b.equity))}, buy-and-hold ${formatPercent(growth(b.benchmarkEquity))}.${thinned}`,
    },
    {
      id: 'drawdown', title: 'Drawdown', spec: drawdownSpec(b),
      caption: `Fall below the running peak of equity. Maximum drawdown: strategy ${formatPercent(mdd(b.equity))}, buy-and-hold ${formatPercent(mdd(b.benchmarkEquity))}.`,
    },
    {
      id: 'likelihood', title: 'Log-likelihood over time', spec: likelihoodSpec(b, threshold),
      caption: `The model's log-likelihood of each bar's features (nats). The dashed line is the trading threshold `
        + `(${formatNumber(threshold)}); ${formatPercent(share(b.logLikelihood, (v) => v < threshold), 1)} of bars `
        + `fall below it and are not traded (red points). A high likelihood does not prove a bar is "normal".`,
    },
    {
      id: 'regime-timeline', title: 'Regime over time', spec: regimeTimelineSpec(b, regimes),
      caption: `Latent regime of each bar. Share of bars: ${regimes.map((r) => `regime ${r} ${formatPercent(share(b.regime, (v) => v === r), 1)}`).join(', ')}.`,
    },
  ];
}

/** Latents, training curves and scenario distributions, where present. */
function modelCharts(data: ReportData, regimes: number[]): ChartPlan[] {
  const plans: ChartPlan[] = [];
  if (data.latents && data.latents.x.length > 0) {
    const m = data.latents.x.length;
    plans.push({
      id: 'latent-regimes', title: 'Latent space by regime', spec: latentSpec(data.latents, regimes),
      caption: `${data.latents.label ?? 'Two latent coordinates'}: ${countOf(m, 'point')} coloured by regime`
        + `${m > MAX_SCATTER_POINTS ? ` (${MAX_SCATTER_POINTS} drawn, extremes kept)` : ''}; colours match the regime timeline.`,
    });
  }
  if (data.history.length > 0) {
    const withVal = data.history.filter((h) => h.valNll !== null);
    const best = withVal.length > 0 ? withVal.reduce((a, h) => (h.valNll! < a.valNll! ? h : a)) : undefined;
    plans.push({
      id: 'training', title: 'Training curves', spec: trainingSpec(data.history),
      caption: `Mean negative log-likelihood per epoch (nats per sample; lower is better). `
        + (best ? `Best validation NLL ${formatNumber(best.valNll)} at epoch ${best.epoch}.` : 'No validation split was used.'),
    });
  }
  if (data.scenarios && data.scenarios.length > 0) {
    plans.push({
      id: 'scenarios', title: 'Scenario return distributions', spec: scenarioSpec(data.scenarios),
      caption: 'Returns of scenarios sampled from the flow, per horizon. Vertical lines mark the 95% and 99% value at risk '
        + '(a loss of VaR is a return of −VaR); the table below lists VaR and CVaR as positive losses. Each panel shows the '
        + 'central 99% of the scenarios (and the VaR lines); the rarer draws beyond it are counted in the edge bins.',
    });
  }
  return plans;
}

/** The forecaster's VaR bands over the realised returns, and its PIT histogram. */
function forecastCharts(f: ReportForecast): ChartPlan[] {
  const n = f.timestamp.length;
  const who = f.label ?? 'forecaster';
  let k95 = 0, k99 = 0;
  for (let i = 0; i < n; i++) {
    const level = exceedanceLevel(f, i);
    if (level >= 1) k95++;
    if (level === 2) k99++;
  }
  const bins = pitBins(f.pit);
  const low = share(f.pit, (p) => p <= 0.05), high = share(f.pit, (p) => p > 0.95);
  return [
    {
      id: 'var-bands', title: `1-bar VaR of the ${who} against what happened`, spec: varBandSpec(f),
      caption: `Realised return of the next bar after each of ${countOf(n, 'close')} from ${formatTime(f.timestamp[0])} to ${formatTime(f.timestamp[n - 1])}, `
        + `over the ${who}'s −VaR 95% (darker band, up to zero) and −VaR 99% (lighter band below it), forecast at that close. `
        + `Beyond the 95% VaR: ${k95} bars (${formatPercent(k95 / n, 2)}; 5% expected); beyond the 99% VaR: ${k99} (${formatPercent(k99 / n, 2)}; 1% expected), `
        + `marked by triangles.${n > MAX_LINE_POINTS ? ` Thinned to each bucket's extremes plus every exceedance.` : ''}`,
    },
    {
      id: 'pit', title: `Calibration: PIT histogram of the ${who}`, spec: pitSpec(f),
      caption: `For each bar, the share of its ${f.scenarios.toLocaleString('en-US')} scenarios at or below the realised 1-bar return, in ${bins.length} bins. `
        + `A calibrated forecast gives a flat histogram on the dashed line; a U shape means the spread is too narrow, a hump too wide, a slope a biased centre. `
        + `PIT ≤ 0.05: ${formatPercent(low, 1)} of bars, PIT > 0.95: ${formatPercent(high, 1)} (5% each if calibrated).`,
    },
  ];
}

/** Render every chart the data supports, in report order. */
export async function buildCharts(data: ReportData): Promise<ReportChart[]> {
  const charts: ReportChart[] = [];
  for (const plan of planCharts(data)) {
    const { svg, warnings } = await vegaLiteToSvg(plan.spec);
    charts.push({ id: plan.id, title: plan.title, caption: plan.caption, svg, warnings });
  }
  return charts;
}
