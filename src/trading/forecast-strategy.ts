/**
 * @fileoverview PLACEHOLDER for contract C1 (owner: wt-forecast): the signature of
 * `forecastPositions` only, so that walk-forward's conditional path compiles before C1 lands.
 * On `git merge wt-forecast` take wt-forecast's version of this file whole.
 */
import type { Candles } from '../data/candles.js';
import type { ThreadsOption } from '../wasm/pool.js';
import type { ForecasterBundle } from './forecaster-bundle.js';

export interface ForecastStrategyOptions {
  horizon?: number; longShort?: boolean; maxPosition?: number; band?: number;
  scenarios?: number; seed?: number; threads?: ThreadsOption;
}

export interface ForecastOutputs {
  timestamps: Float64Array; horizon: number; mean: Float64Array; std: Float64Array;
  cvar95: Float64Array; probAboveCost: Float64Array; exposure: Float64Array;
}

export function forecastPositions(_bundle: ForecasterBundle, _candles: Candles, _rows: { a: number; b: number },
  _options: ForecastStrategyOptions & { initialPosition?: number; fee?: number; slippage?: number }):
  { decisions: Float64Array; outputs: ForecastOutputs; timestamps: Float64Array; closes: Float64Array } {
  throw new Error('the forecast strategy (contract C1) is not merged into this branch yet');
}
