/**
 * @fileoverview Download several markets into a directory, one file per market
 * (`<dir>/<SYMBOL>_<interval>.csv`, e.g. data/BTCUSDT_1h.csv), each brought up to date by
 * `updateCandlesFile` — so a rerun fetches only what a file lacks, and an interrupted set resumes.
 * All requests of the set go through ONE throttle: `minIntervalMs` spaces request starts across every
 * symbol, so the exchange sees the same rate however many markets download at once (`concurrency`).
 * A market that fails is reported with its error; the others go on.
 */
import { join } from 'node:path';
import type { FetchProgress } from './bybit.js';
import { parseInterval, type Interval } from './interval.js';
import { Throttle } from './retry.js';
import { updateCandlesFile, type UpdateCandlesFileOptions, type UpdateCandlesFileResult } from './update-file.js';

export interface FetchMarketsOptions extends Omit<UpdateCandlesFileOptions, 'output' | 'symbol' | 'onProgress' | 'throttle' | 'interval'> {
  symbols: string[];
  dir: string;
  interval: string | Interval;
  /** Markets downloading at once (default 2); the request rate is the throttle's either way. */
  concurrency?: number;
  onProgress?: (symbol: string, progress: FetchProgress) => void;
  onDone?: (outcome: MarketFetchOutcome) => void;
}

export type MarketFetchOutcome =
  | { symbol: string; output: string; ok: true; result: UpdateCandlesFileResult }
  | { symbol: string; output: string; ok: false; error: Error };

/** The file of a market in a directory: `<SYMBOL>_<interval label>.csv`. */
export function marketFile(dir: string, symbol: string, interval: Interval): string {
  return join(dir, `${symbol.trim().toUpperCase()}_${interval.label}.csv`);
}

/** Split "BTCUSDT, ethusdt" into distinct upper-case symbols; an error for an empty list or a repeat. */
export function parseSymbols(text: string): string[] {
  const symbols = text.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  if (symbols.length === 0) throw new RangeError(`--symbols names no symbol: "${text}"`);
  const dup = symbols.find((s, i) => symbols.indexOf(s) !== i);
  if (dup) throw new RangeError(`--symbols lists ${dup} twice`);
  return symbols;
}

export async function fetchMarkets(options: FetchMarketsOptions): Promise<MarketFetchOutcome[]> {
  const { symbols, dir, onProgress, onDone, concurrency = 2, ...rest } = options;
  const interval = typeof options.interval === 'string' ? parseInterval(options.interval) : options.interval;
  const throttle = new Throttle(options.minIntervalMs ?? 100, undefined, options.sleep);
  const outcomes: MarketFetchOutcome[] = new Array(symbols.length);
  let next = 0;
  const lane = async () => {
    while (next < symbols.length) {
      const k = next++;
      const symbol = symbols[k];
      const output = marketFile(dir, symbol, interval);
      try {
        const result = await updateCandlesFile({
          ...rest, interval, symbol, output, throttle, onProgress: onProgress && ((p) => onProgress(symbol, p)),
        });
        outcomes[k] = { symbol, output, ok: true, result };
      } catch (err) {
        outcomes[k] = { symbol, output, ok: false, error: err as Error };
      }
      onDone?.(outcomes[k]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, symbols.length)) }, lane));
  return outcomes;
}
