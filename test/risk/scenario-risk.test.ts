import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lossProbability, scenarioRisk } from '../../src/risk/scenario-risk.js';
import { Rng } from '../../src/util/rng.js';
import { normalQuantile } from '../../src/util/special.js';

/** A sampler whose paths are i.i.d. N(0, σ_row²) with σ_row = the row's first context value. */
const gaussianSampler = (H: number, calls: number[][]) => (c: Float32Array, rows: number, S: number, seed: number) => {
  calls.push([rows, seed]);
  const rng = new Rng(seed), out = new Float32Array(rows * S * H);
  for (let r = 0; r < rows; r++) for (let i = 0; i < S * H; i++) out[r * S * H + i] = c[r * 2] * rng.normal();
  return out;
};

test('VaR of Gaussian paths matches the lognormal closed form; chunks get their own seeds', async () => {
  const calls: number[][] = [];
  const bars = Int32Array.from({ length: 5 }, (_, i) => 100 + i);
  const contexts = Float32Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 1 + i / 2 : 0));
  const f = await scenarioRisk({ sample: gaussianSampler(4, calls), contexts, contextWidth: 2, pathLength: 4, bars, horizons: [4, 1], scenarios: 40_000, scale: 0.01, seed: 7, chunk: 2 });
  assert.equal(calls, [[2, 7], [2, 8], [1, 9]]);
  const [h4, h1] = f.horizons;
  for (let i = 0; i < 5; i++) {
    const sigma = 0.01 * (1 + i);
    const want1 = -Math.expm1(normalQuantile(0.05) * sigma), want4 = -Math.expm1(normalQuantile(0.05) * sigma * 2);
    assert.ok(Math.abs(h1.var95[i] / want1 - 1) < 0.03, `${h1.var95[i]} vs ${want1}`);
    assert.ok(Math.abs(h4.var95[i] / want4 - 1) < 0.03, `${h4.var95[i]} vs ${want4}`);
  }
  assert.is(h4.horizon, 4);
});

test('bad horizons and context sizes are refused; loss probability counts the tail', async () => {
  const base = { sample: gaussianSampler(4, []), contextWidth: 2, pathLength: 4, scale: 1 };
  await scenarioRisk({ ...base, contexts: new Float32Array(4), bars: Int32Array.of(1, 2), horizons: [5] }).then(() => assert.unreachable(), (e) => assert.match(e.message, /horizon 5 is outside 1…4/));
  await scenarioRisk({ ...base, contexts: new Float32Array(3), bars: Int32Array.of(1, 2), horizons: [1] }).then(() => assert.unreachable(), (e) => assert.match(e.message, /1.5 context rows for 2 bars/));
  assert.is(lossProbability([-0.05, -0.03, -0.01, 0.02], 0.02), 0.5);
});

test.run();
