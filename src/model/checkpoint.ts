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
 *
 * Reading trusts nothing before it is checked, in this order: signature; the CRC (so a flipped
 * version bit is corruption, not "a newer version"); version; header JSON, parsed into
 * null-prototype objects; the config's types, limits and memory budget; the file length and the
 * tensor count the config implies — all before any layout or vector is built — and finally the
 * payload's values (finite parameters, perm a permutation, sign ±1).
 */
import { type GlowConfig, type ModelSize, modelSize, resolveConfig } from './config.js';
import { type ModelLayout, type TensorSpec, modelLayout } from './layout.js';
import { crc32 } from '../util/crc32.js';
import { show } from '../util/json-checks.js';
import { writeFileAtomic } from '../util/atomic.js';
import { nodeBuiltin } from '../util/node.js';

export const MAGIC = 'GLOWTRD\0';
export const FORMAT_VERSION = 1;
const RESERVED = new Set(['format', 'version', 'kind', 'config', 'initialized', 'tensors']);

/** What a model file holds: a GLOW (DESIGN §3) or a forecaster (§9). Files without `kind` are GLOW files. */
export type ModelKind = 'glow' | 'forecaster';

/** The payload layout of either kind: its config, named tensors and flat vector lengths. */
export interface PayloadLayout {
  config: object;
  tensors: TensorSpec[];
  numel: number;
  permLength: number;
  signLength: number;
}

export interface CheckpointContent {
  layout: PayloadLayout;
  /** Default 'glow'. */
  kind?: ModelKind;
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

export function tensorTable(layout: Pick<PayloadLayout, 'tensors'>) {
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
    kind: c.kind ?? 'glow',
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

/**
 * JSON.parse with every object made null-prototype: a "__proto__" key stays an ordinary key, and
 * no later copy of a header section (spread, assignment, Object.assign) can change a prototype.
 */
export function parseJsonNullProto(text: string): unknown {
  return JSON.parse(text, (_key, value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const o = Object.create(null);
    for (const k of Object.keys(value)) Object.defineProperty(o, k, { value: value[k], enumerable: true, writable: true, configurable: true });
    return o;
  });
}

/** The container every model file shares: signature, version, JSON header and payload bounds. */
export interface ModelContainer {
  version: number;
  /** The parsed header (null-prototype objects all the way down). */
  header: Record<string, unknown>;
  /** Bytes from payloadStart up to (not including) the CRC at bytes.length − 4. */
  payloadStart: number;
  view: DataView;
}

/**
 * Signature, CRC, version, header — in that order: the CRC covers every byte, so once it matches a
 * version or a length is what a writer wrote, and a flipped bit anywhere is reported as corruption
 * (every format version keeps the CRC-32 of all earlier bytes in the last four). When the CRC does
 * not match, a truncated or extended file is told apart from a corrupt one by the header's sizes.
 */
export function readModelContainer(bytes: Uint8Array, src: string, expectedLength: (header: Record<string, any>, headerLen: number) => number = glowFileLength): ModelContainer {
  const fail = (msg: string): never => {
    throw new Error(`${src}: ${msg}`);
  };
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(0, 8)) !== MAGIC) {
    fail(`not a glow-trade model file (no "GLOWTRD" signature)${sniff(bytes)}`);
  }
  if (bytes.length < 20) fail(`truncated: ${bytes.length} bytes, not even a complete file header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = view.getUint32(bytes.length - 4, true);
  const actual = crc32(bytes, 0, bytes.length - 4);
  if (stored !== actual) {
    fail(lengthProblem(bytes, view, expectedLength) ?? `checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)}): the file is corrupt`);
  }
  const version = view.getUint32(8, true);
  if (version > FORMAT_VERSION) {
    fail(`written by a newer glow-trade (model format version ${version}; this version reads up to ${FORMAT_VERSION})`);
  }
  if (version < 1) fail(`invalid model format version ${version}`);
  const headerLen = view.getUint32(12, true);
  if (16 + headerLen > bytes.length - 4) fail(`truncated: the header needs ${16 + headerLen} bytes before the checksum, the file has ${bytes.length}`);
  let header: unknown;
  try {
    header = parseJsonNullProto(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + headerLen)));
  } catch (err) {
    return fail(`the header is not valid JSON (the file is corrupt): ${(err as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header) || (header as Record<string, unknown>).format !== 'glow-trade-model') {
    fail('the header does not describe a glow-trade model');
  }
  return { version, header: header as Record<string, unknown>, payloadStart: Math.ceil((16 + headerLen) / 4) * 4, view };
}

/**
 * Why a file whose CRC does not match is the wrong length, if its header says so (a cut or
 * appended-to file), else null (then it is reported as corrupt). Reads the unverified header only
 * to compute a length: nothing is allocated from it.
 */
function lengthProblem(bytes: Uint8Array, view: DataView, expectedLength: (header: Record<string, any>, headerLen: number) => number): string | null {
  const headerLen = view.getUint32(12, true);
  if (16 + headerLen > bytes.length) return `truncated: the header needs ${16 + headerLen} bytes, the file has ${bytes.length}`;
  try {
    const header = parseJsonNullProto(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + headerLen))) as Record<string, any>;
    if (header.config === null || typeof header.config !== 'object') return null;
    const expected = expectedLength(header, headerLen);
    if (bytes.length < expected) return `truncated: expected ${expected} bytes, the file has ${bytes.length}`;
    if (bytes.length > expected) return `${bytes.length - expected} unexpected bytes after the end of the model`;
  } catch {
    // an unreadable header: the file is simply corrupt
  }
  return null;
}

/** A GLOW file's length from its (unverified) header; NaN for another kind (never "truncated"). */
function glowFileLength(header: Record<string, any>, headerLen: number): number {
  if (header.kind !== undefined && header.kind !== 'glow') return NaN;
  return fileLength(headerLen, modelSize(resolveConfig(header.config)));
}

/** Bytes of a whole file: header, padding, f32 parameters, i32 perm, f32 sign, CRC. */
function fileLength(headerLen: number, size: ModelSize): number {
  return Math.ceil((16 + headerLen) / 4) * 4 + 4 * (size.numel + 2 * size.bufferLength) + 4;
}

const CONFIG_FIELDS = ['features', 'levels', 'steps', 'hidden', 'coupling'] as const;

/** Parse and verify model-file bytes; every failure names `source` and what is wrong. */
export function decodeCheckpoint(bytes: Uint8Array, options: { source?: string } = {}): DecodedCheckpoint {
  const src = options.source ?? 'model file';
  const fail = (msg: string): never => {
    throw new Error(`${src}: ${msg}`);
  };
  const { header, payloadStart, view } = readModelContainer(bytes, src);
  const kind = modelKind(header, src);
  if (kind !== 'glow') fail(`this is a ${kind} model file, not a GLOW (use it with "glow-trade risk", or ConditionalGlow.load in the library)`);
  // A file states its whole config: defaults of this version must not stand in for missing fields.
  const raw = header.config as Record<string, unknown> | undefined;
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    fail(raw === undefined ? 'the header has no model config' : `the header's model config must be an object, got ${show(raw)}`);
  }
  const absent = CONFIG_FIELDS.filter((k) => !(k in raw!));
  if (absent.length) fail(`the header's model config has no ${absent.join(', ')}`);
  let config: GlowConfig;
  let size: ModelSize;
  try {
    config = resolveConfig(raw as Partial<GlowConfig>); // limits and memory budget: nothing allocated yet
    size = modelSize(config);
  } catch (err) {
    return fail(`the header's model config is invalid: ${(err as Error).message}`);
  }
  // Sizes against the file before any layout or vector is built from them.
  const expected = fileLength(payloadStart - 16, size);
  if (bytes.length < expected) fail(`truncated: the header's config needs ${expected} bytes, the file has ${bytes.length}`);
  if (bytes.length > expected) fail(`${bytes.length - expected} unexpected bytes after the end of the model`);
  const got = header.tensors as unknown[] | undefined;
  if (!Array.isArray(got) || got.length !== size.tensors) {
    fail(`the header's tensor table has ${Array.isArray(got) ? got.length : 'no'} entries, its config needs ${size.tensors}`);
  }
  const layout = modelLayout(config);
  const { params, perm, sign, initialized, extra } = readPayload({ header, payloadStart, view }, layout, fail);
  return { config: layout.config, layout, params, perm, sign, initialized, extra };
}

/**
 * The payload of a checked container, for a layout built from its (checked) config: the header's
 * tensor table must be the layout's, the vectors must pass payloadProblem; the header's other
 * sections come back as `extra` (null-prototype).
 */
export function readPayload(
  c: Pick<ModelContainer, 'header' | 'payloadStart' | 'view'>, layout: PayloadLayout, fail: (msg: string) => never,
): { params: Float32Array; perm: Int32Array; sign: Float32Array; initialized: boolean; extra: Record<string, unknown> } {
  const got = c.header.tensors as unknown[];
  const want = tensorTable(layout);
  const i = want.findIndex((t, k) => JSON.stringify(got[k]) !== JSON.stringify(t));
  if (i >= 0) fail(`the header's tensor table does not match its config (first difference at "${want[i].name}")`);
  const params = new Float32Array(layout.numel), perm = new Int32Array(layout.permLength), sign = new Float32Array(layout.signLength);
  let off = c.payloadStart;
  for (let k = 0; k < params.length; k++, off += 4) params[k] = c.view.getFloat32(off, true);
  for (let k = 0; k < perm.length; k++, off += 4) perm[k] = c.view.getInt32(off, true);
  for (let k = 0; k < sign.length; k++, off += 4) sign[k] = c.view.getFloat32(off, true);
  const problem = payloadProblem(layout, params, perm, sign);
  if (problem) fail(problem);
  const extra: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(c.header)) if (!RESERVED.has(k)) extra[k] = v;
  return { params, perm, sign, initialized: c.header.initialized === true, extra };
}

/**
 * What is wrong with a payload the engine would index through, or null: parameters must be finite,
 * each step's perm a permutation of 0…d−1 (the kernels gather with it, so another value reads
 * other memory), each sign ±1 (the flow's log-determinant assumes |sign| = 1).
 */
export function payloadProblem(layout: Pick<PayloadLayout, 'tensors'>, params: Float32Array, perm: Int32Array, sign: Float32Array): string | null {
  for (const t of layout.tensors) {
    if (t.store === 'params') {
      const at = params.subarray(t.offset, t.offset + t.size).findIndex((v) => !Number.isFinite(v));
      if (at >= 0) return `tensor ${t.name} holds non-finite values (element ${at} is ${params[t.offset + at]})`;
    } else if (t.store === 'perm') {
      const seen = new Uint8Array(t.size);
      for (let i = 0; i < t.size; i++) {
        const v = perm[t.offset + i];
        if (v < 0 || v >= t.size) return `tensor ${t.name} must be a permutation of 0…${t.size - 1}, element ${i} is ${v}`;
        if (seen[v]) return `tensor ${t.name} must be a permutation of 0…${t.size - 1}, ${v} appears twice`;
        seen[v] = 1;
      }
    } else {
      for (let i = 0; i < t.size; i++) {
        const v = sign[t.offset + i];
        if (v !== 1 && v !== -1) return `tensor ${t.name} must hold only +1 or −1, element ${i} is ${v}`;
      }
    }
  }
  return null;
}

/** The header's kind: 'glow' when absent (files written before the forecaster existed). */
export function modelKind(header: Record<string, unknown>, src: string): ModelKind {
  const kind = header.kind;
  if (kind === undefined || kind === 'glow') return 'glow';
  if (kind === 'forecaster') return 'forecaster';
  throw new Error(`${src}: the header's kind must be "glow" or "forecaster", got ${show(kind)}`);
}

/** The kind of model in file bytes (the container is fully checked first). */
export function modelKindOf(bytes: Uint8Array, source = 'model file'): ModelKind {
  return modelKind(readModelContainer(bytes, source).header, source);
}

/** Write a model file atomically (temp file + rename): a failed save never leaves a partial file. */
export function saveCheckpoint(path: string, content: CheckpointContent): void {
  writeFileAtomic(path, encodeCheckpoint(content));
}

/** The bytes of a model file; an unreadable file is an error naming it. */
export function readModelFile(path: string): Uint8Array {
  try {
    return nodeBuiltin<typeof import('node:fs')>('node:fs', `reading ${path}`).readFileSync(path);
  } catch (err) {
    throw new Error(`${path}: cannot read the model file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function loadCheckpoint(path: string): DecodedCheckpoint {
  return decodeCheckpoint(readModelFile(path), { source: path });
}
