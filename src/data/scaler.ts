/**
 * @fileoverview Feature scaling for the flow: per-feature standardisation fitted on the training rows
 * only, then a soft clip y = c·tanh(z / c), c = 5, which is smooth and one-to-one (no point masses at
 * ±c, unlike a hard clip) and leaves |z| ≲ 2 almost unchanged.
 *
 * Conventions: std is the population standard deviation (divide by n), the same convention as the
 * flow's ActNorm; a std ≤ 1e-12 (a constant feature) is replaced by 1. The inverse is exact,
 * x = mean + std·c·atanh(y / c), except that |y| is first limited to c·tanh(MAX_STANDARD_SCORE / c), so
 * values at or beyond ±c (e.g. from samples of the flow, or float32 rounding) map to at most
 * ±MAX_STANDARD_SCORE = 40 standard deviations instead of ±∞.
 */

import { JsonChecks, show } from '../util/json-checks.js';

export const SOFT_CLIP = 5;
export const MAX_STANDARD_SCORE = 40;
const STD_FLOOR = 1e-12;
const JSON_KIND = 'glow-trade/soft-clip-scaler';

export interface Scaler {
  mean: Float64Array;
  std: Float64Array;
  /** Soft-clip constant c. */
  clip: number;
}

/** Plain-JSON form stored in model files. */
export interface ScalerJSON {
  kind: typeof JSON_KIND;
  version: 1;
  mean: number[];
  std: number[];
  clip: number;
}

type Numbers = ArrayLike<number>;
type Dtype = 'float64' | 'float32';

/** Fit on `data` (rows × d, row-major) — pass the training rows only. */
export function fitScaler(data: Numbers, d: number): Scaler {
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`feature count d must be a positive integer, got ${d}`);
  if (data.length % d !== 0) throw new RangeError(`data length ${data.length} is not a multiple of d = ${d}`);
  const n = data.length / d;
  if (n < 1) throw new RangeError('cannot fit a scaler on zero rows');
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const x = data[i * d + j];
      if (!Number.isFinite(x)) throw new RangeError(`cannot fit a scaler: row ${i}, column ${j} is ${x}`);
      mean[j] += x;
    }
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const dev = data[i * d + j] - mean[j];
      std[j] += dev * dev;
    }
  }
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(std[j] / n);
    std[j] = s <= STD_FLOOR ? 1 : s;
  }
  return { mean, std, clip: SOFT_CLIP };
}

/** c·tanh(((x − mean)/std)/c) for every value; Float64Array unless `dtype: 'float32'`. */
export function scaleFeatures(scaler: Scaler, data: Numbers, options?: { dtype?: 'float64' }): Float64Array;
export function scaleFeatures(scaler: Scaler, data: Numbers, options: { dtype: 'float32' }): Float32Array;
export function scaleFeatures(scaler: Scaler, data: Numbers, options: { dtype?: Dtype } = {}): Float64Array | Float32Array {
  const { mean, std, clip } = scaler;
  const d = checkShape(scaler, data);
  const out = options.dtype === 'float32' ? new Float32Array(data.length) : new Float64Array(data.length);
  for (let k = 0; k < data.length; k++) {
    const j = k % d;
    out[k] = clip * Math.tanh((data[k] - mean[j]) / std[j] / clip);
  }
  return out;
}

/** The inverse of `scaleFeatures` (see the file comment for the limit at ±c). */
export function unscaleFeatures(scaler: Scaler, data: Numbers, options?: { dtype?: 'float64' }): Float64Array;
export function unscaleFeatures(scaler: Scaler, data: Numbers, options: { dtype: 'float32' }): Float32Array;
export function unscaleFeatures(scaler: Scaler, data: Numbers, options: { dtype?: Dtype } = {}): Float64Array | Float32Array {
  const { mean, std, clip } = scaler;
  const d = checkShape(scaler, data);
  const limit = Math.tanh(MAX_STANDARD_SCORE / clip);
  const out = options.dtype === 'float32' ? new Float32Array(data.length) : new Float64Array(data.length);
  for (let k = 0; k < data.length; k++) {
    const j = k % d;
    const u = Math.max(-limit, Math.min(limit, data[k] / clip));
    out[k] = mean[j] + std[j] * clip * Math.atanh(u);
  }
  return out;
}

export function scalerToJSON(scaler: Scaler): ScalerJSON {
  return { kind: JSON_KIND, version: 1, mean: Array.from(scaler.mean), std: Array.from(scaler.std), clip: scaler.clip };
}

/**
 * Read a scaler back from its JSON form; anything else is refused with the field and the reason.
 * `where` and `path` place the messages (in a model file: "m.bin: header section", "scaler");
 * `features`, when known, is the number of columns the scaler must have.
 */
export function scalerFromJSON(json: unknown, options: { where?: string; path?: string; features?: number } = {}): Scaler {
  const c = new JsonChecks(options.where ?? '');
  const p = options.path ?? 'scaler JSON';
  const o = c.object(json, p);
  if (o.kind !== JSON_KIND) c.expect(`${p}.kind`, JSON.stringify(JSON_KIND), o.kind);
  if (o.version !== 1) c.fail(`${p}.version`, `${show(o.version)} is not supported (expected 1)`);
  const mean = c.numbers(o.mean, `${p}.mean`, options.features === undefined ? {} : { length: options.features, lengthNote: 'one per feature' });
  const std = c.numbers(o.std, `${p}.std`, { length: mean.length, lengthNote: 'as many as mean', above: 0 });
  const clip = c.number(o.clip, `${p}.clip`, { above: 0 });
  return { mean: Float64Array.from(mean), std: Float64Array.from(std), clip };
}

function checkShape(scaler: Scaler, data: Numbers): number {
  const d = scaler.mean.length;
  if (data.length % d !== 0) throw new RangeError(`data length ${data.length} is not a multiple of the scaler's ${d} features`);
  return d;
}
