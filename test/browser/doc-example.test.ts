/**
 * @fileoverview docs/wasm-abi.md's worked example is code that runs: the test cuts the
 * `glow-minimal.mjs` block out of the page, imports it from a temp file and checks its log p and
 * samples against the library on the same build (bit for bit), so the documented ABI cannot drift
 * from the module unnoticed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Glow } from '../../src/model/glow.js';
import { loadEngine } from '../../src/wasm/engine.js';
import { Rng } from '../../src/util/rng.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const here = (path: string): URL => new URL(`../../../${path}`, import.meta.url);
const simdBytes = readFileSync(here('build/glow.wasm'));

/** The fenced block of docs/wasm-abi.md that starts with the "// glow-minimal.mjs" line. */
function workedExample(): string {
  const doc = readFileSync(here('docs/wasm-abi.md'), 'utf8');
  const m = /```js\n(\/\/ glow-minimal\.mjs[\s\S]*?)```/.exec(doc);
  if (!m) throw new Error('docs/wasm-abi.md: no ```js block starting with "// glow-minimal.mjs"');
  return m[1];
}

test.after(removeTempDirs);

test('the documented worked example gives the library\'s log p and samples', async () => {
  const dir = tempDir();
  const file = join(dir, 'glow-minimal.mjs');
  writeFileSync(file, workedExample());
  const { openGlow } = await import(pathToFileURL(file).href);

  const engine = await loadEngine(simdBytes);
  for (const config of [
    { features: 6, levels: 2, steps: 2, hidden: 8, coupling: 'affine' as const },
    { features: 7, levels: 3, steps: 1, hidden: 5, coupling: 'additive' as const },
  ]) {
    const glow = Glow.create({ ...config, seed: 2, engine });
    const rng = new Rng(8);
    const data = Float32Array.from({ length: 256 * config.features }, () => rng.normal() * 0.7 - 0.1);
    glow.initialize(data);
    glow.setParameters(Float32Array.from(glow.getParameters(), (v) => v + 0.05 * rng.normal()));
    const doc = await openGlow(simdBytes, glow.toBytes(), 64);
    const rows = data.subarray(0, 50 * config.features);
    const want = glow.logProb(rows);
    const got: Float64Array = doc.logProb(rows);
    assert.equal(Array.from(got), Array.from(want), `log p, ${JSON.stringify(config)}`);
    const seeded = new Rng(5);
    const state = Uint32Array.from({ length: 4 }, () => seeded.nextU32());
    const samples: Float32Array = doc.sample(12, state, 0.9);
    assert.equal(Array.from(samples), Array.from(glow.sample(12, { seed: 5, temperature: 0.9 })), `samples, ${JSON.stringify(config)}`);
    assert.ok(samples.every(Number.isFinite));
  }
});

test.run();
