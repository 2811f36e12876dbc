import { Command, Flags } from '@oclif/core';
import { GlowCommand } from '../cli/base-command.js';
import { candlesFlag, modelFlag } from '../cli/flags.js';
import { readCandles } from '../data/candles-csv.js';
import { loadBundle, scaledRows } from '../trading/bundle.js';
import { modelFeatures, rowsIn } from '../trading/run-backtest.js';
import { num, pct } from '../cli/format.js';
import { jsonRange } from '../cli/json-range.js';

export default class Evaluate extends GlowCommand {
  static override summary = "Score new candles with a model: mean log-likelihood, NLL, bits/dim, share below the model's threshold.";
  static override examples = ['<%= config.bin %> evaluate --model model.bin --data new.csv', '<%= config.bin %> evaluate --model model.bin --data new.csv --json'];
  static override enableJsonFlag = true;
  static override flags = {
    model: modelFlag(),
    data: candlesFlag('Candle CSV to evaluate.'),
  };

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(Evaluate);
    const bundle = loadBundle(flags.model);
    let features;
    try {
      // the model's candle interval and feature list, as backtest and report check them
      features = modelFeatures(bundle, readCandles(flags.data), flags.data);
    } catch (err) {
      // A data error (exit 1), as in backtest, report and signal: not a usage error.
      this.error((err as Error).message, { exit: 1 });
    }
    if (features.rows === 0) this.error(`${flags.data}: no complete feature rows (need at least 21 consecutive candles)`, { exit: 1 });
    const x = scaledRows(bundle.scaler, features);
    const lp = bundle.glow.logProb(x);
    const d = bundle.glow.features;
    let sum = 0;
    let below = 0;
    const thr = bundle.strategy.calibration.threshold;
    for (const v of lp) {
      sum += v;
      if (v < thr) below++;
    }
    const mean = sum / lp.length;
    const overlap = rowsIn(features.timestamps, bundle.training.train);
    const overlapValidation = rowsIn(features.timestamps, bundle.training.validation);
    const result = {
      rows: lp.length,
      range: jsonRange(features.timestamps[0], features.timestamps[features.rows - 1], features.rows)!,
      meanLogLikelihood: mean,
      nll: -mean,
      bitsPerDim: -mean / (d * Math.LN2),
      threshold: thr,
      shareBelowThreshold: below / lp.length,
      rowsInTrainingPeriod: overlap,
      rowsInValidationPeriod: overlapValidation,
    };
    if (!this.jsonEnabled()) {
      this.log(`${result.rows} rows, ${result.range.from} → ${result.range.to}`);
      this.log(`mean log-likelihood ${num(mean)} nats  NLL ${num(-mean)}  bits/dim ${num(result.bitsPerDim)}`);
      this.log(`below the model's likelihood threshold (${num(thr, 3)}): ${pct(result.shareBelowThreshold)} (${below} rows; ${pct(bundle.strategy.calibration.options.likelihoodQuantile, 0)} expected in distribution)`);
      if (overlap > 0) this.warn(`${overlap} of these rows lie inside the model's training period: those scores are in-sample`);
      if (overlapValidation > 0) this.warn(`${overlapValidation} of these rows lie inside the model's validation period (used for early stopping)`);
    }
    return result;
  }
}
