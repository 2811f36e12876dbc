/**
 * @fileoverview Seed ensembles: the positions of K members (models that differ only in their seed, or
 * several model files of one kind) are averaged row by row, and the spread of the members' metrics
 * says how much of a result is the seed. Averaging is the plain mean: Σ_m d_m[t] / K, summed in member
 * order (so the same members give the same bits).
 */
import { quantileSorted, sortedFinite } from '../risk/stats.js';
import { METRIC_NAMES, type MetricName, type Metrics } from './metrics.js';

/** The row-wise mean of the members' decisions; every member must have the same number of rows. */
export function averageDecisions(members: readonly ArrayLike<number>[]): Float64Array {
  if (members.length === 0) throw new RangeError('ensemble: no members to average');
  const n = members[0].length;
  const out = new Float64Array(n);
  for (const [m, d] of members.entries()) {
    if (d.length !== n) throw new RangeError(`ensemble: member ${m + 1} decided ${d.length} rows, member 1 decided ${n}`);
    for (let t = 0; t < n; t++) out[t] += d[t];
  }
  for (let t = 0; t < n; t++) out[t] /= members.length;
  return out;
}

/** Smallest, median (type 7) and largest of a metric over the members that have it. */
export interface Spread { min: number; median: number; max: number; members: number }

/** The spread of values (nulls skipped), or null when no member has a value. */
export function spreadOf(values: readonly (number | null)[]): Spread | null {
  const have = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (have.length === 0) return null;
  const s = sortedFinite(have);
  return { min: s[0], median: quantileSorted(s, 0.5), max: s[s.length - 1], members: s.length };
}

/** Every metric's spread over the members. */
export function metricSpread(members: readonly Metrics[]): Record<MetricName, Spread | null> {
  return Object.fromEntries(METRIC_NAMES.map((k) => [k, spreadOf(members.map((m) => m[k]))])) as Record<MetricName, Spread | null>;
}
