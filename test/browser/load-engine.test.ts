/**
 * @fileoverview Callers can hand the .wasm to the library as bytes, an ArrayBuffer, a file path
 * (relative or absolute), a file: URL, an http: URL or a compiled module; `Glow.fromBytes(file,
 * { engine })` then runs on it and gives the same log p as any other way of loading the same build.
 * Failures name what could not be loaded.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Glow } from '../../src/model/glow.js';
import { type Engine, type EngineSource, loadEngine } from '../../src/wasm/engine.js';
import { Rng } from '../../src/util/rng.js';
import { rejects } from '../helpers/assert.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { type StaticServer, startStaticServer } from '../helpers/static-server.js';

const buildUrl = new URL('../../../build/', import.meta.url);
const simdUrl = new URL('glow.wasm', buildUrl);
const simdPath = fileURLToPath(simdUrl);
const simdBytes = readFileSync(simdUrl);

const rng = new Rng(21);
const rows = Float32Array.from({ length: 300 * 6 }, () => rng.normal());
const modelFile = (() => {
  const glow = Glow.create({ features: 6, levels: 2, steps: 2, hidden: 8, seed: 4 });
  glow.initialize(rows);
  glow.setParameters(Float32Array.from(glow.getParameters(), (v) => v + 0.05 * rng.normal()));
  return glow.toBytes();
})();

let server: StaticServer;
let reference: Float64Array;
test.before(async () => {
  server = await startStaticServer({ '/wasm/': fileURLToPath(buildUrl) });
  reference = Glow.fromBytes(modelFile, { engine: await loadEngine(simdBytes) }).logProb(rows);
});
test.after(async () => {
  removeTempDirs();
  await server.close();
});

/** log p of the rows with the model file on `engine`. */
function logProbOn(engine: Engine): Float64Array {
  return Glow.fromBytes(modelFile, { engine }).logProb(rows);
}

test('every way of passing the plain SIMD build gives the same engine and the same log p, bit for bit', async () => {
  const ways: [string, () => EngineSource, string][] = [
    ['Uint8Array', () => new Uint8Array(simdBytes), 'bytes'],
    ['ArrayBuffer', () => simdBytes.buffer.slice(simdBytes.byteOffset, simdBytes.byteOffset + simdBytes.byteLength), 'bytes'],
    ['relative path', () => relative(process.cwd(), simdPath), simdUrl.href],
    ['absolute path', () => simdPath, simdUrl.href],
    ['file: URL', () => simdUrl, simdUrl.href],
    ['file: URL string', () => simdUrl.href, simdUrl.href],
    ['http: URL', () => new URL(`${server.baseUrl}/wasm/glow.wasm`), `${server.baseUrl}/wasm/glow.wasm`],
    ['http: URL string', () => `${server.baseUrl}/wasm/glow.wasm`, `${server.baseUrl}/wasm/glow.wasm`],
    ['WebAssembly.Module', () => new WebAssembly.Module(simdBytes), 'module'],
  ];
  for (const [what, source, origin] of ways) {
    const engine = await loadEngine(source());
    assert.is(engine.variant, 'simd', what);
    assert.is(engine.origin, origin, what);
    assert.equal(Array.from(logProbOn(engine)), Array.from(reference), what);
  }
  assert.is(server.requests.filter((r) => r.path === '/wasm/glow.wasm' && r.status === 200).length, 2);
});

test('the relaxed-SIMD build loads from a URL and agrees with the plain build within 1e-4', async () => {
  // Not asserted: engine.variant. Once V8's relaxed-SIMD flag is on (defaultEngine() switches it on
  // in Node 20), loadEngine cannot tell the builds apart by validation and reports 'simd'.
  const engine = await loadEngine(new URL(`${server.baseUrl}/wasm/glow.relaxed.wasm`));
  const lp = logProbOn(engine);
  lp.forEach((v, i) => assert.ok(Math.abs(v - reference[i]) <= 1e-4, `row ${i}: ${v} vs ${reference[i]}`));
});

test('failures name what could not be loaded', async () => {
  await rejects(loadEngine(`${server.baseUrl}/wasm/missing.wasm`), /cannot load the glow-trade wasm from http:\/\/127\.0\.0\.1:\d+\/wasm\/missing\.wasm: HTTP 404/);
  await rejects(loadEngine(fileURLToPath(new URL('missing.wasm', buildUrl))), /no such file or directory.*build\/missing\.wasm/);
  await rejects(loadEngine(new TextEncoder().encode('not wasm at all')), /cannot load the glow-trade wasm from bytes: not a WebAssembly module \(15 bytes, expected the magic bytes \\0asm at the start\)/);
  const bogus = join(tempDir(), 'bogus.wasm');
  writeFileSync(bogus, 'GLOWxxxx');
  await rejects(loadEngine(bogus), /cannot load the glow-trade wasm from file:\/\/.*bogus\.wasm: not a WebAssembly module \(8 bytes/);
  // the right magic but a broken body: still names the source
  await rejects(loadEngine(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 9])), /from bytes: a WebAssembly module that does not compile here/);
});

test.run();
