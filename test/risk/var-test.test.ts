import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { candlesFromRows, type Candles } from '../../src/data/candles.js';
import type { TrainingRecord } from '../../src/trading/bundle.js';
import { kupiecPof } from '../../src/risk/kupiec.js';
import { exceedanceCounts, forwardReturns, HORIZON_BARS, OVERLAP_NOTE, varTest, varVerdict } from '../../src/risk/var-test.js';
import type { VarCvar } from '../../src/risk/var.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

/** Hourly candles with the given closes (open = previous close) at the given hour offsets. */
function candles(closes: number[], hours = closes.map((_, i) => i)): Candles {
  return candlesFromRows(closes.map((c, i) => {
    const o = i === 0 ? c : closes[i - 1];
    return { timestamp: T0 + hours[i] * HOUR, open: o, high: Math.max(o, c), low: Math.min(o, c), close: c, volume: 1, turnover: c };
  }));
}

function training(trainEnd: number, validationEnd: number | null): TrainingRecord {
  return {
    intervalMs: HOUR,
    train: { start: T0, end: T0 + trainEnd * HOUR, rows: trainEnd + 1 },
    validation: validationEnd === null ? null : { start: T0 + (trainEnd + 1) * HOUR, end: T0 + validationEnd * HOUR, rows: validationEnd - trainEnd },
    test: null, seed: 0, fit: {} as TrainingRecord['fit'], history: [],
  };
}

test('forward returns start strictly after the cutoff and skip windows across a missing candle', () => {
  // Closes 100 110 99 99 108.9 at hours 0 1 2 3 4; cutoff hour 1 → bars t = 2, 3 for h = 1:
  // 99/99 − 1 = 0 and 108.9/99 − 1 = 0.1.
  const c = candles([100, 110, 99, 99, 108.9]);
  const f1 = forwardReturns(c, 1, { after: T0 + HOUR, intervalMs: HOUR });
  assert.equal(Array.from(f1.timestamps), [T0 + 2 * HOUR, T0 + 3 * HOUR]);
  assert.is(f1.returns[0], 0);
  assert.ok(Math.abs(f1.returns[1] - 0.1) < 1e-15);
  // h = 2 from t = 0 (no cutoff): 99/100 − 1, 99/110 − 1, 108.9/99 − 1.
  const f2 = forwardReturns(c, 2, { after: -Infinity, intervalMs: HOUR });
  assert.equal(Array.from(f2.returns), [99 / 100 - 1, 99 / 110 - 1, 108.9 / 99 - 1]);
  // Hour 3 missing: candles at 0 1 2 4 5; h = 1 windows 2→4 skipped; h = 2 windows 1→4 and 2→5 skipped.
  const gap = candles([100, 101, 102, 103, 104], [0, 1, 2, 4, 5]);
  const g1 = forwardReturns(gap, 1, { after: -Infinity, intervalMs: HOUR });
  assert.equal([g1.returns.length, g1.skippedGaps], [3, 1]);
  const g2 = forwardReturns(gap, 2, { after: -Infinity, intervalMs: HOUR });
  assert.equal([g2.returns.length, g2.skippedGaps], [1, 2]);
  assert.throws(() => forwardReturns(c, 0, { after: 0, intervalMs: HOUR }), /horizon must be a positive integer/);
});

test('exceedances are losses strictly beyond the VaR, with Kupiec tests at 95% and 99%', () => {
  // VaR95 = 3%, VaR99 = 5%: −0.06 exceeds both, −0.04 only the 95%, −0.03 (= −VaR95) neither.
  const r = [-0.06, -0.04, -0.03, 0.01, 0.02, -0.01, 0, 0.05, -0.02, 0.03];
  const x = exceedanceCounts(r, { var95: 0.03, var99: 0.05 });
  assert.equal([x.n, x.exceedances95, x.exceedances99, x.rate95, x.rate99], [10, 2, 1, 0.2, 0.1]);
  assert.is(x.kupiecP95, kupiecPof(10, 2, 0.05).pValue);
  assert.is(x.kupiecLR99, kupiecPof(10, 1, 0.01).lr);
});

/** 60 hourly closes: a slow zig-zag with a −8% crash at hour 45. */
function market(): Candles {
  const closes: number[] = [];
  let c = 100;
  for (let i = 0; i < 60; i++) {
    c *= i === 45 ? 0.92 : 1 + (i % 3 === 0 ? -0.01 : 0.006);
    closes.push(c);
  }
  return candles(closes);
}

test('varTest: bars after the validation range only, each horizon against its own VaR, non-overlapping subsample', () => {
  const c = market();
  const risk = {} as Record<keyof typeof HORIZON_BARS, VarCvar>;
  for (const [name, h] of Object.entries(HORIZON_BARS)) risk[name as keyof typeof HORIZON_BARS] = { var95: 0.009 * h, cvar95: 0, var99: 0.02 * h, cvar99: 0 };
  const result = varTest(c, training(20, 29), risk, 'held.csv');
  assert.is(result.after, T0 + 29 * HOUR);
  assert.is(result.note, OVERLAP_NOTE);
  for (const [name, h] of Object.entries(HORIZON_BARS) as [keyof typeof HORIZON_BARS, number][]) {
    const t = result.horizons[name]!;
    // Independent count straight from the closes: bars t = 30 … 59 − h.
    const r: number[] = [];
    for (let i = 30; i + h < 60; i++) r.push(c.close[i + h] / c.close[i] - 1);
    assert.is(t.n, r.length, name);
    assert.is(t.from, T0 + 30 * HOUR);
    assert.is(t.to, T0 + (59 - h) * HOUR);
    assert.is(t.exceedances95, r.filter((v) => v < -0.009 * h).length, `${name} exceedances95`);
    assert.is(t.exceedances99, r.filter((v) => v < -0.02 * h).length, `${name} exceedances99`);
    assert.ok(Math.abs(t.expected95 - 0.05 * r.length) < 1e-12);
    assert.is(t.nonOverlapping.n, Math.ceil(r.length / h));
    assert.is(t.nonOverlapping.exceedances95, r.filter((v, i) => i % h === 0 && v < -0.009 * h).length);
    assert.equal([t.verdict95, t.verdict99], [varVerdict(95, t.nonOverlapping), varVerdict(99, t.nonOverlapping)]);
  }
  // The crash at hour 45 is the only 1-bar move beyond 2%, and it lies after the cutoff.
  assert.is(result.horizons.return_1!.exceedances99, 1);
  // Without a validation split the cutoff is the end of training; no 20-bar window fits after hour 40.
  const late = varTest(c, training(40, null), risk).horizons;
  assert.equal([late.return_1?.n, late.return_10?.n, late.return_20], [18, 9, null]);
});

test('a verdict in words: passes, fails with too many or too few losses, or too few bars to decide', () => {
  const counts = (n: number, x95: number, x99: number) => exceedanceCounts(
    Array.from({ length: n }, (_, i) => (i < x99 ? -0.1 : i < x95 ? -0.04 : 0)), { var95: 0.03, var99: 0.05 });
  assert.equal(varVerdict(95, counts(100, 5, 1)), {
    result: 'consistent',
    text: 'passes: 5 losses beyond the 95% VaR in 100 bars, 5.0 expected (Kupiec p = 1.000): the VaR is consistent with the realised losses',
  });
  assert.equal(varVerdict(95, counts(100, 15, 1)), {
    result: 'VaR too low',
    text: 'FAILS: 15 losses beyond the 95% VaR in 100 bars, 5.0 expected (Kupiec p = 1.8e-4): the VaR understates the risk, ' +
      'losses beyond it happen more often than it says',
  });
  assert.equal(varVerdict(95, counts(400, 8, 0)).result, 'VaR too high');
  assert.match(varVerdict(95, counts(400, 8, 0)).text, /^FAILS: 8 losses beyond the 95% VaR in 400 bars, 20.0 expected \(Kupiec p = 0.00\d\): the VaR overstates the risk/);
  assert.equal(varVerdict(99, counts(19, 0, 0)), {
    result: 'too few bars', text: 'undecided: 0 losses beyond the 99% VaR in 19 bars, 0.2 expected; 20 bars are needed for a verdict',
  });
  // user text names no internal field
  assert.not.match(OVERLAP_NOTE, /nonOverlapping/);
});

test('varTest refuses data with nothing after the validation range and candles of another interval', () => {
  const c = market();
  const risk = { var95: 0.01, cvar95: 0, var99: 0.02, cvar99: 0 };
  const all = { return_1: risk, return_5: risk, return_10: risk, return_20: risk };
  assert.throws(() => varTest(c, training(20, 59), all, 'held.csv'), /held\.csv: no forward return starts after the model's validation range/);
  const fourHourly = candlesFromRows(Array.from({ length: 30 }, (_, i) => ({ timestamp: T0 + i * 4 * HOUR, open: 1, high: 1, low: 1, close: 1, volume: 1, turnover: 1 })));
  assert.throws(() => varTest(fourHourly, training(0, 1), all, 'h4.csv'), /h4\.csv: candles are 240 minutes apart but the model was trained on 60-minute candles/);
});

test.run();
