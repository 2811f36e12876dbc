/**
 * @fileoverview The training flags `train` and `backtest --walk-forward` share: one definition, one
 * set of defaults (train's), one parser each, so a walk-forward without --model trains exactly the
 * models `train` would with the same flags.
 */
import { type Command, Flags } from '@oclif/core';
import { CONFIG_LIMITS } from '../model/config.js';
import { DEFAULT_FORECAST_HORIZON } from '../data/forecaster-data.js';
import { DEFAULT_COST_RATE, DEFAULT_HORIZON, DEFAULT_MIN_EDGE, DEFAULT_REBALANCE_BAND } from '../trading/strategy-options.js';
import type { StrategyOptions } from '../trading/strategy.js';
import { resolveThreads } from '../wasm/pool.js';
import { decimal } from './flags.js';

/** --levels --steps --hidden --coupling: the flow's shape (both model kinds). */
export const modelShapeFlags = () => ({
  levels: Flags.integer({ summary: 'Multi-scale levels L.', default: 3, min: 1, max: CONFIG_LIMITS.levels }),
  steps: Flags.integer({ summary: 'Flow steps per level K.', default: 4, min: 1, max: CONFIG_LIMITS.steps }),
  hidden: Flags.integer({ summary: 'Hidden width of the coupling networks.', default: 64, min: 1, max: CONFIG_LIMITS.hidden }),
  coupling: Flags.string({ summary: 'Coupling type.', options: ['affine', 'additive'], default: 'affine' }),
});

/** --epochs --batch-size --learning-rate --patience: the fit. */
export const fitFlags = () => ({
  epochs: Flags.integer({ summary: 'Maximum epochs.', default: 50, min: 1 }),
  'batch-size': Flags.integer({ summary: 'Rows per Adam step.', default: 256, min: 1 }),
  'learning-rate': Flags.string({ summary: 'Adam learning rate.', default: '0.001' }),
  patience: Flags.integer({ summary: 'Epochs without validation improvement before stopping (0: never).', default: 10, min: 0 }),
});

/** --horizon --cost-rate --min-edge --rebalance-band --below-edge: a GLOW model's strategy calibration. */
export const calibrationFlags = () => ({
  horizon: Flags.integer({ summary: 'Strategy: bars of forward return the ridge on the latent predicts.', default: DEFAULT_HORIZON, min: 1 }),
  'cost-rate': Flags.string({ summary: 'Strategy: fee + slippage per unit of position traded that a predicted edge must beat.', default: String(DEFAULT_COST_RATE) }),
  'min-edge': Flags.string({ summary: 'Strategy: stay out unless |predicted return| ≥ min-edge × cost-rate (0: off).', default: String(DEFAULT_MIN_EDGE) }),
  'rebalance-band': Flags.string({ summary: 'Strategy: keep the held position until the target moves further than this.', default: String(DEFAULT_REBALANCE_BAND) }),
  'below-edge': Flags.string({ summary: 'Strategy: below the cost hurdle, hold the current position or go flat.', options: ['hold', 'flat'], default: 'hold' }),
});

/** --forecast-bars --base --embed: the forecaster's shape (with --conditional). */
export const forecasterFlags = () => ({
  'forecast-bars': Flags.integer({ summary: 'Forecaster: bars forecast after each close (the target width H).', default: DEFAULT_FORECAST_HORIZON, min: 2, max: 4096 }),
  base: Flags.string({ summary: 'Forecaster: base distribution of the latents.', options: ['student-t', 'normal'], default: 'student-t' }),
  embed: Flags.integer({ summary: 'Forecaster: width of the context embedding.', default: 16, min: 1, max: 4096 }),
});

/** --threads: the worker pool of every model trained or run. */
export const threadsFlag = () => Flags.string({
  summary: 'Training threads: a number, or "auto" for every core (a run is reproducible for a given count).', default: '1',
});

type ShapeValues = { levels: number; steps: number; hidden: number; coupling: string };

/** The GLOW shape the flags give. */
export function modelShape(flags: ShapeValues): { levels: number; steps: number; hidden: number; coupling: 'affine' | 'additive' } {
  return { levels: flags.levels, steps: flags.steps, hidden: flags.hidden, coupling: flags.coupling as 'affine' | 'additive' };
}

/** The forecaster's shape the flags give (target = --forecast-bars). */
export function forecasterShape(flags: ShapeValues & { 'forecast-bars': number; embed: number; base: string }, contextWidth: number) {
  return { ...modelShape(flags), target: flags['forecast-bars'], context: contextWidth, embed: flags.embed, base: flags.base as 'student-t' | 'normal' };
}

/** The fit flags checked (a bad learning rate is a usage error). */
export function fitSettings(cmd: Command, flags: { epochs: number; 'batch-size': number; 'learning-rate': string; patience: number }) {
  const learningRate = decimal(cmd, 'learning-rate', flags['learning-rate'], (v) => v > 0, 'a number > 0');
  return { epochs: flags.epochs, batchSize: flags['batch-size'], learningRate, patience: flags.patience };
}

/** The calibration flags checked. */
export function calibrationSettings(cmd: Command, flags: {
  horizon: number; 'cost-rate': string; 'min-edge': string; 'rebalance-band': string; 'below-edge': string;
}): StrategyOptions {
  return {
    horizon: flags.horizon,
    costRate: decimal(cmd, 'cost-rate', flags['cost-rate'], (v) => v >= 0, 'a number ≥ 0'),
    minEdge: decimal(cmd, 'min-edge', flags['min-edge'], (v) => v >= 0, 'a number ≥ 0'),
    rebalanceBand: decimal(cmd, 'rebalance-band', flags['rebalance-band'], (v) => v >= 0, 'a number ≥ 0'),
    belowEdge: flags['below-edge'] as 'hold' | 'flat',
  };
}

/** --threads checked: a count from 1 to 64, or 'auto' resolved to the cores. */
export function threadsSetting(cmd: Command, text: string): number {
  const arg = text === 'auto' ? 'auto' : Number(text);
  if (arg !== 'auto' && !(Number.isInteger(arg) && arg >= 1 && arg <= 64)) {
    cmd.error(`--threads must be an integer from 1 to 64 or "auto", got ${text}`, { exit: 2 });
  }
  return resolveThreads(arg);
}

/**
 * A seed list: "1,2,3" (distinct integers ≥ 0), or with `ensemble` K the seeds 0 … K−1. A usage error
 * names the flag and the text.
 */
export function seedList(cmd: Command, seeds: string | undefined, ensemble: number | undefined): number[] | undefined {
  if (seeds !== undefined && ensemble !== undefined) cmd.error('give --seeds or --ensemble, not both', { exit: 2 });
  if (ensemble !== undefined) return Array.from({ length: ensemble }, (_, i) => i);
  if (seeds === undefined) return undefined;
  const list = seeds.split(',').map((s) => s.trim());
  const out = list.map(Number);
  if (list.some((s) => !/^\d+$/.test(s)) || new Set(out).size !== out.length) {
    cmd.error(`--seeds must be distinct whole numbers ≥ 0 separated by commas (e.g. 0,1,2), got "${seeds}"`, { exit: 2 });
  }
  return out;
}
