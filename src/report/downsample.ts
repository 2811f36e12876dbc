/**
 * @fileoverview Shrinking long series for charts without hiding what matters: min/max bucketing for
 * lines (keeps the first and last point and every bucket's extremes, hence the global extremes),
 * runs of equal values for shaded bands (coarsened by majority when there are too many), thinning
 * for scatters, and histograms for distributions. All deterministic: no random choices.
 */

/**
 * Indices to plot so that every series keeps its shape: the first and last index and, in each of
 * ⌊(maxPoints − 2) / (2·series)⌋ equal buckets, the arg-min and arg-max of every series. Returns all
 * indices when the length is at most `maxPoints`. Sorted, unique, at most `maxPoints` long.
 */
export function minMaxIndices(series: readonly ArrayLike<number>[], maxPoints: number): number[] {
  if (series.length === 0) throw new RangeError('minMaxIndices needs at least one series');
  const n = series[0].length;
  for (const s of series) if (s.length !== n) throw new RangeError(`series lengths differ: ${s.length} vs ${n}`);
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.floor((maxPoints - 2) / (2 * series.length));
  if (buckets < 1) throw new RangeError(`maxPoints ${maxPoints} is too small for ${series.length} series (need ≥ ${2 + 2 * series.length})`);
  const keep = new Set<number>([0, n - 1]);
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets), to = Math.floor(((b + 1) * n) / buckets);
    for (const s of series) {
      let lo = from, hi = from;
      for (let i = from + 1; i < to; i++) {
        if (s[i] < s[lo]) lo = i;
        if (s[i] > s[hi]) hi = i;
      }
      keep.add(lo).add(hi);
    }
  }
  return [...keep].sort((a, b) => a - b);
}

/** A maximal run of bars [start, end] (inclusive indices) sharing one key. */
export interface Run {
  start: number;
  end: number;
  key: number;
}

/** Maximal runs of equal `key(values[i])`. */
export function runsOf(values: ArrayLike<number>, key: (v: number) => number = (v) => v): Run[] {
  const runs: Run[] = [];
  for (let i = 0; i < values.length; i++) {
    const k = key(values[i]);
    const last = runs[runs.length - 1];
    if (last && last.key === k) last.end = i;
    else runs.push({ start: i, end: i, key: k });
  }
  return runs;
}

/**
 * Runs of `key(values[i])`, at most `maxRuns` of them: when there are more, the bars are cut into
 * `maxRuns` equal bins, each bin takes the key held by most of its bars (ties: the smaller key), and
 * equal neighbouring bins merge. Very short flickers then disappear, long stretches stay exact.
 */
export function coarseRuns(values: ArrayLike<number>, maxRuns: number, key: (v: number) => number = (v) => v): Run[] {
  const exact = runsOf(values, key);
  if (exact.length <= maxRuns) return exact;
  const n = values.length;
  const binKeys: number[] = [];
  const binStarts: number[] = [];
  for (let b = 0; b < maxRuns; b++) {
    const from = Math.floor((b * n) / maxRuns), to = Math.floor(((b + 1) * n) / maxRuns);
    if (to <= from) continue;
    const counts = new Map<number, number>();
    for (let i = from; i < to; i++) {
      const k = key(values[i]);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    let best = Infinity, bestCount = -1;
    for (const [k, c] of counts) if (c > bestCount || (c === bestCount && k < best)) { best = k; bestCount = c; }
    binKeys.push(best);
    binStarts.push(from);
  }
  const runs: Run[] = [];
  for (let j = 0; j < binKeys.length; j++) {
    const end = j + 1 < binStarts.length ? binStarts[j + 1] - 1 : n - 1;
    const last = runs[runs.length - 1];
    if (last && last.key === binKeys[j]) last.end = end;
    else runs.push({ start: binStarts[j], end, key: binKeys[j] });
  }
  return runs;
}

/**
 * Indices of at most `maxPoints` scatter points: the points with the smallest and largest x and y,
 * then an even stride through the rest (so dense regions stay dense in proportion).
 */
export function thinScatter(x: ArrayLike<number>, y: ArrayLike<number>, maxPoints: number): number[] {
  const n = x.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  if (maxPoints < 4) throw new RangeError(`maxPoints ${maxPoints} is too small for a scatter (need ≥ 4)`);
  const keep = new Set<number>();
  for (const s of [x, y]) {
    let lo = 0, hi = 0;
    for (let i = 1; i < n; i++) {
      if (s[i] < s[lo]) lo = i;
      if (s[i] > s[hi]) hi = i;
    }
    keep.add(lo).add(hi);
  }
  const slots = maxPoints - keep.size;
  for (let t = 0; t < slots; t++) keep.add(Math.floor((t * n) / slots));
  return [...keep].sort((a, b) => a - b);
}

/** One histogram bin [x0, x1) (the last bin includes its right edge) with the share of values in it. */
export interface HistogramBin {
  x0: number;
  x1: number;
  count: number;
  share: number;
}

/** Equal-width histogram over [min, max] with `bins` bins (a single bin of width 1 if all values are equal). */
export function histogram(values: ArrayLike<number>, bins: number, range?: readonly [number, number]): HistogramBin[] {
  const n = values.length;
  if (n === 0) return [];
  let min = Infinity, max = -Infinity;
  if (range) [min, max] = range;
  else {
    for (let i = 0; i < n; i++) {
      if (values[i] < min) min = values[i];
      if (values[i] > max) max = values[i];
    }
  }
  if (max === min) return [{ x0: min - 0.5, x1: max + 0.5, count: n, share: 1 }];
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  // With a display range, values beyond it are counted in the edge bins (the caption says so).
  for (let i = 0; i < n; i++) counts[Math.max(0, Math.min(bins - 1, Math.floor((values[i] - min) / width)))]++;
  return counts.map((count, b) => ({ x0: min + b * width, x1: b === bins - 1 ? max : min + (b + 1) * width, count, share: count / n }));
}

/**
 * The display range of a heavy-tailed sample: its 0.5% and 99.5% quantiles (nearest rank), widened
 * to include `include` (e.g. the −VaR lines), so a handful of extreme draws cannot squeeze the body
 * of the distribution into one bin.
 */
export function centralRange(values: ArrayLike<number>, include: readonly number[] = [], tail = 0.005): [number, number] {
  const s = Float64Array.from(values).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
  return [Math.min(at(tail), ...include), Math.max(at(1 - tail), ...include)];
}

/** Drawdown after each point: equity / running peak − 1 (0 at a new peak, −0.25 when 25% below it). */
export function drawdownSeries(equity: ArrayLike<number>): number[] {
  const out = new Array<number>(equity.length);
  let peak = -Infinity;
  for (let i = 0; i < equity.length; i++) {
    if (equity[i] > peak) peak = equity[i];
    out[i] = equity[i] / peak - 1;
  }
  return out;
}
