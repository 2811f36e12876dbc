/**
 * @fileoverview Where the cluster's state lives in Redis and how both ends connect to it. The
 * coordinator (`sweep --redis`) and every `glow-trade worker` must agree on the key names, so they
 * are defined once here: BullMQ's queue keys under `glow-trade:queue:<name>:…`, candle data under
 * `glow-trade:data:<content hash>`. A URL that is not redis:// or rediss:// is a usage error; a
 * server that does not answer within the timeout is a runtime error naming the URL (ioredis would
 * otherwise retry silently forever, leaving the user looking at a sweep that never starts).
 */
import type { ConnectionOptions } from 'bullmq';

/** BullMQ's key prefix for sweep queues: keys are `glow-trade:queue:<queue>:<wait|active|…>`. */
export const QUEUE_PREFIX = 'glow-trade:queue';

/** The queue a sweep and its workers use when none is named. */
export const DEFAULT_QUEUE = 'sweep';

/** The key holding the bytes of the candle file whose content hash is `hash`. */
export function dataKey(hash: string): string {
  return `glow-trade:data:${hash}`;
}

/** Why `url` cannot name a Redis server, or null when it can (redis:// or rediss:// with a host). */
export function badRedisUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `--redis must be a URL like redis://host:6379 (or rediss:// for TLS), got "${url}"`;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    return `--redis must start with redis:// or rediss:// (TLS), got "${url}"`;
  }
  if (!parsed.hostname) return `--redis names no host: "${url}"`;
  return null;
}

/** Why `name` cannot be a queue name, or null (BullMQ forbids ':' in names; keep them shell-friendly). */
export function badQueueName(name: string): string | null {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(name) ? null : `--queue must be letters, digits, '.', '_' or '-' (at most 100), got "${name}"`;
}

/**
 * BullMQ connection options for `url`. `maxRetriesPerRequest: null` is what BullMQ requires of a
 * worker's connection: commands wait out a reconnect instead of failing the job.
 */
export function connectionOptions(url: string): ConnectionOptions {
  return { url, maxRetriesPerRequest: null };
}

/** The URL with its password replaced by "***", for messages and logs. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * Wait until `ready` resolves (a BullMQ object's `waitUntilReady()`), or fail after `timeoutMs`
 * with an error naming the server (password hidden).
 */
export async function reachRedis<T>(ready: Promise<T>, url: string, timeoutMs = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${redactedUrl(url)} within ${timeoutMs / 1000} s (is the server running and the URL right?)`)), timeoutMs);
  });
  try {
    return await Promise.race([ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
