import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sliceCandles, type Candles } from '../../src/data/candles.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { trainOnCandles } from '../../src/pipeline/train-on-candles.js';
import { scaledRows } from '../../src/trading/bundle.js';
import { runBacktest } from '../../src/trading/run-backtest.js';
import type { Strategy } from '../../src/trading/registry.js';

const TINY = { levels: 2, steps: 1, hidden: 8 };
const candles = simulateMarket({ bars: 700, seed: 3 });
// No cost hurdle and a narrow band: a 3-epoch model must still trade, so that the position checks below
// (no look-ahead through the band's path dependence) compare real, changing positions.
const STRATEGY = { minEdge: 0, rebalanceBand: 0.2 };
const trained = trainOnCandles(candles, { seed: 3, model: TINY, fit: { epochs: 3 }, strategy: STRATEGY });
const { bundle, features, split } = trained;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

test('the default period is every row after the validation range', () => {
  const r = runBacktest(bundle, candles);
  const [a, b] = split.test;
  assert.equal(r.period, { from: features.timestamps[a], to: features.timestamps[b - 1], rows: b - a });
  assert.equal(r.inSample, { train: 0, validation: 0 });
  assert.equal(r.warnings, []);
  assert.is(r.strategy, 'glow');
  assert.is(r.periodsPerYear, 8760);
  // The decisions are the model's targets on exactly those rows (scaled with the model's scaler),
  // held through the band by the rule itself, written out here rather than through the strategy's
  // own hold(): trade to the target only when it is more than the band away (keep rows hold on).
  const signals = bundle.strategy.signal(scaledRows(bundle.scaler, features, a, b));
  const band = bundle.strategy.calibration.options.rebalanceBand;
  assert.is(band, 0.2);
  const expected: number[] = [];
  let held = 0;
  for (const s of signals) {
    if (!s.keep && Math.abs(s.position - held) > band) held = s.position;
    expected.push(held);
  }
  assert.equal(Array.from(r.series.decision), expected);
  // Guard: the band holds a position away from its target on some rows, so ignoring it shows.
  assert.ok(signals.filter((s, i) => s.position !== expected[i]).length >= 10);
  assert.equal(Array.from(r.series.logLikelihood), r.signals.map((s) => s.logLikelihood));
});

test('bars without a feature row inside the period are counted in a warning', () => {
  // drop 5 candles in the test period: those bars and the 20-bar windows that cross the hole have no row
  const hole = features.index[split.test[0] + 30];
  const keep = (i: number) => i < hole || i >= hole + 5;
  const holed = Object.fromEntries(Object.entries(candles).map(([k, v]) => [k, Float64Array.from((v as Float64Array).filter((_, i) => keep(i)))])) as unknown as Candles;
  const r = runBacktest(bundle, holed);
  const hours = Math.round((r.period.to - r.period.from) / 3_600_000) + 1;
  assert.ok(hours - r.period.rows >= 25, `${hours - r.period.rows} bars without a row`);
  assert.equal(r.warnings, [`${hours - r.period.rows} bars inside the period have no feature row (missing candles, or a 20-bar window ` +
    'crossing a gap): positions are held across them and their returns fall on the next row']);
});

test('no look-ahead: truncating the candles after bar t changes no signal, position or equity up to t', () => {
  const full = runBacktest(bundle, candles);
  const n = full.period.rows;
  const d = full.series.decision;
  // Guard: the positions are non-zero and change (with the band's memory), so the checks below bite.
  assert.ok(d.filter((v) => v !== 0).length > n / 2 && d.filter((v, i) => i > 0 && v !== d[i - 1]).length >= 5);
  // Cuts that leave ≥ 2 rows go through the batch kernels and must agree bit for bit.
  for (const k of [1, 7, Math.floor(n / 2), n - 2]) {
    const candle = features.index[split.test[0] + k];
    const cut = runBacktest(bundle, sliceCandles(candles, 0, candle + 1));
    assert.is(cut.period.rows, k + 1);
    for (let t = 0; t <= k; t++) {
      assert.is(cut.series.decision[t], full.series.decision[t], `decision of row ${t} (cut at ${k})`);
      assert.is(cut.series.position[t], full.series.position[t]);
      assert.is(cut.series.equity[t], full.series.equity[t]);
      const [x, y] = [cut.signals[t], full.signals[t]];
      assert.equal([x.logLikelihood, x.confidence, x.regime, x.raw, x.position], [y.logLikelihood, y.confidence, y.regime, y.raw, y.position]);
    }
  }
  // A one-row period takes the one-row (matrix–vector) path of Glow.logProb, whose log p equals the
  // in-batch value within 1e-6 relative (issue 16), not bit for bit: the same bar, the same regime.
  const one = runBacktest(bundle, sliceCandles(candles, 0, features.index[split.test[0]] + 1));
  assert.is(one.period.rows, 1);
  const [x, y] = [one.signals[0], full.signals[0]];
  assert.ok(Math.abs(x.logLikelihood - y.logLikelihood) <= 1e-6 * Math.abs(y.logLikelihood), `log p ${x.logLikelihood} vs ${y.logLikelihood}`);
  assert.ok(Math.abs(one.series.decision[0] - d[0]) <= 1e-6 * Math.max(1, Math.abs(d[0])), `decision ${one.series.decision[0]} vs ${d[0]}`);
  assert.is(x.regime, y.regime);
});

test('a period overlapping the training or validation range is refused, naming both ranges; the override warns', () => {
  const t = bundle.training;
  const from = features.timestamps[10];
  let message = '';
  try {
    runBacktest(bundle, candles, { from });
  } catch (e) {
    message = (e as Error).message;
  }
  assert.match(message, `the backtest period ${iso(from)} → ${iso(features.timestamps[features.rows - 1])} overlaps`);
  assert.match(message, `training range ${iso(t.train.start)} → ${iso(t.train.end)}`);
  assert.match(message, `validation range ${iso(t.validation!.start)} → ${iso(t.validation!.end)}`);
  assert.match(message, /--allow-in-sample/);
  const onlyValidation = () => runBacktest(bundle, candles, { from: t.validation!.start + 3_600_000, to: t.validation!.end });
  assert.throws(onlyValidation, (e: Error) => /validation range/.test(e.message) && !/training range/.test(e.message));
  const allowed = runBacktest(bundle, candles, { from, allowInSample: true });
  assert.equal(allowed.inSample, { train: t.train.rows - 10, validation: t.validation!.rows });
  assert.is(allowed.warnings.length, 1);
  assert.match(allowed.warnings[0], /overlaps the model's training range .* not an out-of-sample result/);
});

test('from/to choose the tested rows (inclusive)', () => {
  const [a] = split.test;
  const r = runBacktest(bundle, candles, { from: features.timestamps[a + 5], to: features.timestamps[a + 30] });
  assert.equal(r.period, { from: features.timestamps[a + 5], to: features.timestamps[a + 30], rows: 26 });
  assert.is(r.series.position[0], 0);
  assert.is(r.series.return[0], 0);
  assert.throws(() => runBacktest(bundle, candles, { from: 0, to: 1 }), /no feature rows in the period 1970-01-01 00:00 → 1970-01-01 00:00/);
});

test('data without bars after the validation range, or of another interval, is refused clearly', () => {
  const lastValidationCandle = features.index[split.validation[1] - 1];
  assert.throws(() => runBacktest(bundle, sliceCandles(candles, 0, lastValidationCandle + 1)), /no bars after the model's validation range/);
  const every2h: Candles = Object.fromEntries(Object.entries(candles).map(([k, v]) => [k, (v as Float64Array).filter((_, i) => i % 2 === 0)])) as any;
  assert.throws(() => runBacktest(bundle, every2h), /candles are 2h apart but the model was trained on 1h candles/);
});

test("glow-latent0 is the seed's tanh(z_0) with the model's filters and sizing", () => {
  const r = runBacktest(bundle, candles, { strategy: 'glow-latent0' });
  const o = bundle.strategy.calibration.options;
  const expected = r.signals.map((s) => (s.inDistribution && s.confidence >= o.minConfidence ? Math.tanh(s.latent[0]) * s.confidence * o.maxPosition : 0));
  assert.equal(Array.from(r.series.decision), expected);
  assert.not.equal(Array.from(r.series.decision), Array.from(runBacktest(bundle, candles).series.decision));
});

test('a strategy object can be passed; bad positions are refused naming the strategy and bar', () => {
  const half: Strategy = { name: 'half-long', description: 'always 0.5', positions: (ctx) => new Float64Array(ctx.rows).fill(0.5) };
  const r = runBacktest(bundle, candles, { strategy: half, fee: 0, slippage: 0 });
  assert.is(r.strategy, 'half-long');
  assert.is(r.metrics.exposure, 1);
  const bad: Strategy = { name: 'bad', description: '', positions: (ctx) => Array.from({ length: ctx.rows }, (_, i) => (i === 3 ? NaN : 0)) };
  assert.throws(() => runBacktest(bundle, candles, { strategy: bad }), /strategy "bad": position 3 \(bar .*\) is NaN/);
  const short: Strategy = { name: 'short', description: '', positions: () => [1] };
  assert.throws(() => runBacktest(bundle, candles, { strategy: short }), /returned 1 positions for \d+ rows/);
  assert.throws(() => runBacktest(bundle, candles, { strategy: 'nope' }), /unknown strategy "nope"; known: glow, glow-latent0/);
});

test('whatever a strategy throws becomes an Error naming the strategy', () => {
  const throws = (value: unknown): Strategy => ({ name: 'thrower', description: '', positions: () => { throw value; } });
  const caught = (value: unknown) => {
    try {
      runBacktest(bundle, candles, { strategy: throws(value) });
    } catch (err) {
      return err;
    }
    return undefined;
  };
  const fromString = caught('x') as Error;
  assert.instance(fromString, Error);
  assert.is(fromString.message, 'strategy "thrower" threw "x" (not an Error)');
  // a primitive cause would crash oclif's error printer (it runs `'name' in cause`)
  assert.is(fromString.cause, undefined);
  assert.is((caught({ code: 7 }) as Error).message, 'strategy "thrower" threw {"code":7} (not an Error)');
  assert.is((caught(undefined) as Error).message, 'strategy "thrower" threw undefined (not an Error)');
  const fromError = caught(new RangeError('no data')) as Error;
  assert.is(fromError.message, 'strategy "thrower" failed: no data');
  assert.instance(fromError.cause, RangeError);
});

test('a strategy that loses the whole equity stops the backtest at that bar, with a warning naming it', () => {
  const levered: Strategy = { name: 'levered', description: '1000× long', positions: (ctx) => new Float64Array(ctx.rows).fill(1000) };
  const r = runBacktest(bundle, candles, { strategy: levered, fee: 0, slippage: 0 });
  const s = r.series;
  let expected = 1;
  while (1000 * s.assetReturn[expected] > -1) expected++;
  assert.equal(r.ruin, { index: expected, timestamp: s.timestamp[expected] });
  assert.is(s.equity[expected], 0);
  assert.is(s.equity[s.equity.length - 1], 0);
  assert.is(r.metrics.totalReturn, -1);
  assert.is(r.warnings.length, 1);
  assert.match(r.warnings[0], new RegExp(`^equity reached zero at the bar of ${iso(s.timestamp[expected]).replace(' ', 'T')}Z \\(row ${expected}\\): the backtest stopped there`));
});

test('calibration uses no test-period data: changing the test candles leaves scaler, model and calibration identical', () => {
  const lastValidationCandle = features.index[split.validation[1] - 1];
  const changed: Candles = Object.fromEntries(Object.entries(candles).map(([k, v]) => [k, Float64Array.from(v as Float64Array)])) as any;
  for (let i = lastValidationCandle + 1; i < changed.close.length; i++) {
    const f = 1 + 0.2 * Math.sin(i);
    for (const col of ['open', 'high', 'low', 'close'] as const) changed[col][i] *= f;
  }
  const again = trainOnCandles(changed, { seed: 3, model: TINY, fit: { epochs: 3 }, strategy: STRATEGY });
  assert.equal(again.bundle.strategy.calibration, bundle.strategy.calibration);
  assert.equal(Array.from(again.bundle.scaler.mean), Array.from(bundle.scaler.mean));
  const x = scaledRows(bundle.scaler, features, 0, 50);
  assert.equal(Array.from(again.bundle.glow.logProb(x)), Array.from(bundle.glow.logProb(x)));
  // …while the test period itself did change (so this test can fail).
  assert.not.equal(Array.from(runBacktest(again.bundle, changed).series.logLikelihood), Array.from(runBacktest(bundle, candles).series.logLikelihood));
});

test.run();
