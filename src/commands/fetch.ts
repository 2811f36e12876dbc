/**
 * @fileoverview `glow-trade fetch`: download closed candles from Bybit v5 into a CSV file. An existing
 * file is extended, never refetched, and never with another market's candles (the sidecar
 * `<file>.meta.json` records symbol, category and interval); nothing is written unless every request
 * succeeded. Retry waits are announced on stderr; conflicting duplicates and off-grid candles are
 * reported.
 */
import { Command, Flags } from '@oclif/core';
import { GlowCommand } from '../cli/base-command.js';
import { BYBIT_CATEGORIES, DEFAULT_MAX_WAIT_MS, MAX_KLINE_LIMIT, safeIso, type BybitCategory, type RetryNotice } from '../data/bybit.js';
import { OutputMismatchError } from '../data/candles-meta.js';
import { parseInterval } from '../data/interval.js';
import { ProgressBar } from '../data/progress.js';
import { isoTime, parseTime } from '../data/time.js';
import { updateCandlesFile } from '../data/update-file.js';
import { refuseOutputClash } from '../cli/paths.js';
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
  /** Candles served twice with different OHLCV (the later copy was kept). */
  conflicts: Array<{ time: string; timeMs: number; earlier: number[]; later: number[] }>;
  /** Candles dropped for opening off the interval's grid. */
  offGrid: Array<{ time: string; timeMs: number }>;
  /** The sidecar recording the file's symbol, category and interval. */
  metaFile: string;
}

export default class Fetch extends GlowCommand {
  static override summary = 'Download candles from Bybit into a CSV file.';
  static override description =
    'Fetches closed klines from the Bybit v5 API (any interval, spot/linear/inverse) and writes ' +
    'timestamp,open,high,low,close,volume,turnover (timestamp = candle open, Unix ms UTC). If --output ' +
    'exists it is extended: only candles before its first and after its last row are fetched. The ' +
    'candle still open at the time of the request is left out. The symbol, category and interval are ' +
    'recorded in <output>.meta.json, and a file of another market is never extended. Retries rate limits ' +
    'and server errors with backoff, waiting as long as the server asks (Retry-After, ' +
    'X-Bapi-Limit-Reset-Timestamp) up to --max-wait-ms; stops on HTTP 403 (IP ban), API errors, replies ' +
    'for another symbol or category and oversized replies without touching the output file.';
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
    'max-wait-ms': Flags.integer({ description: 'Longest wait before a retry that the server may ask for (Retry-After, X-Bapi-Limit-Reset-Timestamp); a longer one stops the fetch', min: 0, default: DEFAULT_MAX_WAIT_MS }),
  };

  async run(): Promise<FetchSummary> {
    const { flags } = await this.parse(Fetch);
    // --output is read and extended, so it is no clash with itself; only an empty path is refused here.
    refuseOutputClash(this, [{ flag: 'output', path: flags.output }], []);
    let interval, end: number, start: number;
    try {
      interval = parseInterval(flags.interval);
      end = flags.end ? parseTime(flags.end, '--end') : Date.now();
      start = flags.start ? parseTime(flags.start, '--start') : end - (flags.days ?? 30) * DAY;
      checkRange(start, end, flags);
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
        maxWaitMs: flags['max-wait-ms'],
        onProgress: showBar ? (p) => bar.update(p.fraction, `${p.candles} candles, ${p.requests} requests`) : undefined,
        onRetry: (notice) => {
          if (showBar && bar.hasDrawn) process.stderr.write('\n');
          // On stderr even with --json (stdout stays the JSON document): a wait should never be silent.
          process.stderr.write(`${retryLine(notice)}\n`);
        },
      });
    } catch (err) {
      if (showBar && bar.hasDrawn) process.stderr.write('\n');
      // A file of another market, or a sidecar that says so, is a usage error: the flags contradict the file.
      this.error((err as Error).message, { exit: err instanceof OutputMismatchError ? 2 : 1 });
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
      conflicts: result.conflicts.map((c) => ({ time: isoTime(c.openTime), timeMs: c.openTime, earlier: c.earlier, later: c.later })),
      offGrid: result.offGrid.map((t) => ({ time: isoTime(t), timeMs: t })),
      metaFile: result.metaFile,
    };
    this.log(`${summary.output}: ${summary.rows} candles (${summary.added} new) ${isoTime(result.first!)} … ${isoTime(result.last!)}`);
    const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
    this.log(`${plural(summary.requests, 'request')}, ${plural(summary.retries, 'retry', 'retries')}` +
      (summary.droppedOpen ? `, ${summary.droppedOpen} open candle left out` : ''));
    if (summary.gaps.length > 0) {
      this.warn(`${summary.gaps.length} gap(s), ${summary.missing} missing candle(s); first: ${summary.gaps[0].from} … ${summary.gaps[0].to}`);
    }
    if (summary.conflicts.length > 0) {
      const c = summary.conflicts[0];
      this.warn(`${plural(summary.conflicts.length, 'candle')} came twice with different values (kept the later copy); first: ` +
        `${c.time} open/high/low/close/volume ${c.earlier.join('/')} then ${c.later.join('/')}`);
    }
    if (summary.offGrid.length > 0) {
      this.warn(`${plural(summary.offGrid.length, 'candle')} not on the ${interval.label} grid left out; first: ${summary.offGrid[0].time}`);
    }
    return summary;
  }
}

/** "HTTP 429 … (rate limited): waiting 2 s as Retry-After: 2 asks (retry 1 of 5)". */
function retryLine(n: RetryNotice): string {
  const wait = `${+(n.waitMs / 1000).toFixed(3)} s`;
  return `${n.reason}: waiting ${wait}${n.serverAsked ? ` as the server asks (${n.serverAsked})` : ''} (retry ${n.retry} of ${n.maxRetries})`;
}

/** Start and end must be real dates from 1970 on, start before end; --days must not reach before 1970. */
function checkRange(start: number, end: number, flags: { start?: string; end?: string; days?: number }): void {
  if (end < 0) throw new RangeError(`--end "${flags.end}" is ${safeIso(end)}, before the Unix epoch (1970-01-01T00:00:00.000Z); Bybit has no candles that old`);
  if (!Number.isFinite(new Date(end).getTime())) throw new RangeError(`--end "${flags.end}" is beyond the last date JavaScript can represent`);
  if (start < 0) {
    if (flags.start !== undefined) {
      throw new RangeError(`--start "${flags.start}" is ${safeIso(start)}, before the Unix epoch (1970-01-01T00:00:00.000Z); Bybit has no candles that old`);
    }
    throw new RangeError(`--days ${flags.days ?? 30} reaches back to ${safeIso(start)}, before the Unix epoch (1970-01-01T00:00:00.000Z); ` +
      `from --end ${isoTime(end)} use at most --days ${Math.floor(end / DAY)}`);
  }
  if (start > end) throw new RangeError(`--start ${isoTime(start)} is after --end ${isoTime(end)}`);
}
