/**
 * @fileoverview `glow-trade report`: one self-contained HTML file for a model on candles — the
 * out-of-sample backtest (price with positions, equity beside buy-and-hold, drawdown, likelihood
 * with its threshold, regimes), the training curves, one scenario set's return distributions with
 * their VaR, the temperature stress table and the VaR test on the held-out bars. For a forecaster
 * model file: its per-bar risk beside the baselines (runRisk), as VaR bands over the realised
 * returns, a PIT histogram and the forecast-test table. Charts are rendered to SVG here, so the file
 * opens offline.
 */
import { Command, Flags } from '@oclif/core';
import { GlowCommand } from '../cli/base-command.js';
import { readCandles } from '../data/candles-csv.js';
import { loadBundle } from '../trading/bundle.js';
import { loadPluginStrategies } from '../trading/plugin-strategies.js';
import { runBacktest } from '../trading/run-backtest.js';
import { generateScenarios, horizonRisk } from '../risk/scenarios.js';
import { stressTable } from '../risk/stress.js';
import { varTest, type VarTestResult } from '../risk/var-test.js';
import { reportDataFromRun } from '../report/from-run.js';
import { reportDataFromRisk, riskEvaluationSummary } from '../report/from-risk.js';
import { modelKindOf, readModelFile } from '../model/checkpoint.js';
import { forecasterBundleFromBytes } from '../trading/forecaster-bundle.js';
import { DEFAULT_RISK_HORIZONS, runRisk } from '../pipeline/run-risk.js';
import { ProgressBar } from '../data/progress.js';
import { writeReport } from '../report/html.js';
import { backtestSettings, costFlags, decimal } from '../cli/flags.js';
import { refuseOutputClash } from '../cli/paths.js';
import { jsonRange } from '../cli/json-range.js';
import { backtestReportPart, baselinesJson, baselinesOf } from '../report/from-backtest.js';
import { forecastBacktestPart, forecastBacktestSummary, forecastOptionsJson } from '../report/from-forecast-backtest.js';
import { runForecastBacktest } from '../trading/run-forecast-backtest.js';
import { checkWalkForwardJson, reportDataFromWalkForward, type WalkForwardJson } from '../report/from-walk-forward.js';
import { readFileSync } from 'node:fs';

/**
 * Flags of the GLOW report that a forecaster model file's report does not use: its scenarios are
 * drawn from p(y | context) at temperature 1. Given explicitly, they are refused rather than
 * silently ignored.
 */
const FORECASTER_IGNORED_FLAGS = ['temperature'] as const;
/** Flags of a model's report that a walk-forward's JSON does not use: its run and costs are in the file. */
const WALK_FORWARD_IGNORED_FLAGS = ['data', 'from', 'to', 'allow-in-sample', 'strategy', 'capital', 'fee', 'slippage', 'scenarios', 'temperature', 'seed', 'trials'] as const;

/** A usage error naming every flag that would be ignored and why, or nothing when there is none. */
function refuseIgnoredFlags(cmd: Command, names: readonly string[], why: string): void {
  if (names.length === 0) return;
  cmd.error(`${names.map((n) => `--${n}`).join(', ')} ${names.length === 1 ? 'does' : 'do'} not apply ${why}. Leave ${names.length === 1 ? 'it' : 'them'} out.`, { exit: 2 });
}

export default class Report extends GlowCommand {
  static override summary = 'Write a self-contained HTML report: backtest, likelihood, regimes, training curves, scenario risk.';
  static override description =
    "Backtests the model on the candles (by default every bar after the model's validation range; in-sample " +
    'periods are refused unless --allow-in-sample), draws one seeded scenario set for the risk panels, the ' +
    "temperature stress table and the VaR test on the candles after the model's validation range, and " +
    'writes one HTML file with every chart rendered as inline SVG: it opens offline and requests nothing. ' +
    'Every backtest in it carries its honest statistics (alpha and beta against the asset with a Newey–West t, a ' +
    'seeded bootstrap interval of the Sharpe, the deflated Sharpe after --trials, the share of gross profit paid ' +
    'in costs, a verdict in words) beside buy & hold, EWMA volatility targeting and 20-bar momentum on the same ' +
    'bars with the same costs, in the page and in --json. ' +
    'With a forecaster model file (train --conditional) it reports the per-bar risk as `glow-trade risk` ' +
    "computes it (horizons 1, 5, 10, 20 up to the model's, all baselines): the 1-bar VaR bands over the realised " +
    'returns with exceedances marked, the PIT histogram and the forecaster-vs-baselines table with its verdicts; ' +
    "and the backtest of the forecast strategy (--strategy, default 'forecast', with the costs given): its " +
    'exposure over time against the predicted risk it was sized on, its equity against the baselines and its ' +
    'honest statistics. --temperature does not apply to a forecaster and is refused.';
  static override examples = [
    '<%= config.bin %> report --model model.bin --data btc.csv --output report.html',
    '<%= config.bin %> report --model model.bin --data btc.csv --output report.html --scenarios 20000 --temperature 1 --seed 7 --json',
    '<%= config.bin %> report --walk-forward-json wf.json --output walk-forward.html',
    '<%= config.bin %> report --model forecaster.bin --data btc.csv --output risk.html --scenarios 2000 --fee 0.00055 --slippage 0.0002',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    model: Flags.string({ char: 'm', summary: 'Model file written by "glow-trade train".', exactlyOne: ['model', 'walk-forward-json'] }),
    data: Flags.string({ char: 'd', summary: 'Candle CSV to report on (needed with --model).' }),
    'walk-forward-json': Flags.string({
      summary: 'Instead of a model: the JSON written by "backtest --walk-forward --json", reported as its folds with honest statistics and baselines.',
      exactlyOne: ['model', 'walk-forward-json'],
    }),
    output: Flags.string({ char: 'o', summary: 'HTML file to write (atomically).', default: 'report.html' }),
    from: Flags.string({ summary: 'First bar of the backtest (ISO date/time UTC or Unix ms).' }),
    to: Flags.string({ summary: 'Last bar of the backtest.' }),
    'allow-in-sample': Flags.boolean({ summary: "Allow bars inside the model's training or validation range (with a warning)." }),
    strategy: Flags.string({ char: 's', summary: "Strategy name, built-in or from a plugin (default 'glow'; 'forecast' for a forecaster file)." }),
    ...costFlags(),
    scenarios: Flags.integer({ summary: 'Scenarios drawn for the risk panels (GLOW: default 10000, 0: none; forecaster: per bar, default 2000).', min: 0 }),
    temperature: Flags.string({ summary: 'Sampling temperature of the scenarios.', default: '1' }),
    seed: Flags.integer({ summary: 'Seed of the scenario draw.', default: 0 }),
    title: Flags.string({ summary: 'Report title.', default: 'glow-trade report' }),
    trials: Flags.integer({
      summary: 'Configurations × seeds tried before this result: the Deflated Sharpe Ratio counts them.', default: 1, min: 1,
    }),
  };

  async run(): Promise<Record<string, unknown>> {
    const { flags: parsed, metadata } = await this.parse(Report);
    refuseOutputClash(this, [{ flag: 'output', path: parsed.output }],
      [{ flag: 'model', path: parsed.model }, { flag: 'data', path: parsed.data }, { flag: 'walk-forward-json', path: parsed['walk-forward-json'] }]);
    // oclif marks only the flags it filled from a default; a flag with a value and no such mark was given
    const given = (name: keyof typeof parsed) => parsed[name] !== undefined
      && (metadata.flags as Record<string, { setFromDefault?: boolean } | undefined>)[name]?.setFromDefault !== true;
    if (parsed['walk-forward-json'] !== undefined) {
      refuseIgnoredFlags(this, WALK_FORWARD_IGNORED_FLAGS.filter(given), 'with --walk-forward-json: the walk-forward was run and priced by "backtest --walk-forward", which took them');
      return this.walkForwardReport(parsed['walk-forward-json'], parsed.output, parsed.title);
    }
    if (parsed.data === undefined) this.error('--data is required with --model: the candles to backtest the model on', { exit: 2 });
    const flags = { ...parsed, model: parsed.model!, data: parsed.data };
    const bytes = readModelFile(flags.model);
    if (modelKindOf(bytes, flags.model) === 'forecaster') {
      refuseIgnoredFlags(this, FORECASTER_IGNORED_FLAGS.filter(given),
        'to a forecaster model file: its scenarios are drawn from the predictive distribution as it is (no temperature)');
      return this.forecasterReport(flags, bytes);
    }
    const scenarioCount = flags.scenarios ?? 10000;
    const { capital, fee, slippage, from, to } = backtestSettings(this, flags);
    const temperature = decimal(this, 'temperature', flags.temperature, (v) => v > 0, 'a number > 0');
    const plugins = await loadPluginStrategies(this.config);
    for (const w of plugins.warnings) this.warn(w);
    const bundle = loadBundle(flags.model);
    const candles = readCandles(flags.data);
    const backtest = runBacktest(bundle, candles, {
      from, to, fee, slippage, capital, allowInSample: flags['allow-in-sample'], strategy: flags.strategy ?? 'glow', trials: flags.trials,
    });
    for (const w of backtest.warnings) this.warn(w);
    // the baselines on the same bars with the same costs and trial count: what the strategy must beat
    const baselines = baselinesOf(backtest, flags.trials);
    let scenarios, stress, test: VarTestResult | undefined;
    const notes: string[] = [];
    if (scenarioCount > 0) {
      const set = generateScenarios(bundle, { num: scenarioCount, temperature, seed: flags.seed });
      scenarios = { set, risk: horizonRisk(set) };
      stress = stressTable(bundle, { num: scenarioCount, seed: flags.seed, main: set });
      try {
        test = varTest(candles, bundle.training, scenarios.risk, flags.data);
      } catch (err) {
        // e.g. no candles after the validation range (an in-sample report): the rest still stands
        notes.push(`VaR test left out: ${(err as Error).message}`);
      }
    }
    const data = reportDataFromRun({
      bundle, backtest, scenarios, stress, varTest: test, notes, title: flags.title,
      summary: [
        { label: 'Data', value: flags.data },
        ...(scenarios ? [{ label: 'Scenarios', value: `${scenarioCount} at temperature ${temperature}, seed ${flags.seed}` }] : []),
      ],
    });
    data.backtests = [backtestReportPart({
      id: 'glow', title: 'Is the edge real? Honest statistics and baselines', strategyName: `strategy "${backtest.strategy}"`,
      caption: `The strategy's out-of-sample bars against buy & hold, EWMA volatility targeting (λ 0.94, rebalance band) and 20-bar momentum, `
        + 'each traded on the same bars with the same fee and slippage.',
      result: backtest, baselines,
    })];
    const written = await writeReport(flags.output, data);
    const summary = {
      output: written.path, bytes: written.bytes, charts: written.charts, sectionCharts: written.sectionCharts,
      range: jsonRange(backtest.period.from, backtest.period.to, backtest.period.rows),
      metrics: backtest.metrics, benchmark: backtest.benchmark,
      honest: backtest.honest, baselines: baselinesJson(baselines),
      scenarios: scenarios ? { num: scenarioCount, temperature, seed: flags.seed } : null,
      varTest: test ? Object.fromEntries(Object.entries(test.horizons).map(([h, t]) => [h, t && { verdict95: t.verdict95.result, verdict99: t.verdict99.result }])) : null,
      warnings: [...plugins.warnings, ...backtest.warnings, ...notes],
    };
    if (!this.jsonEnabled()) {
      this.log(`wrote ${written.path} (${(written.bytes / 1024).toFixed(0)} KiB, ${written.charts.length + written.sectionCharts.length} charts: ` +
        `${[...written.charts, ...written.sectionCharts].join(', ')})`);
      this.log(`verdict: ${backtest.honest.verdict}`);
    }
    return summary;
  }

  /** A walk-forward's JSON (backtest --walk-forward --json) as a report: folds, honest statistics, baselines, members. */
  private async walkForwardReport(path: string, output: string, title: string): Promise<Record<string, unknown>> {
    let wf: WalkForwardJson;
    try {
      wf = checkWalkForwardJson(JSON.parse(readFileSync(path, 'utf8')), path);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return this.error(e.code === 'ENOENT' ? `--walk-forward-json: ${path} does not exist` : e instanceof SyntaxError ? `${path}: not JSON (${e.message})` : e.message, { exit: 2 });
    }
    const data = reportDataFromWalkForward(wf, { title: title === 'glow-trade report' ? undefined : title, source: path });
    const written = await writeReport(output, data);
    if (!this.jsonEnabled()) {
      this.log(`wrote ${written.path} (${(written.bytes / 1024).toFixed(0)} KiB, ${wf.walkForward.folds.length} folds)`);
      this.log(`verdict on the stitched folds: ${wf.honest.verdict}`);
    }
    return {
      kind: 'walk-forward', output: written.path, bytes: written.bytes, source: path, folds: wf.walkForward.folds.length,
      honest: wf.honest, baselines: Object.fromEntries(Object.entries(wf.baselines).map(([k, b]) => [k, { honest: b.honest }])),
    };
  }

  /**
   * The forecaster's report: runRisk on the candles (VaR bands, PIT and the test table), then the
   * forecast strategy's backtest on the same bars with the costs given, its honest statistics and
   * the baselines.
   */
  private async forecasterReport(flags: ForecasterReportFlags, bytes: Uint8Array): Promise<Record<string, unknown>> {
    const scenarios = flags.scenarios ?? 2000;
    if (scenarios < 100) this.error(`--scenarios must be at least 100 per bar for a forecaster report (its VaR 99% needs the tail), got ${scenarios}`, { exit: 2 });
    const { capital, fee, slippage, from, to } = backtestSettings(this, flags);
    const plugins = await loadPluginStrategies(this.config);
    for (const w of plugins.warnings) this.warn(w);
    const bundle = forecasterBundleFromBytes(bytes, flags.model);
    const candles = readCandles(flags.data);
    const horizons = DEFAULT_RISK_HORIZONS.filter((h) => h <= bundle.horizon);
    if (!horizons.includes(1)) horizons.unshift(1);
    const bar = new ProgressBar({ label: 'risk' });
    const risk = await runRisk(bundle, candles, {
      from, to, horizons, scenarios, seed: flags.seed, allowInSample: flags['allow-in-sample'],
      onProgress: (stage, done, total) => bar.update(stage === 'forecaster' ? 0.8 * done / total : 0.8 + 0.2 * done / total, `${stage} ${done}/${total}`),
    });
    bar.done(`${risk.bars.length} bars`);
    for (const w of risk.warnings) this.warn(w);
    const backtest = runForecastBacktest(bundle, candles, {
      from, to, fee, slippage, capital, allowInSample: flags['allow-in-sample'], strategy: flags.strategy ?? 'forecast', trials: flags.trials, seed: flags.seed,
    });
    for (const w of backtest.warnings) this.warn(w);
    const baselines = baselinesOf(backtest, flags.trials);
    const data = reportDataFromRisk({
      bundle, risk, title: flags.title === 'glow-trade report' ? 'glow-trade forecaster risk report' : flags.title,
      summary: [
        { label: 'Data', value: flags.data },
        { label: 'Backtest', value: forecastBacktestSummary(backtest) },
      ],
    });
    data.backtests = [forecastBacktestPart(backtest, baselines)];
    const written = await writeReport(flags.output, data);
    if (!this.jsonEnabled()) {
      this.log(`wrote ${written.path} (${(written.bytes / 1024).toFixed(0)} KiB, ${written.charts.length + written.sectionCharts.length} charts: ` +
        `${[...written.charts, ...written.sectionCharts].join(', ')})`);
      this.log(`verdict on strategy "${backtest.strategy}": ${backtest.honest.verdict}`);
    }
    return {
      kind: 'forecaster', output: written.path, bytes: written.bytes, charts: written.charts, sectionCharts: written.sectionCharts,
      range: jsonRange(risk.period.from, risk.period.to, risk.period.rows),
      ...riskEvaluationSummary(risk),
      backtest: {
        strategy: backtest.strategy, range: jsonRange(backtest.period.from, backtest.period.to, backtest.period.rows),
        capital, fee, slippage, forecast: forecastOptionsJson(backtest),
        metrics: backtest.metrics, benchmark: backtest.benchmark, notes: backtest.notes, honest: backtest.honest, baselines: baselinesJson(baselines),
        finalEquity: backtest.finalEquity, warnings: backtest.warnings,
      },
      warnings: [...plugins.warnings, ...risk.warnings, ...backtest.warnings],
    };
  }
}

interface ForecasterReportFlags {
  model: string; data: string; output: string; from?: string; to?: string; 'allow-in-sample'?: boolean; scenarios?: number; seed: number; title: string;
  strategy?: string; capital: string; fee: string; slippage: string; trials: number;
}
