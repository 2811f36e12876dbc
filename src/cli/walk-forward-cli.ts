/**
 * @fileoverview `backtest --walk-forward` on the command line: its flags, the walk-forward options
 * they give (from a model file's configuration, or else from the training flags with `train`'s
 * defaults; a GLOW model's strategy calibration then takes train's defaults, as backtest's
 * --horizon and --min-edge are the forecast strategy's flags, which a conditional run applies), progress lines on stderr (also with --json: stdout holds only the JSON), and the folds
 * table — per fold the strategy, its members' spread and the baselines, with honest statistics —
 * in human and JSON form.
 */
import { type Command, Flags } from '@oclif/core';
import type { Candles } from '../data/candles.js';
import { CONTEXT_NAMES } from '../data/forecaster-data.js';
import { resolveConfig } from '../model/config.js';
import { resolveForecasterConfig } from '../model/forecaster-config.js';
import { FEATURE_COUNT } from '../data/features.js';
import { walkForward, type WalkForwardOptions, type WalkForwardResult } from '../pipeline/walk-forward.js';
import type { ModelBundle } from '../trading/bundle.js';
import type { ForecasterBundle } from '../trading/forecaster-bundle.js';
import { formatMetric, type MetricNotes, type Metrics } from '../trading/metrics.js';
import { jsonRange } from './json-range.js';
import { decimal } from './flags.js';
import { renderTable } from './risk-tables.js';
import { membersLines, spreadText } from './ensemble-lines.js';
import { fitFlags, fitSettings, forecasterFlags, forecasterShape, modelShape, modelShapeFlags, seedList } from './train-flags.js';
import type { ForecastStrategyOptions } from '../trading/forecast-strategy.js';

/** The walk-forward flags of `backtest` (the training flags are train's, with its defaults). */
export const walkForwardFlags = () => ({
  'walk-forward': Flags.boolean({ summary: 'Retrain per fold and trade each fold\'s test window.' }),
  'train-bars': Flags.integer({ summary: 'Walk-forward: candles of the (first) training window.', min: 22, dependsOn: ['walk-forward'] }),
  'test-bars': Flags.integer({
    summary: 'Walk-forward: tested ROWS per fold (bars with a feature row; on data with gaps a window spans more candles). The last, incomplete window is tested too.',
    min: 1, dependsOn: ['walk-forward'],
  }),
  step: Flags.integer({ summary: 'Walk-forward: tested rows between fold starts (default --test-bars).', min: 1, dependsOn: ['walk-forward'] }),
  window: Flags.string({ summary: 'Walk-forward: training window.', options: ['expanding', 'rolling'], default: 'expanding' }),
  'validation-fraction': Flags.string({ summary: "Walk-forward: share of each fold's training rows used for validation.", default: '0.15' }),
  seed: Flags.integer({ summary: "Walk-forward: seed of every fold's training (default: the model's seed, or 0 without --model)." }),
  seeds: Flags.string({ summary: 'Walk-forward: train one member per seed (e.g. 0,1,2,3,4) and trade their averaged positions.', dependsOn: ['walk-forward'] }),
  ensemble: Flags.integer({ summary: 'Walk-forward: K members with seeds 0 … K−1 (as --seeds).', min: 1, max: 64, dependsOn: ['walk-forward'] }),
  folds: Flags.string({ summary: 'Walk-forward: run only these folds (1-based, e.g. 1,3); the others are skipped.', dependsOn: ['walk-forward'] }),
  conditional: Flags.boolean({ summary: 'Walk-forward without --model: train forecasters (as train --conditional) and trade the forecast strategy (its flags apply).' }),
  ...fitFlags(),
  ...modelShapeFlags(),
  ...forecasterFlags(),
});

type Flagged = Record<string, any>;

/** --folds "1,3" as fold numbers (existence is checked against the plan). */
function foldList(cmd: Command, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((s) => !/^\d+$/.test(s) || Number(s) < 1)) cmd.error(`--folds must be fold numbers ≥ 1 separated by commas (e.g. 1,3), got "${text}"`, { exit: 2 });
  return parts.map(Number);
}

/**
 * The walk-forward options the flags give. With a model file: its configuration (shape, strategy
 * calibration, forecaster horizon) and seed; without: the training flags.
 */
export function walkForwardOptions(cmd: Command, flags: Flagged, model: ModelBundle | ForecasterBundle | null, run: {
  fee: number; slippage: number; capital: number; threads: number; forecast: ForecastStrategyOptions;
}): WalkForwardOptions {
  if (flags['train-bars'] === undefined || flags['test-bars'] === undefined) cmd.error('--walk-forward needs --train-bars and --test-bars', { exit: 2 });
  const vf = decimal(cmd, 'validation-fraction', flags['validation-fraction'], (v) => v > 0 && v < 1, 'a number in (0, 1)');
  const seeds = seedList(cmd, flags.seeds, flags.ensemble);
  const common: WalkForwardOptions = {
    trainBars: flags['train-bars'], testBars: flags['test-bars'], step: flags.step, window: flags.window, validationFraction: vf,
    seeds, folds: foldList(cmd, flags.folds), fit: fitSettings(cmd, flags as never), threads: run.threads, trials: flags.trials,
    fee: run.fee, slippage: run.slippage, capital: run.capital,
  };
  const forecaster = model ? 'kind' in model && model.kind === 'forecaster' : flags.conditional;
  if (model && flags.conditional && !forecaster) cmd.error('--conditional trains forecasters, but --model is a GLOW model file; drop one of them', { exit: 2 });
  if (forecaster) {
    if (model) {
      const f = model as ForecasterBundle;
      const { levels, steps, hidden, coupling, embed, contextHidden, base } = f.model.config;
      return { ...common, seed: flags.seed ?? f.training.seed, conditional: true, strategy: flags.strategy,
        // the file's forecast options, under the flags given
        forecast: { ...f.strategy?.options, ...definedOnly(run.forecast) },
        forecaster: { model: { levels, steps, hidden, coupling, embed, contextHidden, base }, horizon: f.horizon } };
    }
    const shape = forecasterShape(flags as never, CONTEXT_NAMES.length);
    try {
      resolveForecasterConfig(shape);
    } catch (err) {
      cmd.error(`--forecast-bars ${flags['forecast-bars']} --levels ${flags.levels} --steps ${flags.steps} --hidden ${flags.hidden}: ${(err as Error).message}`, { exit: 2 });
    }
    const { target, context, ...rest } = shape;
    return { ...common, seed: flags.seed ?? 0, conditional: true, strategy: flags.strategy, forecast: definedOnly(run.forecast), forecaster: { model: rest, horizon: target } };
  }
  if (model) {
    const g = model as ModelBundle;
    const { levels, steps, hidden, coupling } = g.glow.config;
    const cal = g.strategy.calibration.options;
    return { ...common, seed: flags.seed ?? g.training.seed, model: { levels, steps, hidden, coupling }, strategy: flags.strategy ?? 'glow',
      strategyOptions: { ...cal, allowedRegimes: cal.allowedRegimes ?? undefined } };
  }
  const shape = modelShape(flags as never);
  try {
    resolveConfig({ ...shape, features: FEATURE_COUNT });
  } catch (err) {
    cmd.error(`--levels ${flags.levels} --steps ${flags.steps} --hidden ${flags.hidden}: ${(err as Error).message}`, { exit: 2 });
  }
  // the GLOW strategy's calibration: train's defaults (backtest's --horizon and --min-edge are the forecast strategy's)
  return { ...common, seed: flags.seed ?? 0, model: shape, strategy: flags.strategy ?? 'glow' };
}

/** The options a caller set (undefined fields dropped, so they do not hide stored or default values). */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Run the walk-forward, with a progress line on stderr after every member of every fold. */
export function runWalkForward(candles: Candles, options: WalkForwardOptions, stderr: { write(s: string): unknown } = process.stderr): WalkForwardResult {
  return walkForward(candles, {
    ...options,
    onMember: (p) => {
      const member = p.members > 1 ? `, member ${p.member}/${p.members}` : '';
      stderr.write(`walk-forward: fold ${p.fold} (${p.done}/${p.folds} run)${member}, seed ${p.seed}: trained in ${p.model.seconds.train.toFixed(1)} s ` +
        `(${p.model.epochs} epochs, ${p.model.stopReason}), traded in ${p.model.seconds.trade.toFixed(1)} s\n`);
    },
  });
}

const range = (r: { start: number; end: number }, rows: number) => jsonRange(r.start, r.end, rows);

/** The `walkForward` section of the JSON summary. */
export function walkForwardJson(wf: WalkForwardResult): Record<string, unknown> {
  return {
    window: wf.window, trainBars: wf.trainBars, testBars: wf.testBars, testBarsCount: 'rows', step: wf.step, conditional: wf.conditional,
    seeds: wf.seeds, trials: wf.trials, threads: wf.threads, plannedFolds: wf.plannedFolds, seconds: wf.seconds,
    members: wf.members.map((m) => ({ seed: m.seed, metrics: m.metrics, notes: m.notes, honest: m.honest, equalRisk: m.equalRisk, finalEquity: m.finalEquity })),
    spread: wf.spread,
    folds: wf.folds.map((f) => ({
      fold: f.fold,
      candles: { trainFrom: f.plan.trainFrom, testFrom: f.plan.testFrom, testTo: f.plan.testTo },
      train: range(f.train, f.train.candles),
      test: range(f.test, f.test.rows),
      metrics: f.metrics, benchmark: f.benchmark, notes: f.notes, honest: f.honest, baselines: f.baselines,
      members: f.members.map((m) => ({ seed: m.seed, metrics: m.metrics, notes: m.notes, model: modelJson(m.model) })),
      spread: f.spread,
      seconds: f.seconds,
      model: modelJson(f.model),
    })),
  };
}

function modelJson(m: WalkForwardResult['folds'][number]['model']) {
  return {
    ...m, train: jsonRange(m.train.start, m.train.end, m.train.rows),
    validation: m.validation && jsonRange(m.validation.start, m.validation.end, m.validation.rows),
  };
}

const f = (k: 'totalReturn' | 'sharpe' | 'maxDrawdown', m: Metrics, n: MetricNotes) => formatMetric(k, m[k], n);
const t2 = (v: number | null) => (v === null ? 'n/a' : v.toFixed(2));

/** The human folds table and, with an ensemble, the members table. */
export function walkForwardLines(wf: WalkForwardResult): string[] {
  const K = wf.seeds.length;
  const label = K > 1 ? `ensemble of ${K}` : 'strategy';
  const header = ['fold', 'test bars', 'rows', `${label} return`, 'Sharpe', 'max DD', 'alpha t', ...(K > 1 ? ['members Sharpe min/med/max'] : []),
    'buy & hold return', 'Sharpe', 'vol target Sharpe', 'momentum Sharpe'];
  const rows = wf.folds.map((x) => {
    const b = x.baselines;
    return [String(x.fold), `${range(x.test, x.test.rows)!.from} → ${range(x.test, x.test.rows)!.to}`, String(x.test.rows),
      f('totalReturn', x.metrics, x.notes.strategy), f('sharpe', x.metrics, x.notes.strategy), f('maxDrawdown', x.metrics, x.notes.strategy), t2(x.honest.alphaT),
      ...(K > 1 ? [spreadText(x.spread.sharpe)] : []),
      f('totalReturn', b.buyAndHold.metrics, b.buyAndHold.notes), f('sharpe', b.buyAndHold.metrics, b.buyAndHold.notes),
      f('sharpe', b.volTarget.metrics, b.volTarget.notes), f('sharpe', b.momentum.metrics, b.momentum.notes)];
  });
  const lines = ['', `Walk-forward folds (${wf.window} window, ${wf.trainBars} training candles, ${wf.testBars} tested rows per fold` +
    `${wf.folds.length < wf.plannedFolds ? `; ${wf.folds.length} of ${wf.plannedFolds} folds run` : ''}):`, renderTable(header, rows)];
  if (K > 1) {
    lines.push('', ...membersLines(
      wf.members.map((m) => ({ label: `seed ${m.seed}`, metrics: m.metrics, notes: m.notes, honest: m.honest })),
      { label: 'ensemble', metrics: wf.metrics, notes: wf.notes.strategy, honest: wf.honest }, wf.spread, wf.trials));
  }
  lines.push(`walk-forward took ${wf.seconds.toFixed(1)} s`);
  return lines;
}
