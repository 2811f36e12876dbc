/**
 * @fileoverview `glow-trade backtest`: test a model's strategy (or a plugin's) on candles it has not
 * seen, next-bar execution with fees and slippage, metrics beside buy-and-hold; or a walk-forward run
 * that retrains a model like the given one on every fold. A forecaster file trades the `forecast`
 * strategy (or a plugin's forecastPositions) on the forecaster's predictive distribution.
 */
import { Command, Flags } from '@oclif/core';
import { GlowCommand } from '../cli/base-command.js';
import { readCandles } from '../data/candles-csv.js';
import { minuteTime } from '../data/time.js';
import { ProgressBar } from '../data/progress.js';
import { loadBundle } from '../trading/bundle.js';
import { ruinWarning, type BacktestResult } from '../trading/backtest.js';
import { honestLines } from '../trading/honest-stats.js';
import { equalRiskLine } from '../trading/equal-risk.js';
import { BASELINE_NAMES, baselinesOf, baselineSummaries, type BaselineKey, type BaselineSummary } from '../trading/baselines.js';
import { writeEquityCsv, writeTradesCsv } from '../trading/backtest-files.js';
import { metricsTable } from '../trading/metrics-table.js';
import { loadPluginStrategies } from '../trading/plugin-strategies.js';
import { runBacktest } from '../trading/run-backtest.js';
import type { WalkForwardResult } from '../pipeline/walk-forward.js';
import { isForecasterFile } from '../pipeline/nowcast.js';
import { loadForecasterBundle } from '../trading/forecaster-bundle.js';
import { ensembleOfFiles } from '../cli/ensemble-files.js';
import { membersLines } from '../cli/ensemble-lines.js';
import type { EnsembleBacktestResult } from '../trading/ensemble-backtest.js';
import { runWalkForward, walkForwardFlags, walkForwardJson, walkForwardLines, walkForwardOptions } from '../cli/walk-forward-cli.js';
import { runForecastBacktest, type RunForecastBacktestResult } from '../trading/run-forecast-backtest.js';
import { forecastFlags, forecastOptionsOf, givenForecastFlags, threadsFlag } from '../cli/forecast-flags.js';
import { resolveThreads } from '../wasm/pool.js';
import { formatMetric } from '../trading/metrics.js';
import { backtestSettings, candlesFlag, costFlags } from '../cli/flags.js';
import { refuseOutputClash } from '../cli/paths.js';
import { jsonRange } from '../cli/json-range.js';

export default class Backtest extends GlowCommand {
  static override summary = 'Backtest a model on candles: next-bar execution, fees and slippage, metrics beside buy-and-hold.';
  static override description =
    'The position decided at the close of bar t is held over bar t+1 and earns its return; every change of ' +
    'position pays (fee + slippage) × |Δposition|; equity compounds; buy-and-hold is the benchmark. By default ' +
    "the period is every bar after the model's validation range; a period that overlaps the model's training " +
    'or validation range is refused unless --allow-in-sample. --walk-forward instead retrains a model with the ' +
    "given model's configuration (or, without --model, the training flags with train's defaults; --conditional trains " +
    "forecasters) on each fold's training window and trades only the bars after it; --test-bars counts tested rows " +
    '(feature rows) and the last, incomplete window is tested too; --seeds/--ensemble train several members per fold and ' +
    'trade their averaged positions, reporting each member and the spread. Progress goes to stderr, also with --json. Strategies: ' +
    "'glow' (default), 'glow-latent0', and any contributed by plugins through the 'strategies' hook. On a forecaster " +
    "file (\"glow-trade train --conditional\") the default is 'forecast': exposure = clamp(target ÷ predicted h-bar " +
    'risk, 0, max) with a training-period target, an optional tilt by the predicted edge when it clears the cost hurdle, ' +
    "and a rebalance band; its options are stored in the file and the forecast flags override them.";
  static override examples = [
    '<%= config.bin %> backtest --model model.bin --data btc.csv',
    '<%= config.bin %> backtest --model model.bin --data btc.csv --fee 0.00055 --slippage 0.0002 --equity-out equity.csv --trades-out trades.csv --json',
    '<%= config.bin %> backtest --model model.bin --data btc.csv --walk-forward --train-bars 8760 --test-bars 720 --epochs 20',
    '<%= config.bin %> backtest --data btc.csv --walk-forward --conditional --train-bars 8760 --test-bars 2190 --ensemble 5 --threads auto --json',
    '<%= config.bin %> backtest --model forecaster.bin --data btc.csv --horizon 10 --risk cvar --band 0.1',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    model: Flags.string({
      char: 'm', multiple: true,
      summary: 'Model file written by "glow-trade train" (several of one kind: trade their averaged positions). With --walk-forward optional: its configuration is retrained per fold.',
    }),
    data: candlesFlag('Candle CSV to test on.'),
    ...costFlags(),
    from: Flags.string({ summary: 'First bar to test (ISO date/time UTC or Unix ms); default: after the validation range.', exclusive: ['walk-forward'] }),
    to: Flags.string({ summary: 'Last bar to test (default: the last bar).', exclusive: ['walk-forward'] }),
    'allow-in-sample': Flags.boolean({ summary: "Test bars inside the model's training or validation range anyway (with a warning)." }),
    strategy: Flags.string({ char: 's', summary: "Strategy name (default 'glow'; 'forecast' on a forecaster file or with --conditional)." }),
    ...walkForwardFlags(),
    trials: Flags.integer({
      summary: 'Configurations × seeds tried before this result: the Deflated Sharpe Ratio counts them.', default: 1, min: 1,
    }),
    'equity-out': Flags.string({ summary: 'Write the per-bar equity CSV here (atomically).' }),
    'trades-out': Flags.string({ summary: 'Write the trade list CSV here (atomically).' }),
    ...forecastFlags(),
  };

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(Backtest);
    refuseOutputClash(this, [{ flag: 'equity-out', path: flags['equity-out'] }, { flag: 'trades-out', path: flags['trades-out'] }],
      [...(flags.model ?? []).map((path) => ({ flag: 'model', path })), { flag: 'data', path: flags.data }]);
    const { capital, fee, slippage, from, to } = backtestSettings(this, flags);
    const plugins = await loadPluginStrategies(this.config);
    for (const w of plugins.warnings) this.warn(w);
    const models = flags.model ?? [];
    const candles = readCandles(flags.data);
    const forecaster = models.length > 0 && isForecasterFile(models[0]);
    // --threads serves training too; the other forecast flags need forecasters
    const forecastGiven = givenForecastFlags(flags).filter((f) => f !== '--threads');
    if (!forecaster && !(flags['walk-forward'] && flags.conditional) && forecastGiven.length) {
      const need = 'these flags need a forecaster file (glow-trade train --conditional)';
      this.error(`${forecastGiven.join(', ')}: ${models.length ? `${models[0]} is a GLOW model; ${need}` : `no forecaster here; ${need} or --walk-forward --conditional`}`, { exit: 2 });
    }
    const threads = resolveThreads(threadsFlag(this, flags.threads));
    let result: BacktestResult & { strategy: string; period: { from: number; to: number; rows: number }; warnings: string[] };
    let extra: Record<string, unknown>;
    let walk: WalkForwardResult | undefined;
    let ensemble: EnsembleBacktestResult | undefined;
    if (flags['walk-forward']) {
      if (models.length > 1) this.error('--walk-forward retrains one configuration: give at most one --model (an ensemble is --seeds or --ensemble)', { exit: 2 });
      const file = models.length ? (forecaster ? loadForecasterBundle(models[0]) : loadBundle(models[0])) : null;
      const { threads: _, ...forecast } = forecastOptionsOf(this, flags);
      const options = walkForwardOptions(this, flags, file, { fee, slippage, capital, threads, forecast });
      const wf = runWalkForward(candles, options);
      walk = wf;
      // runBacktest warns of ruin itself; the stitched walk-forward run is checked here
      result = wf.ruin ? { ...wf, warnings: [...wf.warnings, ruinWarning(wf.ruin)] } : wf;
      extra = { walkForward: walkForwardJson(wf) };
    } else if (forecaster && models.length === 1) {
      const options = forecastOptionsOf(this, flags);
      const bundle = loadForecasterBundle(models[0], { threads });
      if (options.horizon !== undefined && options.horizon > bundle.horizon) {
        this.error(`--horizon ${options.horizon} is beyond the forecaster's ${bundle.horizon}-bar paths`, { exit: 2 });
      }
      const bar = new ProgressBar({ label: 'forecast' });
      let bt: RunForecastBacktestResult;
      try {
        bt = runForecastBacktest(bundle, candles, {
          ...options, from, to, fee, slippage, capital, allowInSample: flags['allow-in-sample'], strategy: flags.strategy ?? 'forecast', trials: flags.trials,
          onProgress: (done, total) => bar.update(done / total, `${done}/${total} bars`),
        });
      } finally {
        bundle.model.close();
      }
      bar.done(`${bt.period.rows} bars`);
      result = bt;
      extra = { inSample: bt.inSample, forecast: forecastSummary(bt) };
    } else if (models.length > 1) {
      const { threads: _, ...forecast } = forecastOptionsOf(this, flags);
      const ens = ensembleOfFiles(this, models, candles, {
        from, to, fee, slippage, capital, allowInSample: flags['allow-in-sample'], strategy: flags.strategy, trials: flags.trials, forecast,
      });
      ensemble = ens;
      result = ens;
      extra = { ensemble: { trials: ens.trials, members: ens.members, spread: ens.spread } };
    } else {
      if (models.length === 0) this.error('give --model (or --walk-forward, which can train from flags)', { exit: 2 });
      const bundle = loadBundle(models[0]);
      const bt = runBacktest(bundle, candles, { from, to, fee, slippage, capital, allowInSample: flags['allow-in-sample'], strategy: flags.strategy ?? 'glow', trials: flags.trials });
      result = bt;
      extra = { inSample: bt.inSample };
    }
    // the baselines on the same bars with the same costs: what the strategy must beat (a walk-forward
    // ran them on its stitched bars already)
    const baselines = walk ? walk.baselines : baselineSummaries(baselinesOf(result, flags.trials ?? 1));
    if (flags['equity-out']) writeEquityCsv(flags['equity-out'], result.series);
    if (flags['trades-out']) writeTradesCsv(flags['trades-out'], result.trades);
    const summary = {
      mode: flags['walk-forward'] ? 'walk-forward' : 'backtest',
      strategy: result.strategy,
      model: models.length === 1 ? models[0] : models.length ? models : null,
      data: flags.data,
      range: jsonRange(result.period.from, result.period.to, result.period.rows),
      capital, fee, slippage,
      metrics: result.metrics,
      benchmark: result.benchmark,
      honest: result.honest,
      equalRisk: result.equalRisk,
      baselines,
      notes: result.notes,
      finalEquity: result.finalEquity,
      benchmarkFinalEquity: result.benchmarkFinalEquity,
      costs: { rate: result.costRate, total: result.totalCosts, amount: result.costAmount },
      ruin: result.ruin ? { bar: minuteTime(result.ruin.timestamp), barMs: result.ruin.timestamp, row: result.ruin.index } : null,
      ...extra,
      warnings: [...plugins.warnings, ...result.warnings],
      files: { equity: flags['equity-out'] ?? null, trades: flags['trades-out'] ?? null },
    };
    for (const w of result.warnings) this.warn(w);
    if (!this.jsonEnabled()) this.printHuman(summary, result, extra, walk, ensemble, baselines);
    return summary;
  }

  private printHuman(summary: { mode: string; strategy: string; files: Record<string, string | null> }, result: BacktestResult & { period: { from: number; to: number; rows: number } }, extra: Record<string, unknown>, walk: WalkForwardResult | undefined, ensemble: EnsembleBacktestResult | undefined,
    baselines: Record<BaselineKey, BaselineSummary>): void {
    const t = minuteTime;
    this.log(`${summary.mode} of strategy "${summary.strategy}": ${t(result.period.from)} → ${t(result.period.to)}, ${result.period.rows} bars, ` +
      `costs ${(100 * result.costRate).toFixed(3)}% per unit traded (fee ${result.fee} + slippage ${result.slippage})`);
    const f = extra.forecast as ReturnType<typeof forecastSummary> | undefined;
    if (f) {
      const o = f.options;
      this.log(`forecast strategy: ${o.horizon}-bar ${o.risk === 'cvar' ? 'CVaR 95%' : 'std'} budget${o.smooth > 1 ? ` (mean of the last ${o.smooth} closes)` : ''}, target ${(100 * f.target).toFixed(3)}% ` +
        `(${o.targetFraction} × the training median), max ${o.maxPosition}${o.longShort ? ' long-short' : ' long-only'}, band ${o.band}, ` +
        `tilt ${o.tilt === 'none' ? 'off' : `${o.tilt} × ${o.tiltStrength} beyond a hurdle of ${(100 * f.hurdle).toFixed(3)}%`}; ` +
        `${o.scenarios} scenarios per bar (seed ${o.seed}); mean exposure ${f.meanExposure.toFixed(3)}`);
    }
    this.log('');
    this.log(metricsTable(result.metrics, result.benchmark, result.notes));
    this.log('');
    this.log(`final equity ${result.finalEquity.toFixed(2)} (buy & hold ${result.benchmarkFinalEquity.toFixed(2)}) from ${result.capital}; ` +
      `costs paid ${result.costAmount.toFixed(2)}`);
    this.log('');
    for (const line of honestLines(result.honest)) this.log(line);
    this.log(equalRiskLine(result.equalRisk));
    this.log('');
    this.log('Baselines (same bars, same costs):');
    for (const [name, b] of Object.entries(baselines) as Array<[BaselineKey, BaselineSummary]>) {
      const n = b.notes;
      this.log(`  ${BASELINE_NAMES[name].padEnd(16)} return ${formatMetric('totalReturn', b.metrics.totalReturn, n)}, ` +
        `Sharpe ${formatMetric('sharpe', b.metrics.sharpe, n)}, max drawdown ${formatMetric('maxDrawdown', b.metrics.maxDrawdown, n)}, ` +
        `alpha t ${b.honest.alphaT === null ? 'n/a' : b.honest.alphaT.toFixed(2)}`);
    }
    if (walk) for (const line of walkForwardLines(walk)) this.log(line);
    if (ensemble) {
      this.log('');
      for (const line of membersLines(ensemble.members.map((m) => ({ label: m.source, ...m })),
        { label: 'ensemble', metrics: ensemble.metrics, notes: ensemble.notes.strategy, honest: ensemble.honest }, ensemble.spread, ensemble.trials)) this.log(line);
    }
    for (const [what, path] of Object.entries(summary.files)) if (path) this.log(`wrote ${what} → ${path}`);
  }
}

/** The forecast strategy's settings and outputs in brief, for --json and the human header. */
function forecastSummary(r: RunForecastBacktestResult) {
  const e = r.forecast.exposure;
  let sum = 0;
  for (const x of e) sum += x;
  return {
    options: r.forecast.options, target: r.forecast.target, hurdle: r.forecast.hurdle, meanExposure: e.length ? sum / e.length : 0,
    calibration: { rows: r.calibration.rows, scenarios: r.calibration.scenarios, seed: r.calibration.seed },
  };
}
