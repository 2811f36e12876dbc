/**
 * @fileoverview GLOW model configuration: defaults, validation with clear messages, and the
 * multi-scale widths that follow from it (DESIGN §3).
 */

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

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new RangeError(`invalid model config: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
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

/** Fill defaults and validate; throws a RangeError that names the offending field. */
export function resolveConfig(partial: Partial<GlowConfig> = {}): GlowConfig {
  const c = { ...DEFAULT_CONFIG, ...stripUndefined(partial) };
  positiveInt('features', c.features);
  if (c.features < 2) throw new RangeError(`invalid model config: features must be ≥ 2, got ${c.features}`);
  positiveInt('levels', c.levels);
  positiveInt('steps', c.steps);
  positiveInt('hidden', c.hidden);
  if (c.coupling !== 'affine' && c.coupling !== 'additive') {
    throw new RangeError(`invalid model config: coupling must be 'affine' or 'additive', got ${JSON.stringify(c.coupling)}`);
  }
  levelWidths(c.features, c.levels); // throws if the levels do not fit
  return { features: c.features, levels: c.levels, steps: c.steps, hidden: c.hidden, coupling: c.coupling };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as any)[k] = v;
  return out;
}
