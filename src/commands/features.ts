/**
 * @fileoverview `glow-trade features`: candle CSV in, feature CSV out — `timestamp` plus the 16 named
 * features of each bar whose 21-candle window is complete and gap-free. Several markets at once: an
 * --input that is a comma list or a directory writes one `<market>_features.csv` per market into the
 * --output directory.
 */
import { parseInterval } from '../data/interval.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { candleFiles, isDirectory } from '../data/candle-files.js';
import { Command, Flags } from '@oclif/core';
import { GlowCommand } from '../cli/base-command.js';
import { readCandles } from '../data/candles-csv.js';
import { computeFeatures } from '../data/features.js';
import { writeFeaturesCsv } from '../data/features-table.js';
import { isoTime } from '../data/time.js';
import { refuseOutputClash } from '../cli/paths.js';
import { jsonRange, type JsonRange } from '../cli/json-range.js';

export interface FeaturesSummary {
  input: string;
  output: string;
  candles: number;
  rows: number;
  dropped: { warmup: number; gaps: number };
  intervalMs: number;
  range: JsonRange | null;
  names: string[];
}

export default class Features extends GlowCommand {
  static override summary = 'Compute the 16 model features from a candle CSV.';
  static override description =
    'Reads and validates a candle CSV (timestamp,open,high,low,close,volume[,turnover]; timestamps in Unix ' +
    'ms, Unix seconds or ISO 8601; quoted cells and CRLF accepted; month candles recognised) and writes one row ' +
    'per bar: timestamp, return_1/5/10/20, volatility_5/20, vol_ratio, momentum_10/20, volume_ratio, ' +
    'price_position, body_ratio, upper_shadow, lower_shadow, atr_norm, rsi. The first 20 bars (warm-up) ' +
    'and bars whose window crosses a gap are dropped and counted. Each row uses only candles up to its own bar.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --input btcusdt_1h.csv --output features.csv',
    '<%= config.bin %> <%= command.id %> --input btcusdt_1h.csv --output features.csv --json',
    '<%= config.bin %> <%= command.id %> --input data/ --output features/   # features/BTCUSDT_1h_features.csv, …',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    input: Flags.string({ char: 'i', description: 'Candle CSV file (or a comma list of files, or a directory: one output per market)', required: true }),
    output: Flags.string({ char: 'o', description: 'Feature CSV file to write (replaced atomically); a directory for several inputs', required: true }),
    interval: Flags.string({ description: 'Expected candle interval (1h, D, M, …); default: the most common spacing' }),
  };

  async run(): Promise<FeaturesSummary | { files: FeaturesSummary[] }> {
    const { flags } = await this.parse(Features);
    // a flag value that names no interval is a usage error (exit 2), before any file is read
    if (flags.interval !== undefined) {
      try {
        parseInterval(flags.interval);
      } catch (err) {
        this.error(`--interval: ${(err as Error).message}`, { exit: 2 });
      }
    }
    if (flags.input.includes(',') || isDirectory(flags.input)) return this.runMany(flags);
    return this.runOne(flags.input, flags.output, flags.interval);
  }

  /** Every market of a list or directory into `<output>/<market>_features.csv`. */
  private async runMany(flags: { input: string; output: string; interval?: string }): Promise<{ files: FeaturesSummary[] }> {
    let files;
    try {
      files = candleFiles(flags.input);
      mkdirSync(flags.output, { recursive: true });
    } catch (err) {
      this.error((err as Error).message, { exit: 2 });
    }
    const out: FeaturesSummary[] = [];
    for (const f of files) out.push(await this.runOne(f.path, join(flags.output, `${f.market}_features.csv`), flags.interval));
    return { files: out };
  }

  private async runOne(input: string, output: string, interval: string | undefined): Promise<FeaturesSummary> {
    const flags = { input, output, interval };
    refuseOutputClash(this, [{ flag: 'output', path: flags.output }], [{ flag: 'input', path: flags.input }]);
    let candles, features;
    try {
      candles = readCandles(flags.input);
      features = computeFeatures(candles, { interval: flags.interval });
      writeFeaturesCsv(flags.output, features);
    } catch (err) {
      this.error((err as Error).message, { exit: 1 });
    }
    const { rows } = features;
    const summary: FeaturesSummary = {
      input: flags.input,
      output: flags.output,
      candles: candles.timestamp.length,
      rows,
      dropped: features.dropped,
      intervalMs: features.intervalMs,
      range: jsonRange(features.timestamps[0], features.timestamps[rows - 1], rows),
      names: features.names,
    };
    this.log(`${summary.output}: ${rows} feature rows from ${summary.candles} candles ` +
      `(dropped ${features.dropped.warmup} warm-up, ${features.dropped.gaps} across gaps)`);
    if (rows === 0) this.warn('no feature rows: each row needs 21 consecutive candles');
    return summary;
  }
}

