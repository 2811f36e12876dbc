/**
 * @fileoverview A small trained model on a simulated market, and the candle CSV + model file the
 * commands read, for the command tests (levels 2, steps 1, hidden 8: seconds, not minutes).
 */
import { join } from 'node:path';
import type { Candles } from '../../src/data/candles.js';
import { writeCandles } from '../../src/data/candles-csv.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { trainOnCandles } from '../../src/pipeline/train-on-candles.js';
import { type ModelBundle, saveBundle } from '../../src/trading/bundle.js';
import { tempDir } from './tmp.js';

/** `bars` simulated candles (seed `seed`) and a model trained on them (seed `trainSeed`, default `seed`). */
export function smallModel(o: { bars: number; seed: number; trainSeed?: number; epochs: number }): { candles: Candles; bundle: ModelBundle } {
  const candles = simulateMarket({ bars: o.bars, seed: o.seed });
  const { bundle } = trainOnCandles(candles, { seed: o.trainSeed ?? o.seed, model: { levels: 2, steps: 1, hidden: 8 }, fit: { epochs: o.epochs } });
  return { candles, bundle };
}

/**
 * A fresh temp dir holding candles.csv and model.bin. Call it from `test.before`, not at load time:
 * the temp-dir helper is shared by every test file in the run, and their `after` hooks empty it.
 */
export function writeModelFiles(candles: Candles, bundle: ModelBundle): { dir: string; data: string; model: string } {
  const dir = tempDir();
  const data = join(dir, 'candles.csv'), model = join(dir, 'model.bin');
  writeCandles(data, candles);
  saveBundle(model, bundle);
  return { dir, data, model };
}

/**
 * A tiny forecaster trained by the CLI (`train --conditional`, 5-bar paths, 2 epochs: seconds) on
 * `bars` simulated candles (seed `seed`), written to a fresh temp dir as sim.csv and f.bin. Call it
 * from `test.before`.
 */
export async function writeSmallForecaster(o: { bars: number; seed: number }): Promise<{ dir: string; data: string; model: string; candles: Candles }> {
  const { default: Train } = await import('../../src/commands/train.js');
  const { runCommand } = await import('./cli.js');
  const dir = tempDir();
  const data = join(dir, 'sim.csv'), model = join(dir, 'f.bin');
  const candles = simulateMarket({ bars: o.bars, seed: o.seed });
  writeCandles(data, candles);
  const t = await runCommand(Train, ['--conditional', '--input', data, '--output', model, '--forecast-bars', '5', '--levels', '2', '--steps', '1',
    '--hidden', '8', '--embed', '4', '--epochs', '2', '--seed', '2', '--json']);
  if (t.error) throw t.error;
  return { dir, data, model, candles };
}
