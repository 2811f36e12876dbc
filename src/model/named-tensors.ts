/**
 * @fileoverview Named tensors in and out of a model's three flat vectors (parameters, permutations,
 * signs), for the GLOW and the forecaster alike: `namedTensors` copies each tensor out with its
 * name and shape; `mergeNamedTensors` writes a full set back, validated (every tensor present, exact
 * shape and size, finite values, signs ±1, each perm a permutation) before anything changes.
 */
import type { TensorSpec } from './layout.js';

/** A named tensor as `namedParameters()` returns it. */
export interface NamedTensor {
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface FlatVectors {
  params: ArrayLike<number>;
  perm: ArrayLike<number>;
  sign: ArrayLike<number>;
}

/** Every tensor of `tensors` copied out of the flat vectors. */
export function namedTensors(tensors: TensorSpec[], v: { params: Float32Array; perm: Int32Array; sign: Float32Array }): Record<string, NamedTensor> {
  const out: Record<string, NamedTensor> = {};
  for (const t of tensors) {
    const src = t.store === 'params' ? v.params : t.store === 'perm' ? v.perm : v.sign;
    out[t.name] = { shape: [...t.shape], data: src.slice(t.offset, t.offset + t.size) };
  }
  return out;
}

/**
 * Write every named tensor into copies of the flat vectors (returned); `what` names the model in
 * the error for an unknown tensor. Throws on the first problem, leaving the inputs untouched.
 */
export function mergeNamedTensors(
  tensors: TensorSpec[], input: Record<string, { shape?: number[]; data: ArrayLike<number> }>,
  current: { params: Float32Array; perm: Int32Array; sign: Float32Array }, what: string,
): { params: Float32Array; perm: Int32Array; sign: Float32Array } {
  const known = new Set(tensors.map((t) => t.name));
  for (const name of Object.keys(input)) {
    if (!known.has(name)) throw new RangeError(`loadNamedParameters: unknown tensor "${name}" for this ${what}`);
  }
  const params = current.params.slice(), perm = current.perm.slice(), sign = current.sign.slice();
  for (const t of tensors) {
    const v = input[t.name];
    if (!v) throw new RangeError(`loadNamedParameters: tensor "${t.name}" (shape [${t.shape}]) is missing`);
    if (v.shape && (v.shape.length !== t.shape.length || v.shape.some((s, i) => s !== t.shape[i]))) {
      throw new RangeError(`loadNamedParameters: "${t.name}" has shape [${v.shape}], expected [${t.shape}]`);
    }
    if (v.data.length !== t.size) {
      throw new RangeError(`loadNamedParameters: "${t.name}" has ${v.data.length} values, expected ${t.size}`);
    }
    for (let i = 0; i < t.size; i++) {
      const val = Number(v.data[i]);
      if (!Number.isFinite(val)) throw new RangeError(`loadNamedParameters: "${t.name}"[${i}] is ${val}`);
      if (t.store === 'params') params[t.offset + i] = val;
      else if (t.store === 'sign') {
        if (val !== 1 && val !== -1) throw new RangeError(`loadNamedParameters: "${t.name}"[${i}] must be ±1, got ${val}`);
        sign[t.offset + i] = val;
      } else {
        if (!Number.isInteger(val) || val < 0 || val >= t.size) {
          throw new RangeError(`loadNamedParameters: "${t.name}"[${i}] must be an index in [0, ${t.size}), got ${val}`);
        }
        perm[t.offset + i] = val;
      }
    }
    if (t.store === 'perm') {
      const seen = new Set(Array.from(perm.subarray(t.offset, t.offset + t.size)));
      if (seen.size !== t.size) throw new RangeError(`loadNamedParameters: "${t.name}" is not a permutation`);
    }
  }
  return { params, perm, sign };
}
