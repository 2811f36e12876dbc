/**
 * The blocked training entry points against the whole-batch gradient: glowTrainStep (forward and
 * backward over 128-row blocks, gradients added) and glowShardGrad + vecAdd (data-parallel shards)
 * must give the gradient glowLossGrad computes over the whole batch at once, up to the order of f32
 * sums — and glowTrainStep must work with a workspace of only 128 rows (docs/wasm-abi.md).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Glow } from '../../src/model/glow.js';
import { defaultEngine } from '../../src/wasm/engine.js';
import { ModelMemory } from '../../src/wasm/plan.js';
import { gaussianRows } from '../model/fixtures.js';

const D = 6, N = 300; // three blocks of 128, the last partial
const glow = Glow.create({ features: D, levels: 2, steps: 2, hidden: 16, seed: 3 });
const data = gaussianRows(N, D, 5);
glow.initialize(data);
glow.fit(data, { epochs: 1, batchSize: 64, seed: 1, validationFraction: 0 }); // away from the initial point
// a permutation, so gathering matters
const idx = Int32Array.from({ length: N }, (_, i) => (i * 7) % N);
const gathered = new Float32Array(N * D);
idx.forEach((r, i) => gathered.set(data.subarray(r * D, (r + 1) * D), i * D));
const reference = glow.lossAndGradient(gathered);

/** A fresh wasm instance holding the model's parameters, with a workspace of `capacity` rows. */
function replica(capacity: number) {
  const ex = defaultEngine().instantiate();
  const mem = new ModelMemory(ex, glow.layout, capacity);
  const { numel, permLength, signLength } = glow.layout;
  mem.f32(mem.params, numel).set(glow.mem.f32(glow.mem.params, numel));
  mem.i32(mem.perm, permLength).set(glow.mem.i32(glow.mem.perm, permLength));
  mem.f32(mem.sign, signLength).set(glow.mem.f32(glow.mem.sign, signLength));
  ex.glowPrepare(mem.plan);
  const tmp = mem.allocTemp(N * D * 4 + N * 4 + numel * 4);
  mem.f32(tmp.ptr, N * D).set(data);
  mem.i32(tmp.ptr + N * D * 4, N).set(idx);
  return { ex, mem, numel, dataPtr: tmp.ptr, idxPtr: tmp.ptr + N * D * 4, spare: tmp.ptr + N * D * 4 + N * 4, release: () => mem.releaseTemp(tmp.mark) };
}

/** Worst |a − b| relative to the largest |b| of the tensor, and the loss difference. */
function compare(grad: Float32Array, loss: number, what: string): void {
  let worst = 0, scale = 0;
  for (let i = 0; i < grad.length; i++) scale = Math.max(scale, Math.abs(reference.grad[i]));
  for (let i = 0; i < grad.length; i++) worst = Math.max(worst, Math.abs(grad[i] - reference.grad[i]) / scale);
  assert.ok(worst < 1e-5, `${what}: gradient differs from the whole-batch one by ${worst} of its largest entry`);
  assert.ok(Math.abs(loss - reference.loss) < 1e-5 * Math.max(1, Math.abs(reference.loss)), `${what}: loss ${loss} vs ${reference.loss}`);
}

test('glowTrainStep with a 128-row workspace: the whole-batch gradient (lr 0 leaves the parameters alone)', () => {
  const r = replica(128);
  const before = r.mem.f32(r.mem.params, r.numel).slice();
  const loss = r.ex.glowTrainStep(r.mem.plan, r.dataPtr, r.idxPtr, N, 0, 0.9, 0.999, 1e-8, 0, 1, 0);
  compare(r.mem.f32(r.mem.grads, r.numel).slice(), loss, 'glowTrainStep');
  assert.equal(Array.from(r.mem.f32(r.mem.params, r.numel)), Array.from(before));
  r.release();
});

test('glowShardGrad over two uneven shards, added with vecAdd: the whole-batch gradient', () => {
  const r = replica(128);
  const split = 171; // shard 1: one full block and a partial one; shard 2: one full block (129 → 128 + 1)
  const l1 = r.ex.glowShardGrad(r.mem.plan, r.dataPtr, r.idxPtr, split, N);
  r.mem.f32(r.spare, r.numel).set(r.mem.f32(r.mem.grads, r.numel));
  const l2 = r.ex.glowShardGrad(r.mem.plan, r.dataPtr, r.idxPtr + split * 4, N - split, N);
  r.ex.vecAdd(r.mem.grads, r.spare, r.numel);
  // each shard returns its own mean NLL; weighted by shard size they give the batch mean
  compare(r.mem.f32(r.mem.grads, r.numel).slice(), (l1 * split + l2 * (N - split)) / N, 'glowShardGrad + vecAdd');
  r.release();
});

test.run();
