/**
 * @fileoverview The forecaster's model file: the container of checkpoint.ts (signature, version,
 * JSON header, f32 parameters, i32 perm, f32 sign, CRC-32) with `kind: "forecaster"` and a
 * ForecasterConfig. As for the GLOW, the container and its CRC are checked first, then the whole
 * config within its limits, then the file's length against the sizes the config implies — all
 * before any layout or vector is built — then the tensor table and the payload.
 */
import { type ForecasterConfig, resolveForecasterConfig } from './forecaster-config.js';
import { type ForecasterLayout, forecasterLayout } from './forecaster-layout.js';
import { CONFIG_LIMITS, levelWidths } from './config.js';
import { encodeCheckpoint, modelKind, readModelContainer, readModelFile, readPayload } from './checkpoint.js';
import { show } from '../util/json-checks.js';

const CONFIG_FIELDS = ['target', 'context', 'levels', 'steps', 'hidden', 'embed', 'contextHidden', 'base', 'coupling'] as const;
/** Widths beyond these are refused before anything is sized from them (32-bit offsets stay safe). */
export const FORECASTER_LIMITS = Object.freeze({ target: 4096, context: 4096, embed: 4096, contextHidden: 16384 });

export interface DecodedForecaster {
  config: ForecasterConfig;
  layout: ForecasterLayout;
  params: Float32Array;
  perm: Int32Array;
  sign: Float32Array;
  initialized: boolean;
  extra: Record<string, unknown>;
}

/** Elements of the flat vectors a config implies, by arithmetic only (no allocation). */
export function forecasterSize(c: ForecasterConfig): { numel: number; buffers: number; tensors: number } {
  const { levelWidths: widths } = levelWidths(c.target, c.levels);
  const Hn = c.hidden, E = c.embed, Hc = c.contextHidden, T = c.target;
  let numel = Hc * c.context + Hc + E * Hc + E, buffers = 0, tensors = 4;
  for (const d of widths) {
    const da = Math.floor(d / 2), db = d - da, nOut = c.coupling === 'affine' ? 2 * db : db;
    numel += c.steps * (2 * d + 2 * d * d + d + Hn * (da + E) + Hn + Hn * Hn + Hn + nOut * Hn + nOut);
    buffers += c.steps * d;
    tensors += c.steps * 13;
  }
  numel += Hc * E + Hc + 2 * T * Hc + 2 * T + (c.base === 'student-t' ? T : 0);
  tensors += c.base === 'student-t' ? 5 : 4;
  return { numel, buffers, tensors };
}

/** Bytes of a whole file: header, padding, f32 parameters, i32 perm, f32 sign, CRC. */
function fileLength(headerLen: number, size: { numel: number; buffers: number }): number {
  return Math.ceil((16 + headerLen) / 4) * 4 + 4 * (size.numel + 2 * size.buffers) + 4;
}

function checkedConfig(raw: unknown, fail: (m: string) => never): ForecasterConfig {
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    fail(raw === undefined ? 'the header has no model config' : `the header's model config must be an object, got ${show(raw)}`);
  }
  const r = raw as Record<string, unknown>;
  const absent = CONFIG_FIELDS.filter((k) => !(k in r));
  if (absent.length) fail(`the header's forecaster config has no ${absent.join(', ')}`);
  for (const [k, max] of Object.entries({ ...FORECASTER_LIMITS, levels: CONFIG_LIMITS.levels, steps: CONFIG_LIMITS.steps, hidden: CONFIG_LIMITS.hidden })) {
    const v = r[k];
    if (typeof v === 'number' && v > max) fail(`the header's forecaster config is invalid: ${k} must be at most ${max}, got ${v}`);
  }
  try {
    return resolveForecasterConfig(r as Partial<ForecasterConfig>);
  } catch (err) {
    return fail(`the header's forecaster config is invalid: ${(err as Error).message}`);
  }
}

/** Serialise a forecaster's vectors and header sections. */
export function encodeForecaster(c: { layout: ForecasterLayout; params: Float32Array; perm: Int32Array; sign: Float32Array; initialized: boolean; extra?: Record<string, unknown> }): Uint8Array {
  return encodeCheckpoint({ ...c, kind: 'forecaster' });
}

/** Parse and verify forecaster file bytes; every failure names `source` and what is wrong. */
export function decodeForecaster(bytes: Uint8Array, options: { source?: string } = {}): DecodedForecaster {
  const src = options.source ?? 'model file';
  const fail = (msg: string): never => {
    throw new Error(`${src}: ${msg}`);
  };
  const { header, payloadStart, view } = readModelContainer(bytes, src, (h, headerLen) =>
    (h.kind === 'forecaster' ? fileLength(headerLen, forecasterSize(resolveForecasterConfig(h.config))) : NaN));
  const kind = modelKind(header, src);
  if (kind !== 'forecaster') fail(`this is a ${kind === 'glow' ? 'GLOW' : kind} model file, not a forecaster (train one with "glow-trade train --conditional")`);
  const config = checkedConfig(header.config, fail);
  const size = forecasterSize(config);
  const expected = fileLength(payloadStart - 16, size);
  if (bytes.length !== expected) fail(`the header's config needs ${expected} bytes, the file has ${bytes.length}`);
  const got = header.tensors as unknown[] | undefined;
  if (!Array.isArray(got) || got.length !== size.tensors) {
    fail(`the header's tensor table has ${Array.isArray(got) ? got.length : 'no'} entries, its config needs ${size.tensors}`);
  }
  const layout = forecasterLayout(config);
  const { params, perm, sign, initialized, extra } = readPayload({ header, payloadStart, view }, layout, fail);
  return { config: layout.config, layout, params, perm, sign, initialized, extra };
}

export function loadForecasterFile(path: string): DecodedForecaster {
  return decodeForecaster(readModelFile(path), { source: path });
}
