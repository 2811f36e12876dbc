/**
 * @fileoverview One sweep job: train and test ONE walk-forward fold of one market with one seed and
 * one configuration variant, and turn it into one results row (contract C3, shared with the Redis
 * executor). A job is a pure function of its spec and its candles, so any executor — a local child
 * process, a BullMQ worker on another machine — produces the same row; its id is a hash of exactly
 * those inputs (`jobId`), which is what lets a sweep resume and a cluster count every job once.
 *
 * Jobs run single-threaded: the parallelism of a sweep is across jobs, one per core.
 */
import { createHash } from 'node:crypto';
import type { Candles } from '../data/candles.js';
import { isoTime } from '../data/time.js';
import { walkForward, type WalkForwardOptions } from '../pipeline/walk-forward.js';

/** What a sweep hands to every job: JSON walk-forward and model options (no seed, no fold, no engine). */
export interface SweepJobOptions {
  trainBars: number;
  testBars: number;
  step?: number;
  window?: 'expanding' | 'rolling';
  validationFraction?: number;
  model?: { levels?: number; steps?: number; hidden?: number; coupling?: 'affine' | 'additive' };
  fit?: { epochs?: number; batchSize?: number; learningRate?: number; patience?: number };
  strategy?: string;
  strategyOptions?: Record<string, unknown>;
  fee?: number;
  slippage?: number;
  capital?: number;
  /** Train forecasters and trade the forecast strategy (C2), with these forecaster and strategy options. */
  conditional?: boolean;
  forecaster?: { model?: Record<string, unknown>; horizon?: number };
  forecast?: Record<string, unknown>;
  /** Configurations tried before this one, for the Deflated Sharpe Ratio (default 1). */
  trials?: number;
}

export interface SweepJobSpec {
  id: string;
  /** Market name (the data file's name without extension, e.g. BTCUSDT_1h). */
  market: string;
  /** Where the candles are: a path every executor can read, or a key the executor resolves. */
  dataPath: string;
  /** sha256 of the data file's bytes (hex). */
  dataHash: string;
  seed: number;
  /** 1-based walk-forward fold. */
  fold: number;
  /** Name of the configuration variant ('base' when the sweep has none). */
  variant: string;
  /** JSON walk-forward + model options (a `SweepJobOptions`). */
  options: Record<string, unknown>;
}

export type SweepJobOutcome =
  | { id: string; ok: true; row: Record<string, string | number>; seconds: number; attempts: number }
  | { id: string; ok: false; error: string; attempts: number };

/** JSON with object keys sorted at every level: equal configurations give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`canonicalJson: ${value} has no JSON form`);
  return JSON.stringify(value);
}

/** sha256 hex of bytes or text. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * A job's id: the first 16 hex digits (64 bits) of sha256 over the data content hash, the canonical
 * configuration, the seed, the fold and the variant name. The market's NAME is not in it: the same
 * candles under another file name are the same job.
 */
export function jobId(parts: { dataHash: string; options: Record<string, unknown>; seed: number; fold: number; variant: string }): string {
  return sha256(canonicalJson({ data: parts.dataHash, config: parts.options, seed: parts.seed, fold: parts.fold, variant: parts.variant })).slice(0, 16);
}

/**
 * Test seam: `GLOW_TRADE_SWEEP_FAIL` = comma list of job ids, markets or variants whose jobs throw
 * (the environment reaches child processes and remote workers alike, and it is not part of any id).
 */
export const FAIL_ENV = 'GLOW_TRADE_SWEEP_FAIL';

function injectedFailure(spec: SweepJobSpec): void {
  const list = (process.env[FAIL_ENV] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (list.some((x) => x === spec.id || x === spec.market || x === spec.variant)) {
    throw new Error(`injected failure (${FAIL_ENV}) in job ${spec.id} (${spec.market} seed ${spec.seed} fold ${spec.fold} ${spec.variant})`);
  }
}

/** Cell text of a number that may be missing: '' for null/undefined/non-finite. */
const num = (v: number | null | undefined): number | string => (v === null || v === undefined || !Number.isFinite(v) ? '' : v);

/**
 * Train and test fold `spec.fold` of `candles` with `spec.seed`, single-threaded; the results row
 * (see `RESULT_COLUMNS` in results-csv.ts; `seconds` and `attempts` are the executor's to add).
 */
export async function runSweepJob(spec: SweepJobSpec, candles: Candles): Promise<Record<string, string | number>> {
  injectedFailure(spec);
  const options = spec.options as unknown as SweepJobOptions;
  // threads: 1 — a sweep's parallelism is one job per core, never threads inside a job.
  const wf = walkForward(candles, { ...options, seed: spec.seed, folds: [spec.fold], threads: 1 } as WalkForwardOptions);
  const f = wf.folds.find((x) => x.fold === spec.fold);
  if (!f) {
    const why = wf.warnings.find((w) => w.startsWith(`fold ${spec.fold}:`));
    throw new Error(`${spec.market}: walk-forward fold ${spec.fold} did not run${why ? ` (${why})` : ` (${wf.folds.length} folds ran)`}`);
  }
  // The fold's own net returns (row 0 of a series holds nothing): their moments let a summary stitch folds.
  const r = wf.series.return.subarray(Math.max(1, f.rows[0]), f.rows[1]);
  const h = f.honest;
  let sum = 0;
  for (let i = 0; i < r.length; i++) sum += r[i];
  const mean = r.length > 0 ? sum / r.length : NaN;
  let ss = 0;
  for (let i = 0; i < r.length; i++) ss += (r[i] - mean) ** 2;
  const m = f.metrics, b = f.benchmark;
  return {
    job: spec.id, market: spec.market, seed: spec.seed, fold: spec.fold, variant: spec.variant, data_hash: spec.dataHash,
    train_from: isoTime(f.train.start), train_to: isoTime(f.train.end), train_candles: f.train.candles,
    test_from: isoTime(f.test.start), test_to: isoTime(f.test.end), test_rows: f.test.rows,
    epochs: f.model.epochs, best_epoch: f.model.bestEpoch, stop_reason: f.model.stopReason,
    total_return: num(m.totalReturn), cagr: num(m.cagr), sharpe: num(m.sharpe), sortino: num(m.sortino), max_drawdown: num(m.maxDrawdown),
    calmar: num(m.calmar), win_rate: num(m.winRate), profit_factor: num(m.profitFactor), trades: m.trades, exposure: num(m.exposure),
    turnover: m.turnover, benchmark_return: num(b.totalReturn), benchmark_sharpe: num(b.sharpe),
    alpha_annual: num(h.alphaAnnual), alpha_t: num(h.alphaT), beta: num(h.beta),
    sharpe_ci_low: num(h.sharpeCI?.low), sharpe_ci_high: num(h.sharpeCI?.high), deflated_sharpe: num(h.deflatedSharpe),
    cost_share: num(h.costShare), distinguishable: h.distinguishable ? 1 : 0,
    vol_target_sharpe: num(f.baselines.volTarget.metrics.sharpe), momentum_sharpe: num(f.baselines.momentum.metrics.sharpe),
    bars: r.length, bar_mean: num(mean), bar_sd: num(r.length > 1 ? Math.sqrt(ss / (r.length - 1)) : NaN), periods_per_year: wf.periodsPerYear,
  };
}
