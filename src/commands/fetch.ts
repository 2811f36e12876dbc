/**
 * @fileoverview `glow-trade fetch`: download closed candles from Bybit v5 into a CSV file. An existing
 * file is extended, never refetched; nothing is written unless every request succeeded.
 */
import { Command, Flags } from '@oclif/core';
import { BYBIT_CATEGORIES, MAX_KLINE_LIMIT, type BybitCategory } from '../data/bybit.js';
import { parseInterval } from '../data/interval.js';
import { ProgressBar } from '../data/progress.js';
import { isoTime, parseTime } from '../data/time.js';
import { updateCandlesFile } from '../data/update-file.js';
import { jsonRange, type JsonRange } from '../cli/json-range.js';

const DAY = 86_400_000;

export interface FetchSummary {
  output: string;
  symbol: string;
  category: string;
  interval: string;
  rows: number;
  added: number;
  existingRows: number;
  written: boolean;
  range: JsonRange | null;
  requested: { start: string; end: string };
  gaps: Array<{ from: string; to: string; missing: number }>;
  missing: number;
  requests: number;
  retries: number;
  droppedOpen: number;
}

export default class Fetch extends Command {
  static override summary = 'Download candles from Bybit into a CSV file.';
  static override description =
    'Fetches closed klines from the Bybit v5 API (any interval, spot/linear/inverse) and writes ' +
    'timestamp,open,high,low,close,volume,turnover (timestamp = candle open, Unix ms UTC). If --output ' +
    'exists it is extended: only candles before its first and after its last row are fetched. The ' +
    'candle still open at the time of the request is left out. Retries rate limits and server errors ' +
    'with backoff; stops on HTTP 403 (IP ban) and API errors without touching the output file.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --symbol BTCUSDT --interval 1h --days 365 --output btcusdt_1h.csv',
    '<%= config.bin %> <%= command.id %> --symbol ETHUSDT --category spot --interval D --start 2023-01-01 --end 2024-01-01 --output eth_1d.csv',
    '<%= config.bin %> <%= command.id %> --output btcusdt_1h.csv --json   # bring an existing file up to date',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    symbol: Flags.string({ description: 'Bybit symbol', default: 'BTCUSDT' }),
    interval: Flags.string({ description: "Bybit interval code (1,3,5,15,30,60,120,240,360,720,D,W,M) or alias (1h, 4h, 1d, …)", default: '1h' }),
    category: Flags.string({ description: 'Bybit product category', options: [...BYBIT_CATEGORIES], default: 'linear' }),
    days: Flags.integer({ description: 'Fetch the last N days up to --end (default 30 when --start is not given)', min: 1, exclusive: ['start'] }),
    start: Flags.string({ description: 'First candle open time: ISO date/time (UTC unless a zone is given) or Unix ms', exclusive: ['days'] }),
    end: Flags.string({ description: 'Last candle open time (same formats; default now)' }),
    output: Flags.string({ char: 'o', description: 'CSV file to create or extend', required: true }),
    'base-url': Flags.string({ description: 'API base URL (default $BYBIT_BASE_URL, else https://api.bybit.com)' }),
    limit: Flags.integer({ description: 'Candles per request', min: 1, max: MAX_KLINE_LIMIT, default: MAX_KLINE_LIMIT }),
    'throttle-ms': Flags.integer({ description: 'Minimum milliseconds between requests', min: 0, default: 100 }),
    'max-retries': Flags.integer({ description: 'Retries per request on network errors, timeouts, HTTP 429/5xx and retCode 10006', min: 0, default: 5 }),
    'timeout-ms': Flags.integer({ description: 'Per-request timeout in milliseconds', min: 1, default: 15_000 }),
  };

  async run(): Promise<FetchSummary> {
    const { flags } = await this.parse(Fetch);
    let interval, end: number, start: number;
    try {
      interval = parseInterval(flags.interval);
      end = flags.end ? parseTime(flags.end, '--end') : Date.now();
      start = flags.start ? parseTime(flags.start, '--start') : end - (flags.days ?? 30) * DAY;
    } catch (err) {
      this.error((err as Error).message, { exit: 2 });
    }
    const pages = Math.ceil((end - start) / interval.ms / flags.limit);
    const bar = new ProgressBar({ label: `${flags.symbol} ${interval.label}` });
    const showBar = pages > 1;
    let result;
    try {
      result = await updateCandlesFile({
        output: flags.output,
        symbol: flags.symbol,
        interval,
        category: flags.category as BybitCategory,
        start,
        end,
        baseUrl: flags['base-url'],
        limit: flags.limit,
        minIntervalMs: flags['throttle-ms'],
        maxRetries: flags['max-retries'],
        timeoutMs: flags['timeout-ms'],
        onProgress: showBar ? (p) => bar.update(p.fraction, `${p.candles} candles, ${p.requests} requests`) : undefined,
      });
    } catch (err) {
      if (showBar && bar.hasDrawn) process.stderr.write('\n');
      this.error((err as Error).message, { exit: 1 });
    }
    if (showBar) bar.done(`${result.rows} candles, ${result.requests} requests`);

    const summary: FetchSummary = {
      output: result.output,
      symbol: result.symbol,
      category: result.category,
      interval: result.interval,
      rows: result.rows,
      added: result.added,
      existingRows: result.existingRows,
      written: result.written,
      range: jsonRange(result.first ?? undefined, result.last ?? undefined, result.rows),
      requested: { start: isoTime(start), end: isoTime(end) },
      gaps: result.gaps.map((g) => ({ from: isoTime(g.from), to: isoTime(g.to), missing: g.missing })),
      missing: result.missing,
      requests: result.requests,
      retries: result.retries,
      droppedOpen: result.droppedOpen,
    };
    this.log(`${summary.output}: ${summary.rows} candles (${summary.added} new) ${isoTime(result.first!)} … ${isoTime(result.last!)}`);
    const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
    this.log(`${plural(summary.requests, 'request')}, ${plural(summary.retries, 'retry', 'retries')}` +
      (summary.droppedOpen ? `, ${summary.droppedOpen} open candle left out` : ''));
    if (summary.gaps.length > 0) {
      this.warn(`${summary.gaps.length} gap(s), ${summary.missing} missing candle(s); first: ${summary.gaps[0].from} … ${summary.gaps[0].to}`);
    }
    return summary;
  }
}
