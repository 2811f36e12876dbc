import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractTrades } from '../../src/trading/trades.js';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-12, `${a} vs ${b}`);

test('trades of a hand-made position series: size change, flip, flat bar, open at the end', () => {
  const held = [0, 0.5, 1, 0, -1, -1, 2, 2];
  const r = [0, 0.1, -0.1, 0.05, -0.1, 0.1, 0.05, -0.05];
  const timestamps = [10, 20, 30, 40, 50, 60, 70, 80];
  const closes = [100, 101, 102, 103, 104, 105, 106, 107];
  const trades = extractTrades({ held, assetReturns: r, costRate: 0.01, timestamps, closes });
  assert.is(trades.length, 3);
  const [a, b, c] = trades;
  // Long, rows 1–2: (1 + 0.5·0.1 − 0.005)(1 − 0.1 − 0.005)(1 − 0.01) − 1
  assert.equal([a.side, a.entryIndex, a.exitIndex, a.entryTime, a.exitTime, a.entryPrice, a.exitPrice, a.bars, a.closed],
    ['long', 0, 2, 10, 30, 100, 102, 2, true]);
  close(a.return, 1.045 * 0.895 * 0.99 - 1);
  close(a.cost, 0.005 + 0.005 + 0.01);
  // Short, rows 4–5, closed by the flip to +2 (only the closing unit is charged here).
  assert.equal([b.side, b.entryIndex, b.exitIndex, b.bars, b.closed], ['short', 3, 5, 2, true]);
  close(b.return, 1.09 * 0.9 * 0.99 - 1);
  close(b.cost, 0.02);
  // Long 2 units, rows 6–7, still open: the opening 2 units are charged, no closing cost.
  assert.equal([c.side, c.entryIndex, c.exitIndex, c.entryTime, c.exitTime, c.bars, c.closed], ['long', 5, 7, 60, 80, 2, false]);
  close(c.return, (1 + 2 * 0.05 - 0.02) * (1 - 2 * 0.05) - 1);
  close(c.cost, 0.02);
  // The trades' costs add up to rate × turnover (Σ|Δheld| = 0.5 + 0.5 + 1 + 1 + 0 + 3 + 0 = 6).
  close(a.cost + b.cost + c.cost, 0.01 * 6);
});

test('no position, no trades; adjacent same-sign bars are one trade', () => {
  const ts = [1, 2, 3, 4];
  assert.equal(extractTrades({ held: [0, 0, 0, 0], assetReturns: [0, 0.1, 0.1, 0.1], costRate: 0.001, timestamps: ts, closes: [1, 1, 1, 1] }), []);
  const one = extractTrades({ held: [0, -1, -0.25, 0], assetReturns: [0, 0.1, -0.2, 0], costRate: 0, timestamps: ts, closes: [1, 1, 1, 1] });
  assert.is(one.length, 1);
  assert.equal([one[0].side, one[0].bars, one[0].closed], ['short', 2, true]);
  close(one[0].return, 0.9 * 1.05 - 1);
});

test('bad input is refused', () => {
  const ts = [1, 2];
  assert.throws(() => extractTrades({ held: [1, 0], assetReturns: [0, 0], costRate: 0, timestamps: ts, closes: [1, 1] }), /held\[0\] is 1/);
  assert.throws(() => extractTrades({ held: [0, 1], assetReturns: [0], costRate: 0, timestamps: ts, closes: [1, 1] }), /2 positions but 1 returns/);
  assert.throws(() => extractTrades({ held: [0, NaN], assetReturns: [0, 0], costRate: 0, timestamps: ts, closes: [1, 1] }), /row 1 is NaN/);
  assert.throws(() => extractTrades({ held: [0, 1], assetReturns: [0, 0], costRate: -1, timestamps: ts, closes: [1, 1] }), /cost rate/);
});

test.run();
