/**
 * @fileoverview Global gradient-norm clipping in training: one Adam step of `fit` (one batch of every
 * row) against the step computed here from the whole-batch gradient. With eps as large as a typical
 * clipped gradient entry the Adam step is not scale-invariant (at t = 1 it is lr·g/(|g| + eps)), so
 * the step shows whether the gradient was scaled to clipNorm / ‖g‖ before the update — on one thread and on two (the worker pool's path).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Glow } from '../../src/model/glow.js';
import { gaussianRows, maxAbsDiff } from './fixtures.js';

const D = 6, N = 600, LR = 0.01;
const data = gaussianRows(N, D, 4, 1.5, 0.3);

/** An initialised model, always the same one. */
function model(threads: number): Glow {
  const glow = Glow.create({ features: D, levels: 2, steps: 2, hidden: 8, seed: 9, threads });
  glow.initialize(data);
  return glow;
}

/** Parameters after Adam step 1 from m = v = 0 on gradient g scaled by `scale`: p − lr·s·g/(|s·g| + eps). */
function adamStep(p: Float32Array, g: Float32Array, scale: number, eps: number): Float64Array {
  return Float64Array.from(p, (v, i) => v - (LR * scale * g[i]) / (Math.abs(scale * g[i]) + eps));
}

function norm(g: Float32Array): number {
  let s = 0;
  for (const v of g) s += v * v;
  return Math.sqrt(s);
}

for (const threads of [1, 2]) {
  test(`fit on ${threads} thread(s): a gradient above clipNorm is scaled to clipNorm before the Adam step; clipNorm 0 does not clip`, () => {
    const glow = model(threads);
    const p0 = glow.getParameters();
    const { grad } = glow.lossAndGradient(data);
    const gn = norm(grad);
    const clipNorm = gn / 10;
    const eps = clipNorm / Math.sqrt(grad.length); // the root mean square of the clipped gradient
    const clipped = adamStep(p0, grad, clipNorm / gn, eps);
    const unclipped = adamStep(p0, grad, 1, eps);
    // The two expected steps differ by far more than the tolerance, so the check can tell them apart.
    const TOL = 1e-3 * LR;
    assert.ok(maxAbsDiff(clipped, unclipped) > 100 * TOL, `${maxAbsDiff(clipped, unclipped)}`);

    const once = (clip: number) => {
      const g = model(threads);
      const r = g.fit(data, { epochs: 1, batchSize: N, validationFraction: 0, learningRate: LR, eps, clipNorm: clip, seed: 1, threads });
      assert.ok(Math.abs(r.history[0].gradNorm - gn) < 1e-4 * gn, `gradient norm before clipping ${r.history[0].gradNorm} vs ${gn}`);
      const p = g.getParameters();
      g.close();
      return p;
    };
    const withClip = once(clipNorm);
    assert.ok(maxAbsDiff(withClip, clipped) < TOL, `clipped step off by ${maxAbsDiff(withClip, clipped)} (unclipped would be ${maxAbsDiff(withClip, unclipped)})`);
    const noClip = once(0);
    assert.ok(maxAbsDiff(noClip, unclipped) < TOL, `unclipped step off by ${maxAbsDiff(noClip, unclipped)}`);
    // A clipNorm above the gradient norm changes nothing.
    assert.ok(maxAbsDiff(once(gn * 2), unclipped) < TOL);
    glow.close();
  });
}

test.run();
