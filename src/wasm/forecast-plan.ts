/**
 * @fileoverview Host twin of assembly/forecastplan.ts: lays out a forecaster (DESIGN §9) in an
 * instance's memory. The conditional flow is a GLOW plan (ModelMemory, plan.ts) whose parameter
 * vector is the forecaster's whole flat vector (context net, flow, prior net, θ) and whose steps
 * read u = [xa, e]; the forecaster's own header, the heads' derived matrices and the ν tables live
 * in that plan's persistent block, and the heads' activations in a workspace made after the flow's.
 */
import type { ModelLayout, StepLayout, TensorSpec } from '../model/layout.js';
import type { GlowExports } from './engine.js';
import { H, ModelMemory, S, STEP_WORDS } from './plan.js';

/** The forecaster's exports (docs/wasm-abi.md, "The forecaster"), beside the GLOW's. */
export interface ForecastExports extends GlowExports {
  forecastHeaderWords(): number;
  forecastPrepare(fp: number): void;
  forecastForward(fp: number, n: number): number;
  forecastInitActNorm(fp: number, n: number): number;
  forecastInverse(fp: number, n: number): void;
  forecastBackward(fp: number, n: number): void;
  forecastLossGrad(fp: number, n: number): number;
  forecastGather(fp: number, y: number, c: number, idx: number, n: number): void;
  forecastTrainStep(
    fp: number, y: number, c: number, idx: number, n: number,
    lr: number, beta1: number, beta2: number, eps: number, clipNorm: number, t: number, weightDecay: number,
  ): number;
  forecastShardGrad(fp: number, y: number, c: number, idx: number, n: number, total: number): number;
  forecastApplyGradient(
    fp: number, lr: number, beta1: number, beta2: number, eps: number, clipNorm: number, t: number, weightDecay: number,
  ): number;
  forecastDiagnose(fp: number, n: number): number;
  forecastSample(fp: number, nctx: number, draws: number, temperature: number, out: number): void;
  /** forecastSample's reference path (e copied into every draw's fc1 input), for the rounding test. */
  forecastSampleRowwise(fp: number, nctx: number, draws: number, temperature: number, out: number): void;
  /** Kernel of the Student-t draws: count ε ~ t_ν (rows of width T) with the table of studentPrepare. */
  fillStudent(state: number, out: number, count: number, T: number, table: number): void;
  studentPrepare(theta: number, T: number, nu: number, table: number): void;
}

// Slot numbers: must match assembly/forecastplan.ts (checked against the module at construction).
export const F = {
  FLOW: 0, C: 1, E: 2, CH: 3, T: 4, STUDENT: 5, CTX: 6, HC: 7, EMB: 8, HP: 9, PO: 10, DEMB: 11, DHC: 12,
  DHP: 13, DPO: 14, DZ: 15, WC1: 16, BC1: 17, WC2: 18, BC2: 19, WP1: 20, BP1: 21, WP2: 22, BP2: 23, DF: 24,
  WC1T: 25, WC2T: 26, WP1T: 27, WP2T: 28, NU: 29, TAB: 30, GNU: 31, CAP: 32, B1ROWS: 33,
} as const;
export const F_HEADER_WORDS = 48;

/**
 * What the memory plan needs of a forecaster's layout (structurally src/model/forecaster-layout.ts,
 * which the wasm layer cannot import).
 */
export interface ForecastPlanLayout {
  config: {
    target: number; context: number; levels: number; steps: number; hidden: number; embed: number;
    contextHidden: number; base: 'student-t' | 'normal'; coupling: 'affine' | 'additive';
  };
  levelWidths: number[];
  latentWidths: number[];
  latentOffsets: number[];
  steps: (StepLayout & { fc1In: number })[];
  context: { fc1w: number; fc1b: number; fc2w: number; fc2b: number };
  prior: { fc1w: number; fc1b: number; fc2w: number; fc2b: number; df: number };
  tensors: TensorSpec[];
  numel: number;
  numFree: number;
  permLength: number;
  signLength: number;
}

/** The conditional flow as a GLOW layout of width T over the forecaster's whole parameter vector. */
export function flowLayoutOf(layout: ForecastPlanLayout): ModelLayout {
  const c = layout.config;
  return {
    config: { features: c.target, levels: c.levels, steps: c.steps, hidden: c.hidden, coupling: c.coupling },
    levelWidths: layout.levelWidths,
    latentWidths: layout.latentWidths,
    latentOffsets: layout.latentOffsets,
    steps: layout.steps,
    tensors: layout.tensors,
    numel: layout.numel,
    numFree: layout.numFree,
    permLength: layout.permLength,
    signLength: layout.signLength,
  };
}

const pad = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** A forecaster's memory inside one wasm instance: the flow's ModelMemory plus the heads. */
export class ForecastMemory {
  readonly flow: ModelMemory;
  /** Byte pointer of the forecaster header (the `fp` of every forecast* call). */
  readonly fplan: number;
  private headCapacity = 0;

  constructor(readonly ex: ForecastExports, readonly layout: ForecastPlanLayout, capacity: number) {
    if (typeof ex.forecastHeaderWords !== 'function' || ex.forecastHeaderWords() !== F_HEADER_WORDS) {
      throw new Error('glow-trade wasm and host disagree on the forecaster plan (rebuild with "npm run build")');
    }
    const { target: T, context: C, embed: E, contextHidden: CH } = layout.config;
    const sizes = [F_HEADER_WORDS * 4, C * CH * 4, CH * E * 4, E * CH * 4, CH * 2 * T * 4, 4 * T * 8, 3 * (T + 4) * 4, T * 8];
    const extraBytes = sizes.reduce((a, b) => a + pad(b), 0);
    this.flow = new ModelMemory(ex, flowLayoutOf(layout), 0, extraBytes);
    let at = this.flow.extra;
    const [fplan, wc1t, wc2t, wp1t, wp2t, nu, tab, gnu] = sizes.map((b) => {
      const p = at;
      at += pad(b);
      return p;
    });
    this.fplan = fplan;
    const f = this.flow.i32(fplan, F_HEADER_WORDS);
    f[F.FLOW] = this.flow.plan;
    f[F.C] = C; f[F.E] = E; f[F.CH] = CH; f[F.T] = T;
    f[F.STUDENT] = layout.config.base === 'student-t' ? 1 : 0;
    const { context: cx, prior: pr } = layout;
    f[F.WC1] = cx.fc1w; f[F.BC1] = cx.fc1b; f[F.WC2] = cx.fc2w; f[F.BC2] = cx.fc2b;
    f[F.WP1] = pr.fc1w; f[F.BP1] = pr.fc1b; f[F.WP2] = pr.fc2w; f[F.BP2] = pr.fc2b; f[F.DF] = pr.df;
    f[F.WC1T] = wc1t; f[F.WC2T] = wc2t; f[F.WP1T] = wp1t; f[F.WP2T] = wp2t;
    f[F.NU] = nu; f[F.TAB] = tab; f[F.GNU] = gnu;
    const st = this.flow.i32(this.flow.stepTab, layout.steps.length * STEP_WORDS);
    layout.steps.forEach((s, i) => (st[i * STEP_WORDS + S.KIN] = s.fc1In));
    this.ensureCapacity(capacity);
  }

  get capacity(): number {
    return this.flow.capacity;
  }

  /**
   * Make every buffer hold at least n rows. The flow's workspace is re-made from its mark (which
   * frees what followed it, the heads' workspace included), so the heads' is re-made after it.
   */
  ensureCapacity(n: number): void {
    const before = this.flow.capacity;
    this.flow.ensureCapacity(n);
    const cap = this.flow.capacity;
    if (cap === before && this.headCapacity === cap) return;
    const { target: T, context: C, embed: E, contextHidden: CH } = this.layout.config;
    const rows = [C, CH, E, CH, 2 * T, E, CH, CH, 2 * T, T];
    const slots = [F.CTX, F.HC, F.EMB, F.HP, F.PO, F.DEMB, F.DHC, F.DHP, F.DPO, F.DZ];
    const us = this.layout.steps.map((s) => pad(cap * s.fc1In * 4));
    // Sampling: per context row and step, fc1's bias with e folded in (forecast.ts forecastSample).
    const b1rows = pad(this.layout.steps.length * cap * this.layout.config.hidden * 4);
    const total = rows.reduce((a, w) => a + pad(cap * w * 4), 0) + us.reduce((a, b) => a + b, 0) + b1rows;
    const base = this.ex.alloc(total);
    if (!base) throw new Error(`out of wasm memory: the forecaster's workspace for ${cap} rows needs ${(total / 2 ** 20).toFixed(1)} MiB`);
    let at = base;
    const f = this.flow.i32(this.fplan, F_HEADER_WORDS);
    rows.forEach((w, i) => {
      f[slots[i]] = at;
      at += pad(cap * w * 4);
    });
    f[F.CAP] = cap;
    f[F.B1ROWS] = at;
    at += b1rows;
    this.flow.i32(this.flow.plan, 32)[H.DZ] = f[F.DZ];
    const st = this.flow.i32(this.flow.stepTab, this.layout.steps.length * STEP_WORDS);
    this.layout.steps.forEach((_, i) => {
      st[i * STEP_WORDS + S.U] = at;
      st[i * STEP_WORDS + S.DEMB] = f[F.DEMB];
      at += us[i];
    });
    this.headCapacity = cap;
  }

  header(slot: number): number {
    return this.flow.i32(this.fplan, F_HEADER_WORDS)[slot];
  }
}
