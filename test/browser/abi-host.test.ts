/**
 * @fileoverview The browser example's standalone host (examples/browser/glow-abi.js and
 * model-file.js, written only from docs/wasm-abi.md) against the library, in Node: it must read
 * the library's model files and give the same log p, latents, inverses and seeded samples, bit for
 * bit, on the same build; refuse bad files and rows with the source named; and detect relaxed SIMD
 * exactly where the relaxed build validates.
 */
import { test } from 'uvu';
import { withCrc } from '../helpers/model-bytes.js';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Glow } from '../../src/model/glow.js';
import { decodeCheckpoint } from '../../src/model/checkpoint.js';
import { loadEngine } from '../../src/wasm/engine.js';
import { Rng } from '../../src/util/rng.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { trainOnCandles } from '../../src/pipeline/train-on-candles.js';
import { bundleToBytes, scaledRows } from '../../src/trading/bundle.js';

const here = (path: string): URL => new URL(`../../../${path}`, import.meta.url);
const simdBytes = readFileSync(here('build/glow.wasm'));
const hostUrl = here('examples/browser/glow-abi.js').href;
const fileUrl = here('examples/browser/model-file.js').href;
const { GlowModel, samplerState, RELAXED_SIMD_PROBE } = await import(hostUrl);
const { decodeModelFile } = await import(fileUrl);
const engine = await loadEngine(simdBytes);
const module = new WebAssembly.Module(simdBytes);

/** A real model file as `glow-trade train` writes it (scaler, strategy…), tiny, and held-out rows. */
const trained = trainOnCandles(simulateMarket({ bars: 900, seed: 11 }), {
  model: { levels: 2, steps: 2, hidden: 8 }, fit: { epochs: 2, batchSize: 64 }, seed: 5,
});
const modelBytes = bundleToBytes(trained.bundle);
const [testFrom, testTo] = trained.split.test;
const rows = scaledRows(trained.bundle.scaler, trained.features, testFrom, testTo);

function bitEqual(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.is(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.unreachable(`${what}[${i}]: host ${b[i]} vs library ${a[i]}`);
  }
}

test('decodeModelFile reads what the library writes: vectors, config, sections, step offsets, level widths', () => {
  const mine = decodeModelFile(modelBytes, 'tiny.bin');
  const lib = decodeCheckpoint(modelBytes);
  bitEqual(lib.params, mine.params, 'params');
  bitEqual(lib.perm, mine.perm, 'perm');
  bitEqual(lib.sign, mine.sign, 'sign');
  assert.equal(mine.config, lib.config);
  assert.equal(mine.extra, JSON.parse(JSON.stringify(lib.extra))); // the library's sections are null-prototype objects
  assert.equal(mine.levels.map((l: any) => [l.width, l.latent, l.latentOffset, l.firstStep]), [[16, 8, 0, 0], [8, 8, 8, 2]]);
  assert.is(mine.steps.length, lib.layout.steps.length);
  lib.layout.steps.forEach((s, i) => {
    const m = mine.steps[i];
    assert.equal([m.d, m.da, m.db, m.nOut, m.perm, m.sign], [s.d, s.da, s.db, s.nOut, s.perm, s.sign], `step ${i} shape`);
    assert.equal(
      [m.offsets['actnorm.bias'], m.offsets['invconv.upper'], m.offsets['coupling.fc3.bias']],
      [s.bias, s.upper, s.fc3b], `step ${i} offsets`);
  });
});

test('decodeModelFile refuses foreign, truncated, corrupt and future files, naming the source', () => {
  assert.throws(() => decodeModelFile(new TextEncoder().encode('{"not":"a model"}'), 'x.json'), /^x\.json: not a glow-trade model file \(expected the "GLOWTRD" signature in the first 8 of 17 bytes\)/);
  assert.throws(() => decodeModelFile(modelBytes.slice(0, modelBytes.length - 9), 'cut.bin'),
    new RegExp(`cut\\.bin: expected ${modelBytes.length} bytes for this header's tensors, the file has ${modelBytes.length - 9}`));
  const flipped = modelBytes.slice();
  flipped[flipped.length - 40] ^= 0x10;
  assert.throws(() => decodeModelFile(flipped, 'bad.bin'), /bad\.bin: CRC-32 mismatch \(stored [0-9a-f]+, computed [0-9a-f]+\): the file is corrupt/);
  const future = modelBytes.slice();
  new DataView(future.buffer).setUint32(8, 2, true);
  // A version bit flipped in transit is corruption (the CRC is checked first) …
  assert.throws(() => decodeModelFile(future, 'flip.bin'), /flip\.bin: CRC-32 mismatch/);
  // … a whole file of a newer format (its CRC matches) is "newer".
  assert.throws(() => decodeModelFile(withCrc(future), 'new.bin'), /new\.bin: model format version 2; this reader understands versions 1 to 1/);
});

test('the host matches the library bit for bit on the same build: log p, encode, decode, samples (chunked)', () => {
  const glow = Glow.fromBytes(modelBytes, { engine });
  const host = new GlowModel(module, decodeModelFile(modelBytes), { capacity: 7 }); // 7 ∤ rows: last chunk partial
  assert.ok(rows.length / 16 > 20, 'enough held-out rows for several chunks');
  const lp = glow.logProb(rows);
  bitEqual(lp, host.logProb(rows), 'log p');
  assert.ok(lp.every(Number.isFinite));
  const enc = glow.encode(rows), hostEnc = host.encode(rows);
  bitEqual(enc.z, hostEnc.z, 'z');
  bitEqual(enc.logDet, hostEnc.logDet, 'log-det');
  bitEqual(glow.decode(enc.z), host.decode(enc.z), 'decode');
  bitEqual(glow.sample(17, { seed: 9, temperature: 0.8 }), host.sample(17, { seed: 9, temperature: 0.8 }), 'samples');
  // arrays of rows are accepted as well as flat Float32Arrays
  const firstTwo = [Array.from(rows.subarray(0, 16)), Array.from(rows.subarray(16, 32))];
  bitEqual(lp.subarray(0, 2), host.logProb(firstTwo), 'log p of nested rows');
});

test('additive coupling with odd widths (5 features, 2 levels) matches too', () => {
  const glow = Glow.create({ features: 5, levels: 2, steps: 2, hidden: 6, coupling: 'additive', seed: 3, engine });
  const rng = new Rng(4);
  const data = Float32Array.from({ length: 300 * 5 }, () => rng.normal() * 1.3 + 0.2);
  glow.initialize(data);
  glow.setParameters(Float32Array.from(glow.getParameters(), (v) => v + 0.05 * rng.normal())); // no identity layer
  const bytes = glow.toBytes();
  const host = new GlowModel(module, decodeModelFile(bytes), { capacity: 64 });
  const x = data.subarray(0, 40 * 5);
  bitEqual(glow.logProb(x), host.logProb(x), 'log p');
  bitEqual(glow.decode(glow.encode(x).z), host.decode(host.encode(x).z), 'round trip');
  bitEqual(glow.sample(9, { seed: 1 }), host.sample(9, { seed: 1 }), 'samples');
});

test('samplerState is the library seeding: the first four outputs of Rng(seed)', () => {
  for (const seed of [0, 1, 42, -7, 2 ** 40 + 3]) {
    const r = new Rng(seed);
    assert.equal(Array.from(samplerState(seed)), [r.nextU32(), r.nextU32(), r.nextU32(), r.nextU32()], `seed ${seed}`);
  }
  assert.throws(() => samplerState(NaN), /seed must be a finite number, got NaN/);
});

test('rows of the wrong width or with non-finite values are refused with the place named', () => {
  const host = new GlowModel(module, decodeModelFile(modelBytes));
  assert.throws(() => host.logProb([new Array(16).fill(0), new Array(15).fill(0)]), /logProb: row 1 has 15 values, the model has 16 features/);
  const bad = new Float32Array(32);
  bad[16 + 3] = NaN;
  assert.throws(() => host.logProb(bad), /logProb: row 1, column 3 is NaN/);
  assert.throws(() => host.sample(2, { temperature: 0 }), /temperature must be > 0/);
});

test('the relaxed-SIMD probe validates exactly where build/glow.relaxed.wasm does', () => {
  const script = `import { readFileSync } from 'node:fs';
    const { relaxedSimdSupported } = await import(${JSON.stringify(hostUrl)});
    const relaxed = readFileSync(new URL(${JSON.stringify(here('build/glow.relaxed.wasm').href)}));
    console.log(JSON.stringify([relaxedSimdSupported(), WebAssembly.validate(relaxed)]));`;
  const run = (flags: string[]): [boolean, boolean] =>
    JSON.parse(execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], { encoding: 'utf8' }));
  const plain = run([]);
  assert.is(plain[0], plain[1], 'probe and relaxed build agree without flags');
  if (process.versions.node.startsWith('20.')) {
    // Node 20 has relaxed SIMD behind a V8 flag: without it neither validates, with it both do.
    assert.equal(plain, [false, false]);
    assert.equal(run(['--experimental-wasm-relaxed-simd']), [true, true]);
  }
  assert.is(RELAXED_SIMD_PROBE.length, 82);
});

test.run();
