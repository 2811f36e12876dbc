/**
 * @fileoverview `backtest --model a.bin --model b.bin …`: several model files of ONE kind (GLOW
 * models, or forecasters) backtested on the same bars and traded together through their averaged
 * positions (trading/ensemble-backtest.ts). Without --from, the period starts after the LATEST
 * training/validation range of all the files, so no member trades a bar it was fitted on.
 */
import type { Command } from '@oclif/core';
import type { Candles } from '../data/candles.js';
import { isForecasterFile } from '../pipeline/nowcast.js';
import { loadBundle } from '../trading/bundle.js';
import { ensembleBacktest, type EnsembleBacktestResult } from '../trading/ensemble-backtest.js';
import { loadForecasterBundle } from '../trading/forecaster-bundle.js';
import { runForecastBacktest } from '../trading/run-forecast-backtest.js';
import type { ForecastStrategyOptions } from '../trading/forecast-strategy.js';
import { runBacktest, type RunBacktestOptions } from '../trading/run-backtest.js';

export function ensembleOfFiles(cmd: Command, paths: string[], candles: Candles,
  options: RunBacktestOptions & { strategy?: string; forecast?: ForecastStrategyOptions }): EnsembleBacktestResult {
  const kinds = paths.map((p) => (isForecasterFile(p) ? 'forecaster' : 'glow'));
  if (new Set(kinds).size > 1) {
    cmd.error(`--model files must be of one kind to be traded together: ${paths.map((p, i) => `${p} (${kinds[i]})`).join(', ')}`, { exit: 2 });
  }
  const bundles = paths.map((p, i) => (kinds[i] === 'forecaster' ? loadForecasterBundle(p) : loadBundle(p)));
  // timestamps are whole milliseconds: a bar after `end` opens at end + 1 or later
  const from = options.from ?? Math.max(...bundles.map((b) => (b.training.validation ?? b.training.train).end)) + 1;
  const { forecast, ...rest } = options;
  const member = { ...rest, from, trials: (options.trials ?? 1) * paths.length };
  return ensembleBacktest(bundles.map((b, i) => ({
    source: paths[i], seed: b.training.seed,
    result: 'kind' in b && b.kind === 'forecaster' ? runForecastBacktest(b, candles, { ...forecast, ...member }) : runBacktest(b as Parameters<typeof runBacktest>[0], candles, member),
  })), options);
}
