/**
 * @fileoverview `glow-trade backtest`: test a model's strategy (or a plugin's) on candles it has not
 * seen, next-bar execution with fees and slippage, metrics beside buy-and-hold; or a walk-forward run
 * that retrains a model like the given one on every fold. A forecaster file trades the `forecast`
 * strategy (or a plugin's forecastPositions) on the forecaster's predictive distribution.
 */
import { Command, Flags } from '@oclif/core';
import { GlowCommand } from '../cli/base-command.js';
import { readCandles } from '../data/candles-csv.js';
import { ProgressBar } from '../data/progress.js';
import { minuteTime } from '../data/time.js';
import { loadBundle } from '../trading/bundle.js';
import { honestOfSeries, ruinWarning, type BacktestResult } from '../trading/backtest.js';
import { honestLines } from '../trading/honest-stats.js';
import { runBaselines } from '../trading/baselines.js';
import { writeEquityCsv, writeTradesCsv } from '../trading/backtest-files.js';
import { metricsTable } from '../trading/metrics-table.js';
import { loadPluginStrategies } from '../trading/plugin-strategies.js';
import { runBacktest } from '../trading/run-backtest.js';
import { runForecastBacktest, type RunForecastBacktestResult } from '../trading/run-forecast-backtest.js';
import { loadForecasterBundle } from '../trading/forecaster-bundle.js';
import { isForecasterFile } from '../pipeline/nowcast.js';
import { forecastFlags, forecastOptionsOf, givenForecastFlags, threadsFlag } from '../cli/forecast-flags.js';
import { resolveThreads } from '../wasm/pool.js';
import { walkForward } from '../pipeline/walk-forward.js';
import { formatMetric } from '../trading/metrics.js';
import { backtestSettings, candlesFlag, costFlags, decimal, modelFlag } from '../cli/flags.js';
import { refuseOutputClash } from '../cli/paths.js';
import { jsonRange } from '../cli/json-range.js';

export default class Backtest extends GlowCommand {
  static override summary = 'Backtest a model on candles: next-bar execution, fees and slippage, metrics beside buy-and-hold.';
  static override description =
    'The position decided at the close of bar t is held over bar t+1 and earns its return; every change of ' +
    'position pays (fee + slippage) × |Δposition|; equity compounds; buy-and-hold is the benchmark. By default ' +
    "the period is every bar after the model's validation range; a period that overlaps the model's training " +
    'or validation range is refused unless --allow-in-sample. --walk-forward instead retrains a model with the ' +
    "given model's configuration on each fold's training window and trades only the bars after it. Strategies: " +
    "'glow' (default), 'glow-latent0', and any contributed by plugins through the 'strategies' hook. On a forecaster " +
    "file (\"glow-trade train --conditional\") the default is 'forecast': exposure = clamp(target ÷ predicted h-bar " +
    'risk, 0, max) with a training-period target, an optional tilt by the predicted edge when it clears the cost hurdle, ' +
    "and a rebalance band; its options are stored in the file and the forecast flags override them.";
  static override examples = [
    '<%= config.bin %> backtest --model model.bin --data btc.csv',
    '<%= config.bin %> backtest --model model.bin --data btc.csv --fee 0.00055 --slippage 0.0002 --equity-out equity.csv --trades-out trades.csv --json',
    '<%= config.bin %> backtest --model model.bin --data btc.csv --walk-forward --train-bars 8760 --test-bars 720 --epochs 20',
    '<%= config.bin %> backtest --model forecaster.bin --data btc.csv --horizon 10 --risk cvar --band 0.1',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    model: modelFlag(),
    data: candlesFlag('Candle CSV to test on.'),
    ...costFlags(),
    from: Flags.string({ summary: 'First bar to test (ISO date/time UTC or Unix ms); default: after the validation range.', exclusive: ['walk-forward'] }),
    to: Flags.string({ summary: 'Last bar to test (default: the last bar).', exclusive: ['walk-forward'] }),
    'allow-in-sample': Flags.boolean({ summary: "Test bars inside the model's training or validation range anyway (with a warning)." }),
    strategy: Flags.string({ char: 's', summary: "Strategy name (default 'glow'; 'forecast' on a forecaster file)." }),
    'walk-forward': Flags.boolean({ summary: 'Retrain per fold and trade each fold\'s test window.' }),
    'train-bars': Flags.integer({ summary: 'Walk-forward: candles of the (first) training window.', min: 22, dependsOn: ['walk-forward'] }),
    'test-bars': Flags.integer({ summary: 'Walk-forward: candles tested per fold.', min: 1, dependsOn: ['walk-forward'] }),
    step: Flags.integer({ summary: 'Walk-forward: candles between fold starts (default --test-bars).', min: 1, dependsOn: ['walk-forward'] }),
    window: Flags.string({ summary: 'Walk-forward: training window.', options: ['expanding', 'rolling'], default: 'expanding' }),
    epochs: Flags.integer({ summary: 'Walk-forward: maximum epochs per fold.', default: 20, min: 1 }),
    'batch-size': Flags.integer({ summary: 'Walk-forward: rows per Adam step.', default: 256, min: 1 }),
    'learning-rate': Flags.string({ summary: 'Walk-forward: Adam learning rate.', default: '0.001' }),
    patience: Flags.integer({ summary: 'Walk-forward: epochs without validation improvement before stopping.', default: 5, min: 0 }),
    'validation-fraction': Flags.string({ summary: "Walk-forward: share of each fold's training rows used for validation.", default: '0.15' }),
    trials: Flags.integer({
      summary: 'Configurations × seeds tried before this result: the Deflated Sharpe Ratio counts them.', default: 1, min: 1,
    }),
    seed: Flags.integer({ summary: "Walk-forward: seed of every fold's training (default: the model's seed)." }),
    'equity-out': Flags.string({ summary: 'Write the per-bar equity CSV here (atomically).' }),
    'trades-out': Flags.string({ summary: 'Write the trade list CSV here (atomically).' }),
    ...forecastFlags(),
  };

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(Backtest);
    refuseOutputClash(this, [{ flag: 'equity-out', path: flags['equity-out'] }, { flag: 'trades-out', path: flags['trades-out'] }],
      [{ flag: 'model', path: flags.model }, { flag: 'data', path: flags.data }]);
    const { capital, fee, slippage, from, to } = backtestSettings(this, flags);
    const plugins = await loadPluginStrategies(this.config);
    for (const w of plugins.warnings) this.warn(w);
    const forecaster = isForecasterFile(flags.model);
    const forecastGiven = givenForecastFlags(flags);
    if (!forecaster && forecastGiven.length) {
      this.error(`${forecastGiven.join(', ')}: ${flags.model} is a GLOW model; these flags need a forecaster file (glow-trade train --conditional)`, { exit: 2 });
    }
    if (forecaster && flags['walk-forward']) this.error(`--walk-forward: ${flags.model} is a forecaster file; walk-forward retrains GLOW models only`, { exit: 2 });
    let result: BacktestResult & { strategy: string; period: { from: number; to: number; rows: number }; warnings: string[] };
    let extra: Record<string, unknown>;
    const candles = readCandles(flags.data);
    if (forecaster) {
      const options = forecastOptionsOf(this, flags);
      const bundle = loadForecasterBundle(flags.model, { threads: resolveThreads(threadsFlag(this, flags.threads)) });
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
    } else if (flags['walk-forward']) {
      const bundle = loadBundle(flags.model);
      if (flags['train-bars'] === undefined || flags['test-bars'] === undefined) {
        this.error('--walk-forward needs --train-bars and --test-bars', { exit: 2 });
      }
      const lr = decimal(this, 'learning-rate', flags['learning-rate'], (v) => v > 0, 'a number > 0');
      const vf = decimal(this, 'validation-fraction', flags['validation-fraction'], (v) => v > 0 && v < 1, 'a number in (0, 1)');
      const { levels, steps, hidden, coupling } = bundle.glow.config;
      const bar = new ProgressBar({ label: 'walk-forward' });
      const wf = walkForward(candles, {
        trainBars: flags['train-bars'], testBars: flags['test-bars'], step: flags.step, window: flags.window as 'expanding' | 'rolling',
        validationFraction: vf, seed: flags.seed ?? bundle.training.seed, model: { levels, steps, hidden, coupling },
        fit: { epochs: flags.epochs, batchSize: flags['batch-size'], learningRate: lr, patience: flags.patience },
        strategyOptions: { ...bundle.strategy.calibration.options, allowedRegimes: bundle.strategy.calibration.options.allowedRegimes ?? undefined },
        strategy: flags.strategy ?? 'glow', fee, slippage, capital,
        onFold: (done, folds) => bar.update(done / folds, `fold ${done}/${folds}`),
      });
      bar.done(`${wf.folds.length} folds in ${wf.seconds.toFixed(1)} s`);
      // runBacktest warns of ruin itself; the stitched walk-forward run is checked here
      result = wf.ruin ? { ...wf, warnings: [...wf.warnings, ruinWarning(wf.ruin)] } : wf;
      // the stitched run's honest statistics, counting the trials given here
      if (flags.trials !== 1) {
        const end = wf.ruin ? wf.ruin.index + 1 : wf.series.return.length;
        result = { ...result, honest: honestOfSeries(wf.series, end, wf.periodsPerYear, { trials: flags.trials }) };
      }
      extra = {
        walkForward: {
          window: wf.window, trainBars: wf.trainBars, testBars: wf.testBars, step: wf.step, seconds: wf.seconds,
          folds: wf.folds.map((f) => ({
            fold: f.fold,
            train: jsonRange(f.train.start, f.train.end, f.train.candles),
            test: jsonRange(f.test.start, f.test.end, f.test.rows),
            metrics: f.metrics, benchmark: f.benchmark, notes: f.notes, seconds: f.seconds,
            model: {
              ...f.model, train: jsonRange(f.model.train.start, f.model.train.end, f.model.train.rows),
              validation: f.model.validation && jsonRange(f.model.validation.start, f.model.validation.end, f.model.validation.rows),
            },
          })),
        },
      };
    } else {
      const bundle = loadBundle(flags.model);
      const bt = runBacktest(bundle, candles, { from, to, fee, slippage, capital, allowInSample: flags['allow-in-sample'], strategy: flags.strategy ?? 'glow', trials: flags.trials });
      result = bt;
      extra = { inSample: bt.inSample };
    }
    // the baselines on the same bars with the same costs: what the strategy must beat
    const base = runBaselines({
      timestamps: result.series.timestamp, closes: result.series.close, periodsPerYear: result.periodsPerYear,
      fee, slippage, capital, trials: flags.trials,
    });
    const baselines = Object.fromEntries(Object.entries(base).map(([name, b]) => [name, {
      metrics: b.metrics, notes: b.notes.strategy, honest: b.honest, finalEquity: b.finalEquity,
    }]));
    if (flags['equity-out']) writeEquityCsv(flags['equity-out'], result.series);
    if (flags['trades-out']) writeTradesCsv(flags['trades-out'], result.trades);
    const summary = {
      mode: flags['walk-forward'] ? 'walk-forward' : 'backtest',
      strategy: result.strategy,
      model: flags.model,
      data: flags.data,
      range: jsonRange(result.period.from, result.period.to, result.period.rows),
      capital, fee, slippage,
      metrics: result.metrics,
      benchmark: result.benchmark,
      honest: result.honest,
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
    if (!this.jsonEnabled()) this.printHuman(summary, result, extra, base);
    return summary;
  }

  private printHuman(summary: { mode: string; strategy: string; files: Record<string, string | null> }, result: BacktestResult & { period: { from: number; to: number; rows: number } }, extra: Record<string, unknown>,
    base: Record<string, BacktestResult>): void {
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
    this.log('');
    this.log('Baselines (same bars, same costs):');
    const label: Record<string, string> = { buyAndHold: 'buy & hold', volTarget: 'EWMA vol target', momentum: '20-bar momentum' };
    for (const [name, b] of Object.entries(base)) {
      const n = b.notes.strategy;
      this.log(`  ${label[name].padEnd(16)} return ${formatMetric('totalReturn', b.metrics.totalReturn, n)}, ` +
        `Sharpe ${formatMetric('sharpe', b.metrics.sharpe, n)}, max drawdown ${formatMetric('maxDrawdown', b.metrics.maxDrawdown, n)}, ` +
        `alpha t ${b.honest.alphaT === null ? 'n/a' : b.honest.alphaT.toFixed(2)}`);
    }
    const wf = extra.walkForward as { folds: Array<{ fold: number; test: { from: string; to: string; rows: number }; metrics: any; benchmark: any; notes: any }>; seconds: number } | undefined;
    if (wf) {
      for (const f of wf.folds) {
        this.log(`fold ${f.fold}: ${f.test.from} → ${f.test.to} (${f.test.rows} bars) ` +
          `return ${formatMetric('totalReturn', f.metrics.totalReturn, f.notes.strategy)} vs ${formatMetric('totalReturn', f.benchmark.totalReturn, f.notes.benchmark)}, ` +
          `Sharpe ${formatMetric('sharpe', f.metrics.sharpe, f.notes.strategy)}`);
      }
      this.log(`walk-forward took ${wf.seconds.toFixed(1)} s`);
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
