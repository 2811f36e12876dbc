import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lossProbability, scenarioRisk } from '../../src/risk/scenario-risk.js';
import { shareAtOrBelow } from '../../src/risk/stats.js';
import { Rng } from '../../src/util/rng.js';
import { normalQuantile } from '../../src/util/special.js';

/** A sampler whose paths are i.i.d. N(0, σ_row²) with σ_row = the row's first context value. */
const gaussianSampler = (H: number, calls: number[][]) => (c: Float32Array, rows: number, S: number, seed: number, buffer?: Float32Array) => {
  calls.push([rows, seed]);
  assert.ok(buffer && buffer.length >= rows * S * H, 'a reusable buffer for the chunk');
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

test('PIT: the share of the sorted sample at or below the outcome, NaN where the outcome is unknown', async () => {
  assert.equal([-1, 0, 0.5, 0.75, 2, NaN].map((x) => shareAtOrBelow([0, 0.25, 0.5, 0.5, 1], x)), [0, 0.2, 0.8, 0.8, 1, NaN]);
  // Scenario q of every bar is y = q / 4 (exact in float32), so the 1-bar returns are expm1(0, 0.25, 0.5, 0.75, 1) and the
  // 2-bar returns expm1(0, 0.5, 1, 1.5, 2), in a shuffled order.
  const order = [3, 0, 4, 1, 2];
  const steps = (_: Float32Array, rows: number, S: number) => Float32Array.from({ length: rows * S * 2 }, (_, i) => order[Math.floor(i / 2) % S] / 4);
  const f = await scenarioRisk({
    sample: steps, contexts: new Float32Array(3), contextWidth: 1, pathLength: 2, bars: Int32Array.of(0, 1, 2), horizons: [2, 1], scenarios: 5, scale: 1, chunk: 2,
    realized: [Float64Array.of(Math.expm1(1), NaN, 100), Float64Array.of(Math.expm1(0.5), -0.5, Math.expm1(0.6))],
  });
  assert.equal(f.pit!.map((p) => Array.from(p)), [[0.6, NaN, 1], [0.6, 0, 0.6]]);
  const base = { sample: steps, contexts: new Float32Array(3), contextWidth: 1, pathLength: 2, bars: Int32Array.of(0, 1, 2), horizons: [1], scale: 1 };
  await scenarioRisk({ ...base, realized: [] }).then(() => assert.unreachable(), (e) => assert.match(e.message, /0 realised series for 1 horizons/));
  await scenarioRisk({ ...base, realized: [new Float64Array(2)] }).then(() => assert.unreachable(), (e) => assert.match(e.message, /the realised 1-bar returns have 2 values for 3 bars/));
  assert.is((await scenarioRisk({ ...base, scenarios: 5 })).pit, undefined, 'no realised returns: no PIT');
});

test.run();
