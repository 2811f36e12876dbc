import { Command, Flags } from '@oclif/core';
import { GlowCommand } from '../cli/base-command.js';
import { readCandles } from '../data/candles-csv.js';
import { ProgressBar } from '../data/progress.js';
import { TooFewTrainingRowsError, trainOnCandles } from '../pipeline/train-on-candles.js';
import { saveBundle } from '../trading/bundle.js';
import { trainForecaster } from '../pipeline/train-forecaster.js';
import { saveForecasterBundle } from '../trading/forecaster-bundle.js';
import { resolveForecasterConfig } from '../model/forecaster-config.js';
import { CONTEXT_NAMES } from '../data/forecaster-data.js';
import type { Candles } from '../data/candles.js';
import type { EpochRecord } from '../model/fit.js';
import { isoTime, num } from '../cli/format.js';
import { jsonRange } from '../cli/json-range.js';
import {
  calibrationFlags, calibrationSettings, fitFlags, fitSettings, forecasterFlags, forecasterShape, modelShape, modelShapeFlags, threadsFlag, threadsSetting,
} from '../cli/train-flags.js';
import { outputNotWritable, refuseOutputClash } from '../cli/paths.js';
import { resolveConfig } from '../model/config.js';
import { FEATURE_COUNT } from '../data/features.js';

export default class Train extends GlowCommand {
  static override summary = 'Train a GLOW model on a candle CSV and calibrate its trading strategy.';
  static override description =
    'Computes the 16 features, splits the rows chronologically into train / validation / test, fits the ' +
    'scaler on the training rows only, trains the flow by maximum likelihood (validated on the validation ' +
    'rows, early stopping with best-state restore), calibrates the strategy on the training rows, and writes ' +
    'one model file holding everything later commands need. The test rows are never seen.';
  static override examples = [
    '<%= config.bin %> train --input btc.csv --output model.bin',
    '<%= config.bin %> train --input btc.csv --output model.bin --epochs 100 --hidden 128 --seed 7 --json',
    '<%= config.bin %> train --conditional --input btc.csv --output forecaster.bin',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    input: Flags.string({ char: 'i', summary: 'Candle CSV (timestamp,open,high,low,close,volume,turnover).', required: true }),
    output: Flags.string({ char: 'o', summary: 'Model file to write (atomically).', required: true }),
    ...fitFlags(),
    ...modelShapeFlags(),
    seed: Flags.integer({ summary: 'Seed of every random choice (initialisation, shuffling, k-means).', default: 0 }),
    'train-fraction': Flags.string({ summary: 'Share of feature rows used for training (the first rows).', default: '0.7' }),
    'validation-fraction': Flags.string({ summary: 'Share of feature rows for validation (after the training rows).', default: '0.15' }),
    ...calibrationFlags(),
    conditional: Flags.boolean({ summary: 'Train the forecaster instead: p(next --forecast-bars log returns | market state), a conditional flow with a Student-t base (DESIGN §9).', default: false }),
    ...forecasterFlags(),
    threads: threadsFlag(),
  };

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(Train);
    refuseOutputClash(this, [{ flag: 'output', path: flags.output }], [{ flag: 'input', path: flags.input }]);
    // Found now, not after the training run it would waste.
    const unwritable = outputNotWritable('output', flags.output);
    if (unwritable) this.error(unwritable, { exit: 2 });
    const fitting = fitSettings(this, flags);
    const lr = fitting.learningRate;
    const trainFraction = Number(flags['train-fraction']);
    const validationFraction = Number(flags['validation-fraction']);
    const threads = threadsSetting(this, flags.threads);
    const model = modelShape(flags);
    if (flags.conditional) {
      const forecaster = forecasterShape(flags, CONTEXT_NAMES.length);
      try {
        resolveForecasterConfig(forecaster);
      } catch (err) {
        this.error(`--forecast-bars ${flags['forecast-bars']} --levels ${flags.levels} --steps ${flags.steps} --hidden ${flags.hidden}: ${(err as Error).message}`, { exit: 2 });
      }
      return this.trainConditional(readCandles(flags.input), flags, forecaster, { lr, trainFraction, validationFraction, threads });
    }
    try {
      // the model's shape and memory budget, before minutes of reading and training
      resolveConfig({ ...model, features: FEATURE_COUNT });
    } catch (err) {
      this.error(`--levels ${flags.levels} --steps ${flags.steps} --hidden ${flags.hidden}: ${(err as Error).message}`, { exit: 2 });
    }
    const candles = readCandles(flags.input);
    const bar = new ProgressBar({ label: 'training' });
    const log = (s: string) => {
      if (!this.jsonEnabled()) this.logToStderr(s);
    };
    log(`${flags.input}: ${candles.close.length} candles, ${isoTime(candles.timestamp[0])} → ${isoTime(candles.timestamp[candles.close.length - 1])}`);
    let trained;
    try {
      trained = trainOnCandles(candles, {
        seed: flags.seed,
        model,
        split: { train: trainFraction, validation: validationFraction },
        strategy: calibrationSettings(this, flags),
        fit: {
          ...fitting,
          threads,
          onBatch: ({ epoch, batch, batches }) => bar.update((epoch - 1 + batch / batches) / flags.epochs, `epoch ${epoch}`),
          onEpoch: (r) => {
            bar.update(r.epoch / flags.epochs, `epoch ${r.epoch}: train ${num(r.trainNll, 3)} val ${num(r.valNll, 3)} nats, ` +
              `${num(r.valBitsPerDim, 3)} bits/dim, ${Math.round(r.samplesPerSecond).toLocaleString('en')} samples/s`);
          },
        },
      });
    } catch (err) {
      if (!(err instanceof TooFewTrainingRowsError)) throw err;
      this.error(`${flags.input}: ${err.candles} candles give ${err.trainRows} training rows at --train-fraction ` +
        `${flags['train-fraction']}; training needs at least ${err.neededRows}: give at least ${err.neededCandles} candles ` +
        '(--input), or raise --train-fraction', { exit: 1 });
    }
    const { bundle, fit } = trained;
    bar.done(`${fit.history.length} epochs`);
    saveBundle(flags.output, bundle);
    const t = bundle.training;
    const last = fit.history[fit.bestEpoch - 1] ?? fit.history[fit.history.length - 1];
    const summary = {
      model: flags.output,
      config: bundle.glow.config,
      parameters: bundle.glow.numParameters,
      engine: bundle.glow.engineVariant,
      seed: flags.seed,
      threads,
      rows: { train: t.train.rows, validation: t.validation?.rows ?? 0, test: t.test?.rows ?? 0 },
      ranges: { train: jsonRange(t.train.start, t.train.end, t.train.rows), validation: t.validation && jsonRange(t.validation.start, t.validation.end, t.validation.rows), test: t.test && jsonRange(t.test.start, t.test.end, t.test.rows) },
      epochs: fit.history.length,
      bestEpoch: fit.bestEpoch,
      stopReason: fit.stopReason,
      trainNll: last?.trainNll ?? null,
      validationNll: last?.valNll ?? null,
      validationBitsPerDim: last?.valBitsPerDim ?? null,
      likelihoodThreshold: bundle.strategy.calibration.threshold,
      strategy: bundle.strategy.calibration.options,
      seconds: fit.seconds,
    };
    log(`best epoch ${fit.bestEpoch}/${fit.history.length} (${fit.stopReason}): validation NLL ${num(summary.validationNll, 4)} nats ` +
      `(${num(summary.validationBitsPerDim, 4)} bits/dim); wrote ${flags.output}`);
    log(`held-out test rows: ${summary.rows.test} (${t.test ? `${isoTime(t.test.start)} → ${isoTime(t.test.end)}` : 'none'})`);
    return summary;
  }

  /** `--conditional`: train and save a forecaster bundle. */
  private trainConditional(
    candles: Candles, flags: { input: string; output: string; epochs: number; 'batch-size': number; patience: number; seed: number; 'train-fraction': string },
    model: Record<string, unknown>, o: { lr: number; trainFraction: number; validationFraction: number; threads: number },
  ): Record<string, unknown> {
    const bar = new ProgressBar({ label: 'training the forecaster' });
    const { bundle, fit, dataset } = trainForecaster(candles, {
      seed: flags.seed,
      horizon: model.target as number,
      model,
      split: { train: o.trainFraction, validation: o.validationFraction },
      fit: {
        epochs: flags.epochs, batchSize: flags['batch-size'], learningRate: o.lr, patience: flags.patience, threads: o.threads,
        onBatch: ({ epoch, batch, batches }) => bar.update((epoch - 1 + batch / batches) / flags.epochs, `epoch ${epoch}`),
        onEpoch: (r: EpochRecord) => bar.update(r.epoch / flags.epochs, `epoch ${r.epoch}: train ${num(r.trainNll, 3)} val ${num(r.valNll, 3)} nats`),
      },
    });
    bar.done(`${fit.history.length} epochs`);
    saveForecasterBundle(flags.output, bundle);
    const t = bundle.training;
    const last = fit.history[fit.bestEpoch - 1] ?? fit.history[fit.history.length - 1];
    const summary = {
      model: flags.output, kind: 'forecaster', config: bundle.model.config, parameters: bundle.model.numParameters, seed: flags.seed, threads: o.threads,
      rows: { train: dataset.rows.train.length, validation: dataset.rows.validation.length, test: dataset.rows.test.length },
      ranges: { train: jsonRange(t.train.start, t.train.end, t.train.rows), validation: t.validation && jsonRange(t.validation.start, t.validation.end, t.validation.rows), test: t.test && jsonRange(t.test.start, t.test.end, t.test.rows) },
      targetScale: bundle.targetScale, epochs: fit.history.length, bestEpoch: fit.bestEpoch, stopReason: fit.stopReason,
      trainNll: last?.trainNll ?? null, validationNll: last?.valNll ?? null, seconds: fit.seconds,
    };
    if (!this.jsonEnabled()) {
      this.logToStderr(`best epoch ${fit.bestEpoch}/${fit.history.length} (${fit.stopReason}): validation NLL ${num(summary.validationNll, 4)} nats per ${bundle.horizon}-bar path (scaled); wrote ${flags.output}`);
    }
    return summary;
  }
}
