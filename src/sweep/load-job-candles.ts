/**
 * @fileoverview The candles of a job, read from its `dataPath` and checked against its `dataHash`:
 * a file changed since the sweep was planned would give rows that do not belong to the job's id, so
 * it fails the job instead. A runner process keeps the last few files it read (a pool slot runs
 * many jobs of the same market in a row).
 */
import { readFileSync } from 'node:fs';
import type { Candles } from '../data/candles.js';
import { parseCandlesCsv } from '../data/candles-csv.js';
import { sha256, type SweepJobSpec } from './job.js';

const cache = new Map<string, Candles>();
const CACHE_FILES = 4;

export function loadJobCandles(spec: Pick<SweepJobSpec, 'dataPath' | 'dataHash'>): Candles {
  const hit = cache.get(spec.dataHash);
  if (hit) return hit;
  let bytes: Buffer;
  try {
    bytes = readFileSync(spec.dataPath);
  } catch (err) {
    throw new Error(`${spec.dataPath}: cannot read (${(err as Error).message})`);
  }
  const hash = sha256(bytes);
  if (hash !== spec.dataHash) {
    throw new Error(`${spec.dataPath}: the file changed since the sweep was planned (content hash ${hash.slice(0, 12)}…, ` +
      `the job expects ${spec.dataHash.slice(0, 12)}…); plan the sweep again`);
  }
  const candles = parseCandlesCsv(bytes.toString('utf8'), { file: spec.dataPath, onNote: () => {} });
  if (cache.size >= CACHE_FILES) cache.delete(cache.keys().next().value!);
  cache.set(spec.dataHash, candles);
  return candles;
}
