import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Glow } from '../../src/model/glow.js';
import { FEATURE_NAMES } from '../../src/data/features.js';
import { MAX_STANDARD_SCORE, unscaleFeatures, type Scaler } from '../../src/data/scaler.js';
import { Rng } from '../../src/util/rng.js';
import {
  clampedReturns, generateScenarios, roundSeed, horizonRisk, returnsBelowMinusOne, RISK_HORIZONS, scenarioColumn, scenariosToCsv, type ScenarioModel, type ScenarioSet,
} from '../../src/risk/scenarios.js';
import { returnRisk } from '../../src/risk/var.js';
import { moments } from '../../src/risk/stats.js';
import { STRESS_TEMPERATURES, stressSeed, stressTable } from '../../src/risk/stress.js';

/**
 * A 16-feature flow initialised on standard-normal rows (untrained: zero coupling outputs, so sampling
 * is an affine map of z) with a scaler whose returns have hourly-like spreads.
 */
function model(): ScenarioModel {
  const d = FEATURE_NAMES.length;
  const rng = new Rng(5);
  const rows = Float32Array.from({ length: 512 * d }, () => rng.normal());
  const glow = Glow.create({ features: d, levels: 2, steps: 1, hidden: 8, seed: 1 }).initialize(rows);
  const mean = new Float64Array(d), std = new Float64Array(d).fill(1);
  [0.0001, 0.0005, 0.001, 0.002].forEach((m, j) => { mean[j] = m; std[j] = 0.008 * Math.sqrt([1, 5, 10, 20][j]); });
  const scaler: Scaler = { mean, std, clip: 5 };
  return { glow, scaler, featureNames: [...FEATURE_NAMES] };
}
const m = model();

test('one set is the flow sample at T mapped back by the scaler; deterministic per seed, different across seeds', () => {
  const a = generateScenarios(m, { num: 300, temperature: 1.25, seed: 7 });
  assert.equal([a.rows, a.data.length, a.temperature, a.seed, a.names], [300, 300 * 16, 1.25, 7, [...FEATURE_NAMES]]);
  const oracle = unscaleFeatures(m.scaler, m.glow.sample(300, { temperature: 1.25, seed: 7 }));
  assert.equal(Array.from(a.data), Array.from(oracle));
  const again = generateScenarios(m, { num: 300, temperature: 1.25, seed: 7 });
  assert.equal(Array.from(again.data), Array.from(a.data));
  const other = generateScenarios(m, { num: 300, temperature: 1.25, seed: 8 });
  assert.ok(other.data.some((v, k) => v !== a.data[k]));
  assert.equal(Array.from(scenarioColumn(a, 'return_10')), Array.from({ length: 300 }, (_, i) => a.data[i * 16 + 2]));
});

test('temperature scales dispersion: std at T = 2 > T = 1 > T = 0.5 for every horizon', () => {
  const std = (t: number, h: string) => moments(scenarioColumn(generateScenarios(m, { num: 3000, temperature: t, seed: 3 }), h)).std!;
  for (const h of RISK_HORIZONS) {
    const [s05, s1, s2] = [0.5, 1, 2].map((t) => std(t, h));
    assert.ok(s2 > 1.5 * s1 && s1 > 1.5 * s05, `${h}: ${s05} ${s1} ${s2}`);
  }
});

test('every horizon number comes from the one set passed in', () => {
  const set = generateScenarios(m, { num: 1000, seed: 2 });
  const risk = horizonRisk(set);
  assert.equal(Object.keys(risk), [...RISK_HORIZONS]);
  for (const h of RISK_HORIZONS) assert.equal(risk[h], returnRisk(scenarioColumn(set, h)));
  assert.ok(risk.return_20.std! > risk.return_1.std!, 'the 20-bar spread exceeds the 1-bar spread');
});

test('values beyond the soft clip are counted and map to exactly ±40 training standard deviations', () => {
  // At T = 40 most scaled samples land beyond ±5, where the scaler's inverse is limited.
  const raw = m.glow.sample(200, { temperature: 40, seed: 1 });
  const limit = 5 * Math.tanh(MAX_STANDARD_SCORE / 5);
  const beyond = raw.filter((y) => Math.abs(y) >= limit).length;
  const set = generateScenarios(m, { num: 200, temperature: 40, seed: 1, invalid: 'keep' });
  assert.ok(beyond > 100);
  assert.equal([set.draws, set.rejected], [200, 0]);
  assert.is(set.clamped.reduce((a, b) => a + b, 0), beyond);
  assert.is(set.clamped[0], raw.filter((y, k) => k % 16 === 0 && Math.abs(y) >= limit).length, 'return_1 column');
  assert.is(clampedReturns(set).return_5, set.clamped[1]);
  const r1 = scenarioColumn(set, 'return_1');
  const top = Math.max(...r1);
  assert.ok(Math.abs(top - (0.0001 + 40 * 0.008)) < 1e-9, String(top));
  assert.equal(generateScenarios(m, { num: 200, temperature: 0.5, seed: 1 }).clamped, new Array(16).fill(0));
});

test('by default impossible scenarios are dropped and redrawn: the set keeps the possible draws in order', () => {
  const limit = 5 * Math.tanh(MAX_STANDARD_SCORE / 5);
  const T = 4;
  const kept = generateScenarios(m, { num: 300, temperature: T, seed: 9, invalid: 'keep' });
  const set = generateScenarios(m, { num: 300, temperature: T, seed: 9 });
  const raw = m.glow.sample(300, { temperature: T, seed: 9 });
  const valid: number[] = [];
  for (let i = 0; i < 300; i++) {
    const row = raw.subarray(i * 16, (i + 1) * 16);
    const returns = [0, 1, 2, 3].map((j) => kept.data[i * 16 + j]);
    if (row.every((y) => Math.abs(y) < limit) && returns.every((r) => r >= -1)) valid.push(i);
  }
  assert.ok(valid.length > 0 && valid.length < 300, `${valid.length} possible of 300`);
  // The first rows of the set are the possible rows of the first draw, in order; the rest come from redraws.
  for (let r = 0; r < valid.length; r++) {
    assert.equal(Array.from(set.data.subarray(r * 16, (r + 1) * 16)), Array.from(kept.data.subarray(valid[r] * 16, (valid[r] + 1) * 16)));
  }
  assert.is(set.rows, 300);
  assert.is(set.draws, set.rows + set.rejected);
  assert.ok(set.rejected >= 300 - valid.length);
  assert.equal(set.clamped, new Array(16).fill(0));
  assert.equal(returnsBelowMinusOne(set), { return_1: 0, return_5: 0, return_10: 0, return_20: 0 });
  assert.equal(generateScenarios(m, { num: 300, temperature: T, seed: 9 }), set, 'deterministic');
  assert.not.equal(roundSeed(9, 1), roundSeed(9, 2));
  assert.is(roundSeed(9, 0), 9);
  assert.is.not(roundSeed(2 ** 32 + 9, 1), roundSeed(9, 1), 'seeds that differ above bit 31 redraw differently');
  // When nearly every draw is impossible the call says so instead of looping.
  assert.throws(() => generateScenarios(m, { num: 200, temperature: 400, seed: 1 }), /are possible market states .* temperature 400 is too high/);
});

test('returns below −100% are counted per horizon; the CSV has the feature names and round-trips', () => {
  const names = [...FEATURE_NAMES];
  const data = new Float64Array(3 * 16);
  data.set([-1.5, -0.2, -1.01, -1], 0);
  data.set([0.1, -2, 0.3, 0.4], 16);
  data.set([1e-17, 0.5, 0.25, -0.125], 32);
  const set: ScenarioSet = { names, data, rows: 3, temperature: 1, seed: 0, clamped: new Array(16).fill(0), draws: 3, rejected: 0 };
  // −1 itself is a total loss, possible; only values strictly below −1 are impossible.
  assert.equal(returnsBelowMinusOne(set), { return_1: 1, return_5: 1, return_10: 1, return_20: 0 });
  const lines = scenariosToCsv(set).split('\n');
  assert.is(lines[0], names.join(','));
  assert.is(lines.length, 5);
  assert.is(lines[4], '');
  assert.equal(lines.slice(1, 4).flatMap((l) => l.split(',').map(Number)), Array.from(data));
  assert.throws(() => scenarioColumn(set, 'return_2'), /no feature "return_2"/);
});

test('bad options are refused with the reason', () => {
  for (const t of [0, -1, NaN, Infinity]) assert.throws(() => generateScenarios(m, { num: 10, temperature: t }), /temperature must be a finite number > 0/);
  assert.throws(() => generateScenarios(m, { num: 0 }), /num must be a positive integer, got 0/);
  assert.throws(() => generateScenarios(m, { num: 2.5 }), /num must be a positive integer, got 2.5/);
  assert.throws(() => generateScenarios(m, { num: 10, seed: 0.5 }), /seed must be an integer, got 0.5/);
  assert.throws(() => generateScenarios({ ...m, featureNames: ['return_1'] }, { num: 10 }), /16 inputs .* but 1 feature names/);
});

test('stress table: one seeded set per temperature, each reproducible from its recorded seed', () => {
  const rows = stressTable(m, { num: 2000, seed: 11 });
  assert.equal(rows.map((r) => r.temperature), [...STRESS_TEMPERATURES]);
  assert.equal(rows.map((r) => r.seed), STRESS_TEMPERATURES.map((t) => stressSeed(11, t)));
  assert.is(new Set(rows.map((r) => r.seed)).size, STRESS_TEMPERATURES.length, 'distinct seeds');
  const again = returnRisk(scenarioColumn(generateScenarios(m, { num: 2000, temperature: 1.5, seed: rows[4].seed }), 'return_5'));
  assert.equal(rows[4].horizons.return_5, { var95: again.var95, cvar95: again.cvar95, var99: again.var99, cvar99: again.cvar99 });
  for (const h of RISK_HORIZONS) {
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i].horizons[h].var99 > rows[i - 1].horizons[h].var99, `${h} VaR99 grows with T`);
    for (const r of rows) assert.ok(r.horizons[h].cvar95 >= r.horizons[h].var95 && r.horizons[h].cvar99 >= r.horizons[h].var99);
  }
  assert.equal(stressTable(m, { num: 2000, seed: 11 }), rows);
  assert.is(stressSeed(11, 1), stressSeed(11, 1));
  assert.is.not(stressSeed(11, 1), stressSeed(12, 1));
  assert.equal(rows.map((r) => r.main), STRESS_TEMPERATURES.map(() => false));
});

test('stress table: the row at the main set\'s temperature is the main set itself (one VaR per temperature)', () => {
  const main = generateScenarios(m, { num: 2000, temperature: 1, seed: 5 });
  const rows = stressTable(m, { num: 2000, seed: 5, main });
  const row = rows[STRESS_TEMPERATURES.indexOf(1)];
  assert.equal([row.temperature, row.seed, row.main, row.draws, row.rejected], [1, 5, true, main.draws, main.rejected]);
  const risk = returnRisk(scenarioColumn(main, 'return_1'));
  assert.equal(row.horizons.return_1, { var95: risk.var95, cvar95: risk.cvar95, var99: risk.var99, cvar99: risk.cvar99 });
  // the other rows are their own seeded sets, as without a main set
  const alone = stressTable(m, { num: 2000, seed: 5 });
  assert.equal(rows.filter((r) => !r.main).map((r) => r.horizons), alone.filter((r) => r.temperature !== 1).map((r) => r.horizons));
  assert.is.not(alone[STRESS_TEMPERATURES.indexOf(1)].horizons.return_1.var95, risk.var95);
  assert.throws(() => stressTable(m, { num: 1000, main }), /the main set has 2000 scenarios, the rows 1000/);
});

test.run();
