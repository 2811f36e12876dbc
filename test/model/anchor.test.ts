/**
 * Interop with the PyTorch reference model (torch_glow.py, the performance anchor of DESIGN §8).
 * The test reads only the committed fixture test/fixtures/anchor-6-2-2-8.json — nothing outside
 * the repository, no Python — which is that script's `--export` of a model trained 200 steps
 * (dim 6, levels 2, steps 2, hidden 8, seed 3): every state_dict tensor plus inputs with their z,
 * log-det and log p computed by PyTorch in float32.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Glow } from '../../src/model/glow.js';
import { maxAbsDiff } from './fixtures.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../../test/fixtures/anchor-6-2-2-8.json', import.meta.url), 'utf8'),
) as {
  config: { dim: number; levels: number; steps: number; hidden: number };
  tensors: { name: string; shape: number[]; dtype: string; data: number[] }[];
  test: { x: number[][]; z: number[][]; logdet: number[]; log_prob: number[] };
};

test('a model trained in PyTorch loads parameter for parameter and gives the same z, log-det and log p', () => {
  const { dim, levels, steps, hidden } = fixture.config;
  const glow = Glow.create({ features: dim, levels, steps, hidden });
  const names = Object.keys(glow.namedParameters());
  assert.equal(fixture.tensors.map((t) => t.name).sort(), [...names].sort());
  glow.loadNamedParameters(Object.fromEntries(fixture.tensors.map((t) => [t.name, t])));
  const x = fixture.test.x;
  const { z, logDet } = glow.encode(x);
  const lp = glow.logProb(x);
  assert.ok(maxAbsDiff(z, fixture.test.z.flat()) < 1e-5, `z differs by ${maxAbsDiff(z, fixture.test.z.flat())}`);
  assert.ok(maxAbsDiff(logDet, fixture.test.logdet) < 1e-4);
  assert.ok(maxAbsDiff(lp, fixture.test.log_prob) < 1e-4, `log p differs by ${maxAbsDiff(lp, fixture.test.log_prob)}`);
  // and back: our export has the anchor's names, shapes and values
  const named = glow.namedParameters();
  for (const t of fixture.tensors) {
    assert.equal(named[t.name].shape, t.shape);
    assert.equal(Array.from(named[t.name].data), Array.from(Float32Array.from(t.data)));
  }
});

test.run();
