/**
 * @fileoverview Reads a glow-trade model file in plain JavaScript (browser or Node, no library):
 * checks its signature, CRC-32 and version, parses the JSON header and returns the three flat
 * vectors (f32 parameters, i32 permutations, f32 signs) plus the shape of every flow step, taken
 * from the header's own tensor table — so the file, not this code, says where each tensor lives.
 *
 * File format (docs/wasm-abi.md, src/model/checkpoint.ts):
 *   0–7 "GLOWTRD\0" · 8–11 u32 LE version · 12–15 u32 LE header length H · 16… UTF-8 JSON header ·
 *   zero padding to a multiple of 4 · f32 params · i32 perm · f32 sign · u32 LE CRC-32 of all before.
 */

const MAGIC = 'GLOWTRD\0';
const READS_UP_TO_VERSION = 1;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE, reflected) of bytes[0, end). */
export function crc32(bytes, end = bytes.length) {
  let c = 0xffffffff;
  for (let i = 0; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The eleven parameter tensors of one flow step, in file order, with their ranks. */
export const STEP_TENSORS = [
  ['actnorm.bias', 1], ['actnorm.logs', 1], ['invconv.lower', 2], ['invconv.upper', 2], ['invconv.log_s', 1],
  ['coupling.fc1.weight', 2], ['coupling.fc1.bias', 1], ['coupling.fc2.weight', 2], ['coupling.fc2.bias', 1],
  ['coupling.fc3.weight', 2], ['coupling.fc3.bias', 1],
];

/**
 * Decode model-file bytes. Every error starts with `source` (a file name or URL) and says what is
 * wrong. Returns { version, header, config, params, perm, sign, steps, levels, extra }, where
 * `steps[s]` = { level, d, da, db, nOut, offsets: { 'actnorm.bias': element offset, … }, perm, sign }
 * and `levels[l]` = { width, latent, latentOffset, firstStep }.
 */
export function decodeModelFile(input, source = 'model file') {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const fail = (msg) => {
    throw new Error(`${source}: ${msg}`);
  };
  if (bytes.length < 16 || String.fromCharCode(...bytes.subarray(0, 8)) !== MAGIC) {
    fail(`not a glow-trade model file (expected the "GLOWTRD" signature in the first 8 of ${bytes.length} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The CRC first: it covers every byte, so a flipped version bit reads as corruption, not as "newer";
  // a file whose length disagrees with its header is reported as cut or extended instead.
  const stored = view.getUint32(bytes.length - 4, true);
  const actual = crc32(bytes, bytes.length - 4);
  const corrupt = () => fail(`CRC-32 mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)}): the file is corrupt`);
  const crcOk = stored === actual;
  const version = view.getUint32(8, true);
  if (crcOk && (version < 1 || version > READS_UP_TO_VERSION)) {
    fail(`model format version ${version}; this reader understands versions 1 to ${READS_UP_TO_VERSION}`);
  }
  const headerLength = view.getUint32(12, true);
  if (16 + headerLength > bytes.length) fail(`truncated: the header needs ${16 + headerLength} bytes, the file has ${bytes.length}`);
  let header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + headerLength)));
  } catch (err) {
    if (!crcOk) corrupt();
    fail(`the JSON header is unreadable (${err.message})`);
  }
  if (!header || header.format !== 'glow-trade-model' || !header.config || !Array.isArray(header.tensors)) {
    if (!crcOk) corrupt();
    fail('the header is not a glow-trade model header (needs format, config and tensors)');
  }
  if (header.kind !== undefined && header.kind !== 'glow') fail(`this is a ${header.kind} model file; this page runs GLOW model files`);
  const storeLength = { params: 0, perm: 0, sign: 0 };
  for (const t of header.tensors) {
    if (!(t.store in storeLength)) fail(`tensor "${t.name}" has unknown store "${t.store}"`);
    storeLength[t.store] = Math.max(storeLength[t.store], t.offset + t.size);
  }
  const payloadStart = Math.ceil((16 + headerLength) / 4) * 4;
  const expected = payloadStart + 4 * (storeLength.params + storeLength.perm + storeLength.sign) + 4;
  if (bytes.length !== expected) fail(`expected ${expected} bytes for this header's tensors, the file has ${bytes.length}`);
  if (!crcOk) corrupt();
  // Copy out of the file with explicit little-endian reads (the payload is 4-aligned in the file,
  // but the file's own buffer may not be).
  const params = new Float32Array(storeLength.params);
  const perm = new Int32Array(storeLength.perm);
  const sign = new Float32Array(storeLength.sign);
  let off = payloadStart;
  for (let i = 0; i < params.length; i++, off += 4) params[i] = view.getFloat32(off, true);
  for (let i = 0; i < perm.length; i++, off += 4) perm[i] = view.getInt32(off, true);
  for (let i = 0; i < sign.length; i++, off += 4) sign[i] = view.getFloat32(off, true);
  const nonFinite = params.findIndex((v) => !Number.isFinite(v));
  if (nonFinite >= 0) fail(`parameter element ${nonFinite} is ${params[nonFinite]}`);
  const { steps, levels } = flowStructure(header, fail);
  const extra = {};
  for (const [k, v] of Object.entries(header)) {
    if (!['format', 'version', 'kind', 'config', 'initialized', 'tensors'].includes(k)) extra[k] = v;
  }
  return { version, header, config: header.config, params, perm, sign, steps, levels, extra };
}

/** Step shapes and tensor offsets from the header's tensor table; level widths from the steps. */
function flowStructure(header, fail) {
  const { features, levels: L, steps: K, hidden, coupling } = header.config;
  for (const [key, v] of Object.entries({ features, levels: L, steps: K, hidden })) {
    if (!Number.isInteger(v) || v < 1) fail(`config.${key} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  const get = (name, rank, store = 'params') => {
    const t = byName.get(name);
    if (!t) fail(`the header's tensor table has no "${name}"`);
    if (t.store !== store || t.shape.length !== rank) {
      fail(`tensor "${name}" is ${t.store} [${t.shape}], expected ${store} of rank ${rank}`);
    }
    return t;
  };
  const steps = [];
  for (let l = 0; l < L; l++) {
    for (let k = 0; k < K; k++) {
      const p = `levels.${l}.${k}.`;
      const d = get(p + 'actnorm.bias', 1).shape[0];
      const da = get(p + 'coupling.fc1.weight', 2).shape[1];
      const nOut = get(p + 'coupling.fc3.weight', 2).shape[0];
      const db = d - da;
      if (da !== Math.floor(d / 2) || nOut !== (coupling === 'additive' ? db : 2 * db)) {
        fail(`step ${p.slice(0, -1)}: widths d=${d}, da=${da}, fc3 outputs=${nOut} do not fit a ${coupling} coupling`);
      }
      if (get(p + 'coupling.fc2.weight', 2).shape[0] !== hidden) fail(`step ${p.slice(0, -1)}: fc2 is not ${hidden} wide`);
      const offsets = {};
      for (const [name, rank] of STEP_TENSORS) offsets[name] = get(p + name, rank).offset;
      steps.push({
        level: l, k, d, da, db, nOut, offsets,
        perm: get(p + 'invconv.perm', 1, 'perm').offset, sign: get(p + 'invconv.sign_s', 1, 'sign').offset,
      });
    }
  }
  const levels = [];
  let latentOffset = 0;
  for (let l = 0; l < L; l++) {
    const width = steps[l * K].d;
    const latent = l + 1 < L ? width - steps[(l + 1) * K].d : width;
    levels.push({ width, latent, latentOffset, firstStep: l * K });
    latentOffset += latent;
  }
  if (levels[0].width !== features || latentOffset !== features) {
    fail(`level widths ${levels.map((v) => v.width).join(' → ')} do not add up to ${features} features`);
  }
  return { steps, levels };
}
