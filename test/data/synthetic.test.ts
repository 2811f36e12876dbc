import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateCandles } from '../../src/data/candle-checks.js';
import { simulateMarket, simulateMarketDetailed } from '../../src/data/synthetic.js';
import { stylisedFacts } from '../../src/data/stylised-facts.js';

test('same seed ⇒ identical candles; another seed ⇒ different ones', () => {
  const a = simulateMarket({ bars: 500, seed: 42 });
  const b = simulateMarket({ bars: 500, seed: 42 });
  const c = simulateMarket({ bars: 500, seed: 43 });
  assert.equal(a, b);
  assert.not.equal(Array.from(a.close), Array.from(c.close));
});

test('candles are valid: hourly from the start, open = previous close, OHLC consistent, turnover = volume × typical price', () => {
  const start = Date.UTC(2022, 5, 1);
  const c = simulateMarket({ bars: 2000, seed: 7, start, startPrice: 100 });
  validateCandles(c, { source: 'simulated' });
  assert.is(c.timestamp[0], start);
  assert.is(c.timestamp[1999], start + 1999 * 3_600_000);
  assert.is(c.open[0], 100);
  for (let i = 1; i < 2000; i++) assert.is(c.open[i], c.close[i - 1]);
  for (let i = 0; i < 2000; i++) {
    assert.ok(c.volume[i] > 0);
    assert.is(c.turnover[i], c.volume[i] * ((c.high[i] + c.low[i] + c.close[i]) / 3));
  }
});

test('stylised facts of a simulated year, for three seeds: fat tails, clustered volatility, no linear predictability', () => {
  for (const seed of [1, 2, 3]) {
    const facts = stylisedFacts(simulateMarket({ bars: 8760, seed }).close, { periodsPerYear: 8760 });
    assert.ok(facts.kurtosis > 3, `seed ${seed}: kurtosis ${facts.kurtosis}`);
    facts.absReturnAutocorrelation.forEach((rho, k) => assert.ok(rho > 0.05, `seed ${seed}: |r| autocorrelation at lag ${k + 1} is ${rho}`));
    assert.ok(Math.abs(facts.returnAutocorrelation1) < 0.06, `seed ${seed}: r autocorrelation ${facts.returnAutocorrelation1}`);
    assert.ok(facts.annualisedVolatility > 0.3 && facts.annualisedVolatility < 1.2, `seed ${seed}: volatility ${facts.annualisedVolatility}`);
  }
});

test('volume rises with the size of the move; regimes switch and differ in volatility', () => {
  const { candles: c, regime, sigma } = simulateMarketDetailed({ bars: 8760, seed: 1 });
  const absR = Array.from(c.close, (v, i) => (i === 0 ? 0 : Math.abs(Math.log(v / c.close[i - 1]))));
  const logV = Array.from(c.volume, Math.log);
  assert.ok(correlation(absR.slice(1), logV.slice(1)) > 0.3);
  const switches = regime.reduce((n, k, i) => n + (i > 0 && k !== regime[i - 1] ? 1 : 0), 0);
  assert.ok(switches >= 10 && switches < 500, `${switches} regime switches`);
  const meanSigma = (k: number) => {
    const s = Array.from(sigma).filter((_, i) => regime[i] === k);
    return s.reduce((a, b) => a + b, 0) / s.length;
  };
  assert.ok(meanSigma(2) > 1.5 * meanSigma(1), `stress σ ${meanSigma(2)} vs range σ ${meanSigma(1)}`);
});

test('other intervals and bad options', () => {
  const daily = simulateMarket({ bars: 3, seed: 1, intervalMs: 86_400_000 });
  assert.equal(Array.from(daily.timestamp), [0, 1, 2].map((i) => Date.UTC(2024, 0, 1 + i)));
  assert.is(simulateMarket({ bars: 0, seed: 1 }).close.length, 0);
  assert.throws(() => simulateMarket({ bars: -1, seed: 1 }), /bars must be a non-negative integer/);
  assert.throws(() => simulateMarket({ bars: 1.5, seed: 1 }), /bars must be a non-negative integer/);
  assert.throws(() => simulateMarket({ bars: 1, seed: NaN }), /seed must be a finite number/);
  assert.throws(() => simulateMarket({ bars: 1, seed: 1, intervalMs: 0 }), /intervalMs must be a positive integer/);
  assert.throws(() => simulateMarket({ bars: 1, seed: 1, startPrice: -5 }), /startPrice must be positive/);
});

function correlation(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b, 0) / x.length, my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

test.run();
