/**
 * @fileoverview Chronological train / validation / test split of n time-ordered rows: training first,
 * then validation, then the held-out test rows — never shuffled, so no split sees the future of an
 * earlier one. Cut points: a = ⌊n·train⌋, b = ⌊n·(train + validation)⌋ (with a 1e-9 allowance so that
 * e.g. 0.29·100 counts as 29, not 28.999…).
 */

export type RowRange = [start: number, end: number];

export interface ChronologicalSplit {
  /** Half-open row ranges [start, end). */
  train: RowRange;
  validation: RowRange;
  test: RowRange;
}

export function chronologicalSplit(n: number, fractions: { train?: number; validation?: number } = {}): ChronologicalSplit {
  const train = fractions.train ?? 0.7;
  const validation = fractions.validation ?? 0.15;
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`row count must be a non-negative integer, got ${n}`);
  if (!Number.isFinite(train) || train <= 0 || train > 1) throw new RangeError(`train fraction must be in (0, 1], got ${train}`);
  if (!Number.isFinite(validation) || validation < 0 || validation >= 1) {
    throw new RangeError(`validation fraction must be in [0, 1), got ${validation}`);
  }
  if (train + validation > 1 + 1e-9) {
    throw new RangeError(`train + validation fractions must not exceed 1, got ${train} + ${validation} = ${train + validation}`);
  }
  const a = Math.min(n, Math.floor(n * train + 1e-9));
  const b = Math.min(n, Math.floor(n * (train + validation) + 1e-9));
  if (n > 0 && a === 0) throw new RangeError(`the train split of ${n} rows at fraction ${train} is empty; more rows are needed`);
  return { train: [0, a], validation: [a, b], test: [b, n] };
}
