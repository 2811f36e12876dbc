/**
 * @fileoverview `glow-trade signal`: the model's trading signal for the latest closed bar, from a
 * candle CSV (its last bar) or live from Bybit (enough recent closed candles for the 20-bar windows).
 */
import { Command, Flags } from '@oclif/core';
import { GlowCommand } from '../cli/base-command.js';
import { decimal, modelFlag } from '../cli/flags.js';
import { jsonRange } from '../cli/json-range.js';
import { formatPrice } from '../cli/price.js';
import { BYBIT_CATEGORIES, fetchCandles, type BybitCategory } from '../data/bybit.js';
import type { Candles } from '../data/candles.js';
import { readCandles } from '../data/candles-csv.js';
import { FEATURE_LOOKBACK } from '../data/features.js';
import { INTERVAL_CHOICES, parseInterval, type Interval } from '../data/interval.js';
import { isoTime } from '../data/time.js';
import { loadBundle, scaledRows } from '../trading/bundle.js';
import { explainSignal } from '../trading/explain-signal.js';
import { modelFeatures } from '../trading/run-backtest.js';

/** Bybit interval of a model's candle spacing. */
function intervalOfModel(ms: number): Interval {
  for (const code of INTERVAL_CHOICES) {
    const iv = parseInterval(code);
    if (iv.ms === ms) return iv;
  }
  throw new Error(`the model was trained on candles ${ms} ms apart, which is not a Bybit interval`);
}

export default class Signal extends GlowCommand {
  static override summary = "The model's signal for the latest closed bar: position, log-likelihood, confidence, regime, latent.";
  static override description =
    'With --data, the last bar of a candle CSV; with --symbol, live closed candles from Bybit v5 on the ' +
    "model's interval (the candle still open is left out). The position is what the strategy would hold " +
    'over the next bar, as a fraction of equity (negative = short).';
  static override examples = [
    '<%= config.bin %> signal --model model.bin --symbol BTCUSDT',
    '<%= config.bin %> signal --model model.bin --data btc.csv --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    model: modelFlag(),
    data: Flags.string({ char: 'd', summary: 'Candle CSV: the signal of its last bar.', exactlyOne: ['data', 'symbol'] }),
    symbol: Flags.string({ char: 's', summary: 'Bybit symbol: the signal of the latest closed bar, fetched live.', exactlyOne: ['data', 'symbol'] }),
    category: Flags.string({ summary: 'Bybit product category (with --symbol).', options: [...BYBIT_CATEGORIES], default: 'linear' }),
    holding: Flags.string({ summary: 'The position you hold now (fraction of equity): the answer keeps it unless the target leaves the rebalance band or the cost hurdle.', default: '0' }),
    'base-url': Flags.string({ summary: 'Bybit API base URL (default $BYBIT_BASE_URL, else https://api.bybit.com).' }),
  };

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(Signal);
    const bundle = loadBundle(flags.model);
    // A held position the strategy could never take has no meaning for its band and hurdle.
    const max = bundle.strategy.calibration.options.maxPosition;
    const holding = decimal(this, 'holding', flags.holding, (v) => Math.abs(v) <= max, `a fraction of equity from −${max} to ${max} (the model's largest position)`);
    let candles: Candles;
    let source: string;
    if (flags.symbol) {
      const interval = intervalOfModel(bundle.training.intervalMs);
      // Twice the 21-candle window: room for the open candle left out and a missing bar or two.
      const end = Date.now();
      const start = end - 2 * (FEATURE_LOOKBACK + 1) * interval.ms;
      const fetched = await fetchCandles({
        symbol: flags.symbol, interval, start, end, category: flags.category as BybitCategory, baseUrl: flags['base-url'],
      });
      candles = fetched.candles;
      source = `Bybit ${flags.category} ${flags.symbol.toUpperCase()} ${interval.label}`;
    } else {
      candles = readCandles(flags.data!);
      source = flags.data!;
    }
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
}
