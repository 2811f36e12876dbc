/**
 * @fileoverview The forecast strategy's flags (backtest and signal on forecaster files): each one
 * overrides the option stored in the forecaster file; unset flags keep the stored values. Parsed
 * into ForecastStrategyOptions with usage errors (exit 2) that name the flag.
 */
import { type Command, Flags } from '@oclif/core';
import { decimal } from './flags.js';
import { DEFAULT_FORECAST_OPTIONS, FORECAST_RISK_MEASURES, FORECAST_TILTS, type ForecastStrategyOptions } from '../trading/forecast-options.js';
import type { ThreadsOption } from '../wasm/pool.js';

const D = DEFAULT_FORECAST_OPTIONS;
const stored = "default: the forecaster file's";

/** Flags of the forecast strategy's options (none has a default: the model file's options apply). */
export const forecastFlags = () => ({
  horizon: Flags.integer({ summary: `Forecast strategy: bars h of the predicted return R_h (${stored}, ${D.horizon} by training default).`, min: 1 }),
  risk: Flags.string({ summary: `Forecast strategy: predicted risk the exposure budgets (${stored}).`, options: [...FORECAST_RISK_MEASURES] }),
  smooth: Flags.integer({ summary: `Forecast strategy: average the predicted risk over the last N closes (${stored}).`, min: 1, max: 10_000 }),
  'target-fraction': Flags.string({ summary: `Forecast strategy: target risk = this × the median predicted risk on the training rows (${stored}).` }),
  'max-position': Flags.string({ summary: `Forecast strategy: largest |exposure| as a fraction of equity (${stored}).` }),
  band: Flags.string({ summary: `Forecast strategy: rebalance band — trade only when the target moves further than this (${stored}).` }),
  tilt: Flags.string({ summary: `Forecast strategy: direction tilt by E[R_h] or P(R_h > costs) when that edge clears the cost hurdle (${stored}).`, options: [...FORECAST_TILTS] }),
  'tilt-strength': Flags.string({ summary: `Forecast strategy: exposure × (1 + strength × edge score) (${stored}).` }),
  'min-edge': Flags.string({ summary: `Forecast strategy: cost hurdle = this × (fee + slippage) (${stored}).` }),
  'long-short': Flags.boolean({ summary: 'Forecast strategy: allow short positions (the tilt can turn the exposure negative).', allowNo: true }),
  scenarios: Flags.integer({ summary: `Forecast strategy: scenarios of the forecaster per bar (${stored}).`, min: 16, max: 1_000_000 }),
  'scenario-seed': Flags.integer({ summary: `Forecast strategy: seed of the scenario draws (${stored}).` }),
  threads: Flags.string({ summary: 'Forecaster files: threads of the scenario draws, a number or "auto" (the draws do not depend on it; default auto).' }),
});

type Parsed = {
  horizon?: number; risk?: string; smooth?: number; 'target-fraction'?: string; 'max-position'?: string; band?: string; tilt?: string; 'tilt-strength'?: string;
  'min-edge'?: string; 'long-short'?: boolean; scenarios?: number; 'scenario-seed'?: number; threads?: string;
};

/** The flags that only a forecaster file uses, as given (for the error on a GLOW model). */
export function givenForecastFlags(flags: Parsed): string[] {
  return (Object.keys(forecastFlags()) as Array<keyof Parsed>).filter((k) => flags[k] !== undefined).map((k) => `--${k}`);
}

/** --threads: a whole number 1…64 or "auto". */
export function threadsFlag(cmd: Command, text: string | undefined): ThreadsOption {
  if (text === undefined || text === 'auto') return 'auto';
  const n = Number(text);
  if (!(Number.isInteger(n) && n >= 1 && n <= 64)) cmd.error(`--threads must be an integer from 1 to 64 or "auto", got "${text}"`, { exit: 2 });
  return n;
}

/** The options the flags set (the others stay undefined, so the stored ones apply). */
export function forecastOptionsOf(cmd: Command, flags: Parsed): ForecastStrategyOptions {
  const num = (name: keyof Parsed, test: (v: number) => boolean, expected: string) => {
    const text = flags[name] as string | undefined;
    return text === undefined ? undefined : decimal(cmd, name, text, test, expected);
  };
  return {
    horizon: flags.horizon,
    risk: flags.risk as ForecastStrategyOptions['risk'],
    smooth: flags.smooth,
    targetFraction: num('target-fraction', (v) => v > 0, 'a number > 0'),
    maxPosition: num('max-position', (v) => v > 0, 'a number > 0'),
    band: num('band', (v) => v >= 0, 'a number ≥ 0'),
    tilt: flags.tilt as ForecastStrategyOptions['tilt'],
    tiltStrength: num('tilt-strength', (v) => v >= 0, 'a number ≥ 0'),
    minEdge: num('min-edge', (v) => v >= 0, 'a number ≥ 0'),
    longShort: flags['long-short'],
    scenarios: flags.scenarios,
    seed: flags['scenario-seed'],
    threads: threadsFlag(cmd, flags.threads),
  };
}
