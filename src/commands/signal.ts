/**
 * @fileoverview `glow-trade signal`: the model's trading signal for the latest closed bar, from a
 * candle CSV (its last bar) or live from Bybit (enough recent closed candles for the 20-bar windows).
 * On a forecaster file, the next bars' VaR/CVaR and loss probability given that bar (pipeline/nowcast.ts)
 * and the position the forecast strategy would hold over the next bar (forecast-strategy.ts).
 */
import { Command, Flags } from '@oclif/core';
import { GlowCommand } from '../cli/base-command.js';
import { decimal, modelFlag } from '../cli/flags.js';
import { jsonRange } from '../cli/json-range.js';
import { formatPrice } from '../cli/price.js';
import { BYBIT_CATEGORIES, type BybitCategory } from '../data/bybit.js';
import { FEATURE_LOOKBACK } from '../data/features.js';
import { isoTime } from '../data/time.js';
import { loadBundle, scaledRows } from '../trading/bundle.js';
import { explainSignal } from '../trading/explain-signal.js';
import { loadForecasterBundle } from '../trading/forecaster-bundle.js';
import { modelFeatures } from '../trading/run-backtest.js';
import { DEFAULT_LOSS, isForecasterFile, marketCandles, nowcast } from '../pipeline/nowcast.js';
import { nowcastRiskTable } from '../cli/risk-tables.js';
import { forecastFlags, forecastOptionsOf, givenForecastFlags } from '../cli/forecast-flags.js';
import { forecastPositions, type ForecastOutputs } from '../trading/forecast-strategy.js';
import { forecasterContexts } from '../trading/forecaster-bundle.js';
import { resolveForecastOptions } from '../trading/forecast-options.js';

/** The forecast strategy's flags that signal takes (its draws keep the strategy's stored scenarios and seed). */
const { scenarios: _scenarios, 'scenario-seed': _seed, threads: _threads, ...strategyFlags } = forecastFlags();

/** Flags that only a forecaster file uses. */
const FORECASTER_ONLY = ['loss', 'scenarios', 'seed'] as const;
const DEFAULT_SIGNAL_SCENARIOS = 10_000;

export default class Signal extends GlowCommand {
  static override summary = "The model's signal for the latest closed bar: position, log-likelihood, confidence, regime, latent; a forecaster's next-bar risk.";
  static override description =
    'With --data, the last bar of a candle CSV; with --symbol, live closed candles from Bybit v5 on the ' +
    "model's interval (the candle still open is left out). The position is what the strategy would hold " +
    'over the next bar, as a fraction of equity (negative = short). With a forecaster file ' +
    '("glow-trade train --conditional"), the risk of the next 1, 5, 10 and 20 bars (those within its path ' +
    'length) given that bar\'s close: VaR and CVaR at 95% and 99% (losses positive), mean, std and the ' +
    'probability of a loss beyond --loss, from --scenarios paths drawn for that one state; and the position the ' +
    "forecast strategy would hold over the next bar given --holding (its own draws: the strategy's stored scenarios " +
    'and seed, so the position is the one a backtest decides at that bar, as long as the data holds the bars of its ' +
    'smoothing window).';
  static override examples = [
    '<%= config.bin %> signal --model model.bin --symbol BTCUSDT',
    '<%= config.bin %> signal --model model.bin --data btc.csv --json',
    '<%= config.bin %> signal --model forecaster.bin --symbol BTCUSDT --loss 0.03',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    model: modelFlag(),
    data: Flags.string({ char: 'd', summary: 'Candle CSV: the signal of its last bar.', exactlyOne: ['data', 'symbol'] }),
    symbol: Flags.string({ char: 's', summary: 'Bybit symbol: the signal of the latest closed bar, fetched live.', exactlyOne: ['data', 'symbol'] }),
    category: Flags.string({ summary: 'Bybit product category (with --symbol).', options: [...BYBIT_CATEGORIES], default: 'linear' }),
    holding: Flags.string({ summary: 'The position you hold now (fraction of equity): the answer keeps it unless the target leaves the rebalance band or the cost hurdle.', default: '0' }),
    'base-url': Flags.string({ summary: 'Bybit API base URL (default $BYBIT_BASE_URL, else https://api.bybit.com).' }),
    loss: Flags.string({ summary: `Forecaster files: the loss whose probability is reported, as a fraction (default ${DEFAULT_LOSS} = a 2% loss).` }),
    scenarios: Flags.integer({ summary: `Forecaster files: scenario paths drawn for the bar's state (default ${DEFAULT_SIGNAL_SCENARIOS}).`, min: 100, max: 1_000_000 }),
    seed: Flags.integer({ summary: 'Forecaster files: seed of the scenario draw (default 0).' }),
    ...strategyFlags,
  };

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(Signal);
    if (isForecasterFile(flags.model)) return this.forecasterRisk(flags);
    const given = [...FORECASTER_ONLY.filter((f) => flags[f] !== undefined).map((f) => `--${f}`), ...givenForecastFlags(flags)];
    if (given.length) {
      this.error(`${given.join(', ')}: ${flags.model} is a GLOW model; these flags need a forecaster file (glow-trade train --conditional)`, { exit: 2 });
    }
    const bundle = loadBundle(flags.model);
    // A held position the strategy could never take has no meaning for its band and hurdle.
    const max = bundle.strategy.calibration.options.maxPosition;
    const holding = decimal(this, 'holding', flags.holding, (v) => Math.abs(v) <= max, `a fraction of equity from −${max} to ${max} (the model's largest position)`);
    const { candles, source } = await marketCandles({
      symbol: flags.symbol, data: flags.data, intervalMs: bundle.training.intervalMs, category: flags.category as BybitCategory, baseUrl: flags['base-url'],
    });
    const features = modelFeatures(bundle, candles, source);
    const n = candles.timestamp.length;
    const last = features.rows - 1;
    if (last < 0 || features.index[last] !== n - 1) {
      this.error(`${source}: the last bar (${n ? isoTime(candles.timestamp[n - 1]) : 'none'}) has no feature row: ` +
        `it needs the ${FEATURE_LOOKBACK + 1} consecutive candles ending at it`);
    }
    const [s] = bundle.strategy.signal(scaledRows(bundle.scaler, features, last, last + 1));
    // What to hold over the next bar, given what is held now (the strategy's band and cost hurdle).
    const position = bundle.strategy.hold([s], holding)[0];
    const t = bundle.training;
    const fitted = t.validation ?? t.train;
    const time = features.timestamps[last];
    const result = {
      source,
      time: isoTime(time),
      timeMs: time,
      /** The candles read (the signal's features use the last 21 of them). */
      range: jsonRange(candles.timestamp[0], candles.timestamp[n - 1], n),
      close: candles.close[n - 1],
      position,
      holding,
      target: s.position,
      logLikelihood: s.logLikelihood,
      threshold: bundle.strategy.calibration.threshold,
      inDistribution: s.inDistribution,
      confidence: s.confidence,
      regime: s.regime,
      direction: s.raw,
      latent: Array.from(s.latent),
      inSample: time >= t.train.start && time <= fitted.end,
      /** Why the position is flat or differs from the target (empty when it simply follows the target). */
      reasons: explainSignal(s, bundle.strategy.calibration, holding, position),
    };
    if (result.inSample) this.warn(`${result.time} lies inside the model's training/validation range: this signal is in-sample`);
    if (!this.jsonEnabled()) {
      const side = position > 0 ? 'LONG' : position < 0 ? 'SHORT' : 'FLAT';
      this.log(`${source}: bar ${result.time.slice(0, 16).replace('T', ' ')} closed at ${formatPrice(result.close)}`);
      this.log(`position        ${side} ${(100 * Math.abs(position)).toFixed(2)}% of equity (${position.toFixed(4)}; ` +
        `target ${s.position.toFixed(4)}, holding ${holding})`);
      this.log(`log-likelihood  ${s.logLikelihood.toFixed(3)} nats (threshold ${result.threshold.toFixed(3)}: ${s.inDistribution ? 'in' : 'OUT OF'} distribution)`);
      this.log(`confidence      ${s.confidence.toFixed(3)}   direction ${s.raw.toFixed(3)}   regime ${s.regime}`);
      this.log(`latent          [${result.latent.map((v) => v.toFixed(3)).join(', ')}]`);
      for (const [i, reason] of result.reasons.entries()) this.log(`${i === 0 ? `why ${side.toLowerCase()}`.padEnd(16) : ' '.repeat(16)}${reason}`);
    }
    return result;
  }

  /** A forecaster file: the risk of the next bars given the last closed bar. */
  private async forecasterRisk(flags: ForecasterFlags): Promise<Record<string, unknown>> {
    // --scenarios and --seed are the risk table's here: the strategy keeps its stored draws
    const { scenarios: _s, seed: _d, threads: _t, ...strategyOptions } = forecastOptionsOf(this, flags);
    const loss = flags.loss === undefined ? DEFAULT_LOSS : decimal(this, 'loss', flags.loss, (v) => v > 0 && v < 1, 'a fraction between 0 and 1 (0.02 = a 2% loss)');
    const bundle = loadForecasterBundle(flags.model);
    const { candles, source } = await marketCandles({
      symbol: flags.symbol, data: flags.data, intervalMs: bundle.training.intervalMs, category: flags.category as BybitCategory, baseUrl: flags['base-url'],
    });
    const n = candles.timestamp.length;
    const r = nowcast(bundle, candles, { at: 'last', scenarios: flags.scenarios ?? DEFAULT_SIGNAL_SCENARIOS, seed: flags.seed ?? 0, loss, source });
    const s = r.state;
    // The forecast strategy's position over the next bar, from what is held now.
    let strategy: { position: number; holding: number; target: number; outputs: ForecastOutputs } | null = null;
    let note: string | null = null;
    if (bundle.strategy) {
      const o = resolveForecastOptions(bundle.horizon, bundle.strategy.options, strategyOptions);
      const holding = decimal(this, 'holding', flags.holding, (v) => Math.abs(v) <= o.maxPosition && (o.longShort || v >= 0),
        o.longShort ? `a fraction of equity from −${o.maxPosition} to ${o.maxPosition}` : `a fraction of equity from 0 to ${o.maxPosition} (the strategy is long-only)`);
      const row = forecasterContexts(bundle, candles).features.rows - 1; // the last bar's row (nowcast checked it exists)
      const p = forecastPositions(bundle, candles, { a: row, b: row + 1 }, { ...strategyOptions, initialPosition: holding });
      strategy = { position: p.decisions[0], holding, target: p.outputs.exposure[0], outputs: p.outputs };
      if (row + 1 < o.smooth) note = `only ${row + 1} bars of the ${o.smooth}-bar smoothing window are in the data: give more candles for the backtest's position`;
    } else {
      if (flags.holding !== '0') this.error(`--holding: ${flags.model} has no forecast strategy section (train it again to get positions)`, { exit: 2 });
      note = 'this forecaster file has no forecast strategy section (it was written before the strategy existed): no position';
    }
    const result = {
      kind: 'forecaster',
      source,
      time: isoTime(s.time),
      timeMs: s.time,
      /** The forecast is made at this close (open + interval), for the bars after it. */
      closeTime: isoTime(s.closeTime),
      closeTimeMs: s.closeTime,
      range: jsonRange(candles.timestamp[0], candles.timestamp[n - 1], n),
      close: s.close,
      inSample: s.inSample,
      scenarios: r.scenarios,
      seed: r.seed,
      loss,
      horizons: r.horizons.map((h) => ({
        horizon: h.horizon, var95: h.var95, cvar95: h.cvar95, var99: h.var99, cvar99: h.cvar99, mean: h.mean, std: h.std, lossProbability: h.lossProbability,
      })),
      strategy: strategy && {
        name: 'forecast', position: strategy.position, holding: strategy.holding, target: strategy.target, options: strategy.outputs.options,
        riskTarget: strategy.outputs.target, hurdle: strategy.outputs.hurdle, risk: strategy.outputs.risk[0],
        meanLogReturn: strategy.outputs.mean[0], stdLogReturn: strategy.outputs.std[0], cvar95: strategy.outputs.cvar95[0],
        probAboveCost: strategy.outputs.probAboveCost[0], probBelowCost: strategy.outputs.probBelowCost[0],
      },
      notes: note ? [note] : [],
    };
    if (s.inSample) this.warn(`${result.time} lies inside the model's training/validation range: this forecast is in-sample`);
    if (!this.jsonEnabled()) {
      this.log(`${source}: bar ${result.time.slice(0, 16).replace('T', ' ')} closed at ${formatPrice(s.close)}; ` +
        (s.inSample ? "IN-SAMPLE (inside the model's training/validation range)" : "out of sample (not in the model's training/validation range)"));
      this.log(`risk of the next bars given this close, ${r.scenarios} scenarios (seed ${r.seed}); losses positive:`);
      this.log(nowcastRiskTable(r.horizons, loss, 2));
      if (strategy) {
        const { position, holding, target, outputs: f } = strategy;
        const side = position > 0 ? 'LONG' : position < 0 ? 'SHORT' : 'FLAT';
        const o = f.options;
        this.log(`position        ${side} ${(100 * Math.abs(position)).toFixed(2)}% of equity (${position.toFixed(4)}; target ${target.toFixed(4)}, holding ${holding}, band ${o.band})`);
        this.log(`why             forecast strategy: predicted ${o.horizon}-bar ${o.risk === 'cvar' ? 'CVaR 95%' : 'log-return std'} ${(100 * f.risk[0]).toFixed(3)}%` +
          `${o.smooth > 1 ? ` (mean of ${o.smooth} closes)` : ''} against a target of ${(100 * f.target).toFixed(3)}%; ` +
          `P(R > ${(100 * f.hurdle).toFixed(2)}%) ${f.probAboveCost[0].toFixed(3)}, tilt ${o.tilt === 'none' ? 'off' : `${o.tilt} × ${o.tiltStrength}`}`);
      }
      if (note) this.log(`note            ${note}`);
    }
    return result;
  }
}

interface ForecasterFlags {
  model: string;
  data?: string;
  symbol?: string;
  category: string;
  holding: string;
  'base-url'?: string;
  loss?: string;
  scenarios?: number;
  seed?: number;
}
