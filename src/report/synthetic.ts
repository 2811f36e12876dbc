/**
 * @fileoverview A seeded, self-consistent ReportData for previews, tests and size measurements —
 * not a model run: a random-walk price, a position rule, equity compounded from the positions
 * (position after bar t earns the return of bar t+1), switching regimes, shrinking training losses,
 * latent clusters per regime and scenario returns with their empirical VaR/CVaR; and a forecaster's
 * per-bar 1-bar VaR and PIT whose volatility forecast lags the true one (so a few bars breach).
 */
import { sortedFinite } from '../risk/stats.js';
import { varCvarSorted } from '../risk/var.js';
import { Rng } from '../util/rng.js';
import { normalCdf, normalQuantile } from '../util/special.js';
import { runsOf } from './downsample.js';
import type { BacktestReportData, ReportData, ReportForecast, ReportScenarioSet } from './types.js';

export interface SyntheticReportOptions {
  /** Number of bars (default 500). */
  bars?: number;
  /** Seed of every random choice (default 1). */
  seed?: number;
  /** Bar length in ms (default one hour). */
  stepMs?: number;
  /** Scenarios per horizon (default 2000). */
  scenarios?: number;
}

/** Scenario set for one horizon with VaR/CVaR as positive losses (the risk module's conventions). */
function scenarioSet(horizon: string, returns: number[]): ReportScenarioSet {
  return { horizon, returns, ...varCvarSorted(sortedFinite(returns, `scenarios ${horizon}`)) };
}

/** A plausible report's data, the same for the same options. */
export function syntheticReportData(options: SyntheticReportOptions = {}): BacktestReportData {
  const n = options.bars ?? 500, stepMs = options.stepMs ?? 3_600_000, perHorizon = options.scenarios ?? 2000;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`bars must be an integer ≥ 2, got ${n}`);
  const rng = new Rng(options.seed ?? 1);
  const start = Date.UTC(2024, 0, 1);
  const timestamp: number[] = [], close: number[] = [], position: number[] = [], equity: number[] = [];
  const benchmarkEquity: number[] = [], logLikelihood: number[] = [], regime: number[] = [];
  let price = 40_000, eq = 1, state = 0, target = 0;
  for (let t = 0; t < n; t++) {
    if (t > 0 && rng.uniform() < 0.01) state = rng.int(4);
    const vol = [0.004, 0.008, 0.012, 0.02][state];
    const r = t === 0 ? 0 : vol * rng.normal();
    price *= 1 + r;
    if (t > 0) eq *= 1 + position[t - 1] * r - 0.0015 * Math.abs(position[t - 1] - (position[t - 2] ?? 0));
    const ll = -14 - 2 * state + 1.5 * rng.normal() - (rng.uniform() < 0.02 ? 8 * rng.uniform() : 0);
    timestamp.push(start + t * stepMs);
    close.push(price);
    benchmarkEquity.push(price / close[0]);
    equity.push(eq);
    logLikelihood.push(ll);
    regime.push(state);
    // Positions persist for a while (a new target about every 40 bars), flat below the threshold.
    if (t === 0 || rng.uniform() < 0.025) target = Math.round(10 * Math.tanh(rng.normal())) / 10;
    position.push(ll < -20 ? 0 : target);
  }
  const history = Array.from({ length: 25 }, (_, i) => ({
    epoch: i + 1, trainNll: 22 + 10 * Math.exp(-i / 5) + 0.2 * rng.normal(), valNll: 22.5 + 9 * Math.exp(-i / 6) + 0.3 * rng.normal(),
  }));
  const latentCount = Math.min(n, 5000);
  const centres = [[-1.5, -1], [1.5, -1], [0, 1.5], [0, 0]];
  const latents = { x: [] as number[], y: [] as number[], regime: [] as number[], label: 'z_0 vs z_1 of the test bars' };
  for (let i = 0; i < latentCount; i++) {
    const k = regime[n - latentCount + i];
    latents.x.push(centres[k][0] + 0.6 * rng.normal());
    latents.y.push(centres[k][1] + 0.6 * rng.normal());
    latents.regime.push(k);
  }
  const scenarios = [1, 5, 10, 20].map((h) => scenarioSet(`${h} bar${h > 1 ? 's' : ''}`,
    Array.from({ length: perHorizon }, () => 0.01 * Math.sqrt(h) * rng.normal() * (rng.uniform() < 0.1 ? 2.5 : 1))));
  const growth = (e: number[]) => e[e.length - 1] / e[0] - 1;
  return {
    title: 'glow-trade report (synthetic preview)',
    subtitle: 'Seeded synthetic data — not a model run',
    generatedAt: new Date(start + n * stepMs).toISOString(),
    summary: [
      { label: 'Data', value: `${n} synthetic bars, seed ${options.seed ?? 1}` },
      { label: 'Model', value: 'GLOW, L=3, K=4, H=64, affine coupling' },
    ],
    bars: { timestamp, close, position, equity, benchmarkEquity, logLikelihood, regime },
    likelihoodThreshold: -20,
    history,
    latents,
    scenarios,
    metrics: [
      { name: 'Total return', strategy: growth(equity), benchmark: growth(benchmarkEquity), format: 'pct' },
      { name: 'Trades', strategy: runsOf(position, Math.sign).filter((r) => r.key !== 0).length, benchmark: 1, format: 'int' },
      { name: 'Exposure', strategy: position.filter((p) => p !== 0).length / n, benchmark: 1, format: 'pct' },
      { name: 'Profit factor', strategy: null, benchmark: null, format: 'num', note: 'not computed for the synthetic preview' },
    ],
    notes: ['Synthetic data for previews and tests.'],
  };
}

/**
 * A forecaster's 1-bar risk on `bars` closes: the true volatility switches between calm and stormy
 * stretches, the forecast follows it with a lag, so breaches cluster after each switch. The PIT is
 * the normal CDF of the return in forecast-volatility units.
 */
export function syntheticForecast(bars: number, seed = 1, stepMs = 3_600_000): ReportForecast {
  if (!Number.isInteger(bars) || bars < 1) throw new RangeError(`bars must be an integer ≥ 1, got ${bars}`);
  const rng = new Rng(seed);
  const start = Date.UTC(2024, 0, 1) + stepMs;
  const out: ReportForecast = { timestamp: [], realized: [], var95: [], var99: [], pit: [], scenarios: 2000, label: 'forecaster' };
  let vol = 0.006, forecast = 0.006;
  for (let t = 0; t < bars; t++) {
    if (rng.uniform() < 0.01) vol = vol > 0.008 ? 0.005 : 0.015;
    forecast = 0.9 * forecast + 0.1 * vol;
    const r = vol * rng.normal();
    out.timestamp.push(start + t * stepMs);
    out.realized.push(r);
    out.var95.push(-forecast * normalQuantile(0.05));
    out.var99.push(-forecast * normalQuantile(0.01));
    out.pit.push(Math.round(2000 * normalCdf(r / forecast)) / 2000);
  }
  return out;
}
