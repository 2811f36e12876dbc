/**
 * @fileoverview The forecast strategy's backtest in a forecaster's report: the backtest section
 * (from-backtest.ts) with the exposure drawn over the predicted h-bar risk it budgeted (CVaR 95% or
 * std, as the strategy's options say), a summary line and the strategy's options for --json.
 */
import { minuteTime } from '../data/time.js';
import type { RunForecastBacktestResult } from '../trading/run-forecast-backtest.js';
import { backtestReportPart, type Baselines } from './from-backtest.js';
import type { ReportBacktest } from './types.js';

/** "10-bar CVaR 95%" or "10-bar std": the predicted risk the exposure was sized on. */
export function forecastRiskLabel(bt: RunForecastBacktestResult): string {
  const o = bt.forecast.options;
  return `predicted ${o.horizon}-bar ${o.risk === 'cvar' ? 'CVaR 95%' : 'std'}`;
}

/** The section of the forecast strategy's backtest (id 'forecast'). */
export function forecastBacktestPart(bt: RunForecastBacktestResult, baselines: Baselines): ReportBacktest {
  const f = bt.forecast, o = f.options;
  return backtestReportPart({
    id: 'forecast', title: `Forecast strategy "${bt.strategy}": honest statistics and baselines`, strategyName: `strategy "${bt.strategy}"`,
    caption: `At each close the strategy sizes its exposure as ${o.targetFraction} × the training-period median of the ${forecastRiskLabel(bt)} `
      + `(target ${(100 * f.target).toFixed(3)}%) ÷ that bar's ${forecastRiskLabel(bt)}, clamped to [${o.longShort ? -o.maxPosition : 0}, ${o.maxPosition}]`
      + `${o.tilt === 'none' || o.tiltStrength === 0 ? '' : `, tilted by ${o.tilt} (strength ${o.tiltStrength}) when the edge clears the cost hurdle ${(100 * f.hurdle).toFixed(3)}%`}`
      + `, and trades only when the target leaves a band of ${o.band}; ${o.scenarios} scenarios per bar, seed ${o.seed}. `
      + 'Buy & hold, EWMA volatility targeting and 20-bar momentum run on the same bars with the same costs.',
    result: bt, baselines,
    risk: { values: o.risk === 'cvar' ? f.cvar95 : f.std, label: forecastRiskLabel(bt) },
    notes: bt.warnings,
  });
}

/** The summary line of the backtest: period, strategy, costs. */
export function forecastBacktestSummary(bt: RunForecastBacktestResult): string {
  return `${bt.period.rows} bars, ${minuteTime(bt.period.from)} → ${minuteTime(bt.period.to)} UTC, strategy "${bt.strategy}", `
    + `costs ${(bt.costRate * 100).toFixed(3)}% per unit traded, capital ${bt.capital.toLocaleString('en')}`;
}

/** The strategy's options in force, its risk target and cost hurdle, for --json. */
export function forecastOptionsJson(bt: RunForecastBacktestResult) {
  return { options: bt.forecast.options, target: bt.forecast.target, hurdle: bt.forecast.hurdle };
}
