/**
 * @fileoverview Type, length and range checks of JSON read from a file (model-file header sections),
 * with messages that name the place and the field: `m.bin: header section strategy.ridge.weights
 * must have 16 numbers, got 2`. Values are only ever shown through `show`, which cannot throw (a
 * null-prototype object in a template string would) and cuts long values.
 */

/** A value for a message: JSON where possible, at most ~80 characters, never throwing. */
export function show(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'number' && !Number.isFinite(v) ? String(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    s = Object.prototype.toString.call(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

export type JsonObject = Record<string, unknown>;

/** Checks of one JSON document; `where` (may be empty) prefixes every path ("m.bin: header section"). */
export class JsonChecks {
  constructor(readonly where: string) {}

  fail(path: string, message: string): never {
    throw new Error(`${this.where ? `${this.where} ` : ''}${path} ${message}`);
  }

  /** `path` must be `what`, got `value`. */
  expect(path: string, what: string, value: unknown): never {
    return this.fail(path, `must be ${what}, got ${show(value)}`);
  }

  object(v: unknown, path: string): JsonObject {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.expect(path, 'an object', v);
    return v as JsonObject;
  }

  /** A finite number in [min, max] (`above`: strictly greater than min). */
  number(v: unknown, path: string, o: { min?: number; max?: number; above?: number } = {}): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.expect(path, 'a finite number', v);
    const n = v as number;
    if (o.above !== undefined && !(n > o.above)) this.expect(path, `a number > ${o.above}`, n);
    if (o.min !== undefined && n < o.min) this.expect(path, `a number ≥ ${o.min}`, n);
    if (o.max !== undefined && n > o.max) this.expect(path, `a number ≤ ${o.max}`, n);
    return n;
  }

  /** A safe integer in [min, max]. */
  integer(v: unknown, path: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? (min === Number.MIN_SAFE_INTEGER ? '' : ` ≥ ${min}`) : ` from ${min} to ${max}`;
      this.expect(path, `an integer${range}`, v);
    }
    return v as number;
  }

  /** A number, or null (JSON's spelling of NaN and ±Infinity). */
  numberOrNull(v: unknown, path: string): number | null {
    if (v === null) return null;
    if (typeof v !== 'number') this.expect(path, 'a number or null', v);
    return v as number;
  }

  string(v: unknown, path: string, nonEmpty = false): string {
    if (typeof v !== 'string' || (nonEmpty && v.length === 0)) this.expect(path, nonEmpty ? 'a non-empty string' : 'a string', v);
    return v as string;
  }

  boolean(v: unknown, path: string): boolean {
    if (typeof v !== 'boolean') this.expect(path, 'true or false', v);
    return v as boolean;
  }

  oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T {
    if (!options.includes(v as T)) this.expect(path, `one of ${options.map((o) => JSON.stringify(o)).join(', ')}`, v);
    return v as T;
  }

  /**
   * An array of finite numbers: exactly `length` of them (`lengthNote` explains the count), or at
   * least one when no length is given; each in the element check's range.
   */
  numbers(v: unknown, path: string, o: { length?: number; lengthNote?: string; sorted?: boolean; integer?: boolean; min?: number; above?: number } = {}): number[] {
    if (!Array.isArray(v)) this.expect(path, 'an array of numbers', v);
    const a = v as unknown[];
    if (o.length !== undefined && a.length !== o.length) {
      this.fail(path, `must have ${o.length} numbers${o.lengthNote ? ` (${o.lengthNote})` : ''}, got ${a.length}`);
    }
    if (o.length === undefined && a.length === 0) this.fail(path, 'must have at least one number, got none');
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const ok = typeof x === 'number' && (o.integer ? Number.isSafeInteger(x) : Number.isFinite(x)) &&
        (o.min === undefined || x >= o.min) && (o.above === undefined || x > o.above);
      if (!ok) {
        const what = `${o.integer ? 'integers' : 'finite numbers'}${o.min !== undefined ? ` ≥ ${o.min}` : ''}${o.above !== undefined ? ` > ${o.above}` : ''}`;
        this.fail(path, `must hold ${what}, element ${i} is ${show(x)}`);
      }
      if (o.sorted && i > 0 && (x as number) < (a[i - 1] as number)) {
        this.fail(path, `must be sorted in increasing order, element ${i} (${show(x)}) is below element ${i - 1} (${show(a[i - 1])})`);
      }
    }
    return a.slice() as number[];
  }
}
