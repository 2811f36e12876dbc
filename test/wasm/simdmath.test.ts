import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultEngine } from '../../src/wasm/engine.js';

const ex = defaultEngine().instantiate();

/** Run a vector kernel over xs and return the outputs (frees its memory). */
function apply(kernel: (src: number, dst: number, n: number) => void, xs: Float32Array): Float32Array {
  const mark = ex.mark();
  const p = ex.alloc(xs.length * 8);
  new Float32Array(ex.memory.buffer, p, xs.length).set(xs);
  kernel(p, p + xs.length * 4, xs.length);
  const out = new Float32Array(ex.memory.buffer, p + xs.length * 4, xs.length).slice();
  ex.release(mark);
  assert.is(ex.mark(), mark);
  return out;
}

// an odd count exercises the scalar tail after the 4-wide loop
const grid = Float32Array.from({ length: 100003 }, (_, i) => -30 + (60 * i) / 100002);

test('vector exp: relative error ≤ 2.4e-7 on [−30, 30], exact at 0, clamped without inf/NaN', () => {
  const y = apply(ex.vexp, grid);
  let worst = 0;
  grid.forEach((x, i) => (worst = Math.max(worst, Math.abs(y[i] - Math.exp(x)) / Math.exp(x))));
  assert.ok(worst <= 2.4e-7, `exp relative error ${worst}`);
  const edge = apply(ex.vexp, Float32Array.from([0, -1000, 1000, -87, 88]));
  assert.is(edge[0], 1);
  assert.ok(edge.every((v) => Number.isFinite(v) && v >= 0));
});

test('vector tanh: absolute error ≤ 2.4e-7, relative ≤ 2.4e-7 near 0, odd, saturating at ±1', () => {
  const y = apply(ex.vtanh, grid);
  let abs = 0, rel = 0;
  grid.forEach((x, i) => {
    const t = Math.tanh(x);
    abs = Math.max(abs, Math.abs(y[i] - t));
    if (Math.abs(x) < 0.625 && x !== 0) rel = Math.max(rel, Math.abs(y[i] - t) / Math.abs(t));
  });
  assert.ok(abs <= 2.4e-7, `tanh absolute error ${abs}`);
  assert.ok(rel <= 2.4e-7, `tanh relative error near 0: ${rel}`);
  const e = apply(ex.vtanh, Float32Array.from([0.3, -0.3, 50, -50, 0]));
  assert.is(e[0], -e[1]);
  assert.ok(1 - e[2] <= 6e-8 && e[2] <= 1, `tanh(50) = ${e[2]}`); // within one f32 step of 1
  assert.is(e[3], -e[2]);
  assert.is(e[4], 0);
});

test('exp, tanh and the ReLU of gemm propagate NaN (so the training guard sees it) and keep −∞/+∞ finite', () => {
  const e = apply(ex.vexp, Float32Array.from([NaN, 1, -Infinity, Infinity]));
  assert.ok(Number.isNaN(e[0]), `exp(NaN) = ${e[0]}`);
  assert.ok(Math.abs(e[1] - Math.E) <= 2.4e-7 * Math.E);
  assert.ok(e[2] >= 0 && e[2] < 1e-37 && Number.isFinite(e[3]), `exp(±∞) clamped: ${e[2]}, ${e[3]}`);
  const t = apply(ex.vtanh, Float32Array.from([NaN, 0.25, -Infinity, Infinity]));
  assert.ok(Number.isNaN(t[0]), `tanh(NaN) = ${t[0]}`);
  assert.ok(t[2] === -t[3] && 1 - t[3] <= 6e-8, `tanh(±∞) = ${t[2]}, ${t[3]}`); // within one f32 step of ±1
  const mark = ex.mark();
  const p = ex.alloc(64);
  const f = new Float32Array(ex.memory.buffer, p, 16);
  f.set([NaN, -2, 3, -0.5], 0); // A: 1×4 … used as 4×1 rows
  f.set([1], 4); // B: 1×1
  ex.gemm(4, 1, 1, p, 1, 4, p + 16, 1, p + 32, 1, 0, 0, 2); // C = relu(A·B), 4 rows × 1 column
  const c = Array.from(new Float32Array(ex.memory.buffer, p + 32, 4));
  assert.ok(Number.isNaN(c[0]), `relu(NaN) = ${c[0]}`);
  assert.equal(c.slice(1), [0, 3, 0]);
  ex.release(mark);
});

test.run();
