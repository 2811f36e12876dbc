/**
 * @fileoverview `glow-trade demo` — the README's main job, fully offline: simulate a market, train
 * on its first 70% of feature rows (validated on the next 15%), backtest the last 15% (bars the
 * model never saw), draw scenarios and test their VaR on those same held-out bars, train a small
 * forecaster on the same split and judge its per-bar VaR against the classical baselines on those
 * bars and trade its forecast strategy there, write the HTML report, and print a short summary with the
 * honest statistics and verdicts of both backtests beside the baselines (buy & hold, EWMA vol target,
 * 20-bar momentum, same costs). Every file goes to --output-dir.
 */
import { Command, Flags } from '@oclif/core';
import { GlowCommand } from '../cli/base-command.js';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { simulateMarket } from '../data/synthetic.js';
import type { Candles } from '../data/candles.js';
import { writeCandles } from '../data/candles-csv.js';
import { ProgressBar } from '../data/progress.js';
import { trainOnCandles } from '../pipeline/train-on-candles.js';
import { saveBundle } from '../trading/bundle.js';
import { runBacktest } from '../trading/run-backtest.js';
import { writeEquityCsv, writeTradesCsv } from '../trading/backtest-files.js';
import { metricsTable } from '../trading/metrics-table.js';
import { generateScenarios, horizonRisk, scenariosToCsv } from '../risk/scenarios.js';
import { stressTable } from '../risk/stress.js';
import { varTest } from '../risk/var-test.js';
import { horizonTable, varTestTable, varVerdictLines } from '../cli/risk-tables.js';
import { jsonRange } from '../cli/json-range.js';
import { reportDataFromRun } from '../report/from-run.js';
import { forecastReportPart, riskEvaluationSummary, riskEvaluationTable } from '../report/from-risk.js';
import { trainForecaster } from '../pipeline/train-forecaster.js';
import { runRisk } from '../pipeline/run-risk.js';
import { saveForecasterBundle } from '../trading/forecaster-bundle.js';
import { writeReport } from '../report/html.js';
import { writeFileAtomic } from '../util/atomic.js';
import { isoTime, num, pct } from '../cli/format.js';
import { honestLines } from '../trading/honest-stats.js';
import { backtestReportPart, baselinesJson, baselinesOf } from '../report/from-backtest.js';
import { forecastBacktestPart, forecastOptionsJson, forecastRiskLabel } from '../report/from-forecast-backtest.js';
import { runForecastBacktest } from '../trading/run-forecast-backtest.js';

export default class Demo extends GlowCommand {
  static override summary = 'The whole job, offline: simulate a market, train, backtest out of sample, scenarios and VaR test, HTML report.';
  static override description =
    'Simulates a seeded synthetic hourly market (fat tails, volatility clustering, regime switches), trains a ' +
    'GLOW model on the first 70% of the feature rows (validated on the next 15%), backtests the strategy on ' +
    'the last 15% — bars the model never saw — with fees and slippage, draws one scenario set from the flow and ' +
    'tests its VaR on the same held-out bars (Kupiec), trains a small forecaster on the same split and tests its ' +
    'per-bar VaR beside historical simulation, EWMA and GARCH-t on those bars and trades its forecast strategy there, ' +
    'prints the honest statistics of both backtests (alpha t, Sharpe interval, deflated Sharpe, cost share, a verdict ' +
    'in words) beside buy & hold, EWMA vol targeting and 20-bar momentum, and writes report.html. Everything ' +
    'goes to --output-dir.';
  static override examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --output-dir out --bars 8760 --seed 7 --json'];
  static override enableJsonFlag = true;
  static override flags = {
    'output-dir': Flags.string({ summary: 'Folder for the candles, the model and the outputs.', default: 'glow-demo' }),
    bars: Flags.integer({ summary: 'Hourly bars to simulate.', default: 17520, min: 500 }),
    seed: Flags.integer({ summary: 'Seed of the market and of every random choice in training and sampling.', default: 42 }),
    epochs: Flags.integer({ summary: 'Maximum training epochs.', default: 40, min: 1 }),
    scenarios: Flags.integer({ summary: 'Scenarios drawn from the flow for the risk numbers.', default: 20000, min: 100 }),
    'forecaster-epochs': Flags.integer({ summary: 'Training epochs of the small forecaster (0: leave it out).', default: 8, min: 0 }),
    'forecaster-scenarios': Flags.integer({ summary: 'Scenarios per bar of the forecaster\'s per-bar risk.', default: 500, min: 100 }),
  };

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(Demo);
    const dir = resolve(flags['output-dir']);
    mkdirSync(dir, { recursive: true });
    const say = (s: string) => {
      if (!this.jsonEnabled()) this.log(s);
    };
    const t0 = performance.now();
    const files = {
      candles: join(dir, 'candles.csv'), model: join(dir, 'model.bin'), equity: join(dir, 'equity.csv'),
      trades: join(dir, 'trades.csv'), scenarios: join(dir, 'scenarios.csv'), report: join(dir, 'report.html'),
      ...(flags['forecaster-epochs'] > 0 ? { forecaster: join(dir, 'forecaster.bin') } : {}),
    };
    const candles = simulateMarket({ bars: flags.bars, seed: flags.seed });
    writeCandles(files.candles, candles);
    say(`1. simulated ${flags.bars} hourly bars (seed ${flags.seed}) → ${files.candles}`);

    const bar = new ProgressBar({ label: 'training' });
    const { bundle, fit } = trainOnCandles(candles, {
      seed: flags.seed,
      fit: {
        epochs: flags.epochs,
        onBatch: ({ epoch, batch, batches }) => bar.update((epoch - 1 + batch / batches) / flags.epochs, `epoch ${epoch}`),
        onEpoch: (r) => bar.update(r.epoch / flags.epochs, `epoch ${r.epoch}: val ${num(r.valNll, 3)} nats (${num(r.valBitsPerDim, 3)} bits/dim)`),
      },
    });
    bar.done();
    saveBundle(files.model, bundle);
    const t = bundle.training;
    const best = fit.history[fit.bestEpoch - 1];
    say(`2. trained ${bundle.glow.numParameters.toLocaleString('en')} parameters on ${t.train.rows} rows ` +
      `(${isoTime(t.train.start)} → ${isoTime(t.train.end)}), ${fit.history.length} epochs, best ${fit.bestEpoch}: ` +
      `validation NLL ${num(best.valNll, 3)} nats = ${num(best.valBitsPerDim, 3)} bits/dim → ${files.model}`);

    // Out of sample: the bars after the validation range were never used for the scaler, training or calibration.
    const backtest = runBacktest(bundle, candles);
    writeEquityCsv(files.equity, backtest.series);
    writeTradesCsv(files.trades, backtest.trades);
    say(`3. backtest of ${backtest.period.rows} held-out bars (${isoTime(backtest.period.from)} → ${isoTime(backtest.period.to)}), ` +
      `fee ${backtest.fee} + slippage ${backtest.slippage} per unit traded:\n`);
    say(metricsTable(backtest.metrics, backtest.benchmark, backtest.notes) + '\n');
    for (const w of backtest.warnings) this.warn(w);
    // Is that edge real? The honest statistics and the baselines on the same bars with the same costs.
    const baselines = baselinesOf(backtest);
    const honest = backtestReportPart({
      id: 'glow', title: 'Is the edge real? Honest statistics and baselines', strategyName: `strategy "${backtest.strategy}"`,
      caption: 'The held-out bars of the strategy against buy & hold, EWMA volatility targeting and 20-bar momentum, each traded on the same bars with the same costs.',
      result: backtest, baselines,
    });
    say(honestLines(backtest.honest).map((l) => `   ${l}`).join('\n'));
    say('   Baselines (same bars, same costs):');
    for (const r of honest.rows.slice(1)) {
      say(`     ${r.name.padEnd(16)} Sharpe ${num(r.metrics.sharpe, 2)}, return ${pct(r.metrics.totalReturn)}, max drawdown ${pct(r.metrics.maxDrawdown)} — ` +
        `${r.honest.distinguishable ? 'edge distinguishable from zero' : 'edge not distinguishable from zero'}`);
    }
    say('');

    const set = generateScenarios(bundle, { num: flags.scenarios, temperature: 1, seed: flags.seed });
    writeFileAtomic(files.scenarios, scenariosToCsv(set));
    const risk = horizonRisk(set);
    const test = varTest(candles, t, risk, files.candles);
    say(`4. ${flags.scenarios} scenarios from the flow (T = 1, seed ${flags.seed}) → ${files.scenarios}\n`);
    say(horizonTable(risk) + '\n');
    say('   VaR exceedances on the held-out bars (Kupiec POF):\n');
    say(varTestTable(test));
    say(varVerdictLines(test).map((l) => `   ${l}`).join('\n') + '\n');
    const stress = stressTable(bundle, { num: flags.scenarios, seed: flags.seed, main: set });

    const forecaster = files.forecaster ? await this.forecaster(candles, flags, files.forecaster, say) : null;

    const data = reportDataFromRun({
      bundle, backtest, scenarios: { set, risk }, stress, varTest: test,
      title: 'glow-trade demo', subtitle: `Synthetic hourly market, seed ${flags.seed} — every number below is out of sample`,
      summary: [
        { label: 'Data', value: `${flags.bars} simulated hourly bars (seed ${flags.seed})` },
        { label: 'Scenarios', value: `${flags.scenarios} at temperature 1, seed ${flags.seed}` },
        ...(forecaster ? [{ label: 'Forecaster', value: forecaster.summary }] : []),
      ],
    });
    data.backtests = [honest, ...(forecaster ? [forecastBacktestPart(forecaster.backtest, forecaster.baselines)] : [])];
    if (forecaster) {
      const part = forecastReportPart(forecaster.risk);
      if (part) data.forecast = part;
      data.tables = [...(data.tables ?? []), riskEvaluationTable(forecaster.risk)];
    }
    const written = await writeReport(files.report, data);
    const seconds = (performance.now() - t0) / 1000;
    say(`${forecaster ? 6 : 5}. report → ${written.path} (${(written.bytes / 1024).toFixed(0)} KiB, ${written.charts.length + written.sectionCharts.length} charts); open it in a browser`);
    say(`verdict on the strategy: ${backtest.honest.verdict}`);
    say(`done in ${seconds.toFixed(1)} s`);
    const h1 = test.horizons.return_1;
    return {
      outputDir: dir,
      files,
      seed: flags.seed,
      bars: flags.bars,
      training: { rows: t.train.rows, epochs: fit.history.length, bestEpoch: fit.bestEpoch, validationNll: best.valNll, validationBitsPerDim: best.valBitsPerDim },
      backtest: {
        range: jsonRange(backtest.period.from, backtest.period.to, backtest.period.rows), metrics: backtest.metrics, benchmark: backtest.benchmark, notes: backtest.notes,
        honest: backtest.honest, baselines: baselinesJson(baselines), warnings: backtest.warnings,
      },
      risk: { return_1: risk.return_1, varTest: h1 ? { n: h1.n, exceedances95: h1.exceedances95, kupiecP95: h1.kupiecP95, exceedances99: h1.exceedances99, kupiecP99: h1.kupiecP99 } : null },
      forecaster: forecaster ? {
        epochs: forecaster.epochs, range: jsonRange(forecaster.risk.period.from, forecaster.risk.period.to, forecaster.risk.period.rows),
        ...riskEvaluationSummary(forecaster.risk), seconds: forecaster.risk.seconds, warnings: forecaster.risk.warnings,
        backtest: {
          strategy: forecaster.backtest.strategy, range: jsonRange(forecaster.backtest.period.from, forecaster.backtest.period.to, forecaster.backtest.period.rows),
          forecast: forecastOptionsJson(forecaster.backtest), metrics: forecaster.backtest.metrics, honest: forecaster.backtest.honest,
          baselines: baselinesJson(forecaster.baselines), warnings: forecaster.backtest.warnings,
        },
      } : null,
      seconds,
    };
  }

  /**
   * A small forecaster on the same market and split (few epochs: the demo shows the machinery, it
   * does not tune), and its per-bar risk beside the baselines on the bars after validation.
   */
  private async forecaster(candles: Candles, flags: { seed: number; 'forecaster-epochs': number; 'forecaster-scenarios': number }, path: string, say: (s: string) => void) {
    const epochs = flags['forecaster-epochs'];
    const bar = new ProgressBar({ label: 'forecaster' });
    const { bundle, fit } = trainForecaster(candles, {
      seed: flags.seed, model: DEMO_FORECASTER,
      fit: { epochs, batchSize: 256, onEpoch: (r) => bar.update(r.epoch / epochs, `epoch ${r.epoch}: val ${num(r.valNll, 3)} nats`) },
    });
    bar.done();
    saveForecasterBundle(path, bundle);
    const progress = new ProgressBar({ label: 'per-bar risk' });
    const risk = await runRisk(bundle, candles, {
      scenarios: flags['forecaster-scenarios'], seed: flags.seed,
      onProgress: (stage, done, total) => progress.update(stage === 'forecaster' ? 0.8 * done / total : 0.8 + 0.2 * done / total, `${stage} ${done}/${total}`),
    });
    progress.done(`${risk.bars.length} bars`);
    for (const w of risk.warnings) this.warn(w);
    const h1 = risk.evaluation.find((e) => e.method === 'forecaster' && e.horizon === 1);
    say(`5. forecaster (${bundle.horizon} bars ahead, ${fit.history.length} epochs) → ${path}; per-bar risk at ${risk.bars.length} held-out closes, ` +
      `${risk.scenarios} scenarios each, beside ${risk.baselines.map((b) => b.method).join(', ')}:`);
    for (const l of h1?.levels ?? []) say(`   1 bar, ${l.confidence * 100}%: ${l.exceedances}/${l.n} breaches, pinball ${num(l.pinball * 1e4, 3)} bp — ${l.verdict}`);
    // The forecast strategy on the same held-out bars with the default costs, beside the baselines.
    const backtest = runForecastBacktest(bundle, candles, { seed: flags.seed });
    for (const w of backtest.warnings) this.warn(w);
    const baselines = baselinesOf(backtest);
    say(`   forecast strategy (exposure budgeted on the ${forecastRiskLabel(backtest)}): Sharpe ${num(backtest.metrics.sharpe, 2)}, ` +
      `return ${pct(backtest.metrics.totalReturn)}, max drawdown ${pct(backtest.metrics.maxDrawdown)} ` +
      `(buy & hold Sharpe ${num(baselines.buyAndHold.metrics.sharpe, 2)}, EWMA vol target ${num(baselines.volTarget.metrics.sharpe, 2)})`);
    say(`   verdict: ${backtest.honest.verdict}`);
    return {
      risk, epochs: fit.history.length, backtest, baselines,
      summary: `${bundle.horizon} bars ahead, L=${bundle.model.config.levels}, K=${bundle.model.config.steps}, H=${bundle.model.config.hidden}, ` +
        `${fit.history.length} epochs, ${risk.scenarios} scenarios per bar (seed ${flags.seed})`,
    };
  }
}

/** A deliberately small forecaster: a few epochs of it fit in the demo's time budget on two cores. */
const DEMO_FORECASTER = { levels: 2, steps: 2, hidden: 16, embed: 8, contextHidden: 16 };
