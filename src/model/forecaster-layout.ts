/**
 * @fileoverview Where every named tensor of a forecaster lives (docs/forecaster-math.md, "Flat
 * parameter order"): the context network, then the flow in the GLOW's own state_dict order (with
 * coupling fc1 of shape (hidden, da + E), embedding columns last), then the prior network and
 * prior.df (Student-t base only). Buffers perm / sign_s as in the GLOW layout. The f64 oracle, the
 * WASM engine and the checkpoint all index through this.
 */
import type { StepLayout, TensorSpec } from './layout.js';
import { type ForecasterConfig, forecasterLevelWidths, resolveForecasterConfig } from './forecaster-config.js';

/** A flow step: the GLOW's StepLayout plus the coupling fc1's input width da + E. */
export interface ForecasterStepLayout extends StepLayout {
  /** Row length of coupling.fc1.weight: da + E (columns [0, da) see xa, [da, da + E) see e). */
  fc1In: number;
}

/** Offsets of the context network (hc = relu(c·Wc1ᵀ + bc1), e = hc·Wc2ᵀ + bc2). */
export interface ContextLayout {
  fc1w: number;
  fc1b: number;
  fc2w: number;
  fc2b: number;
}

/** Offsets of the prior network (hp = relu(e·Wp1ᵀ + bp1), [μ, logσ] = hp·Wp2ᵀ + bp2) and of θ. */
export interface PriorLayout {
  fc1w: number;
  fc1b: number;
  fc2w: number;
  fc2b: number;
  /** Offset of prior.df (θ, one per latent dimension), or −1 with a normal base. */
  df: number;
}

export interface ForecasterLayout {
  config: ForecasterConfig;
  levelWidths: number[];
  latentWidths: number[];
  latentOffsets: number[];
  steps: ForecasterStepLayout[];
  context: ContextLayout;
  prior: PriorLayout;
  /** All named tensors: parameters in flat order, then the buffers. */
  tensors: TensorSpec[];
  /** Elements of the flat parameter vector (87,400 for the defaults). */
  numel: number;
  /** Free parameters: numel less the unused triangles and diagonals of `lower`/`upper` (85,160 for the defaults). */
  numFree: number;
  permLength: number;
  signLength: number;
}

/** Build the layout of a forecaster with this configuration (defaults filled, validated). */
export function forecasterLayout(partial: Partial<ForecasterConfig> = {}): ForecasterLayout {
  const config = resolveForecasterConfig(partial);
  const { target: Hd, context: C, hidden: Hn, embed: E, contextHidden: Hc } = config;
  const { levelWidths: widths, latentWidths, latentOffsets } = forecasterLevelWidths(Hd, config.levels);
  const tensors: TensorSpec[] = [];
  const buffers: TensorSpec[] = [];
  const steps: ForecasterStepLayout[] = [];
  let off = 0;
  let permOff = 0;
  let signOff = 0;
  const param = (name: string, shape: number[]): number => {
    const size = shape.reduce((a, b) => a * b, 1);
    tensors.push({ name, shape, offset: off, size, store: 'params' });
    const at = off;
    off += size;
    return at;
  };
  const context: ContextLayout = {
    fc1w: param('context.fc1.weight', [Hc, C]),
    fc1b: param('context.fc1.bias', [Hc]),
    fc2w: param('context.fc2.weight', [E, Hc]),
    fc2b: param('context.fc2.bias', [E]),
  };
  let unused = 0; // stored entries of lower/upper that the maths never reads
  for (let l = 0; l < config.levels; l++) {
    const d = widths[l];
    const da = Math.floor(d / 2);
    const db = d - da;
    const nOut = config.coupling === 'affine' ? 2 * db : db;
    for (let k = 0; k < config.steps; k++) {
      const p = `levels.${l}.${k}`;
      steps.push({
        level: l, k, d, da, db, nOut, fc1In: da + E,
        bias: param(`${p}.actnorm.bias`, [d]),
        logs: param(`${p}.actnorm.logs`, [d]),
        lower: param(`${p}.invconv.lower`, [d, d]),
        upper: param(`${p}.invconv.upper`, [d, d]),
        logS: param(`${p}.invconv.log_s`, [d]),
        fc1w: param(`${p}.coupling.fc1.weight`, [Hn, da + E]),
        fc1b: param(`${p}.coupling.fc1.bias`, [Hn]),
        fc2w: param(`${p}.coupling.fc2.weight`, [Hn, Hn]),
        fc2b: param(`${p}.coupling.fc2.bias`, [Hn]),
        fc3w: param(`${p}.coupling.fc3.weight`, [nOut, Hn]),
        fc3b: param(`${p}.coupling.fc3.bias`, [nOut]),
        perm: permOff,
        sign: signOff,
      });
      buffers.push({ name: `${p}.invconv.perm`, shape: [d], offset: permOff, size: d, store: 'perm' });
      buffers.push({ name: `${p}.invconv.sign_s`, shape: [d], offset: signOff, size: d, store: 'sign' });
      permOff += d;
      signOff += d;
      unused += d * (d + 1); // lower and upper are stored d×d; each uses only d(d−1)/2 entries
    }
  }
  const prior: PriorLayout = {
    fc1w: param('prior.fc1.weight', [Hc, E]),
    fc1b: param('prior.fc1.bias', [Hc]),
    fc2w: param('prior.fc2.weight', [2 * Hd, Hc]),
    fc2b: param('prior.fc2.bias', [2 * Hd]),
    df: config.base === 'student-t' ? param('prior.df', [Hd]) : -1,
  };
  return {
    config,
    levelWidths: widths,
    latentWidths,
    latentOffsets,
    steps,
    context,
    prior,
    tensors: [...tensors, ...buffers],
    numel: off,
    numFree: off - unused,
    permLength: permOff,
    signLength: signOff,
  };
}

/** Parameter tensors only (what an optimiser updates), in flat order. */
export function forecasterParameterTensors(layout: ForecasterLayout): TensorSpec[] {
  return layout.tensors.filter((t) => t.store === 'params');
}

/**
 * Forward matmul FLOPs per row (2 per multiply-add), counted like the GLOW bench's `forwardFlops`:
 * context net C·Hc + Hc·E; per step d² (1×1) + (da + E)·hidden + hidden² + hidden·nOut; prior net
 * E·Hc + Hc·2H. Element-wise work (ActNorm, tanh, the base density) is not counted. 165,992 for the
 * defaults. The inverse (sampling) costs the same; a training step about 3×.
 */
export function forecasterForwardFlops(layout: ForecasterLayout): number {
  const { context: C, contextHidden: Hc, embed: E, hidden: Hn, target: H } = layout.config;
  let macs = C * Hc + Hc * E + E * Hc + Hc * 2 * H;
  for (const s of layout.steps) macs += s.d * s.d + s.fc1In * Hn + Hn * Hn + Hn * s.nOut;
  return 2 * macs;
}
