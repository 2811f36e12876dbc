/**
 * @fileoverview Candle data for a Redis sweep travels once per content hash, never inside a job.
 * The coordinator stores each distinct file's bytes under `glow-trade:data:<hash>` with SET NX (a
 * second sweep over the same file stores nothing) and refreshes a time-to-live, so data of old
 * sweeps eventually leaves a long-lived Redis. A worker reads a hash once, checks the bytes against
 * it, parses them, and keeps the candles in memory for its next jobs on the same market; with
 * `--data shared` (or when the key has expired) it reads the job's own path instead, which a shared
 * file system makes the same file on every machine — again checked against the hash.
 */
import { readFileSync } from 'node:fs';
import type { Candles } from '../data/candles.js';
import { parseCandlesCsv } from '../data/candles-csv.js';
import { sha256 } from './job.js';
import { loadJobCandles } from './load-job-candles.js';
import { dataKey } from './redis-connection.js';

/** The Redis commands used here (an ioredis client from BullMQ fits). */
export interface DataClient {
  set(key: string, value: Buffer, ex: 'EX', seconds: number, nx: 'NX'): Promise<unknown>;
  expire(key: string, seconds: number): Promise<unknown>;
  getBuffer(key: string): Promise<Buffer | null>;
}

/** How long stored candle data outlives the last sweep that used it (refreshed at each sweep's start). */
export const DATA_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Store each file's bytes under its hash unless already there; refresh the TTL either way. The
 * bytes are checked against the hash first: a file edited since the sweep hashed it would
 * otherwise be run under the wrong id. Returns how many files were stored and how many were present.
 */
export async function publishCandleData(client: DataClient, files: Array<{ hash: string; path: string }>): Promise<{ stored: number; present: number; bytes: number }> {
  let stored = 0, present = 0, bytes = 0;
  for (const { hash, path } of files) {
    const data = readFileSync(path);
    const actual = sha256(data);
    if (actual !== hash) throw new Error(`${path} changed since the sweep read it (content hash ${actual}, the jobs say ${hash}); run the sweep again`);
    const set = await client.set(dataKey(hash), data, 'EX', DATA_TTL_SECONDS, 'NX');
    if (set === 'OK') {
      stored++;
      bytes += data.length;
    } else {
      present++;
      await client.expire(dataKey(hash), DATA_TTL_SECONDS);
    }
  }
  return { stored, present, bytes };
}

/** Parsed candles by content hash, fetched once per worker process (least recently used dropped past `capacity`). */
export class CandleDataCache {
  private readonly cache = new Map<string, Promise<Candles>>();

  constructor(private readonly client: DataClient, private readonly capacity = 32) {}

  /** The candles of `spec.dataHash`: from memory, else Redis, else `spec.dataPath` (loadJobCandles) — each checked against the hash. */
  get(spec: { market: string; dataHash: string; dataPath: string }): Promise<Candles> {
    const hit = this.cache.get(spec.dataHash);
    if (hit) {
      this.cache.delete(spec.dataHash);
      this.cache.set(spec.dataHash, hit);
      return hit;
    }
    const loading = this.load(spec);
    loading.catch(() => this.cache.delete(spec.dataHash)); // a failed fetch is tried again by the next job
    this.cache.set(spec.dataHash, loading);
    while (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
    return loading;
  }

  /** How many hashes are held. */
  get size(): number {
    return this.cache.size;
  }

  private async load(spec: { market: string; dataHash: string; dataPath: string }): Promise<Candles> {
    const { dataHash: hash } = spec;
    const bytes = await this.client.getBuffer(dataKey(hash));
    if (bytes === null) return loadJobCandles(spec); // not (or no longer) in Redis: the job's own path, as a local run reads it
    const actual = sha256(bytes);
    if (actual !== hash) throw new Error(`candle data of market ${spec.market} in Redis key ${dataKey(hash)} has content hash ${actual}, the job expects ${hash}`);
    return parseCandlesCsv(bytes.toString('utf8'), { file: `${spec.market} (Redis key ${dataKey(hash)})`, onNote: () => {} });
  }
}
