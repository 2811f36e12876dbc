/**
 * @fileoverview Which candle files a command was given: `--data a.csv,b.csv` (a comma list), a
 * directory (its `*.csv` files, sorted by name; `.meta.json` sidecars and hidden files left out), or
 * one file. Each file is one market, named by the file name without `.csv` (data/BTCUSDT_1h.csv →
 * BTCUSDT_1h); two files of the same name would be ambiguous in results and are refused.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface CandleFile { market: string; path: string }

/** Market name of a candle file: its base name without a `.csv` extension. */
export function marketName(path: string): string {
  return basename(path).replace(/\.csv$/i, '');
}

/** Whether `path` is an existing directory. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The CSV files of a directory, sorted by name; an error when it has none. */
export function candleFilesInDirectory(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new Error(`${dir}: cannot list the directory (${(err as Error).message})`);
  }
  const files = names.filter((n) => !n.startsWith('.') && /\.csv$/i.test(n)).sort().map((n) => join(dir, n));
  if (files.length === 0) throw new Error(`${dir}: no .csv candle files in this directory`);
  return files;
}

/** Expand a comma list whose items are files or directories into candle files, refusing duplicate markets. */
export function candleFiles(spec: string): CandleFile[] {
  const items = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new Error(`"${spec}" names no candle file`);
  const paths = items.flatMap((item) => (isDirectory(item) ? candleFilesInDirectory(item) : [item]));
  const seen = new Map<string, string>();
  return paths.map((path) => {
    const market = marketName(path);
    const other = seen.get(market);
    if (other !== undefined) throw new Error(`${path} and ${other} are both market "${market}"; rename one (markets are named by file name)`);
    seen.set(market, path);
    return { market, path };
  });
}
