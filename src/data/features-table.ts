/**
 * @fileoverview Feature rows as an arquero table (`timestamp` + the 16 named columns) for inspection
 * and joins, and as CSV. Numbers are written in shortest round-trip form, so a CSV reproduces the
 * Float64 values exactly. The CSV is produced in chunks of rows and written through a streaming atomic
 * write: one string of a 1.7-million-row file would pass V8's string limit ("Invalid string length").
 */
import { table, type ColumnTable } from 'arquero';
import { writeChunksAtomic } from '../util/atomic.js';
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

/** Rows per chunk of CSV text (about 5 MB). */
const ROWS_PER_CHUNK = 16_384;

/** The feature CSV in chunks: the header line, then up to ROWS_PER_CHUNK rows each. */
export function* featureCsvChunks(features: FeatureSet): Generator<string> {
  const d = features.names.length;
  yield ['timestamp', ...features.names].join(',') + '\n';
  for (let from = 0; from < features.rows; from += ROWS_PER_CHUNK) {
    const to = Math.min(features.rows, from + ROWS_PER_CHUNK);
    let s = '';
    for (let i = from; i < to; i++) {
      let line = String(features.timestamps[i]);
      for (let j = i * d, end = j + d; j < end; j++) line += ',' + features.data[j];
      s += line + '\n';
    }
    yield s;
  }
}

/** The whole feature CSV as one string (small sets; files go through `writeFeaturesCsv`). */
export function featuresToCsv(features: FeatureSet): string {
  return Array.from(featureCsvChunks(features)).join('');
}

/** Write the feature CSV atomically, chunk by chunk (any number of rows). */
export function writeFeaturesCsv(path: string, features: FeatureSet): void {
  writeChunksAtomic(path, featureCsvChunks(features));
}
