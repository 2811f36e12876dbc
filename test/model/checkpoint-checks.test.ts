/**
 * @fileoverview The model file read as an attacker writes it: each crafted file has a correct CRC
 * (recomputed), so only the later checks can refuse it, with the exact message — the CRC before the
 * version, sizes against the file length before anything is allocated, a complete config, perm and
 * sign values, and a header that cannot change a prototype.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/model/checkpoint.js';
import { modelLayout } from '../../src/model/layout.js';
import { initialState } from '../../src/model/init.js';
import { Glow } from '../../src/model/glow.js';
import { rewriteHeader, rewritePayload, thrown, withCrc } from '../helpers/model-bytes.js';

const layout = modelLayout({ features: 5, levels: 2, steps: 2, hidden: 8 });
const st = initialState(layout, 3);
const bytes = encodeCheckpoint({ layout, params: Float32Array.from(st.params), perm: st.perm, sign: Float32Array.from(st.sign), initialized: true, extra: { note: 'x' } });
const decode = (b: Uint8Array) => thrown(() => decodeCheckpoint(b, { source: 'm.bin' }));
const PERM = layout.numel; // payload word of the first perm element (levels.0.0.invconv.perm, d = 5)
const SIGN = layout.numel + layout.permLength;

test('a flipped version bit is corruption, not a newer version; a whole newer file is a newer version', () => {
  const flipped = bytes.slice();
  flipped[8] ^= 2; // version 1 → 3, CRC left as written
  assert.match(decode(flipped), /^m\.bin: checksum mismatch \(stored [0-9a-f]+, computed [0-9a-f]+\): the file is corrupt$/);
  const newer = bytes.slice();
  newer[8] = 2;
  assert.is(decode(withCrc(newer)), 'm.bin: written by a newer glow-trade (model format version 2; this version reads up to 1)');
});

test('a config beyond the limits or the memory budget is refused before anything is built', () => {
  const steps = (n: number) => rewriteHeader(bytes, (h) => { h.config.steps = n; });
  // (steps = 1e6 crashed the reader with "heap out of memory" after minutes; 1e5 took ~36 s and 1.1 GB)
  assert.is(decode(steps(1e5)), "m.bin: the header's model config is invalid: invalid model config: steps must be at most 1024, got 100000");
  assert.is(decode(rewriteHeader(bytes, (h) => { h.config.hidden = 9000; })),
    "m.bin: the header's model config is invalid: invalid model config: features=5, levels=2, steps=2, hidden=9000 needs 6.4 GiB of memory, " +
    'more than the 1.0 GiB budget for one model (with the other fields unchanged, hidden ≤ 3412 fits)');
  assert.is(decode(rewriteHeader(bytes, (h) => { h.config.hidden = '8'; })), `m.bin: the header's model config is invalid: invalid model config: hidden must be a positive integer, got "8"`);
});

test('the file length must match the config before the layout is built', () => {
  const bigger = modelLayout({ ...layout.config, hidden: 9 }).numel; // "8" → "9": the header keeps its length
  const needs = bytes.length + 4 * (bigger - layout.numel);
  assert.is(decode(rewriteHeader(bytes, (h) => { h.config.hidden = 9; })), `m.bin: truncated: the header's config needs ${needs} bytes, the file has ${bytes.length}`);
});

test('a missing or partial config is an error, not the defaults', () => {
  assert.is(decode(rewriteHeader(bytes, (h) => { delete h.config; })), 'm.bin: the header has no model config');
  assert.is(decode(rewriteHeader(bytes, (h) => { delete h.config.hidden; delete h.config.coupling; })), "m.bin: the header's model config has no hidden, coupling");
  assert.is(decode(rewriteHeader(bytes, (h) => { h.config = [5]; })), "m.bin: the header's model config must be an object, got [5]");
});

test('a tensor table of the wrong length is refused by count', () => {
  assert.is(decode(rewriteHeader(bytes, (h) => { h.tensors = h.tensors.slice(1); })), "m.bin: the header's tensor table has 51 entries, its config needs 52");
  assert.is(decode(rewriteHeader(bytes, (h) => { h.tensors = 'all'; })), "m.bin: the header's tensor table has no entries, its config needs 52");
});

test('perm must be a permutation of 0…d−1 and sign ±1, named by tensor', () => {
  assert.is(decode(rewritePayload(bytes, PERM, -1, 'i32')), 'm.bin: tensor levels.0.0.invconv.perm must be a permutation of 0…4, element 0 is -1');
  assert.is(decode(rewritePayload(bytes, PERM + 5 + 2, 20000, 'i32')), 'm.bin: tensor levels.0.1.invconv.perm must be a permutation of 0…4, element 2 is 20000');
  const dup = rewritePayload(bytes, PERM + 1, st.perm[0], 'i32');
  assert.is(decode(dup), `m.bin: tensor levels.0.0.invconv.perm must be a permutation of 0…4, ${st.perm[0]} appears twice`);
  assert.is(decode(rewritePayload(bytes, SIGN + 3, NaN, 'f32')), 'm.bin: tensor levels.0.0.invconv.sign_s must hold only +1 or −1, element 3 is NaN');
  assert.is(decode(rewritePayload(bytes, SIGN + 10 + 1, 0.5, 'f32')), 'm.bin: tensor levels.1.0.invconv.sign_s must hold only +1 or −1, element 1 is 0.5');
  assert.is(decode(rewritePayload(bytes, 7, Infinity, 'f32')), 'm.bin: tensor levels.0.0.actnorm.logs holds non-finite values (element 2 is Infinity)');
});

test("the model's own sections: an integer seed and an i32 Adam step count", () => {
  const load = (edit: (h: any) => void) => thrown(() => Glow.fromBytes(rewriteHeader(bytes, edit), { source: 'm.bin' }));
  assert.is(load((h) => { h.seed = 0.5; }), 'm.bin: header section seed must be an integer, got 0.5');
  assert.is(load((h) => { h.optimizerSteps = 1e20; }), 'm.bin: header section optimizerSteps must be an integer from 0 to 2147483647, got 100000000000000000000');
  assert.is(load((h) => { h.optimizerSteps = '12'; }), 'm.bin: header section optimizerSteps must be an integer from 0 to 2147483647, got "12"');
  const ok = Glow.fromBytes(rewriteHeader(bytes, (h) => { h.seed = 7; h.optimizerSteps = 40; }));
  assert.equal([ok.seed, ok.optimizerSteps], [7, 40]);
});

test('a "__proto__" key in the header changes no prototype', () => {
  const evil = rewriteHeader(bytes, (_h, json) => json.replace('{', '{"__proto__":{"seed":42,"polluted":true},').replace('"note":"x"', '"note":{"__proto__":{"x":1}}'));
  const d = decodeCheckpoint(evil);
  assert.is(Object.getPrototypeOf(d.extra), null);
  assert.is('seed' in d.extra, false);
  assert.equal(Object.keys(d.extra).sort(), ['__proto__', 'note']);
  assert.is(Object.getPrototypeOf(d.extra.note), null);
  assert.is((d.extra.note as any).x, undefined);
  assert.is(({} as any).polluted, undefined);
  const glow = Glow.fromBytes(evil);
  assert.is(glow.seed, 0); // not 42 from a prototype
  assert.is('polluted' in glow.extra, false);
});

test.run();
