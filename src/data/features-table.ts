/**
 * @fileoverview Feature rows as an arquero table (`timestamp` + the 16 named columns) for inspection,
 * joins and CSV export. Numbers are written in shortest round-trip form, so a CSV reproduces the
 * Float64 values exactly.
 */
import { table, toCSV, type ColumnTable } from 'arquero';
import { writeFileAtomic } from '../util/atomic.js';
import type { FeatureSet } from './features.js';

/** One feature as a column (a copy out of the row-major matrix). */
export function featureColumn(features: FeatureSet, name: string): Float64Array {
  const j = features.names.indexOf(name);
  if (j < 0) throw new RangeError(`no feature "${name}" (have ${features.names.join(', ')})`);
  const d = features.names.length;
  const out = new Float64Array(features.rows);
  for (let i = 0; i < features.rows; i++) out[i] = features.data[i * d + j];
  return out;
}

export function featuresToTable(features: FeatureSet): ColumnTable {
  const columns: Record<string, Float64Array> = { timestamp: features.timestamps };
  for (const name of features.names) columns[name] = featureColumn(features, name);
  return table(columns);
}

export function featuresToCsv(features: FeatureSet): string {
  return toCSV(featuresToTable(features));
}

/** Write the feature CSV atomically. */
export function writeFeaturesCsv(path: string, features: FeatureSet): void {
  writeFileAtomic(path, featuresToCsv(features));
}
