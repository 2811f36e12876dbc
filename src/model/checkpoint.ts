/**
 * @fileoverview The model file (DESIGN §7): one binary file that is either whole or refused.
 *
 *   bytes 0–7    magic "GLOWTRD\0"
 *   bytes 8–11   u32 LE format version (1)
 *   bytes 12–15  u32 LE header length H
 *   16 … 16+H    header, UTF-8 JSON: { format, version, config, initialized, tensors, …sections }
 *   zero padding to a multiple of 4
 *   payload      f32 LE parameters (layout.numel), i32 LE perm vector, f32 LE sign vector
 *   last 4       u32 LE CRC-32 of every byte before it
 *
 * Later work adds header sections (scaler, featureNames, strategy, training…); a reader keeps
 * sections it does not know, so old files stay readable and new sections survive a round trip.
 */
import type { GlowConfig } from './config.js';
import { type ModelLayout, type TensorSpec, modelLayout } from './layout.js';
import { crc32 } from '../util/crc32.js';
import { writeFileAtomic } from '../util/atomic.js';
import { nodeBuiltin } from '../util/node.js';

export const MAGIC = 'GLOWTRD\0';
export const FORMAT_VERSION = 1;
const RESERVED = new Set(['format', 'version', 'config', 'initialized', 'tensors']);

export interface CheckpointContent {
  layout: ModelLayout;
  params: Float32Array;
  perm: Int32Array;
  sign: Float32Array | Float64Array;
  initialized: boolean;
  /** Extra header sections (plain JSON values). */
  extra?: Record<string, unknown>;
}

export interface DecodedCheckpoint {
  config: GlowConfig;
  layout: ModelLayout;
  params: Float32Array;
  perm: Int32Array;
  sign: Float32Array;
  initialized: boolean;
  extra: Record<string, unknown>;
}

function tensorTable(layout: ModelLayout) {
  return layout.tensors.map((t) => ({
    name: t.name, shape: t.shape, store: t.store, offset: t.offset, size: t.size, dtype: t.store === 'perm' ? 'i32' : 'f32',
  }));
}

/** Serialise a model to the bytes of a model file. */
export function encodeCheckpoint(c: CheckpointContent): Uint8Array {
  const { layout } = c;
  if (c.params.length !== layout.numel || c.perm.length !== layout.permLength || c.sign.length !== layout.signLength) {
    throw new RangeError('encodeCheckpoint: vectors do not match the layout');
  }
  for (let i = 0; i < c.params.length; i++) {
    if (!Number.isFinite(c.params[i])) throw new RangeError(`encodeCheckpoint: parameter ${i} is ${c.params[i]}`);
  }
  const extra = c.extra ?? {};
  for (const k of Object.keys(extra)) {
    if (RESERVED.has(k)) throw new RangeError(`encodeCheckpoint: "${k}" is a reserved header key`);
  }
  const header = {
    format: 'glow-trade-model',
    version: FORMAT_VERSION,
    config: layout.config,
    initialized: c.initialized,
    tensors: tensorTable(layout),
    ...extra,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerEnd = 16 + json.length;
  const payloadStart = Math.ceil(headerEnd / 4) * 4;
  const payloadBytes = 4 * (layout.numel + layout.permLength + layout.signLength);
  const total = payloadStart + payloadBytes + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, 16);
  let off = payloadStart;
  for (let i = 0; i < c.params.length; i++, off += 4) view.setFloat32(off, c.params[i], true);
  for (let i = 0; i < c.perm.length; i++, off += 4) view.setInt32(off, c.perm[i], true);
  for (let i = 0; i < c.sign.length; i++, off += 4) view.setFloat32(off, c.sign[i], true);
  view.setUint32(off, crc32(out, 0, off), true);
  return out;
}

/** What a foreign file looks like, for the error message. */
function sniff(b: Uint8Array): string {
  const head = new TextDecoder().decode(b.subarray(0, 8));
  if (b[0] === 0x89 && head.slice(1, 4) === 'PNG') return ' (it looks like a PNG image)';
  if (head.startsWith('PK')) return ' (it looks like a ZIP archive)';
  if (/^\s*[{[]/.test(head)) return ' (it looks like JSON)';
  if (/^[\x20-\x7e\s]*$/.test(head)) return ' (it looks like text)';
  return '';
}

/** Parse and verify model-file bytes; every failure names `source` and what is wrong. */
export function decodeCheckpoint(bytes: Uint8Array, options: { source?: string } = {}): DecodedCheckpoint {
  const src = options.source ?? 'model file';
  const fail = (msg: string): never => {
    throw new Error(`${src}: ${msg}`);
  };
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(0, 8)) !== MAGIC) {
    fail(`not a glow-trade model file (no "GLOWTRD" signature)${sniff(bytes)}`);
  }
  if (bytes.length < 16) fail(`truncated: ${bytes.length} bytes, not even a complete file header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version > FORMAT_VERSION) {
    fail(`written by a newer glow-trade (model format version ${version}; this version reads up to ${FORMAT_VERSION})`);
  }
  if (version < 1) fail(`invalid model format version ${version}`);
  const headerLen = view.getUint32(12, true);
  if (16 + headerLen > bytes.length) fail(`truncated: the header needs ${16 + headerLen} bytes, the file has ${bytes.length}`);
  let header: Record<string, any>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + headerLen)));
  } catch (err) {
    return fail(`the header is not valid JSON (the file is corrupt): ${(err as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || header.format !== 'glow-trade-model') {
    fail('the header does not describe a glow-trade model');
  }
  let layout: ModelLayout;
  try {
    layout = modelLayout(header.config);
  } catch (err) {
    return fail(`the header's model config is invalid: ${(err as Error).message}`);
  }
  const want = tensorTable(layout);
  const got: unknown[] = Array.isArray(header.tensors) ? header.tensors : [];
  if (got.length !== want.length || JSON.stringify(got) !== JSON.stringify(want)) {
    const i = want.findIndex((t, k) => JSON.stringify(got[k]) !== JSON.stringify(t));
    fail(`the header's tensor table does not match its config (first difference at "${want[Math.max(i, 0)].name}")`);
  }
  const payloadStart = Math.ceil((16 + headerLen) / 4) * 4;
  const payloadBytes = 4 * (layout.numel + layout.permLength + layout.signLength);
  const expected = payloadStart + payloadBytes + 4;
  if (bytes.length < expected) fail(`truncated: expected ${expected} bytes, the file has ${bytes.length}`);
  if (bytes.length > expected) fail(`${bytes.length - expected} unexpected bytes after the end of the model`);
  const stored = view.getUint32(expected - 4, true);
  const actual = crc32(bytes, 0, expected - 4);
  if (stored !== actual) {
    fail(`checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)}): the file is corrupt`);
  }
  const params = new Float32Array(layout.numel);
  const perm = new Int32Array(layout.permLength);
  const sign = new Float32Array(layout.signLength);
  let off = payloadStart;
  for (let i = 0; i < params.length; i++, off += 4) params[i] = view.getFloat32(off, true);
  for (let i = 0; i < perm.length; i++, off += 4) perm[i] = view.getInt32(off, true);
  for (let i = 0; i < sign.length; i++, off += 4) sign[i] = view.getFloat32(off, true);
  const bad = layout.tensors.find((t: TensorSpec) => t.store === 'params' && params.subarray(t.offset, t.offset + t.size).some((v) => !Number.isFinite(v)));
  if (bad) fail(`tensor ${bad.name} holds non-finite values`);
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(header)) if (!RESERVED.has(k)) extra[k] = v;
  return { config: layout.config, layout, params, perm, sign, initialized: header.initialized === true, extra };
}

/** Write a model file atomically (temp file + rename): a failed save never leaves a partial file. */
export function saveCheckpoint(path: string, content: CheckpointContent): void {
  writeFileAtomic(path, encodeCheckpoint(content));
}

export function loadCheckpoint(path: string): DecodedCheckpoint {
  let bytes: Uint8Array;
  try {
    bytes = nodeBuiltin<typeof import('node:fs')>('node:fs', `reading ${path}`).readFileSync(path);
  } catch (err) {
    throw new Error(`${path}: cannot read the model file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return decodeCheckpoint(bytes, { source: path });
}
