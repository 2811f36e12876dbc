/**
 * @fileoverview The strategy's position filters and its rebalance band, each on rows where it
 * decides the outcome: `longOnly` (a short target becomes flat), `allowedRegimes` (a bar in another
 * regime is flat), and the band of a calibration (held positions differ from the targets exactly
 * where a hand-written band loop says so). Every option comes from a trained model's calibration
 * (trainOnCandles), so an option lost on the way from the options to the signals is caught too.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulateMarket } from '../../src/data/synthetic.js';
import { trainOnCandles } from '../../src/pipeline/train-on-candles.js';
import { scaledRows } from '../../src/trading/bundle.js';
import { GlowStrategy, type Signal, type StrategyCalibration } from '../../src/trading/strategy.js';

const TINY = { levels: 2, steps: 1, hidden: 8 };
const candles = simulateMarket({ bars: 700, seed: 8 });
// No cost hurdle (a 3-epoch model's edge is small): the positions are the plain targets.
const trained = trainOnCandles(candles, {
  seed: 8, model: TINY, fit: { epochs: 3 },
  strategy: { minEdge: 0, rebalanceBand: 0, longOnly: true, allowedRegimes: [0, 2] },
});
const { bundle, features, split } = trained;
const rows = scaledRows(bundle.scaler, features, split.test[0], split.test[1]);
const cal = bundle.strategy.calibration;

/** The trained calibration with some options replaced. */
function withOptions(options: Partial<StrategyCalibration['options']>): GlowStrategy {
  return new GlowStrategy(bundle.glow, { ...cal, options: { ...cal.options, ...options } });
}

/** Position of a row with no filter but the likelihood: raw direction × confidence × maxPosition. */
const unfiltered = (s: Signal) => (s.inDistribution ? s.raw * s.confidence * cal.options.maxPosition : 0);

test('the trained calibration carries longOnly and allowedRegimes', () => {
  assert.is(cal.options.longOnly, true);
  assert.equal(cal.options.allowedRegimes, [0, 2]);
});

test('longOnly: a row whose direction is short is flat; long rows keep their position', () => {
  const open = withOptions({ longOnly: false, allowedRegimes: null }).signal(rows);
  const longOnly = withOptions({ allowedRegimes: null }).signal(rows);
  const shorts = open.filter((s) => s.position < 0).length;
  const longs = open.filter((s) => s.position > 0).length;
  assert.ok(shorts >= 5 && longs >= 5, `${shorts} short and ${longs} long rows: both sides must occur for the test to bite`);
  open.forEach((s, i) => {
    const expected = unfiltered(s);
    assert.is(s.position, expected === 0 ? 0 : expected, `unfiltered row ${i}`);
    assert.is(longOnly[i].raw, s.raw, `row ${i}: longOnly leaves the direction alone`);
    assert.is(longOnly[i].position, expected > 0 ? expected : 0, `row ${i}: raw ${s.raw}`);
  });
});

test('allowedRegimes: a row in a regime that is not allowed is flat; allowed rows keep their position', () => {
  const open = withOptions({ longOnly: false, allowedRegimes: null }).signal(rows);
  const filtered = withOptions({ longOnly: false }).signal(rows);
  const allowed = new Set([0, 2]);
  const barred = open.filter((s) => !allowed.has(s.regime) && s.position !== 0).length;
  const kept = open.filter((s) => allowed.has(s.regime) && s.position !== 0).length;
  assert.ok(barred >= 5 && kept >= 5, `${barred} trading rows in barred regimes, ${kept} in allowed ones: both must occur`);
  open.forEach((s, i) => {
    assert.is(filtered[i].regime, s.regime, `row ${i}: the regime is reported whatever the filter`);
    assert.is(filtered[i].position, allowed.has(s.regime) ? s.position : 0, `row ${i} in regime ${s.regime}`);
  });
  // Both filters at once (the trained options): flat unless long and in an allowed regime.
  const both = bundle.strategy.signal(rows);
  open.forEach((s, i) => assert.is(both[i].position, allowed.has(s.regime) && s.position > 0 ? s.position : 0, `row ${i}`));
});

/** Held positions by the rule itself: trade to the target only when it is more than `band` away. */
function bandLoop(targets: number[], band: number, initial: number): number[] {
  const held: number[] = [];
  let h = initial;
  for (const t of targets) {
    if (Math.abs(t - h) > band) h = t;
    held.push(h);
  }
  return held;
}

test('the rebalance band of the calibration decides the held positions (heldPositions and hold)', () => {
  const band = 0.3;
  const strategy = withOptions({ longOnly: false, allowedRegimes: null, rebalanceBand: band });
  const signals = strategy.signal(rows);
  const targets = signals.map((s) => s.position);
  const expected = bandLoop(targets, band, 0);
  // Guard: the band keeps a position on some rows and trades on others, so ignoring it shows.
  const differ = expected.filter((h, i) => h !== targets[i]).length;
  const trades = expected.filter((h, i) => h !== (i ? expected[i - 1] : 0)).length;
  assert.ok(differ >= 10 && trades >= 5, `${differ} rows held away from the target, ${trades} trades`);
  assert.equal(Array.from(strategy.heldPositions(rows)), expected);
  assert.equal(Array.from(strategy.hold(signals)), expected);
  // From a given holding: one row whose target is inside the band keeps it, one outside trades.
  const i = targets.findIndex((t) => Math.abs(t) > 0.2);
  assert.ok(i >= 0);
  const t = targets[i];
  assert.equal(Array.from(strategy.hold([signals[i]], t + 0.25)), [t + 0.25]);
  assert.equal(Array.from(strategy.hold([signals[i]], t + 0.35)), [t]);
  // A band of 0: the held positions are the targets.
  assert.equal(Array.from(withOptions({ longOnly: false, allowedRegimes: null, rebalanceBand: 0 }).heldPositions(rows)), targets);
});

test.run();
