/**
 * @fileoverview Now-casting with a forecaster (issue 13, item 5): the market state at the close of one
 * chosen bar (its context row), S scenario paths of the next H bars drawn for that one state, and the
 * per-horizon summary — VaR/CVaR 95/99, moments, percentiles and the probability of a loss beyond a
 * threshold. Shared by `glow-trade scenarios --at` and `glow-trade signal` on forecaster files, from a
 * candle CSV or live Bybit candles.
 *
 * No look-ahead by construction: the state is computed from the candles up to and including the
 * chosen bar only, so candles after it cannot change anything.
 */
import { fetchCandles, type BybitCategory } from '../data/bybit.js';
import { candleCount, sliceCandles, type Candles } from '../data/candles.js';
import { readCandles } from '../data/candles-csv.js';
import { FEATURE_LOOKBACK } from '../data/features.js';
import { inferIntervalMs } from '../data/gaps.js';
import { INTERVAL_CHOICES, NOMINAL_MONTH_MS, parseInterval, type Interval } from '../data/interval.js';
import { minuteTime } from '../data/time.js';
import { modelKindOf, readModelFile } from '../model/checkpoint.js';
import { lossProbability } from '../risk/scenario-risk.js';
import { returnRisk, type ReturnRisk } from '../risk/var.js';
import { forecasterContexts, type ForecasterBundle } from '../trading/forecaster-bundle.js';

/** Horizons reported by default (those within the model's path length). */
export const NOWCAST_HORIZONS = [1, 5, 10, 20];

/** The default loss threshold of the loss probability (a 2% loss). */
export const DEFAULT_LOSS = 0.02;

const span = (ms: number) => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms} ms`);

/** The default horizons that a model with path length H can forecast. */
export function nowcastHorizons(pathLength: number): number[] {
  return NOWCAST_HORIZONS.filter((h) => h <= pathLength);
}

export interface NowcastState {
  /** Candle index of the chosen bar in the candles given. */
  bar: number;
  /** Open time of the bar (Unix ms) and its close (open + interval): the forecast is made at the close. */
  time: number;
  closeTime: number;
  close: number;
  /** The context row (features scaled with the model's scaler, then the next bar's calendar). */
  context: Float32Array;
  /** Whether the bar lies inside the model's training or validation range. */
  inSample: boolean;
}

/**
 * The state at the close of the bar `at` ('last' = the last candle, else a bar's open time in ms).
 * Errors name `source` and say what was expected: the time is not a bar of the data, or the bar has
 * no feature row (it needs the FEATURE_LOOKBACK + 1 consecutive candles ending at it).
 */
export function nowcastState(bundle: ForecasterBundle, candles: Candles, at: 'last' | number, source: string): NowcastState {
  const n = candleCount(candles);
  if (n === 0) throw new Error(`${source}: no candles`);
  let bar = n - 1;
  if (at !== 'last') {
    bar = candles.timestamp.indexOf(at);
    if (bar < 0) {
      throw new Error(`${source}: ${minuteTime(at)} is not a bar of the data (its bars run ${minuteTime(candles.timestamp[0])} → ` +
        `${minuteTime(candles.timestamp[n - 1])}; give a bar's open time as in the CSV)`);
    }
  }
  // Only the candles up to the bar: later candles cannot reach the state.
  const upTo = sliceCandles(candles, 0, bar + 1);
  // Candles of another spacing would leave every bar without a feature row: say why instead.
  const modelMs = bundle.training.intervalMs, dataMs = inferIntervalMs(upTo.timestamp);
  if (modelMs > 0 && modelMs !== NOMINAL_MONTH_MS && dataMs !== undefined && dataMs !== modelMs) {
    throw new Error(`${source}: candles are ${span(dataMs)} apart but the model was trained on ${span(modelMs)} candles`);
  }
  const { features, contexts, width } = forecasterContexts(bundle, upTo);
  const row = features.rows - 1;
  if (row < 0 || features.index[row] !== bar) {
    throw new Error(`${source}: the bar ${minuteTime(candles.timestamp[bar])} has no feature row: it needs the ${FEATURE_LOOKBACK + 1} ` +
      'consecutive candles ending at it');
  }
  const time = candles.timestamp[bar];
  const { train, validation, intervalMs } = bundle.training;
  const inRange = (r: { start: number; end: number } | null) => r !== null && time >= r.start && time <= r.end;
  return {
    bar, time, closeTime: time + intervalMs, close: candles.close[bar],
    context: contexts.slice(row * width, (row + 1) * width), inSample: inRange(train) || inRange(validation),
  };
}

export interface NowcastDrawOptions {
  scenarios: number;
  seed?: number;
  /** Temperature of the base distribution (default 1). */
  temperature?: number;
}

/** S paths of the next H scaled one-bar log returns for one context row: S × H values, path after path. */
export function drawNowcastPaths(bundle: ForecasterBundle, context: Float32Array, o: NowcastDrawOptions): Float32Array {
  return bundle.model.sample(context, o.scenarios, { temperature: o.temperature ?? 1, seed: o.seed ?? 0 });
}

/** The cumulative simple return over the first h bars of each path: exp(scale · Σ_{i≤h} y_i) − 1. */
export function cumulativeReturns(paths: Float32Array, pathLength: number, scale: number, h: number): Float64Array {
  if (!(Number.isInteger(h) && h >= 1 && h <= pathLength)) throw new RangeError(`horizon ${h} is outside 1…${pathLength} (the model's path length)`);
  const S = paths.length / pathLength;
  const out = new Float64Array(S);
  for (let q = 0; q < S; q++) {
    let sum = 0;
    for (let i = 0; i < h; i++) sum += scale * paths[q * pathLength + i];
    out[q] = Math.expm1(sum);
  }
  return out;
}

/** One horizon's summary: returnRisk's numbers and the probability of a loss beyond `loss`. */
export interface NowcastHorizon extends ReturnRisk {
  horizon: number;
  lossProbability: number;
}

/** Per-horizon summary of one state's paths; every number of a horizon comes from the same S returns. */
export function nowcastSummary(paths: Float32Array, pathLength: number, scale: number, horizons: number[], loss: number): NowcastHorizon[] {
  if (!(loss > 0 && loss < 1)) throw new RangeError(`loss threshold must lie in (0, 1), got ${loss}`);
  return horizons.map((h) => {
    const r = cumulativeReturns(paths, pathLength, scale, h);
    const risk = returnRisk(r, `${h}-bar returns`);
    return { horizon: h, ...risk, lossProbability: lossProbability(r.sort(), loss) };
  });
}

export interface NowcastOptions extends NowcastDrawOptions {
  at?: 'last' | number;
  horizons?: number[];
  loss?: number;
  source?: string;
}

export interface Nowcast {
  state: NowcastState;
  horizons: NowcastHorizon[];
  /** The drawn paths (S × H scaled one-bar log returns). */
  paths: Float32Array;
  scenarios: number;
  seed: number;
  temperature: number;
  loss: number;
}

/** State, draws and summary in one call. */
export function nowcast(bundle: ForecasterBundle, candles: Candles, o: NowcastOptions): Nowcast {
  return nowcastAt(bundle, nowcastState(bundle, candles, o.at ?? 'last', o.source ?? 'candles'), o);
}

/** Draws and summary for a state already chosen (the commands choose it first to report a bad --at as a usage error). */
export function nowcastAt(bundle: ForecasterBundle, state: NowcastState, o: Omit<NowcastOptions, 'at' | 'source'>): Nowcast {
  const horizons = o.horizons ?? nowcastHorizons(bundle.horizon);
  for (const h of horizons) {
    if (!(Number.isInteger(h) && h >= 1 && h <= bundle.horizon)) throw new RangeError(`horizon ${h} is outside 1…${bundle.horizon} (the model forecasts ${bundle.horizon} bars)`);
  }
  const loss = o.loss ?? DEFAULT_LOSS, seed = o.seed ?? 0, temperature = o.temperature ?? 1;
  const paths = drawNowcastPaths(bundle, state.context, { scenarios: o.scenarios, seed, temperature });
  return { state, horizons: nowcastSummary(paths, bundle.horizon, bundle.targetScale, horizons, loss), paths, scenarios: o.scenarios, seed, temperature, loss };
}

/**
 * The paths as CSV, streamed in chunks of rows: header return_1 … return_H, one row per scenario,
 * each value the cumulative simple return over the first h bars (the quantity every VaR is taken of).
 */
export function* nowcastCsvChunks(paths: Float32Array, pathLength: number, scale: number, rowsPerChunk = 4096): Generator<string> {
  yield `${Array.from({ length: pathLength }, (_, i) => `return_${i + 1}`).join(',')}\n`;
  const S = paths.length / pathLength;
  const cells = new Array<string>(pathLength);
  for (let start = 0; start < S; start += rowsPerChunk) {
    let text = '';
    for (let q = start; q < Math.min(S, start + rowsPerChunk); q++) {
      let sum = 0;
      for (let i = 0; i < pathLength; i++) {
        sum += scale * paths[q * pathLength + i];
        cells[i] = String(Math.expm1(sum));
      }
      text += `${cells.join(',')}\n`;
    }
    yield text;
  }
}

/** Bybit interval of a model's candle spacing. */
export function intervalOfModel(ms: number): Interval {
  for (const code of INTERVAL_CHOICES) {
    const iv = parseInterval(code);
    if (iv.ms === ms) return iv;
  }
  throw new Error(`the model was trained on candles ${ms} ms apart, which is not a Bybit interval`);
}

export interface LiveOptions {
  symbol: string;
  category: BybitCategory;
  baseUrl?: string;
  intervalMs: number;
  now?: number;
}

/** Recent closed Bybit candles on the model's interval: enough for the last bar's feature row. */
export async function liveCandles(o: LiveOptions): Promise<{ candles: Candles; source: string }> {
  const interval = intervalOfModel(o.intervalMs);
  // Twice the 21-candle window: room for the open candle left out and a missing bar or two.
  const end = o.now ?? Date.now();
  const start = end - 2 * (FEATURE_LOOKBACK + 1) * interval.ms;
  const fetched = await fetchCandles({ symbol: o.symbol, interval, start, end, category: o.category, baseUrl: o.baseUrl });
  return { candles: fetched.candles, source: `Bybit ${o.category} ${o.symbol.toUpperCase()} ${interval.label}` };
}

/** What `signal` and `scenarios --at` read: live candles of `symbol` when given, else the `data` file. */
export async function marketCandles(o: { symbol?: string; data?: string; category: BybitCategory; baseUrl?: string; intervalMs: number }): Promise<{ candles: Candles; source: string }> {
  if (o.symbol !== undefined) return liveCandles({ symbol: o.symbol, intervalMs: o.intervalMs, category: o.category, baseUrl: o.baseUrl });
  if (o.data === undefined) throw new Error('marketCandles: give a symbol or a data file');
  return { candles: readCandles(o.data), source: o.data };
}

/**
 * Whether `path` is a readable forecaster file. Anything unreadable or malformed answers false, so the
 * GLOW loaders, which run next, report it exactly as before forecasters existed.
 */
export function isForecasterFile(path: string): boolean {
  try {
    return modelKindOf(readModelFile(path), path) === 'forecaster';
  } catch {
    return false;
  }
}
