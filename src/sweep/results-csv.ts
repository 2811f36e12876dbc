/**
 * @fileoverview The sweep's results file: one CSV row per finished job, columns `RESULT_COLUMNS`.
 * Every write replaces the whole file atomically (util/atomic.ts), so a crash or a kill leaves the
 * previous complete file — rows are never lost or half-written; a job takes seconds to minutes, so
 * rewriting a file of a few thousand rows per result costs nothing in comparison. Rows are kept in
 * the sweep's job order (not completion order), so the file does not depend on how many jobs ran
 * at once; rows of jobs outside the current grid (an earlier, larger sweep) are kept after them.
 * `readResults` gives the rows already there, which is what a resumed sweep skips.
 */
import { existsSync, readFileSync } from 'node:fs';
import { CsvRecords, CsvSyntaxError } from '../data/csv-records.js';
import { writeChunksAtomic } from '../util/atomic.js';

/** Columns a job's row holds (job.ts), then what the executor measured. */
export const RESULT_COLUMNS = [
  'job', 'market', 'seed', 'fold', 'variant', 'data_hash',
  'train_from', 'train_to', 'train_candles', 'test_from', 'test_to', 'test_rows',
  'epochs', 'best_epoch', 'stop_reason',
  'total_return', 'cagr', 'sharpe', 'sortino', 'max_drawdown', 'calmar', 'win_rate', 'profit_factor', 'trades', 'exposure',
  'turnover', 'benchmark_return', 'benchmark_sharpe',
  'alpha_annual', 'alpha_t', 'beta', 'sharpe_ci_low', 'sharpe_ci_high', 'deflated_sharpe', 'cost_share', 'distinguishable',
  'vol_target_sharpe', 'momentum_sharpe', 'bars', 'bar_mean', 'bar_sd', 'periods_per_year',
  'seconds', 'attempts',
] as const;

/** Columns that depend on the machine and the run, not on the job: left out when comparing runs. */
export const NONDETERMINISTIC_COLUMNS: readonly string[] = ['seconds', 'attempts'];

export type ResultRow = Record<string, string>;

function cell(v: string | number | undefined): string {
  const s = v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Whether `path` starts with this version's results header (a results file, not a candle file). */
export function isResultsFile(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').slice(0, 4096).split(/\r?\n/)[0] === RESULT_COLUMNS.join(',');
  } catch {
    return false;
  }
}

/** Rows of an existing results file (empty when it does not exist), refusing a file of other columns. */
export function readResults(path: string): ResultRow[] {
  if (!existsSync(path)) return [];
  const rows: ResultRow[] = [];
  let header: string[] | undefined;
  const records = new CsvRecords((cells, line) => {
    if (cells.length === 1 && cells[0] === '') return;
    if (!header) {
      header = cells;
      const expected = RESULT_COLUMNS.join(',');
      if (cells.join(',') !== expected) {
        throw new Error(`${path}: line 1: not a sweep results file of this version (expected the header ${expected.slice(0, 60)}…, ` +
          `got ${cells.join(',').slice(0, 60)}…); use another --output`);
      }
      return;
    }
    if (cells.length !== header.length) throw new Error(`${path}: line ${line}: ${cells.length} cells, expected ${header.length}`);
    rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i]])));
  });
  try {
    records.push(readFileSync(path, 'utf8'));
    records.end();
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new Error(`${path}: line ${err.line}: ${err.message}`);
    throw err;
  }
  return rows;
}

/**
 * Replace `path` with `rows` (atomically): first the rows of the jobs in `order` that are present,
 * in that order, then the others in the order given.
 */
export function writeResults(path: string, rows: Iterable<Record<string, string | number>>, order: readonly string[]): void {
  const byJob = new Map<string, Record<string, string | number>>();
  for (const r of rows) byJob.set(String(r.job), r);
  const ordered: Array<Record<string, string | number>> = [];
  for (const id of order) {
    const r = byJob.get(id);
    if (r) { ordered.push(r); byJob.delete(id); }
  }
  ordered.push(...byJob.values());
  writeChunksAtomic(path, (function* () {
    yield `${RESULT_COLUMNS.join(',')}\n`;
    for (const r of ordered) yield `${RESULT_COLUMNS.map((c) => cell(r[c])).join(',')}\n`;
  })());
}
