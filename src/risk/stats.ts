/**
 * @fileoverview Sample statistics for risk: sorting with a finiteness check, interpolated quantiles
 * and the first four moments.
 *
 * Conventions (stated once, used everywhere in src/risk):
 * - quantile: Hyndman & Fan type 7 (the default of R, NumPy and pandas): on the ascending sample
 *   x_0 ≤ … ≤ x_{n−1}, h = (n − 1)·p and Q(p) = x_⌊h⌋ + (h − ⌊h⌋)·(x_⌊h⌋+1 − x_⌊h⌋).
 * - std: sample standard deviation (ddof 1).
 * - skewness: adjusted Fisher–Pearson G1 = √(n(n−1))/(n−2) · m3/m2^{3/2};
 * - kurtosis: excess kurtosis G2 = (n−1)/((n−2)(n−3)) · ((n+1)·m4/m2² − 3(n−1));
 *   with m_k = Σ(x − mean)^k / n. These are the bias-adjusted estimators of Excel SKEW/KURT and pandas
 *   skew()/kurt(); a normal sample gives ≈ 0 for both.
 * Undefined values (std with n < 2, skewness with n < 3 or zero spread, kurtosis with n < 4 or zero
 * spread) are null, never NaN.
 */

/** An ascending copy of `values`; a NaN or ±Infinity is refused naming its position. */
export function sortedFinite(values: ArrayLike<number>, what = 'values'): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new RangeError(`${what}: element ${i} is ${v}; statistics need finite numbers`);
    out[i] = v;
  }
  return out.sort();
}

/** The p-quantile (type 7, linear interpolation) of an ascending sample. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of an empty sample');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability must lie in [0, 1], got ${p}`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The p-quantile (type 7) of an unsorted sample. */
export function quantile(values: ArrayLike<number>, p: number): number {
  return quantileSorted(sortedFinite(values), p);
}

export interface Moments {
  n: number;
  mean: number;
  /** Sample standard deviation (ddof 1); null when n < 2. */
  std: number | null;
  /** Adjusted Fisher–Pearson skewness G1; null when n < 3 or the sample is constant. */
  skewness: number | null;
  /** Adjusted excess kurtosis G2; null when n < 4 or the sample is constant. */
  kurtosis: number | null;
}

/** Mean, std, skewness and excess kurtosis (see the file comment for the estimators). */
export function moments(values: ArrayLike<number>, what = 'values'): Moments {
  const n = values.length;
  if (n === 0) throw new RangeError(`${what}: moments of an empty sample`);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new RangeError(`${what}: element ${i} is ${v}; statistics need finite numbers`);
    sum += v;
  }
  const mean = sum / n;
  // Central sums in a second pass: no cancellation from raw power sums.
  let s2 = 0, s3 = 0, s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  const m2 = s2 / n, m3 = s3 / n, m4 = s4 / n;
  const std = n >= 2 ? Math.sqrt(s2 / (n - 1)) : null;
  // A spread at rounding level (relative to the mean) is treated as none: its shape is noise.
  const spread = m2 > 0 && Math.sqrt(m2) > 1e-12 * Math.abs(mean);
  const skewness = n >= 3 && spread ? (Math.sqrt(n * (n - 1)) / (n - 2)) * (m3 / Math.pow(m2, 1.5)) : null;
  const kurtosis = n >= 4 && spread ? ((n - 1) / ((n - 2) * (n - 3))) * ((n + 1) * (m4 / (m2 * m2)) - 3 * (n - 1)) : null;
  return { n, mean, std, skewness, kurtosis };
}

/**
 * Reorders `values` in place so that its first m ≥ min(count, n) entries are its m smallest, in
 * ascending order, and every later entry is greater than values[m − 1]; returns m. Then any
 * function of an ascending sample that reads only the low tail (a type-7 quantile at p with
 * ⌊(n − 1)p⌋ + 2 ≤ count, the values at or below it) gives exactly what it gives on the fully sorted
 * sample — ties with the last selected value are pulled into the prefix — in O(n + count·log count)
 * instead of O(n log n). No NaN allowed (the caller sorts such a sample instead).
 */
export function selectSmallest(values: Float64Array, count: number): number {
  const n = values.length;
  if (count >= n) {
    values.sort();
    return n;
  }
  if (count <= 0) return 0;
  // Quickselect (Hoare partition, median of three) until index count − 1 holds its order statistic.
  const k = count - 1;
  let lo = 0, hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const a = values[lo], b = values[mid], c = values[hi];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo, j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break; // j < k < i: values[k] equals the pivot and sits between the two parts
  }
  values.subarray(0, count).sort();
  // Pull every later entry equal to the largest selected value into the prefix.
  const last = values[count - 1];
  let m = count;
  for (let i = count; i < n; i++) {
    if (values[i] === last) {
      values[i] = values[m];
      values[m++] = last;
    }
  }
  return m;
}

/** Share of `values` at or below x (the empirical CDF at x; NaN for an unknown x). Any order. */
export function shareAtOrBelow(values: ArrayLike<number>, x: number): number {
  if (Number.isNaN(x)) return NaN;
  let c = 0;
  for (let i = 0; i < values.length; i++) if (values[i] <= x) c++;
  return c / values.length;
}
