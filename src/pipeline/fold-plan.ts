/**
 * @fileoverview The folds of a walk-forward run, planned from the candles' open times alone, so a
 * sweep can enumerate folds (and split them into jobs) without training anything.
 *
 * Counting. `trainBars` counts CANDLES (the first training window, or every window when rolling);
 * `testBars` and `step` count TESTED ROWS, i.e. feature rows (bars with the 20 consecutive candles
 * before them that features need, see data/features.ts `featureRowIndex`). Counting rows, not
 * candles, keeps every fold's test size exact on data with gaps: a fold of 2190 test rows trades
 * 2190 bars even where candles are missing.
 *
 * Fold k (1-based) tests rows [r₀ + (k−1)·step, r₀ + (k−1)·step + testBars), r₀ the first row whose
 * candle index is ≥ trainBars, clipped at the last row: the final, incomplete window is a fold too
 * (with at least one row). In candle indices: testFrom = candle of its first row, testTo = one past
 * the candle of its last row (exclusive); trainFrom = 0 (expanding) or testFrom − trainBars (rolling),
 * and training uses candles [trainFrom, testFrom).
 */
import { FEATURE_LOOKBACK, featureRowIndex } from '../data/features.js';

export interface FoldPlanOptions {
  /** Candles of the first training window (and of every window when rolling). */
  trainBars: number;
  /** Tested rows (feature rows) per fold. */
  testBars: number;
  /** Tested rows between fold starts (default testBars; must be ≥ testBars). */
  step?: number;
  window?: 'expanding' | 'rolling';
  /**
   * Candle index of every feature row (ascending), as computeFeatures(candles).index; default:
   * featureRowIndex(timestamps), which gives the same rows.
   */
  rowIndex?: ArrayLike<number>;
}

export interface FoldPlan {
  /** 1-based fold number. */
  fold: number;
  /** Candle indices: training candles [trainFrom, testFrom), tested candles [testFrom, testTo). */
  trainFrom: number;
  testFrom: number;
  testTo: number;
  /** Feature rows [rowFrom, rowTo) tested by this fold (indices into the row index). */
  rowFrom: number;
  rowTo: number;
}

function count(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`walk-forward: ${name} must be an integer ≥ ${min}, got ${v}`);
  return v;
}

/** The folds of a walk-forward over candles with these open times (see the file comment). */
export function planFolds(timestamps: ArrayLike<number>, options: FoldPlanOptions): FoldPlan[] {
  const trainBars = count('trainBars', options.trainBars, FEATURE_LOOKBACK + 2);
  const testBars = count('testBars', options.testBars, 1);
  const step = count('step', options.step ?? testBars, 1);
  if (step < testBars) throw new RangeError(`walk-forward: step (${step}) must be ≥ testBars (${testBars}), or test windows would overlap`);
  const window = options.window ?? 'expanding';
  if (window !== 'expanding' && window !== 'rolling') throw new RangeError(`walk-forward: window must be 'expanding' or 'rolling', got ${window}`);
  const rows = options.rowIndex ?? featureRowIndex(timestamps).index;
  const n = timestamps.length;
  let r0 = 0;
  while (r0 < rows.length && rows[r0] < trainBars) r0++;
  if (r0 >= rows.length) {
    throw new RangeError(`walk-forward: ${n} candles leave no feature row to test after ${trainBars} training candles`);
  }
  const plan: FoldPlan[] = [];
  for (let r = r0; r < rows.length; r += step) {
    const rowTo = Math.min(r + testBars, rows.length);
    const testFrom = rows[r];
    plan.push({
      fold: plan.length + 1, trainFrom: window === 'rolling' ? testFrom - trainBars : 0, testFrom, testTo: rows[rowTo - 1] + 1, rowFrom: r, rowTo,
    });
  }
  return plan;
}

/** The planned folds a `folds` filter (1-based numbers) keeps, in order; unknown numbers are refused. */
export function selectFolds(plan: readonly FoldPlan[], folds: readonly number[] | undefined): FoldPlan[] {
  if (folds === undefined) return [...plan];
  if (folds.length === 0) throw new RangeError('walk-forward: the folds filter is empty; give fold numbers from 1 to ' + plan.length);
  for (const k of folds) {
    if (!Number.isInteger(k) || k < 1 || k > plan.length) {
      throw new RangeError(`walk-forward: fold ${k} does not exist; this run has folds 1 to ${plan.length}`);
    }
  }
  const keep = new Set(folds);
  return plan.filter((f) => keep.has(f.fold));
}
