/**
 * The forecaster's model file: sizes by arithmetic equal the layout's, a save → load round trip
 * gives identical log p, GLOW and forecaster files are told apart, and crafted headers are refused
 * before anything is sized from them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { ConditionalGlow } from '../../src/model/conditional-glow.js';
import { decodeForecaster, forecasterSize } from '../../src/model/forecaster-checkpoint.js';
import { forecasterLayout } from '../../src/model/forecaster-layout.js';
import { decodeCheckpoint, modelKindOf } from '../../src/model/checkpoint.js';
import { Glow } from '../../src/model/glow.js';
import { Rng } from '../../src/util/rng.js';
import { headerOf, rewriteHeader, thrown, withCrc } from '../helpers/model-bytes.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

test.after(removeTempDirs);

const small = { target: 6, context: 3, levels: 2, steps: 2, hidden: 8, embed: 4, contextHidden: 8 };

function trained(seed = 1) {
  const rng = new Rng(seed);
  const n = 300;
  const c = Float32Array.from({ length: n * 3 }, () => rng.normal());
  const y = Float32Array.from({ length: n * 6 }, (_, i) => (1 + 0.5 * Math.abs(c[Math.floor(i / 6) * 3])) * rng.normal());
  const m = ConditionalGlow.create({ ...small, seed });
  m.fit(y, c, { epochs: 2, batchSize: 64, validationFraction: 0 });
  return { m, y, c };
}

test('sizes by arithmetic equal the layout for several configs', () => {
  for (const cfg of [{}, small, { ...small, base: 'normal' as const, coupling: 'additive' as const, target: 7 }]) {
    const layout = forecasterLayout(cfg);
    const size = forecasterSize(layout.config);
    assert.equal(size, { numel: layout.numel, buffers: layout.permLength, tensors: layout.tensors.length }, JSON.stringify(cfg));
  }
});

test('save → load: identical log p, parameters, seed and extra sections; the header says kind "forecaster"', () => {
  const { m, y, c } = trained();
  const path = join(tempDir(), 'f.bin');
  m.save(path, { note: { a: 1 } });
  const back = ConditionalGlow.load(path);
  assert.equal(back.logProb(y, c), m.logProb(y, c));
  assert.equal(back.getParameters(), m.getParameters());
  assert.is(back.initialized, true);
  assert.is(back.seed, 1);
  assert.is(back.optimizerSteps, m.optimizerSteps);
  assert.equal({ ...(back.extra.note as object) }, { a: 1 });
  const bytes = m.toBytes();
  assert.is(JSON.parse(headerOf(bytes).json).kind, 'forecaster');
  assert.is(modelKindOf(bytes), 'forecaster');
});

test('a GLOW file is refused as a forecaster and the other way round; files without kind are GLOW files', () => {
  const { m } = trained();
  const f = m.toBytes();
  assert.match(thrown(() => decodeCheckpoint(f, { source: 'f.bin' })), /^f\.bin: this is a forecaster model file, not a GLOW/);
  const glow = Glow.create({ features: 4, levels: 1, steps: 1, hidden: 4, seed: 0 });
  const g = glow.toBytes();
  assert.match(thrown(() => ConditionalGlow.fromBytes(g, { source: 'g.bin' })), /^g\.bin: this is a GLOW model file, not a forecaster/);
  const old = rewriteHeader(g, (h) => {
    delete h.kind;
  });
  assert.is(modelKindOf(old), 'glow');
  assert.is(decodeCheckpoint(old).config.features, 4);
  assert.match(thrown(() => decodeCheckpoint(rewriteHeader(g, (h) => {
    h.kind = 'banana';
  }), { source: 'g.bin' })), /kind must be "glow" or "forecaster", got "banana"/);
});

test('crafted forecaster headers are refused before anything is sized from them', () => {
  const { m } = trained();
  const f = m.toBytes();
  const t0 = performance.now();
  assert.match(thrown(() => decodeForecaster(rewriteHeader(f, (h) => {
    h.config.steps = 1e6;
  }), { source: 'x' })), /steps must be at most 1024, got 1000000/);
  assert.match(thrown(() => decodeForecaster(rewriteHeader(f, (h) => {
    h.config.hidden = 9;
  }), { source: 'x' })), /the header's config needs \d+ bytes, the file has \d+/);
  assert.match(thrown(() => decodeForecaster(rewriteHeader(f, (h) => {
    delete h.config.embed;
  }), { source: 'x' })), /forecaster config has no embed/);
  assert.ok(performance.now() - t0 < 5000);
  const flipped = f.slice();
  flipped[flipped.length - 20] ^= 1;
  assert.match(thrown(() => decodeForecaster(flipped, { source: 'x' })), /checksum mismatch/);
  assert.match(thrown(() => decodeForecaster(withCrc(f.slice(0, f.length - 8)), { source: 'x' })), /needs \d+ bytes, the file has/);
});

test.run();
