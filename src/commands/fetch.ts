/**
 * @fileoverview `glow-trade fetch`: download closed candles from Bybit v5 into a CSV file. An existing
 * file is extended, never refetched, and never with another market's candles (the sidecar
 * `<file>.meta.json` records symbol, category and interval); nothing is written unless every request
 * succeeded. Retry waits are announced on stderr; conflicting duplicates and off-grid candles are
 * reported. With --dir and --symbols, several markets are fetched, one file each, resumable, under one
 * request rate for the whole set (data/fetch-markets.ts).
 */
import { Command, Flags } from '@oclif/core';
import { GlowCommand } from '../cli/base-command.js';
import { BYBIT_CATEGORIES, DEFAULT_MAX_WAIT_MS, MAX_KLINE_LIMIT, safeIso, type BybitCategory, type RetryNotice } from '../data/bybit.js';
import { OutputMismatchError } from '../data/candles-meta.js';
import { parseInterval, type Interval } from '../data/interval.js';
import { ProgressBar } from '../data/progress.js';
import { isoTime, parseTime } from '../data/time.js';
import { updateCandlesFile, type UpdateCandlesFileResult } from '../data/update-file.js';
import { fetchMarkets, parseSymbols } from '../data/fetch-markets.js';
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

/** `fetch --dir`: one entry per market, in --symbols order (a failed market has its error instead). */
export interface FetchSetSummary {
  dir: string;
  interval: string;
  markets: Array<FetchSummary | { symbol: string; output: string; error: string }>;
  failed: number;
  requests: number;
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
    '<%= config.bin %> <%= command.id %> --symbols BTCUSDT,ETHUSDT,SOLUSDT --interval 1h --days 365 --dir data/   # data/BTCUSDT_1h.csv, …',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    symbol: Flags.string({ description: 'Bybit symbol', default: 'BTCUSDT' }),
    symbols: Flags.string({ description: 'Several Bybit symbols, comma-separated, each into <dir>/<SYMBOL>_<interval>.csv (needs --dir)', dependsOn: ['dir'] }),
    dir: Flags.string({ description: 'Directory of per-market files (with --symbols, or --symbol)', exactlyOne: ['output', 'dir'] }),
    concurrency: Flags.integer({ description: 'With --dir: markets downloading at once (the request rate stays --throttle-ms across all)', min: 1, max: 16, default: 2 }),
    interval: Flags.string({ description: "Bybit interval code (1,3,5,15,30,60,120,240,360,720,D,W,M) or alias (1h, 4h, 1d, …)", default: '1h' }),
    category: Flags.string({ description: 'Bybit product category', options: [...BYBIT_CATEGORIES], default: 'linear' }),
    days: Flags.integer({ description: 'Fetch the last N days up to --end (default 30 when --start is not given)', min: 1, exclusive: ['start'] }),
    start: Flags.string({ description: 'First candle open time: ISO date/time (UTC unless a zone is given) or Unix ms', exclusive: ['days'] }),
    end: Flags.string({ description: 'Last candle open time (same formats; default now)' }),
    output: Flags.string({ char: 'o', description: 'CSV file to create or extend', exactlyOne: ['output', 'dir'] }),
    'base-url': Flags.string({ description: 'API base URL (default $BYBIT_BASE_URL, else https://api.bybit.com)' }),
    limit: Flags.integer({ description: 'Candles per request', min: 1, max: MAX_KLINE_LIMIT, default: MAX_KLINE_LIMIT }),
    'throttle-ms': Flags.integer({ description: 'Minimum milliseconds between requests (across all symbols)', min: 0, default: 100 }),
    'max-retries': Flags.integer({ description: 'Retries per request on network errors, timeouts, HTTP 429/5xx and retCode 10006', min: 0, default: 5 }),
    'timeout-ms': Flags.integer({ description: 'Per-request timeout in milliseconds', min: 1, default: 15_000 }),
    'max-wait-ms': Flags.integer({ description: 'Longest wait before a retry that the server may ask for (Retry-After, X-Bapi-Limit-Reset-Timestamp); a longer one stops the fetch', min: 0, default: DEFAULT_MAX_WAIT_MS }),
  };

  async run(): Promise<FetchSummary | FetchSetSummary> {
    const { flags } = await this.parse(Fetch);
    // --output is read and extended, so it is no clash with itself; only an empty path is refused here.
    refuseOutputClash(this, [{ flag: 'output', path: flags.output }], []);
    if (flags.dir !== undefined) return this.runSet(flags as typeof flags & { dir: string });
    let interval, end: number, start: number;
    try {
      ({ interval, start, end } = requestedRange(flags));
    } catch (err) {
      this.error((err as Error).message, { exit: 2 });
    }
    const pages = Math.ceil((end - start) / interval.ms / flags.limit);
    const bar = new ProgressBar({ label: `${flags.symbol} ${interval.label}` });
    const showBar = pages > 1;
    let result;
    try {
      result = await updateCandlesFile({
        output: flags.output!,
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

    const summary = fetchSummary(result, start, end);
    this.log(`${summary.output}: ${summary.rows} candles (${summary.added} new) ${isoTime(result.first!)} … ${isoTime(result.last!)}`);
    this.log(`${plural(summary.requests, 'request')}, ${plural(summary.retries, 'retry', 'retries')}` +
      (summary.droppedOpen ? `, ${summary.droppedOpen} open candle left out` : ''));
    this.warnings(summary, interval.label);
    return summary;
  }

  /** --dir: every symbol into its own file, one throttle for the set; a failed market does not stop the others. */
  private async runSet(flags: { symbols?: string; symbol: string; dir: string; interval: string; category: string; days?: number; start?: string; end?: string;
    'base-url'?: string; limit: number; 'throttle-ms': number; 'max-retries': number; 'timeout-ms': number; 'max-wait-ms': number; concurrency: number }): Promise<FetchSetSummary> {
    let interval, end: number, start: number, symbols: string[];
    try {
      symbols = flags.symbols !== undefined ? parseSymbols(flags.symbols) : [flags.symbol.trim().toUpperCase()];
      ({ interval, start, end } = requestedRange(flags));
    } catch (err) {
      this.error((err as Error).message, { exit: 2 });
    }
    const fractions = new Map<string, number>(symbols.map((s) => [s, 0]));
    let finished = 0;
    const bar = new ProgressBar({ label: `fetch ${symbols.length} markets ${interval.label}` });
    const redraw = (detail: string) => bar.update([...fractions.values()].reduce((a, b) => a + b, 0) / symbols.length, detail);
    const outcomes = await fetchMarkets({
      symbols, dir: flags.dir, interval, category: flags.category as BybitCategory, start, end,
      baseUrl: flags['base-url'], limit: flags.limit, minIntervalMs: flags['throttle-ms'], maxRetries: flags['max-retries'],
      timeoutMs: flags['timeout-ms'], maxWaitMs: flags['max-wait-ms'], concurrency: flags.concurrency,
      onProgress: (symbol, p) => { fractions.set(symbol, p.fraction); redraw(`${finished}/${symbols.length} done, ${symbol} ${p.candles} candles`); },
      onRetry: (notice) => { if (bar.hasDrawn) process.stderr.write('\n'); process.stderr.write(`${retryLine(notice)}\n`); },
      onDone: (o) => {
        finished++;
        fractions.set(o.symbol, 1);
        if (bar.hasDrawn) process.stderr.write('\n');
        // One line per market as it finishes, on stderr (stdout stays the JSON document with --json).
        process.stderr.write(o.ok
          ? `${o.symbol}: ${o.output} ${o.result.rows} candles (${o.result.added} new), ${o.result.requests} request(s) [${finished}/${symbols.length}]\n`
          : `${o.symbol}: FAILED: ${o.error.message} [${finished}/${symbols.length}]\n`);
      },
    });
    const markets = outcomes.map((o) => (o.ok ? fetchSummary(o.result, start, end) : { symbol: o.symbol, output: o.output, error: o.error.message }));
    const failed = outcomes.filter((o) => !o.ok).length;
    for (const m of markets) if ('rows' in m) this.warnings(m, interval.label, `${m.symbol}: `);
    const summary: FetchSetSummary = {
      dir: flags.dir, interval: interval.code, markets, failed,
      requests: outcomes.reduce((n, o) => n + (o.ok ? o.result.requests : 0), 0),
    };
    this.log(`${symbols.length - failed} of ${symbols.length} markets up to date in ${flags.dir}, ${summary.requests} requests`);
    if (failed > 0) {
      // Usage-like errors (a file of another market) and runtime ones alike: the set did not complete.
      this.warn(`${failed} market(s) failed: ${outcomes.filter((o) => !o.ok).map((o) => o.symbol).join(', ')}; run the same command again to retry`);
      process.exitCode = 1;
    }
    return summary;
  }

  /** Gaps, conflicting duplicates and off-grid candles of one file, as warnings (prefixed by its symbol in a set). */
  private warnings(summary: FetchSummary, label: string, prefix = ''): void {
    if (summary.gaps.length > 0) {
      this.warn(`${prefix}${summary.gaps.length} gap(s), ${summary.missing} missing candle(s); first: ${summary.gaps[0].from} … ${summary.gaps[0].to}`);
    }
    if (summary.conflicts.length > 0) {
      const c = summary.conflicts[0];
      this.warn(`${prefix}${plural(summary.conflicts.length, 'candle')} came twice with different values (kept the later copy); first: ` +
        `${c.time} open/high/low/close/volume ${c.earlier.join('/')} then ${c.later.join('/')}`);
    }
    if (summary.offGrid.length > 0) {
      this.warn(`${prefix}${plural(summary.offGrid.length, 'candle')} not on the ${label} grid left out; first: ${summary.offGrid[0].time}`);
    }
  }
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/** The JSON summary of one file's update. */
function fetchSummary(result: UpdateCandlesFileResult, start: number, end: number): FetchSummary {
  return {
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
}

/** "HTTP 429 … (rate limited): waiting 2 s as Retry-After: 2 asks (retry 1 of 5)". */
function retryLine(n: RetryNotice): string {
  const wait = `${+(n.waitMs / 1000).toFixed(3)} s`;
  return `${n.reason}: waiting ${wait}${n.serverAsked ? ` as the server asks (${n.serverAsked})` : ''} (retry ${n.retry} of ${n.maxRetries})`;
}

/** --interval and the time range of --start / --end / --days, checked (a RangeError names the flag). */
function requestedRange(flags: { interval: string; start?: string; end?: string; days?: number }): { interval: Interval; start: number; end: number } {
  const interval = parseInterval(flags.interval);
  const end = flags.end ? parseTime(flags.end, '--end') : Date.now();
  const start = flags.start ? parseTime(flags.start, '--start') : end - (flags.days ?? 30) * DAY;
  checkRange(start, end, flags);
  return { interval, start, end };
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
