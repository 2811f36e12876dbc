/**
 * @fileoverview Which market a fetched candle file holds. The candle CSV of DESIGN §4 has no room for
 * it, so `fetch` writes a sidecar `<file>.meta.json` beside it — `{ source, category, symbol,
 * interval }` — atomically, and refuses to extend a file with candles of another symbol, category or
 * interval. Other commands read the CSV as before and ignore the sidecar.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic.js';
import { parseInterval } from './interval.js';

export interface CandlesMeta {
  source: 'bybit';
  category: string;
  symbol: string;
  /** Bybit interval code ('60', 'D', …). */
  interval: string;
}

/** A requested market that does not match what an existing output file holds (a usage error). */
export class OutputMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputMismatchError';
  }
}

/** The sidecar path of a candle file. */
export function candlesMetaPath(csvPath: string): string {
  return `${csvPath}.meta.json`;
}

/** "linear BTCUSDT 1h" style text for messages. */
export function describeMarket(meta: Pick<CandlesMeta, 'category' | 'symbol' | 'interval'>): string {
  let label = meta.interval;
  try {
    label = parseInterval(meta.interval).label;
  } catch {
    // an unknown code in a hand-edited sidecar: show it as written
  }
  return `${meta.category} ${meta.symbol} ${label}`;
}

/** The sidecar of `csvPath`, or undefined when there is none; throws naming the file when it is unreadable. */
export function readCandlesMeta(csvPath: string): CandlesMeta | undefined {
  const path = candlesMetaPath(csvPath);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new OutputMismatchError(`${path}: not readable JSON (${(err as Error).message}); it should record the market of ${csvPath} ` +
      `as {"source":"bybit","category":"linear","symbol":"BTCUSDT","interval":"60"}`);
  }
  const o = parsed as Record<string, unknown>;
  const ok = o !== null && typeof o === 'object' && !Array.isArray(o) &&
    o.source === 'bybit' && typeof o.category === 'string' && typeof o.symbol === 'string' && typeof o.interval === 'string';
  if (!ok) {
    throw new OutputMismatchError(`${path}: expected {"source":"bybit","category":…,"symbol":…,"interval":…} recording the market of ${csvPath}`);
  }
  return { source: 'bybit', category: o.category as string, symbol: o.symbol as string, interval: o.interval as string };
}

/** Write the sidecar of `csvPath` atomically. */
export function writeCandlesMeta(csvPath: string, meta: CandlesMeta): void {
  const { source, category, symbol, interval } = meta;
  writeFileAtomic(candlesMetaPath(csvPath), JSON.stringify({ source, category, symbol, interval }, null, 2) + '\n');
}

/** True when two records name the same market and interval. */
export function sameMarket(a: CandlesMeta, b: CandlesMeta): boolean {
  return a.source === b.source && a.category === b.category && a.symbol === b.symbol && a.interval === b.interval;
}
