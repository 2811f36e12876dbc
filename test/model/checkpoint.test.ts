import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, loadCheckpoint, saveCheckpoint } from '../../src/model/checkpoint.js';
import { modelLayout } from '../../src/model/layout.js';
import { initialState } from '../../src/model/init.js';
import { crc32 } from '../../src/util/crc32.js';

const layout = modelLayout({ features: 5, levels: 2, steps: 2, hidden: 8 });
const st = initialState(layout, 3);
const content = () => ({
  layout,
  params: Float32Array.from(st.params, (v, i) => v + i * 1e-3),
  perm: st.perm,
  sign: Float32Array.from(st.sign),
  initialized: true,
  extra: { scaler: { mean: [1, 2], std: [3, 4] }, future: { nested: [1, 'two', null] } },
});

test('crc32 of the standard check string', () => {
  assert.is(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});

test('round trip is bit-identical and keeps unknown header sections', () => {
  const c = content();
  const bytes = encodeCheckpoint(c);
  assert.is(String.fromCharCode(...bytes.subarray(0, 7)), 'GLOWTRD');
  const d = decodeCheckpoint(bytes);
  assert.equal(Array.from(d.params), Array.from(c.params));
  assert.equal(Array.from(d.perm), Array.from(c.perm));
  assert.equal(Array.from(d.sign), Array.from(c.sign));
  assert.is(d.initialized, true);
  assert.equal(d.config, layout.config);
  assert.equal(JSON.parse(JSON.stringify(d.extra)), c.extra); // same data (the sections are null-prototype objects)
});

test('corruption, truncation, foreign files and future versions are refused with the file named', () => {
  const bytes = encodeCheckpoint(content());
  const flipped = bytes.slice();
  flipped[bytes.length - 100] ^= 1;
  assert.throws(() => decodeCheckpoint(flipped, { source: 'a.bin' }), /^a\.bin: checksum mismatch .* corrupt/);
  const cut = bytes.length - 50;
  assert.throws(() => decodeCheckpoint(bytes.slice(0, cut), { source: 'a.bin' }), new RegExp(`a\\.bin: truncated: expected ${bytes.length} bytes, the file has ${cut}`));
  assert.throws(() => decodeCheckpoint(bytes.slice(0, 40), { source: 'a.bin' }), /a\.bin: truncated: the header needs \d+ bytes, the file has 40/);
  assert.throws(() => decodeCheckpoint(new TextEncoder().encode('{"a":1}'), { source: 'x.json' }), /x\.json: not a glow-trade model file .*JSON/);
  const future = bytes.slice();
  new DataView(future.buffer).setUint32(8, 2, true);
  new DataView(future.buffer).setUint32(future.length - 4, crc32(future, 0, future.length - 4), true); // a whole newer file
  assert.throws(() => decodeCheckpoint(future, { source: 'n.bin' }), /n\.bin: written by a newer glow-trade \(model format version 2/);
  const longer = new Uint8Array(bytes.length + 3);
  longer.set(bytes);
  assert.throws(() => decodeCheckpoint(longer), /3 unexpected bytes/);
  const badHeader = bytes.slice();
  badHeader[20] = 0x7b; // corrupt the JSON
  assert.throws(() => decodeCheckpoint(badHeader), /checksum mismatch .*: the file is corrupt/);
  const nan = content();
  nan.params[7] = NaN;
  assert.throws(() => encodeCheckpoint(nan), /parameter 7 is NaN/);
  assert.throws(() => encodeCheckpoint({ ...content(), extra: { config: 1 } }), /reserved header key/);
});

test('saving is atomic: no temp files remain, and a failed save leaves the old file untouched', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glow-ck-'));
  const path = join(dir, 'model.bin');
  saveCheckpoint(path, content());
  assert.equal(readdirSync(dir), ['model.bin']);
  const before = readFileSync(path);
  const bad = content();
  bad.params[0] = Infinity;
  assert.throws(() => saveCheckpoint(path, bad), /parameter 0 is Infinity/);
  assert.equal(readdirSync(dir), ['model.bin']);
  assert.ok(Buffer.compare(before, readFileSync(path)) === 0);
  assert.equal(Array.from(loadCheckpoint(path).params), Array.from(content().params));
  writeFileSync(join(dir, 'empty.bin'), '');
  assert.throws(() => loadCheckpoint(join(dir, 'empty.bin')), /empty\.bin: not a glow-trade model file/);
  assert.throws(() => loadCheckpoint(join(dir, 'nope.bin')), /nope\.bin: cannot read the model file: ENOENT/);
});

test.run();
