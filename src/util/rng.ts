/**
 * @fileoverview Seeded pseudo-random numbers for every random choice in glow-trade
 * (initialisation, shuffling, synthetic markets, k-means++, sampling seeds).
 *
 * xoshiro128** (Blackman & Vigna) on four 32-bit words, seeded through splitmix32 so that any
 * integer seed (including 0) gives a well-mixed state. 32-bit integer arithmetic keeps it exact and
 * fast in JavaScript; the same seed gives the same stream on every platform.
 */

/** A deterministic random stream. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Second Gaussian of the last Box–Muller pair, or NaN if none is cached. */
  private spare = NaN;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    // Fold a seed of up to 53 bits into 32 and run splitmix32 four times.
    let x = (Math.trunc(seed) ^ Math.trunc(seed / 4294967296)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next uniformly distributed unsigned 32-bit integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal deviate (Box–Muller; both values of a pair are used). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n). Unbiased (rejection sampling). */
  int(n: number): number {
    if (!(n >= 1) || n > 4294967296 || !Number.isInteger(n)) {
      throw new RangeError(`int(n) needs an integer 1 ≤ n ≤ 2^32, got ${n}`);
    }
    const limit = 4294967296 - (4294967296 % n);
    let x: number;
    do x = this.nextU32();
    while (x >= limit);
    return x % n;
  }

  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T extends { length: number; [i: number]: any }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A permutation of 0…n−1 as an Int32Array. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** A new independent stream derived from this one (for sub-tasks that need their own seed). */
  fork(): Rng {
    return new Rng(this.nextU32() * 2097152 + (this.nextU32() >>> 11));
  }
}

/**
 * A derived 32-bit seed: the integer `seed` folded to 32 bits (so seeds that differ only above bit 31
 * still differ), combined with `salt` and mixed by the murmur3 finaliser. For sub-tasks that need
 * unrelated but reproducible streams (redraw rounds, stress temperatures).
 */
export function mixSeed(seed: number, salt: number): number {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const folded = (seed ^ Math.trunc(seed / 4294967296)) >>> 0;
  let h = Math.imul(folded ^ 0x9e3779b9, 0x85ebca6b) ^ salt;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
