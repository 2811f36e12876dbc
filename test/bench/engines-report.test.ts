/**
 * The bench's side-by-side engine rows (bench/engines-report.ts): ratios are medians of per-round
 * ratios, their spread the host-steadiness figure, the anchor's best engine is the one compared,
 * single-row latency is "× lower", and a missing anchor leaves its cells empty.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { engineRows } from '../../bench/engines-report.js';
import type { Measured } from '../../bench/report.js';

function m(engine: string, task: Measured['task'], batch: number, threads: number, repRates: number[]): Measured {
  const sps = [...repRates].sort((a, b) => a - b)[1];
  return { engine, task, batch, threads, flopsPerSample: 1, samplesPerSecond: sps, repRates, gflops: 0, usPerCall: (1e6 * batch) / sps, otherProcessesCores: [] };
}

test('ratios are medians of per-round ratios, spread is max ÷ min of them, against the best anchor engine', () => {
  const cases = [
    m('wasm-relaxed-simd', 'logprob', 4096, 1, [100, 50, 80]),
    m('torch-eager', 'logprob', 4096, 1, [10, 10, 10]),
    m('torch-jit_frozen', 'logprob', 4096, 1, [200, 100, 100]),
    m('ort-node', 'logprob', 4096, 1, [100, 100, 100]),
    m('wasm-relaxed-simd', 'logprob-1row', 1, 1, [1e5, 1e5, 2e5]),
    m('ort-node', 'logprob-1row', 1, 1, [1e4, 1e4, 1e4]),
  ];
  const rows = engineRows(cases, 'wasm-relaxed-simd');
  const lp = rows.find((r) => r.task === 'logprob' && r.threads === 1)!;
  // per round vs torch-jit_frozen (the faster by median): 0.5, 0.5, 0.8
  assert.equal(lp.ratios.pytorch, { ratio: 0.5, spread: 0.8 / 0.5, against: 'torch-jit_frozen' });
  assert.equal(lp.ratios.ortNode, { ratio: 0.8, spread: 2, against: 'ort-node' });
  assert.is(lp.ratios.ortWeb, null);
  assert.is(lp.values.ortWeb, null);
  assert.is(lp.values.ours, 80);
  const one = rows.find((r) => r.task === 'logprob-1row')!;
  assert.equal(one.ratios.ortNode, { ratio: 10, spread: 2, against: 'ort-node (latency)' });
  assert.is(one.values.ours, 10); // µs per call
  assert.is(rows.find((r) => r.task === 'train' && r.batch === 256 && r.threads === 2)!.values.ours, null);
});

test.run();
