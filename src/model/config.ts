/**
 * @fileoverview GLOW model configuration: defaults, validation with clear messages, the multi-scale
 * widths that follow from it (DESIGN §3), and the memory a configuration needs, refused beyond
 * MODEL_MEMORY_BUDGET before anything is allocated.
 */

import { show } from '../util/json-checks.js';

/** Coupling type: affine (scale and shift) or additive (shift only, log-scale ≡ 0). */
export type CouplingKind = 'affine' | 'additive';

/** Hyper-parameters that fix a model's shape. */
export interface GlowConfig {
  /** Input dimension d (number of features). */
  features: number;
  /** Number of multi-scale levels L. */
  levels: number;
  /** Flow steps K per level. */
  steps: number;
  /** Hidden width H of the coupling networks. */
  hidden: number;
  coupling: CouplingKind;
}

export const DEFAULT_CONFIG: GlowConfig = Object.freeze({
  features: 16,
  levels: 3,
  steps: 4,
  hidden: 64,
  coupling: 'affine',
}) as GlowConfig;

/** Widths entering each level and the latent widths each level emits. */
export interface LevelWidths {
  /** Width entering level ℓ (16, 8, 4 for the defaults). */
  levelWidths: number[];
  /** Latent width leaving after level ℓ (8, 4, 4 for the defaults). */
  latentWidths: number[];
  /** Column where level ℓ's latent starts inside z. */
  latentOffsets: number[];
}

/**
 * Upper limits of each field, whatever the others: they keep every size and offset computed below
 * exact in doubles (products stay far below 2^53) and far from 32-bit overflow; the memory budget
 * is the tighter limit in practice.
 */
export const CONFIG_LIMITS = Object.freeze({ features: 4096, levels: 12, steps: 1024, hidden: 16384 });

/**
 * Most bytes of WebAssembly memory one model may need: 1 GiB. Offsets into the engine's memory are
 * 32-bit (and every worker thread holds a replica), so a larger model could not run anyway; a bigger
 * configuration is refused before anything is allocated, with the budget in the message.
 */
export const MODEL_MEMORY_BUDGET = 2 ** 30;

/** Rows of activation workspace a model is created with (the Glow constructor's capacity). */
export const MODEL_WORKSPACE_ROWS = 1024;

function positiveInt(name: keyof typeof CONFIG_LIMITS, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new RangeError(`invalid model config: ${name} must be a positive integer, got ${show(v)}`);
  }
  if (v > CONFIG_LIMITS[name]) {
    throw new RangeError(`invalid model config: ${name} must be at most ${CONFIG_LIMITS[name]}, got ${v}`);
  }
  return v;
}

/** Multi-scale widths: after every level but the last, ⌊dℓ/2⌋ columns leave as a latent. */
export function levelWidths(features: number, levels: number): LevelWidths {
  const widths: number[] = [];
  const latents: number[] = [];
  const offsets: number[] = [];
  let d = features;
  let off = 0;
  for (let l = 0; l < levels; l++) {
    if (d < 2) {
      const possible = widths.length;
      throw new RangeError(
        `invalid model config: features=${features} allows at most ${possible} level(s) ` +
          `(widths ${widths.join(' → ')}; every level needs width ≥ 2), got levels=${levels}`,
      );
    }
    widths.push(d);
    const out = l < levels - 1 ? Math.floor(d / 2) : d;
    latents.push(out);
    offsets.push(off);
    off += out;
    d -= out;
  }
  return { levelWidths: widths, latentWidths: latents, latentOffsets: offsets };
}

/** Element counts of a model's flat vectors, in closed form (no layout is built). */
export interface ModelSize {
  /** Elements of the flat parameter vector (layout.numel). */
  numel: number;
  /** Elements of the perm vector and of the sign vector (layout.permLength = signLength). */
  bufferLength: number;
  /** Named tensors: 11 parameters and 2 buffers per flow step. */
  tensors: number;
  /** Bytes of WebAssembly memory the model needs with a MODEL_WORKSPACE_ROWS-row workspace. */
  bytes: number;
}

const r16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/**
 * Sizes of a model with this (already type-checked) configuration. `bytes` follows the engine's
 * layout (src/wasm/plan.ts, checked against it by test/model/config-budget.test.ts): parameters,
 * gradients and two Adam moments; perm and sign; per step the derived matrices (A, Aᵀ, Bᵀ, c, b and
 * the transposed coupling weights); and the activations of MODEL_WORKSPACE_ROWS rows.
 */
export function modelSize(c: Pick<GlowConfig, 'features' | 'levels' | 'steps' | 'hidden' | 'coupling'>): ModelSize {
  const { levelWidths: widths } = levelWidths(c.features, c.levels);
  const H = c.hidden, D = c.features, K = c.steps, rows = MODEL_WORKSPACE_ROWS;
  let numel = 0, buffer = 0, derived = 0, maxOut = 0;
  let work = 3 * r16(rows * D * 4) + r16(rows * 4) + r16(rows * 8) + 2 * r16(rows * H * 4);
  for (const d of widths) {
    const da = Math.floor(d / 2), db = d - da, nOut = c.coupling === 'affine' ? 2 * db : db;
    maxOut = Math.max(maxOut, nOut);
    numel += K * (2 * d + 2 * d * d + d + H * da + H + H * H + H + nOut * H + nOut);
    buffer += K * d;
    derived += K * (3 * r16(d * d * 4) + 2 * r16(d * 4) + r16(da * H * 4) + r16(H * H * 4) + r16(H * nOut * 4));
    work += r16(rows * d * 4) + K * (2 * r16(rows * d * 4) + 2 * r16(rows * H * 4) + r16(rows * nOut * 4));
  }
  work += r16(rows * maxOut * 4);
  // plan header, level and step tables (32, 8 and 40 words), scratch, results and RNG state
  const tables = r16(128) + r16(c.levels * 32) + r16(c.levels * K * 160) + r16(64 * D * D) + r16(4 * D * D) + r16(4 * D) + 64 + 16;
  const bytes = tables + 4 * r16(4 * numel) + 2 * r16(4 * buffer) + derived + work;
  return { numel, bufferLength: buffer, tensors: 13 * K * c.levels, bytes };
}

const mib = (b: number): string => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);

/** The largest value of `field` (others fixed) that fits the budget, or 0 when none does. */
function largestFitting(c: GlowConfig, field: 'steps' | 'hidden'): number {
  let lo = 0, hi = c[field];
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (modelSize({ ...c, [field]: mid }).bytes <= MODEL_MEMORY_BUDGET) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Refuse a configuration whose memory exceeds MODEL_MEMORY_BUDGET, naming what to reduce. */
function checkBudget(c: GlowConfig): void {
  const { bytes } = modelSize(c);
  if (bytes <= MODEL_MEMORY_BUDGET) return;
  const fixes: string[] = [];
  const h = largestFitting(c, 'hidden');
  if (h >= 1) fixes.push(`hidden ≤ ${h}`);
  const k = largestFitting(c, 'steps');
  if (k >= 1) fixes.push(`steps ≤ ${k}`);
  throw new RangeError(
    `invalid model config: features=${c.features}, levels=${c.levels}, steps=${c.steps}, hidden=${c.hidden} needs ` +
      `${mib(bytes)} of memory, more than the ${mib(MODEL_MEMORY_BUDGET)} budget for one model` +
      (fixes.length ? ` (with the other fields unchanged, ${fixes.join(' or ')} fits)` : ' (reduce features or levels)'),
  );
}

/** Fill defaults and validate; throws a RangeError that names the offending field. */
export function resolveConfig(partial: Partial<GlowConfig> = {}): GlowConfig {
  if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
    throw new RangeError(`invalid model config: expected an object, got ${show(partial)}`);
  }
  const c = { ...DEFAULT_CONFIG, ...stripUndefined(partial) };
  positiveInt('features', c.features);
  if (c.features < 2) throw new RangeError(`invalid model config: features must be ≥ 2, got ${c.features}`);
  positiveInt('levels', c.levels);
  positiveInt('steps', c.steps);
  positiveInt('hidden', c.hidden);
  if (c.coupling !== 'affine' && c.coupling !== 'additive') {
    throw new RangeError(`invalid model config: coupling must be 'affine' or 'additive', got ${show(c.coupling)}`);
  }
  const config: GlowConfig = { features: c.features, levels: c.levels, steps: c.steps, hidden: c.hidden, coupling: c.coupling };
  checkBudget(config); // also throws if the levels do not fit the features
  return config;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = Object.create(null); // a "__proto__" key read from a file stays a plain key
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as any)[k] = v;
  return out;
}
