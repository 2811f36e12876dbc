/**
 * @fileoverview Pacing for HTTP clients: an abortable sleep, a throttle that keeps a minimum spacing
 * between request starts, and jittered exponential backoff delays for retries.
 *
 * Backoff ("equal jitter"): attempt k (0-based) waits min(max, base·2^k) · (0.5 + 0.5·u), u uniform in
 * [0, 1) from a seeded `Rng` (or an injected function), so a delay is never less than half the nominal
 * one and clients that failed together do not retry together.
 */
import { Rng } from '../util/rng.js';

/** Resolves after `ms`, or rejects with the signal's reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The error to throw for an aborted signal. */
export function abortReason(signal: AbortSignal): Error {
  const r = signal.reason;
  if (r instanceof Error) return r;
  const err = new Error(r === undefined ? 'aborted' : `aborted: ${String(r)}`);
  err.name = 'AbortError';
  return err;
}

/**
 * Keeps request starts at least `minIntervalMs` apart — also across concurrent callers (one throttle
 * can pace several downloads at once): waiters take turns in call order, each measuring from the
 * previous start.
 */
export class Throttle {
  private last = -Infinity;
  private turn: Promise<void> = Promise.resolve();
  constructor(
    private readonly minIntervalMs: number,
    private readonly clock: () => number = () => performance.now(),
    private readonly sleepFn: (ms: number, signal?: AbortSignal) => Promise<void> = sleep,
  ) {}

  /** Wait until the next request may start, then mark it as started. */
  wait(signal?: AbortSignal): Promise<void> {
    const mine = this.turn.then(() => this.waitAlone(signal));
    this.turn = mine.catch(() => {}); // an aborted waiter does not hold up the others
    return mine;
  }

  private async waitAlone(signal?: AbortSignal): Promise<void> {
    const ready = this.last + this.minIntervalMs;
    const now = this.clock();
    if (now < ready) await this.sleepFn(ready - now, signal);
    this.last = this.clock();
  }
}

export interface BackoffOptions {
  /** Nominal delay of the first retry, ms. */
  baseMs: number;
  /** Cap on the nominal delay, ms. */
  maxMs: number;
  /** Uniform [0, 1) source; defaults to an `Rng` seeded with `seed`. */
  jitter?: () => number;
  /** Seed of the default jitter stream (default: the clock, since jitter only spreads timing). */
  seed?: number;
}

/** Delay generator for successive retries. */
export function backoffSchedule(options: BackoffOptions): (attempt: number) => number {
  const { baseMs, maxMs } = options;
  if (!(baseMs >= 0) || !(maxMs >= 0)) throw new RangeError(`backoff delays must be ≥ 0 (base ${baseMs}, max ${maxMs})`);
  let jitter = options.jitter;
  if (!jitter) {
    const rng = new Rng(options.seed ?? Date.now());
    jitter = () => rng.uniform();
  }
  const u = jitter;
  return (attempt: number) => Math.min(maxMs, baseMs * 2 ** attempt) * (0.5 + 0.5 * u());
}
