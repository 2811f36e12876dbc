import { Command, Flags } from '@oclif/core';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { simulateMarket } from '../data/synthetic.js';
import { writeCandles } from '../data/candles-csv.js';
import { ProgressBar } from '../data/progress.js';
import { saveBundle, scaledRows, trainOnCandles } from '../train/pipeline.js';
import { isoTime, num, pct } from '../cli/format.js';

export default class Demo extends Command {
  static override summary = 'The whole job, offline: simulate a market, train, evaluate out of sample, summarise.';
  static override description =
    'Simulates a seeded synthetic hourly market (fat tails, volatility clustering, regime switches), trains a ' +
    'GLOW model on the first 70% of the feature rows (validated on the next 15%), and scores the last 15% — ' +
    'bars the model never saw. Everything it writes goes to --output-dir.';
  static override examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --output-dir out --bars 8760 --seed 7 --json'];
  static override enableJsonFlag = true;
  static override flags = {
    'output-dir': Flags.string({ summary: 'Folder for the candles, the model and the outputs.', default: 'glow-demo' }),
    bars: Flags.integer({ summary: 'Hourly bars to simulate.', default: 17520, min: 500 }),
    seed: Flags.integer({ summary: 'Seed of the market and of every random choice in training.', default: 42 }),
    epochs: Flags.integer({ summary: 'Maximum training epochs.', default: 30, min: 1 }),
  };

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(Demo);
    const dir = resolve(flags['output-dir']);
    mkdirSync(dir, { recursive: true });
    const say = (s: string) => {
      if (!this.jsonEnabled()) this.log(s);
    };
    const t0 = performance.now();
    const candles = simulateMarket({ bars: flags.bars, seed: flags.seed });
    const candlePath = join(dir, 'candles.csv');
    writeCandles(candlePath, candles);
    say(`simulated ${flags.bars} hourly bars (seed ${flags.seed}) → ${candlePath}`);
    const bar = new ProgressBar({ label: 'training' });
    const { bundle, features, split, fit } = trainOnCandles(candles, {
      seed: flags.seed,
      fit: {
        epochs: flags.epochs,
        onBatch: ({ epoch, batch, batches }) => bar.update((epoch - 1 + batch / batches) / flags.epochs, `epoch ${epoch}`),
        onEpoch: (r) => bar.update(r.epoch / flags.epochs, `epoch ${r.epoch}: val ${num(r.valNll, 3)} nats (${num(r.valBitsPerDim, 3)} bits/dim)`),
      },
    });
    bar.done();
    const modelPath = join(dir, 'model.bin');
    saveBundle(modelPath, bundle);
    const t = bundle.training;
    const best = fit.history[fit.bestEpoch - 1];
    say(`trained ${bundle.glow.numParameters.toLocaleString('en')} parameters on ${t.train.rows} rows ` +
      `(${isoTime(t.train.start)} → ${isoTime(t.train.end)}), ${fit.history.length} epochs, best ${fit.bestEpoch}: ` +
      `validation NLL ${num(best.valNll, 3)} nats = ${num(best.valBitsPerDim, 3)} bits/dim → ${modelPath}`);
    // Out of sample: the test rows were never used for the scaler, training or calibration.
    const [a, b] = split.test;
    const x = scaledRows(bundle.scaler, features, a, b);
    const lp = bundle.glow.logProb(x);
    const mean = lp.reduce((s, v) => s + v, 0) / lp.length;
    const below = lp.filter((v) => v < bundle.strategy.calibration.threshold).length / lp.length;
    const signals = bundle.strategy.signal(x);
    const active = signals.filter((s) => s.position !== 0).length / signals.length;
    say(`test split: ${b - a} rows (${isoTime(features.timestamps[a])} → ${isoTime(features.timestamps[b - 1])}), ` +
      `mean log p ${num(mean, 3)} nats, ${pct(below)} below the likelihood threshold, positions taken on ${pct(active)} of bars`);
    const seconds = (performance.now() - t0) / 1000;
    say(`done in ${seconds.toFixed(1)} s`);
    return {
      outputDir: dir,
      files: { candles: candlePath, model: modelPath },
      seed: flags.seed,
      bars: flags.bars,
      training: { rows: t.train.rows, epochs: fit.history.length, bestEpoch: fit.bestEpoch, validationNll: best.valNll, validationBitsPerDim: best.valBitsPerDim },
      test: { rows: b - a, meanLogLikelihood: mean, shareBelowThreshold: below, shareWithPosition: active },
      seconds,
    };
  }
}
