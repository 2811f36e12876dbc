/**
 * @fileoverview A tiny sweep for executor tests: synthetic markets written as candle CSVs into a
 * directory, and the grid of job specs (markets × seeds × folds) over them with a model small
 * enough that a job takes a fraction of a second; plus the rows the same jobs give in-process,
 * which is what every executor must reproduce.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulateMarket } from '../../src/data/synthetic.js';
import { candlesToCsv, readCandles } from '../../src/data/candles-csv.js';
import { jobId, runSweepJob, sha256, type SweepJobSpec } from '../../src/sweep/job.js';

/** 700 hourly bars: a 400-candle first window and two 150-row test folds. */
export const TINY_OPTIONS = {
  trainBars: 400, testBars: 150,
  model: { levels: 1, steps: 2, hidden: 8 },
  fit: { epochs: 6, batchSize: 64, patience: 0 },
};

/** Write `markets` synthetic markets (seeds 1, 2, …) as `<name>.csv` into `dir`; returns their paths. */
export function writeMarkets(dir: string, markets: number, bars = 700): string[] {
  return Array.from({ length: markets }, (_, m) => {
    const path = join(dir, `SYN${m + 1}_1h.csv`);
    writeFileSync(path, candlesToCsv(simulateMarket({ bars, seed: m + 1 })));
    return path;
  });
}

/** Every (market, seed, fold) job over `paths`, ids derived as the sweep derives them. */
export function sweepSpecs(paths: string[], seeds: number[], folds: number[], options: Record<string, unknown> = TINY_OPTIONS): SweepJobSpec[] {
  const specs: SweepJobSpec[] = [];
  for (const dataPath of paths) {
    const dataHash = sha256(readFileSync(dataPath));
    const market = dataPath.split('/').pop()!.replace(/\.csv$/, '');
    for (const seed of seeds) {
      for (const fold of folds) {
        const variant = 'base';
        specs.push({ id: jobId({ dataHash, options, seed, fold, variant }), market, dataPath, dataHash, seed, fold, variant, options });
      }
    }
  }
  return specs;
}

/** The row of each job computed here, in-process, by id. */
export async function referenceRows(specs: SweepJobSpec[]): Promise<Map<string, Record<string, string | number>>> {
  const rows = new Map<string, Record<string, string | number>>();
  for (const spec of specs) rows.set(spec.id, await runSweepJob(spec, readCandles(spec.dataPath)));
  return rows;
}
