/**
 * @fileoverview The one registry of where every named tensor lives. Parameters are one flat vector
 * in the anchor's PyTorch `state_dict` order; the fixed buffers (permutations, signs) are two more
 * flat vectors. The f64 oracle, the WASM engine and the checkpoint all index through this layout.
 */
import { type GlowConfig, levelWidths, resolveConfig } from './config.js';

/** One named tensor: its shape and where its elements start in the flat vector it belongs to. */
export interface TensorSpec {
  name: string;
  shape: number[];
  /** First element inside the flat vector (params, perm or sign). */
  offset: number;
  size: number;
  /** Which flat vector holds it. */
  store: 'params' | 'perm' | 'sign';
}

/** Offsets (in elements) of one flow step's tensors. */
export interface StepLayout {
  level: number;
  /** Step index inside its level. */
  k: number;
  /** Width d of this step, conditioning width da = ⌊d/2⌋ and transformed width db = d − da. */
  d: number;
  da: number;
  db: number;
  /** Output width of fc3: 2·db (affine: log-scale then shift) or db (additive: shift only). */
  nOut: number;
  bias: number;
  logs: number;
  lower: number;
  upper: number;
  logS: number;
  fc1w: number;
  fc1b: number;
  fc2w: number;
  fc2b: number;
  fc3w: number;
  fc3b: number;
  /** Offset of this step's permutation inside the perm vector and of its signs inside sign. */
  perm: number;
  sign: number;
}

export interface ModelLayout {
  config: GlowConfig;
  levelWidths: number[];
  latentWidths: number[];
  latentOffsets: number[];
  steps: StepLayout[];
  /** All named tensors: parameters in state_dict order, then the buffers. */
  tensors: TensorSpec[];
  /** Elements of the flat parameter vector (64,576 for the defaults). */
  numel: number;
  /** Free parameters: numel less the unused triangles and diagonals of `lower`/`upper` (63,120). */
  numFree: number;
  permLength: number;
  signLength: number;
}

/** Build the layout of a model with this configuration. */
export function modelLayout(partial: Partial<GlowConfig> = {}): ModelLayout {
  const config = resolveConfig(partial);
  const { levelWidths: widths, latentWidths, latentOffsets } = levelWidths(config.features, config.levels);
  const H = config.hidden;
  const tensors: TensorSpec[] = [];
  const steps: StepLayout[] = [];
  let off = 0;
  let permOff = 0;
  let signOff = 0;
  let numFree = 0;
  const param = (name: string, shape: number[]): number => {
    const size = shape.reduce((a, b) => a * b, 1);
    tensors.push({ name, shape, offset: off, size, store: 'params' });
    const at = off;
    off += size;
    return at;
  };
  const buffers: TensorSpec[] = [];
  for (let l = 0; l < config.levels; l++) {
    const d = widths[l];
    const da = Math.floor(d / 2);
    const db = d - da;
    const nOut = config.coupling === 'affine' ? 2 * db : db;
    for (let k = 0; k < config.steps; k++) {
      const p = `levels.${l}.${k}`;
      const s: StepLayout = {
        level: l, k, d, da, db, nOut,
        bias: param(`${p}.actnorm.bias`, [d]),
        logs: param(`${p}.actnorm.logs`, [d]),
        lower: param(`${p}.invconv.lower`, [d, d]),
        upper: param(`${p}.invconv.upper`, [d, d]),
        logS: param(`${p}.invconv.log_s`, [d]),
        fc1w: param(`${p}.coupling.fc1.weight`, [H, da]),
        fc1b: param(`${p}.coupling.fc1.bias`, [H]),
        fc2w: param(`${p}.coupling.fc2.weight`, [H, H]),
        fc2b: param(`${p}.coupling.fc2.bias`, [H]),
        fc3w: param(`${p}.coupling.fc3.weight`, [nOut, H]),
        fc3b: param(`${p}.coupling.fc3.bias`, [nOut]),
        perm: permOff,
        sign: signOff,
      };
      buffers.push({ name: `${p}.invconv.perm`, shape: [d], offset: permOff, size: d, store: 'perm' });
      buffers.push({ name: `${p}.invconv.sign_s`, shape: [d], offset: signOff, size: d, store: 'sign' });
      permOff += d;
      signOff += d;
      steps.push(s);
      // lower and upper are stored full (d×d) but only d(d−1)/2 entries of each are used.
      numFree += 2 * d + d * (d - 1) + d + H * da + H + H * H + H + nOut * H + nOut;
    }
  }
  return {
    config,
    levelWidths: widths,
    latentWidths,
    latentOffsets,
    steps,
    tensors: [...tensors, ...buffers],
    numel: off,
    numFree,
    permLength: permOff,
    signLength: signOff,
  };
}

/** Parameter tensors only (what an optimiser updates), in state_dict order. */
export function parameterTensors(layout: ModelLayout): TensorSpec[] {
  return layout.tensors.filter((t) => t.store === 'params');
}
