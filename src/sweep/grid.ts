/**
 * @fileoverview A sweep's grid: markets × configuration variants × seeds × walk-forward folds, each
 * cell one job with its id (job.ts). Folds are planned per market and variant (a variant may change
 * the window sizes) with the walk-forward's own planner, so a job's fold is the fold a whole
 * walk-forward run would test. Order — market, variant, seed, fold — is the results file's order.
 */
import { readFileSync } from 'node:fs';
import type { CandleFile } from '../data/candle-files.js';
import { readCandles } from '../data/candles-csv.js';
import { planFolds } from '../pipeline/walk-forward.js';
import { jobId, sha256, type SweepJobOptions, type SweepJobSpec } from './job.js';

/** A market as a sweep sees it: where its candles are, their content hash and open times. */
export interface SweepMarket extends CandleFile {
  hash: string;
  timestamps: Float64Array;
}

/** A named configuration: options merged over the sweep's base options. */
export interface SweepVariant {
  name: string;
  options: Partial<SweepJobOptions>;
}

/** Read a market's file once: content hash and validated open times (errors name the file and line). */
export function loadMarket(file: CandleFile): SweepMarket {
  // Validation first: its errors say what is wrong with the file ("no such file", a bad row).
  const candles = readCandles(file.path, { onNote: () => {} });
  return { ...file, hash: sha256(readFileSync(file.path)), timestamps: candles.timestamp };
}

const NESTED = ['model', 'fit', 'strategyOptions'] as const;

/** `base` with `over` on top; the nested option groups are merged key by key. */
export function mergeOptions(base: SweepJobOptions, over: Partial<SweepJobOptions>): SweepJobOptions {
  const out: Record<string, unknown> = { ...base, ...over };
  for (const k of NESTED) {
    if (base[k] !== undefined || over[k] !== undefined) out[k] = { ...(base[k] as object | undefined), ...(over[k] as object | undefined) };
  }
  return out as unknown as SweepJobOptions;
}

/** Every job of the grid, in results order; an error naming the market when it cannot hold a fold. */
export function expandGrid(markets: readonly SweepMarket[], base: SweepJobOptions, variants: readonly SweepVariant[], seeds: readonly number[]): SweepJobSpec[] {
  const jobs: SweepJobSpec[] = [];
  const list = variants.length > 0 ? variants : [{ name: 'base', options: {} }];
  for (const m of markets) {
    for (const v of list) {
      const options = mergeOptions(base, v.options);
      let folds;
      try {
        folds = planFolds(m.timestamps, options);
      } catch (err) {
        throw new Error(`${m.path} (variant ${v.name}): ${(err as Error).message}`);
      }
      const json = JSON.parse(JSON.stringify(options)) as Record<string, unknown>;
      for (const seed of seeds) {
        for (const { fold } of folds) {
          const id = jobId({ dataHash: m.hash, options: json, seed, fold, variant: v.name });
          jobs.push({ id, market: m.market, dataPath: m.path, dataHash: m.hash, seed, fold, variant: v.name, options: json });
        }
      }
    }
  }
  return jobs;
}

