/**
 * @fileoverview A tiny sweep for executor tests: synthetic markets written as candle CSVs into a
 * directory and planned as a sweep plans them (grid.ts), with a model small enough that a job takes
 * a fraction of a second; and the rows the local executor gives for the same jobs, which every
 * other executor must reproduce.
 */
import { join } from 'node:path';
import { simulateMarket } from '../../src/data/synthetic.js';
import { writeCandles } from '../../src/data/candles-csv.js';
import { expandGrid, loadMarket } from '../../src/sweep/grid.js';
import type { SweepJobSpec } from '../../src/sweep/job.js';
import { createLocalExecutor } from '../../src/sweep/local-executor.js';

/** 600 hourly bars: a 400-candle first window and two test folds. */
export const TINY_OPTIONS = { trainBars: 400, testBars: 100, model: { levels: 2, steps: 1, hidden: 8 }, fit: { epochs: 2 } };

/** `markets` synthetic markets (SYN1_1h.csv, … with seeds 1, 2, …) written into `dir`, × `seeds` × their folds. */
export function tinySweep(dir: string, markets: number, seeds: number[]): SweepJobSpec[] {
  const loaded = Array.from({ length: markets }, (_, m) => {
    const market = `SYN${m + 1}_1h`;
    const path = join(dir, `${market}.csv`);
    writeCandles(path, simulateMarket({ bars: 600, seed: m + 1 }));
    return loadMarket({ market, path });
  });
  return expandGrid(loaded, TINY_OPTIONS, [], seeds);
}

/** Each job's row from the local executor (one process), by job id; throws if a job failed. */
export async function localRows(specs: SweepJobSpec[]): Promise<Map<string, Record<string, string | number>>> {
  const rows = new Map<string, Record<string, string | number>>();
  const executor = createLocalExecutor({ jobs: 1, attempts: 1 });
  try {
    await executor.run(specs, {
      result: (o) => {
        if (!o.ok) throw new Error(`local run of job ${o.id} failed: ${o.error}`);
        rows.set(o.id, o.row);
      },
    });
  } finally {
    await executor.close();
  }
  return rows;
}
