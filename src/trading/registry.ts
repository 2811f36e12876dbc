/**
 * @fileoverview Strategies as an extension point. A `Strategy` turns the bars of a backtest into
 * positions; the backtest decides nothing itself. Built in:
 *  - `glow` (the default): the model's calibrated GlowStrategy (likelihood filter, ridge direction on
 *    the latent, confidence sizing, regime filter);
 *  - `glow-latent0`: the seed system's direction tanh(z_0) with the same filters and sizing;
 *  - `forecast` (the default on forecaster files): risk budgeting on the forecaster's predictive
 *    distribution, with an optional tilt (forecast-strategy.ts).
 * oclif plugins contribute more through the `strategies` hook (see src/commands/backtest.ts and
 * examples/strategy-plugin/).
 *
 * Contract: `positions(context)[i]` is the position decided at the CLOSE of tested row i and may use
 * only what is known then (rows ≤ i, candles up to `candleIndex[i]`); the engine holds it over the
 * next bar. Values are fractions of equity (negative = short) and must be finite.
 *
 * Model kinds. `positions(context)` runs on GLOW model files. A strategy that also (or only) trades on
 * forecaster files implements `forecastPositions(context)`, whose ForecastStrategyContext carries the
 * forecaster's outputs at every tested close (`forecast`: E[R_h], std, CVaR 95%, P(R_h > ±c), the
 * forecast strategy's own target exposure) and the context rows the forecaster saw. A strategy needs
 * at least one of the two.
 */
import type { Candles } from '../data/candles.js';
import type { FeatureSet } from '../data/features.js';
import type { ModelBundle } from './bundle.js';
import { GlowStrategy, type Signal } from './strategy.js';
import type { ForecasterBundle } from './forecaster-bundle.js';
import type { ForecastOutputs } from './forecast-strategy.js';
import { applyRebalanceBand } from './rebalance.js';

export interface StrategyContext {
  bundle: ModelBundle;
  candles: Candles;
  /** Feature rows of all candles; the tested rows are [rowStart, rowEnd). */
  features: FeatureSet;
  rowStart: number;
  rowEnd: number;
  /** Number of tested rows (rowEnd − rowStart). */
  rows: number;
  featureNames: string[];
  /** Unscaled features of the tested rows, rows × d, row-major. */
  featureRows: Float64Array;
  /** The same rows scaled with the model's scaler (what the flow sees). */
  scaled: Float32Array;
  /** The model's GlowStrategy signal of every tested row. */
  signals: Signal[];
  /** Bar open time and candle index of every tested row. */
  timestamps: Float64Array;
  candleIndex: Int32Array;
  /**
   * The position held going into the first tested row (default 0, flat). Walk-forward passes the
   * previous fold's last position, so a path-dependent strategy carries on across a retraining.
   */
  initialPosition?: number;
}

/** What a strategy sees on a forecaster file: the tested rows and the forecaster's outputs at each close. */
export interface ForecastStrategyContext {
  bundle: ForecasterBundle;
  candles: Candles;
  /** The tested context rows are [rowStart, rowEnd) of `forecasterContexts(bundle, candles)`. */
  rowStart: number;
  rowEnd: number;
  rows: number;
  contextNames: string[];
  /** Context rows of the tested bars, rows × contextNames.length, row-major (what the forecaster saw). */
  contexts: Float32Array;
  /** The forecaster's outputs at every tested close (one entry per row); `forecast.options` the forecast strategy's options. */
  forecast: ForecastOutputs;
  timestamps: Float64Array;
  candleIndex: Int32Array;
  /** Costs of the run (fractions per unit of position traded). */
  fee: number;
  slippage: number;
  initialPosition?: number;
}

export interface Strategy {
  name: string;
  description: string;
  /** Positions on a GLOW model file. */
  positions?(context: StrategyContext): ArrayLike<number>;
  /** Positions on a forecaster file. */
  forecastPositions?(context: ForecastStrategyContext): ArrayLike<number>;
}

export interface StrategyInfo {
  name: string;
  description: string;
  /** 'built-in' or the plugin that contributed it. */
  source: string;
}

const registry = new Map<string, { strategy: Strategy; source: string }>();
const NAME = /^[a-z0-9][a-z0-9._-]*$/i;

/** Throws unless `value` has the shape of a Strategy; names what is wrong and where it came from. */
function checkStrategy(value: unknown, source: string): Strategy {
  const s = value as Partial<Strategy> | null;
  const what = `strategy from ${source}`;
  if (!s || typeof s !== 'object') throw new TypeError(`${what} is ${s === null ? 'null' : typeof s}, expected an object { name, description, positions }`);
  if (typeof s.name !== 'string' || !NAME.test(s.name)) {
    throw new TypeError(`${what}: name ${JSON.stringify(s.name)} must be a word of letters, digits, '.', '_' or '-'`);
  }
  const kinds = [s.positions, s.forecastPositions];
  if (kinds.some((f) => f !== undefined && typeof f !== 'function') || kinds.every((f) => f === undefined)) {
    throw new TypeError(`${what} "${s.name}": positions must be a function (context) => positions (or forecastPositions, for forecaster files)`);
  }
  if (s.description !== undefined && typeof s.description !== 'string') throw new TypeError(`${what} "${s.name}": description must be a string`);
  return s as Strategy;
}

/** Add a strategy. Registering the same object again is a no-op; another one under a taken name is an error. */
export function registerStrategy(strategy: Strategy, source = 'built-in'): void {
  const s = checkStrategy(strategy, source);
  const existing = registry.get(s.name);
  if (existing) {
    if (existing.strategy === s) return;
    throw new Error(`strategy "${s.name}" from ${source} clashes with the one from ${existing.source}; rename one of them`);
  }
  registry.set(s.name, { strategy: s, source });
}

export function getStrategy(name: string): Strategy {
  const entry = registry.get(name);
  if (!entry) throw new Error(`unknown strategy "${name}"; known: ${[...registry.keys()].join(', ')}`);
  return entry.strategy;
}

export function listStrategies(): StrategyInfo[] {
  return [...registry.values()].map(({ strategy, source }) => ({ name: strategy.name, description: strategy.description ?? '', source }));
}

/** A thrown value as text: an Error's message, a string as itself, anything else as JSON or String(). */
export function thrownText(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The strategy's positions for a context, checked: one finite number per tested row. Whatever the
 * strategy throws (plugins may `throw 'x'`, which oclif's handler cannot print) becomes an Error
 * naming the strategy. Only an Error becomes the `cause`: oclif's error printer walks the cause chain
 * with `'name' in cause`, which itself throws on a string.
 */
export function positionsOf(strategy: Strategy, context: StrategyContext): Float64Array {
  const run = strategy.positions;
  if (!run) throw new Error(`strategy "${strategy.name}" trades on forecaster files only (it has no positions for a GLOW model)`);
  return checkedPositions(strategy, () => run.call(strategy, context), context);
}

/** `positionsOf` for a forecaster file's context. */
export function forecastPositionsOf(strategy: Strategy, context: ForecastStrategyContext): Float64Array {
  const run = strategy.forecastPositions;
  if (!run) throw new Error(`strategy "${strategy.name}" trades on GLOW models only (it has no forecastPositions for a forecaster file)`);
  return checkedPositions(strategy, () => run.call(strategy, context), context);
}

function checkedPositions(strategy: Strategy, call: () => ArrayLike<number>, context: { rows: number; timestamps: Float64Array }): Float64Array {
  let raw: ArrayLike<number>;
  try {
    raw = call();
  } catch (err) {
    if (err instanceof Error) throw new Error(`strategy "${strategy.name}" failed: ${err.message}`, { cause: err });
    throw new Error(`strategy "${strategy.name}" threw ${thrownText(err)} (not an Error)`);
  }
  if (!raw || typeof raw.length !== 'number') throw new TypeError(`strategy "${strategy.name}" returned ${String(raw)}, expected an array of positions`);
  if (raw.length !== context.rows) throw new RangeError(`strategy "${strategy.name}" returned ${raw.length} positions for ${context.rows} rows`);
  const out = Float64Array.from(raw);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new RangeError(`strategy "${strategy.name}": position ${i} (bar ${new Date(context.timestamps[i]).toISOString()}) is ${raw[i]}, expected a finite number`);
    }
  }
  return out;
}

export const glowStrategy: Strategy & Required<Pick<Strategy, 'positions'>> = {
  name: 'glow',
  description: "The model's calibrated strategy: likelihood filter, ridge direction on the latent, confidence sizing, regimes, " +
    'cost hurdle and rebalance band (positions held in time order).',
  // In time order: a row below the cost hurdle keeps the held position, and the position moves only
  // when the target leaves the rebalance band. `hold` looks backwards only, so there is no look-ahead.
  positions: (ctx) => ctx.bundle.strategy.hold(ctx.signals, ctx.initialPosition ?? 0),
};

const glowLatent0Strategy: Strategy = {
  name: 'glow-latent0',
  description: "The seed system's direction tanh(z_0), with the model's likelihood filter, confidence sizing and regime filter.",
  positions(ctx) {
    const cal = ctx.bundle.strategy.calibration;
    const latent0 = new GlowStrategy(ctx.bundle.glow, {
      ...cal, options: { ...cal.options, direction: 'latent0' }, ridge: null, predictionStd: 1,
    });
    // the context's signals already hold every row's latent and log-likelihood: no second pass
    const z = new Float32Array(ctx.rows * ctx.bundle.glow.features);
    ctx.signals.forEach((s, i) => z.set(s.latent, i * s.latent.length));
    return Float64Array.from(latent0.signalsOf(z, ctx.signals.map((s) => s.logLikelihood)), (s) => s.position);
  },
};

/** The forecast strategy: its target exposures (computed with the outputs) through its rebalance band. */
export const forecastStrategy: Strategy = {
  name: 'forecast',
  description: "Forecaster files: risk budgeting on the forecaster's predictive distribution — exposure = clamp(target ÷ predicted " +
    'h-bar CVaR or std, 0, max), optionally tilted by E[R_h] or P(R_h > costs) when that edge clears the cost hurdle; rebalance band.',
  forecastPositions: (ctx) => applyRebalanceBand(ctx.forecast.exposure, ctx.forecast.options.band, { initial: ctx.initialPosition ?? 0 }),
};

registerStrategy(glowStrategy);
registerStrategy(glowLatent0Strategy);
registerStrategy(forecastStrategy);
