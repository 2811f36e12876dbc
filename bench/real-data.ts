/**
 * @fileoverview The default model on the real candles, beside the PyTorch anchor trained the same
 * way (issue 2's yardstick for "it really trains"). Features of a candle CSV → the chronological
 * 70/15/15 split of `glow-trade train` → scaler on the training rows → GLOW (defaults, seed) →
 * train/validation NLL per epoch; then the same scaled rows go to bench/anchor_train.py (when
 * /usr/bin/python3 imports torch), which trains torch_glow.py's Glow with the same epochs, batch,
 * learning rate and clipping. Prints one JSON object. Not part of `npm test`.
 *
 * Usage: node dist/bench/real-data.js [candles.csv] [--epochs N] [--seed S] [--anchor path]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCandles } from '../src/data/candles-csv.js';
import { trainOnCandles } from '../src/pipeline/train-on-candles.js';
import { scaledRows } from '../src/trading/bundle.js';
import { anchorEnv, PYTHON, torchUnavailable } from './torch.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const input = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? '../shared/data/btcusdt_1h.csv';
const epochs = Number(opt('epochs', '50'));
const seed = Number(opt('seed', '0'));
const anchor = opt('anchor', '../shared/anchors/torch_glow.py');
const batchSize = 256, learningRate = 1e-3;

const candles = readCandles(input);
const t0 = performance.now();
const { bundle, features, split, fit } = trainOnCandles(candles, {
  seed, fit: { epochs, batchSize, learningRate, patience: 0 },
});
const ours = {
  engine: bundle.glow.engineVariant,
  parameters: bundle.glow.numParameters,
  trainRows: bundle.training.train.rows,
  validationRows: bundle.training.validation?.rows ?? 0,
  bestEpoch: fit.bestEpoch,
  bestValNll: fit.history[fit.bestEpoch - 1].valNll,
  bitsPerDim: fit.history[fit.bestEpoch - 1].valBitsPerDim,
  finalTrainNll: fit.history.at(-1)!.trainNll,
  seconds: (performance.now() - t0) / 1000,
  history: fit.history.map((h) => ({ epoch: h.epoch, trainNll: h.trainNll, valNll: h.valNll })),
};

const unavailable = torchUnavailable(anchor);
let torch: unknown = unavailable && `skipped: ${unavailable}`;
if (!unavailable) {
  const dir = mkdtempSync(join(tmpdir(), 'glow-real-'));
  const rowsCsv = join(dir, 'rows.csv');
  const d = features.names.length;
  const lines = [`split,${features.names.join(',')}`];
  const emit = (name: string, [a, b]: [number, number]) => {
    const x = scaledRows(bundle.scaler, features, a, b);
    for (let i = 0; i < b - a; i++) lines.push(`${name},${Array.from(x.subarray(i * d, (i + 1) * d)).join(',')}`);
  };
  emit('train', split.train);
  emit('validation', split.validation);
  writeFileSync(rowsCsv, lines.join('\n') + '\n');
  const script = fileURLToPath(new URL('../../bench/anchor_train.py', import.meta.url));
  const env = anchorEnv({ OMP_NUM_THREADS: '1' });
  const r = spawnSync(PYTHON, [script, rowsCsv, anchor, String(epochs), String(batchSize), String(learningRate), String(seed)], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  torch = r.status === 0 ? JSON.parse(r.stdout) : `failed: ${r.stderr.slice(-2000)}`;
}
console.log(JSON.stringify({ input, epochs, seed, batchSize, learningRate, split: '70/15/15 chronological', ours, torch }, null, 1));
