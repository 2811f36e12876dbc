/**
 * @fileoverview Crafting model files as an attacker would: rewrite the JSON header or payload of
 * a real file and recompute the CRC, so that only the checks after the checksum can refuse it.
 */
import { crc32 } from '../../src/util/crc32.js';

/** The header's JSON text and where the payload (after the padding) starts. */
export function headerOf(bytes: Uint8Array): { json: string; payloadStart: number } {
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(12, true);
  return { json: new TextDecoder().decode(bytes.subarray(16, 16 + len)), payloadStart: Math.ceil((16 + len) / 4) * 4 };
}

/** Store a correct CRC-32 in the last four bytes (in place) and return the bytes. */
export function withCrc(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(bytes.length - 4, crc32(bytes, 0, bytes.length - 4), true);
  return bytes;
}

/**
 * The file with its header replaced: `edit` changes the parsed header in place, or returns new JSON
 * text (for keys JSON.stringify cannot write, like "__proto__"). The payload is kept; the CRC is
 * recomputed.
 */
export function rewriteHeader(bytes: Uint8Array, edit: (header: any, json: string) => void | string): Uint8Array {
  const { json, payloadStart } = headerOf(bytes);
  const header = JSON.parse(json);
  const text = new TextEncoder().encode(edit(header, json) ?? JSON.stringify(header));
  const start = Math.ceil((16 + text.length) / 4) * 4;
  const payload = bytes.subarray(payloadStart, bytes.length - 4);
  const out = new Uint8Array(start + payload.length + 4);
  out.set(bytes.subarray(0, 12));
  new DataView(out.buffer).setUint32(12, text.length, true);
  out.set(text, 16);
  out.set(payload, start);
  return withCrc(out);
}

/** The file with payload word `index` (counting f32 params, then i32 perm, then f32 sign) replaced. */
export function rewritePayload(bytes: Uint8Array, index: number, value: number, type: 'f32' | 'i32'): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const at = headerOf(out).payloadStart + 4 * index;
  if (type === 'f32') view.setFloat32(at, value, true);
  else view.setInt32(at, value, true);
  return withCrc(out);
}

/** The message `fn` throws (or "no error"), for exact assertions. */
export function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}
