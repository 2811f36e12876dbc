import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { explainSignal } from '../../src/trading/explain-signal.js';
import { resolveStrategyOptions } from '../../src/trading/strategy-options.js';
import type { Signal } from '../../src/trading/strategy.js';

const options = resolveStrategyOptions({});
const cal = { threshold: -20, options };
const signal = (over: Partial<Signal>): Signal => ({
  position: 0.4, logLikelihood: -10, inDistribution: true, confidence: 0.5, regime: 1, raw: 0.8, edge: 0.01,
  edgeClearsCost: true, keep: false, latent: new Float32Array(2), ...over,
});

test('a position that follows a non-zero target needs no explanation', () => {
  assert.equal(explainSignal(signal({}), cal, 0, 0.4), []);
});

test('the likelihood filter names the log-likelihood, the threshold and its quantile', () => {
  assert.equal(explainSignal(signal({ position: 0, logLikelihood: -31.5, inDistribution: false }), cal, 0, 0), [
    "likelihood filter: log-likelihood -31.500 is below the model's threshold -20.000 (the 5% quantile of its training bars): " +
    'the market looks unlike anything the model learned, so it does not trade',
  ]);
});

test('the cost hurdle names the predicted return and the hurdle; with belowEdge hold the holding is kept', () => {
  const weak = signal({ position: 0, edge: -0.0012, edgeClearsCost: false, keep: true });
  assert.equal(explainSignal(weak, cal, 0.5, 0.5), [
    'cost hurdle: the predicted return over the next 8 bars is -0.120%, smaller than the hurdle ±0.225% ' +
    '(minEdge 1.5 × cost 0.150% per unit traded), so the held position is kept',
  ]);
  const flat = explainSignal({ ...weak, keep: false }, { ...cal, options: { ...options, belowEdge: 'flat' } }, 0, 0);
  assert.match(flat[0], /, so the target is flat$/);
});

test('confidence minimum, regime filter and long-only are named', () => {
  const strict = { ...cal, options: { ...options, minConfidence: 0.6, allowedRegimes: [0, 2] } };
  assert.equal(explainSignal(signal({ position: 0 }), strict, 0, 0), [
    'confidence 0.500 is below the minimum 0.6',
    'regime filter: regime 1 is not among the allowed regimes 0, 2',
  ]);
  const longOnly = { ...cal, options: { ...options, longOnly: true } };
  assert.equal(explainSignal(signal({ position: 0, raw: -0.8 }), longOnly, 0, 0), ['long-only: the direction is short, so the target is flat']);
});

test('the rebalance band keeps the holding when the target is close to it', () => {
  assert.equal(explainSignal(signal({ position: 0.08221 }), cal, 0, 0), [
    'rebalance band: the target 0.0822 is within 0.75 of the holding 0, so the holding is kept (trading the difference would cost more than it changes)',
  ]);
});

test.run();
