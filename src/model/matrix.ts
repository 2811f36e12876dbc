/**
 * @fileoverview Row-major matrices at the API boundary: accept Float32Array, Float64Array or
 * number[][], check the width and that every value is finite, and say which row and column is not.
 */

export type MatrixInput = Float32Array | Float64Array | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/** A row-major Float32Array copy (or the same array if it is already one) of n×d values. */
export function toFloat32Matrix(x: MatrixInput, d: number, what = 'x'): { data: Float32Array; rows: number } {
  let data: Float32Array;
  if (x instanceof Float32Array) data = x;
  else if (x instanceof Float64Array) data = Float32Array.from(x);
  else if (x.length > 0 && typeof (x as ArrayLike<unknown>)[0] === 'object') {
    const rows = x as ArrayLike<ArrayLike<number>>;
    data = new Float32Array(rows.length * d);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (row.length !== d) throw new RangeError(`${what}: row ${i} has ${row.length} values, expected ${d}`);
      for (let j = 0; j < d; j++) data[i * d + j] = row[j];
    }
  } else data = Float32Array.from(x as ArrayLike<number>);
  if (data.length % d !== 0) {
    throw new RangeError(`${what}: ${data.length} values is not a whole number of rows of width ${d}`);
  }
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) {
      const orig = x instanceof Float32Array || x instanceof Float64Array ? x[k] : data[k];
      throw new RangeError(`${what}: row ${Math.floor(k / d)}, column ${k % d} is ${orig} (expected a finite number)`);
    }
  }
  return { data, rows: data.length / d };
}
