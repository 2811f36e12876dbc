/**
 * @fileoverview `glow-trade risk`: per-bar VaR/CVaR from a forecaster beside historical simulation,
 * EWMA and GARCH(1,1)-t on the same bars, and the forecast tests that say which to trust.
 */
import { Command, Flags } from '@oclif/core';
import { GlowCommand } from '../cli/base-command.js';
import { candlesFlag, modelFlag } from '../cli/flags.js';
import { outputNotWritable, refuseOutputClash } from '../cli/paths.js';
import { jsonRange } from '../cli/json-range.js';
import { num } from '../cli/format.js';
import { parseTime } from '../data/time.js';
import { readCandles } from '../data/candles-csv.js';
import { ProgressBar } from '../data/progress.js';
import { loadForecasterBundle } from '../trading/forecaster-bundle.js';
import { BASELINES, type BaselineName, DEFAULT_RISK_HORIZONS, riskCsvRows, runRisk, type RunRiskResult } from '../pipeline/run-risk.js';
import { writeChunksAtomic } from '../util/atomic.js';
import { resolveThreads } from '../wasm/pool.js';

/** Comma-separated positive integers, or a usage error naming the flag. */
function integerList(cmd: Command, flag: string, text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if (parts.some((p) => p === '') || values.some((v) => !Number.isInteger(v) || v < 1)) {
    cmd.error(`--${flag} must be comma-separated whole numbers ≥ 1, got "${text}"`, { exit: 2 });
  }
  return [...new Set(values)].sort((a, b) => a - b);
}

export default class Risk extends GlowCommand {
  static override summary = 'Per-bar risk from a forecaster, beside historical simulation, EWMA and GARCH-t, with forecast tests.';
  static override description =
    'At the close of every tested bar (default: every bar after the model\'s validation range), draws --scenarios ' +
    'paths of the next bars from the forecaster p(y | state) and reports each horizon\'s VaR and CVaR at 95% and 99% ' +
    '(losses positive), mean and std. The same bars get the baselines: historical simulation over the last 1,000 ' +
    'bars, EWMA (λ = 0.94) and GARCH(1,1) with Student-t innovations (maximum likelihood on the model\'s training ' +
    'candles), EWMA and GARCH-t also with a UTC hour-of-day volatility factor. Then, per horizon: exceedances, ' +
    'Kupiec, Christoffersen independence and conditional coverage (every h-th bar for h > 1, so windows do not ' +
    'overlap), the mean pinball loss, and a Diebold–Mariano test (Newey–West errors) against the best baseline.';
  static override examples = [
    '<%= config.bin %> risk --model forecaster.bin --data btc.csv',
    '<%= config.bin %> risk --model forecaster.bin --data btc.csv --horizons 1,20 --scenarios 4000 --output risk.csv --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    model: modelFlag(),
    data: candlesFlag('Candle CSV: the bars to forecast at (with the 20 candles before them for the features).'),
    horizons: Flags.string({ summary: `Horizons in bars, comma-separated, each ≤ the model's path length (default ${DEFAULT_RISK_HORIZONS.join(',')}, those the model reaches).` }),
    scenarios: Flags.integer({ summary: 'Scenarios per bar (also GARCH-t\'s simulated paths).', default: 2000, min: 100, max: 100_000 }),
    baselines: Flags.string({ summary: `Baselines, comma-separated (${BASELINES.join(', ')}), or "none".`, default: BASELINES.join(',') }),
    'hour-factor': Flags.boolean({ summary: 'Also run EWMA and GARCH-t with the hour-of-day volatility factor (intraday candles).', default: true, allowNo: true }),
    from: Flags.string({ summary: 'First bar to forecast at (ISO time or Unix ms, open time).' }),
    to: Flags.string({ summary: 'Last bar to forecast at.' }),
    'allow-in-sample': Flags.boolean({ summary: 'Forecast at bars inside the model\'s training or validation range anyway.', default: false }),
    seed: Flags.integer({ summary: 'Seed of the scenario draws (bar chunk k uses seed + k) and of GARCH-t\'s paths.', default: 0 }),
    threads: Flags.string({ summary: 'Threads for the scenario draws: a number, or "auto" for every core (the draws do not depend on it).', default: 'auto' }),
    output: Flags.string({ char: 'o', summary: 'CSV of the forecaster\'s per-bar risk: timestamp,horizon,var95,cvar95,var99,cvar99,mean,std,realized.' }),
  };

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(Risk);
    refuseOutputClash(this, [{ flag: 'output', path: flags.output }], [{ flag: 'model', path: flags.model }, { flag: 'data', path: flags.data }]);
    const unwritable = flags.output === undefined ? null : outputNotWritable('output', flags.output);
    if (unwritable) this.error(unwritable, { exit: 2 });
    const given = flags.horizons === undefined ? null : integerList(this, 'horizons', flags.horizons);
    const baselines = flags.baselines.trim() === 'none' ? [] : flags.baselines.split(',').map((s) => s.trim());
    const unknown = baselines.filter((b) => !(BASELINES as readonly string[]).includes(b));
    if (unknown.length) this.error(`--baselines: unknown ${unknown.join(', ')}; choose from ${BASELINES.join(', ')} or "none"`, { exit: 2 });
    let from: number | undefined, to: number | undefined;
    try {
      from = flags.from === undefined ? undefined : parseTime(flags.from, '--from');
      to = flags.to === undefined ? undefined : parseTime(flags.to, '--to');
    } catch (err) {
      this.error((err as Error).message, { exit: 2 });
    }
    const threadsArg = flags.threads === 'auto' ? 'auto' : Number(flags.threads);
    if (threadsArg !== 'auto' && !(Number.isInteger(threadsArg) && threadsArg >= 1 && threadsArg <= 64)) {
      this.error(`--threads must be an integer from 1 to 64 or "auto", got "${flags.threads}"`, { exit: 2 });
    }
    const bundle = loadForecasterBundle(flags.model, { threads: resolveThreads(threadsArg) });
    const horizons = given ?? DEFAULT_RISK_HORIZONS.filter((h) => h <= bundle.horizon);
    if (!horizons.includes(bundle.horizon) && given === null && horizons.length < DEFAULT_RISK_HORIZONS.length) horizons.push(bundle.horizon);
    const bad = horizons.find((h) => h > bundle.horizon);
    if (bad !== undefined) this.error(`--horizons: ${bad} bars is beyond the model's ${bundle.horizon}-bar forecast`, { exit: 2 });
    const candles = readCandles(flags.data);
    const bar = new ProgressBar({ label: 'risk' });
    const result = await runRisk(bundle, candles, {
      from, to, horizons, scenarios: flags.scenarios, baselines: baselines as BaselineName[], hourFactor: flags['hour-factor'],
      seed: flags.seed, allowInSample: flags['allow-in-sample'],
      onProgress: (stage, done, total) => bar.update(stage === 'forecaster' ? 0.8 * done / total : 0.8 + 0.2 * done / total, `${stage} ${done}/${total}`),
    });
    bar.done(`${result.bars.length} bars`);
    if (flags.output) writeChunksAtomic(flags.output, riskCsvRows(result).map((l) => `${l}\n`));
    for (const w of result.warnings) this.warn(w);
    const summary = jsonSummary(result, flags.model, flags.output ?? null);
    if (!this.jsonEnabled()) this.log(humanTables(result));
    return summary;
  }
}

function jsonSummary(r: RunRiskResult, model: string, output: string | null) {
  return {
    model, output,
    range: jsonRange(r.period.from, r.period.to, r.period.rows),
    horizons: r.horizons, scenarios: r.scenarios, seed: r.seed, reference: r.reference, seconds: r.seconds, warnings: r.warnings,
    methods: [r.forecaster, ...r.baselines].map((m) => ({ method: m.method, details: m.details ?? null })),
    evaluation: r.evaluation.map((e) => ({
      method: e.method, horizon: e.horizon,
      levels: e.levels.map((l) => ({
        confidence: l.confidence, forecasts: l.n, exceedances: l.exceedances, rate: l.rate,
        kupiecP: l.coverage.kupiec.pValue, independenceP: l.coverage.independence.pValue, conditionalCoverageP: l.coverage.conditional.pValue,
        coverageForecasts: l.coverage.n, hitRateHacP: l.hac.pValue, pinball: l.pinball, vsReference: l.vsReference,
        dm: l.dm && { statistic: l.dm.statistic, pValue: l.dm.pValue, lag: l.dm.lag }, verdict: l.verdict,
      })),
    })),
  };
}

/** One table per horizon: every method's tests side by side, verdicts in words. */
function humanTables(r: RunRiskResult): string {
  const out: string[] = [`per-bar risk at ${r.bars.length} closes, ${r.scenarios} scenarios each; DM against the best baseline (negative = lower loss)`];
  for (const h of r.horizons) {
    out.push('', `${h}-bar return (DM reference: ${r.reference[h] ?? 'none'})${h > 1 ? `; coverage tests on every ${h}th bar` : ''}`);
    out.push(`${'method'.padEnd(14)}${'level'.padEnd(7)}${'breaches'.padStart(14)}${'Kupiec p'.padStart(10)}${'indep p'.padStart(9)}${'CC p'.padStart(8)}${'pinball bp'.padStart(12)}${'vs ref'.padStart(9)}${'DM t'.padStart(8)}  verdict`);
    for (const e of r.evaluation.filter((x) => x.horizon === h)) {
      for (const l of e.levels) {
        const breaches = `${l.exceedances}/${l.n} ${(100 * l.rate).toFixed(2)}%`;
        const vs = l.vsReference === null ? '' : `${l.vsReference >= 0 ? '+' : ''}${(100 * l.vsReference).toFixed(1)}%`;
        out.push(`${e.method.padEnd(14)}${`${l.confidence * 100}%`.padEnd(7)}${breaches.padStart(14)}${num(l.coverage.kupiec.pValue, 3).padStart(10)}` +
          `${num(l.coverage.independence.pValue, 3).padStart(9)}${num(l.coverage.conditional.pValue, 3).padStart(8)}${num(l.pinball * 1e4, 3).padStart(12)}` +
          `${vs.padStart(9)}${(l.dm ? num(l.dm.statistic, 2) : '').padStart(8)}  ${l.verdict}`);
      }
    }
  }
  out.push('', `forecaster ${r.seconds.forecaster.toFixed(1)} s, baselines ${r.seconds.baselines.toFixed(1)} s`);
  return out.join('\n');
}
