/**
 * @fileoverview Example 2 of 4: train a GLOW model on a candle CSV and save the model file.
 *
 *   node dist/examples/train_model.js [--input btc_data.csv | --synthetic 17520]
 *                                     [--output glow_model.bin] [--epochs 50] [--seed 0]
 *
 * The whole pipeline in one call: the 16 features, a chronological 70/15/15 split, the scaler fitted
 * on the training rows only, maximum-likelihood training with early stopping on the validation rows,
 * the strategy calibrated on the training rows. The last 15% is never seen: keep it for backtests.
 */
import { existsSync } from 'node:fs';
import { readCandles, saveBundle, simulateMarket, trainOnCandles } from 'glow-trade';
import { exampleArgs } from './args.js';

const USAGE = `usage: node dist/examples/train_model.js [--input btc_data.csv | --synthetic 17520]
                                        [--output glow_model.bin] [--epochs 50] [--seed 0]`;

const values = exampleArgs(USAGE, {
  input: { type: 'string', default: 'btc_data.csv' },
  synthetic: { type: 'string' },
  output: { type: 'string', default: 'glow_model.bin' },
  epochs: { type: 'string', default: '50' },
  seed: { type: 'string', default: '0' },
});
const seed = Number(values.seed);
let candles;
if (values.synthetic) {
  candles = simulateMarket({ bars: Number(values.synthetic), seed });
  console.log(`simulated ${values.synthetic} hourly bars (seed ${seed})`);
} else if (!existsSync(values.input!)) {
  console.error(`${values.input} does not exist: run fetch_data first, or pass --synthetic <bars> to train on a simulated market`);
  process.exit(1);
} else candles = readCandles(values.input!);

const { bundle, fit } = trainOnCandles(candles, {
  seed,
  fit: {
    epochs: Number(values.epochs),
    onEpoch: (r) => console.log(`epoch ${String(r.epoch).padStart(3)}: train NLL ${r.trainNll.toFixed(4)}, ` +
      `validation NLL ${r.valNll?.toFixed(4)} nats (${r.valBitsPerDim?.toFixed(4)} bits/dim)${r.best ? ' *' : ''}`),
  },
});
const t = bundle.training;
const best = fit.history[fit.bestEpoch - 1];
console.log(`\n${bundle.glow.numParameters} parameters; best epoch ${fit.bestEpoch} of ${fit.history.length} (${fit.stopReason}); ` +
  `validation NLL ${best.valNll?.toFixed(4)} nats`);
console.log(`rows: train ${t.train.rows}, validation ${t.validation?.rows ?? 0}, held-out test ${t.test?.rows ?? 0}`);
console.log(`likelihood threshold (5% quantile of training log p): ${bundle.strategy.calibration.threshold.toFixed(3)}`);
saveBundle(values.output!, bundle);
console.log(`wrote ${values.output}`);
