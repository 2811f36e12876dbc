import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backtestPositions, MAX_COST_RATE, metricsOfRows } from '../../src/trading/backtest.js';
import { equityCsv, tradesCsv } from '../../src/trading/backtest-files.js';
import { Rng } from '../../src/util/rng.js';

const near = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
const H = 3_600_000;

test('next-bar execution, costs on |Δposition|, compounding: a five-bar example by hand', () => {
  const r = backtestPositions({
    timestamps: [0, H, 2 * H, 3 * H, 4 * H], closes: [100, 110, 99, 99, 108.9], decisions: [1, 1, -1, 0, 0.5],
    fee: 0.001, slippage: 0.0005, capital: 1000, periodsPerYear: 8760,
  });
  const s = r.series;
  assert.equal(Array.from(s.position), [0, 1, 1, -1, 0]); // decided at the previous close
  [0, 0.1, -0.1, 0, 0.1].forEach((v, i) => near(s.assetReturn[i], v));
  [0, 0.0015, 0, 0.003, 0.0015].forEach((v, i) => near(s.cost[i], v));
  [0, 0.0985, -0.1, -0.003, -0.0015].forEach((v, i) => near(s.return[i], v));
  [1000, 1098.5, 988.65, 985.68405, 984.205523925].forEach((v, i) => near(s.equity[i], v));
  [1000, 1100, 990, 990, 1089].forEach((v, i) => near(s.benchmarkEquity[i], v));
  assert.is(r.turnover, 4);
  near(r.totalCosts, 0.006);
  near(r.costAmount, 0.0015 * 1000 + 0.003 * 988.65 + 0.0015 * 985.68405);
  near(r.finalEquity, 984.205523925);
  assert.is(r.trades.length, 2);
  near(r.trades[0].return, 1.0985 * 0.9 * 0.9985 - 1);
  near(r.trades[1].return, 0.9985 * 0.9985 - 1);
  assert.equal([r.metrics.trades, r.metrics.exposure, r.metrics.winRate, r.metrics.profitFactor], [2, 0.75, 0, 0]); // held over 3 of 4 bars
  near(r.metrics.totalReturn!, 984.205523925 / 1000 - 1);
  near(r.benchmark.totalReturn!, 0.089);
  assert.equal([r.benchmark.trades, r.benchmark.exposure, r.benchmark.turnover], [1, 1, 1]);
});

/** A random walk of n closes and random positions in [−1.5, 1.5] (some exactly 0). */
function randomCase(seed: number, n: number) {
  const rng = new Rng(seed);
  const closes: number[] = [100];
  for (let i = 1; i < n; i++) closes.push(closes[i - 1] * Math.exp(0.02 * rng.normal()));
  const decisions = closes.map(() => (rng.uniform() < 0.2 ? 0 : 3 * rng.uniform() - 1.5));
  return { timestamps: closes.map((_, i) => i * H), closes, decisions };
}

test('accounting invariants: equity = capital·Π(1 + r); costs = rate × turnover; trade costs add up', () => {
  for (const seed of [1, 2, 3]) {
    const c = randomCase(seed, 300);
    const r = backtestPositions({ ...c, fee: 0.0007, slippage: 0.0003, capital: 5000, periodsPerYear: 8760 });
    let equity = 5000, turnover = 0;
    for (let t = 0; t < 300; t++) {
      equity *= 1 + r.series.return[t];
      near(r.series.equity[t], equity, 1e-13);
      if (t > 0) {
        turnover += Math.abs(r.series.position[t] - r.series.position[t - 1]);
        assert.is(r.series.position[t], c.decisions[t - 1]);
        near(r.series.return[t], r.series.position[t] * r.series.assetReturn[t] - r.costRate * Math.abs(r.series.position[t] - r.series.position[t - 1]), 1e-15);
      }
    }
    near(r.turnover, turnover);
    near(r.totalCosts, r.costRate * r.turnover, 1e-13);
    near(r.costRate, 0.001, 1e-15);
    // Every unit traded is the opening, resizing or closing of some trade.
    near(r.trades.reduce((s, t) => s + t.cost, 0), r.totalCosts, 1e-12);
    near(r.metrics.totalReturn!, r.finalEquity / 5000 - 1, 1e-12);
  }
});

test('zero costs and a constant full position reproduce buy-and-hold exactly', () => {
  const c = randomCase(7, 200);
  const r = backtestPositions({ ...c, decisions: c.closes.map(() => 1), fee: 0, slippage: 0, capital: 1, periodsPerYear: 8760 });
  for (let t = 1; t < 200; t++) assert.is(r.series.return[t], r.series.assetReturn[t]);
  for (let t = 0; t < 200; t++) near(r.series.equity[t], r.series.benchmarkEquity[t], 1e-12);
  assert.equal(r.metrics, r.benchmark);
  assert.equal(r.notes.strategy, r.notes.benchmark);
});

test('metrics of a row range (a walk-forward fold) use only that range', () => {
  const c = randomCase(4, 50);
  const r = backtestPositions({ ...c, fee: 0.001, slippage: 0, periodsPerYear: 8760 });
  const a = metricsOfRows(r.series, r.trades, 0, 20, 8760);
  const b = metricsOfRows(r.series, r.trades, 20, 50, 8760);
  near((1 + a.strategy.metrics.totalReturn!) * (1 + b.strategy.metrics.totalReturn!), 1 + r.metrics.totalReturn!);
  near((1 + a.benchmark.metrics.totalReturn!) * (1 + b.benchmark.metrics.totalReturn!), 1 + r.benchmark.totalReturn!);
  near(a.strategy.metrics.turnover + b.strategy.metrics.turnover, r.turnover);
  assert.is(a.strategy.metrics.trades + b.strategy.metrics.trades, r.metrics.trades);
});

test('the equity and trade files have exactly their columns and one row per bar / trade', () => {
  const c = randomCase(5, 30);
  const r = backtestPositions({ ...c, logLikelihood: c.closes.map((_, i) => -i), regime: c.closes.map((_, i) => i % 3), periodsPerYear: 8760 });
  const lines = equityCsv(r.series).trimEnd().split('\n');
  assert.is(lines[0], 'timestamp,close,position,return,equity,benchmark_equity,log_likelihood,regime');
  assert.is(lines.length, 31);
  assert.is(lines[1], `0,100,0,0,10000,10000,0,0`);
  const row = lines[5].split(',').map(Number);
  assert.equal(row, [4 * H, c.closes[4], c.decisions[3], r.series.return[4], r.series.equity[4], r.series.benchmarkEquity[4], -4, 1]);
  const trades = tradesCsv(r.trades).trimEnd().split('\n');
  assert.is(trades[0], 'side,entry_time,exit_time,entry_price,exit_price,bars,return,cost,closed');
  assert.is(trades.length, r.trades.length + 1);
});

test('bad input is refused with the row it is on', () => {
  const base = { timestamps: [0, H], closes: [1, 2], decisions: [0, 0], periodsPerYear: 8760 };
  assert.throws(() => backtestPositions({ ...base, decisions: [NaN, 0] }), /position decided at row 0 \(1970-01-01T00:00:00.000Z\) is NaN/);
  assert.throws(() => backtestPositions({ ...base, closes: [1, -2] }), /close of row 1 .* is -2/);
  assert.throws(() => backtestPositions({ ...base, timestamps: [H, H] }), /not ascending at row 1/);
  assert.throws(() => backtestPositions({ ...base, fee: -0.1 }), /fee must be a finite number ≥ 0/);
  assert.throws(() => backtestPositions({ ...base, capital: 0 }), /capital must be/);
  assert.is(MAX_COST_RATE, 0.1);
  assert.throws(() => backtestPositions({ ...base, fee: 10 }), /fee \+ slippage must be < 0.1 per unit traded, got 10 \+ 0.0005/);
  assert.throws(() => backtestPositions({ ...base, fee: 0.05, slippage: 0.05 }), /must be < 0.1 per unit traded, got 0.05 \+ 0.05/);
});

test('ruin: equity that reaches zero stops the backtest at that bar; metrics cover the path up to it', () => {
  // 3× long, then the price falls 60% on bar 2: return 3·(−0.6) = −180% → equity 0 at row 2.
  const r = backtestPositions({
    timestamps: [0, H, 2 * H, 3 * H, 4 * H], closes: [100, 125, 50, 100, 200], decisions: [3, 3, 3, 3, 3],
    periodsPerYear: 8760, fee: 0, slippage: 0, capital: 1000,
  });
  assert.equal(r.ruin, { index: 2, timestamp: 2 * H });
  assert.equal([...r.series.equity], [1000, 1750, 0, 0, 0]);
  assert.equal([...r.series.position], [0, 3, 3, 0, 0]);
  assert.equal([...r.series.return], [0, 0.75, -1, 0, 0]);
  assert.is(r.finalEquity, 0);
  assert.is(r.metrics.totalReturn, -1);
  assert.is(r.metrics.maxDrawdown, 1);
  assert.is(r.turnover, 3);
  assert.is(r.trades.length, 1);
  assert.is(r.trades[0].return, -1);
  // buy-and-hold over the same bars (rows 1–2): 100 → 50
  near(r.benchmark.totalReturn!, -0.5);
  assert.is(r.benchmarkFinalEquity, 2000);
  const ok = backtestPositions({ timestamps: [0, H], closes: [1, 2], decisions: [0, 0], periodsPerYear: 8760 });
  assert.is(ok.ruin, null);
});

test.run();
