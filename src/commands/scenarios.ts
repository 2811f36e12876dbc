/**
 * @fileoverview `glow-trade scenarios`: flow scenarios, per-horizon risk, temperature stress table and
 * the optional out-of-sample VaR test, as tables or one JSON document. On a forecaster file (told apart
 * by the file's kind), the scenarios of the next H bars for the market state at one bar's close
 * (--at last|<time> of --data, or live --symbol), from pipeline/nowcast.ts.
 */
import { Command, Flags } from '@oclif/core';
import { GlowCommand } from '../cli/base-command.js';
import { modelFlag } from '../cli/flags.js';
import { outputNotWritable, refuseOutputClash } from '../cli/paths.js';
import { readCandles } from '../data/candles-csv.js';
import { loadBundle } from '../trading/bundle.js';
import { writeChunksAtomic } from '../util/atomic.js';
import { isoTime } from '../cli/format.js';
import { clampedReturns, generateScenarios, horizonRisk, returnsBelowMinusOne, scenarioCsvChunks, MAX_SCENARIOS, RISK_HORIZONS, SCENARIO_BYTES } from '../risk/scenarios.js';
import { STRESS_TEMPERATURES, stressTable } from '../risk/stress.js';
import { varTest } from '../risk/var-test.js';
import { horizonTable, nowcastPercentileTable, nowcastRiskTable, percentileTable, stressTableText, varTestTable, varVerdictLines } from '../cli/risk-tables.js';
import { jsonRange } from '../cli/json-range.js';
import { decimal } from '../cli/flags.js';
import { formatPrice } from '../cli/price.js';
import { BYBIT_CATEGORIES, type BybitCategory } from '../data/bybit.js';
import { parseTime } from '../data/time.js';
import { loadForecasterBundle } from '../trading/forecaster-bundle.js';
import { DEFAULT_LOSS, isForecasterFile, marketCandles, nowcastAt, nowcastCsvChunks, nowcastState, type NowcastState } from '../pipeline/nowcast.js';

/** Flags that only a forecaster file uses (a GLOW model has no market state to condition on). */
const FORECASTER_ONLY = ['at', 'data', 'symbol', 'loss'] as const;

export default class Scenarios extends GlowCommand {
  static override summary = 'Sample scenarios from a model and report VaR, CVaR, moments, percentiles and a temperature stress table.';
  static override description =
    'Draws --num scenarios from the flow at --temperature (latent z ~ N(0, T²·I)), maps them back to feature ' +
    'units and reports, per horizon return_1/5/10/20, VaR and CVaR at 95% and 99% (losses positive; ' +
    'VaR = −(the type-7 interpolated 1−c quantile), CVaR = −(mean of the returns at or below it)), mean, std ' +
    '(ddof 1), adjusted skewness and excess kurtosis, and percentiles 1, 5, 10, 25, 50, 75, 90, 95, 99 — all ' +
    `from that one scenario set. The stress table repeats VaR/CVaR at T = ${STRESS_TEMPERATURES.join(', ')}, each ` +
    'temperature its own set with a seed derived from --seed (printed). --var-test counts how often held-out ' +
    "candles after the model's validation range lost more than the VaR, with Kupiec POF p-values. " +
    'With a forecaster file ("glow-trade train --conditional"), --at last|<time> picks the bar of --data (or of live ' +
    'Bybit candles with --symbol) whose close is the market state: --num paths of the next H bars are drawn for ' +
    'that state and each horizon 1, 5, 10, 20 (those ≤ H) gets the same numbers plus the probability of a loss ' +
    'beyond --loss; --output then writes one row per scenario with the cumulative simple return after 1 … H bars ' +
    '(columns return_1 … return_H).';
  static override examples = [
    '<%= config.bin %> scenarios --model model.bin',
    '<%= config.bin %> scenarios --model model.bin --num 50000 --temperature 1.5 --seed 7 --output scenarios.csv',
    '<%= config.bin %> scenarios --model model.bin --var-test btc.csv --json',
    '<%= config.bin %> scenarios --model forecaster.bin --data btc.csv --at last --output paths.csv',
    '<%= config.bin %> scenarios --model forecaster.bin --data btc.csv --at 2025-03-01T12:00 --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    model: modelFlag(),
    num: Flags.integer({ char: 'n', summary: `Scenarios per set (at least 100: a 99% VaR needs a 1% tail; at most ${MAX_SCENARIOS}).`, default: 10000, min: 100 }),
    temperature: Flags.string({ char: 't', summary: 'Latent temperature T > 0 (the standard deviation of z).', default: '1' }),
    seed: Flags.integer({ summary: 'Seed of the scenario draw (stress seeds are derived from it).', default: 0 }),
    output: Flags.string({ char: 'o', summary: 'CSV to write the scenarios to: a GLOW model\'s in feature units with the 16 feature names as header; a forecaster\'s as the cumulative simple return after 1 … H bars (return_1 … return_H), one row per scenario.' }),
    'var-test': Flags.string({ summary: "Candle CSV for the out-of-sample VaR test (bars after the model's validation range)." }),
    at: Flags.string({ summary: 'Forecaster files: the bar whose close is the market state: "last" (the last bar of the candles) or a bar\'s open time (ISO or Unix ms).' }),
    data: Flags.string({ char: 'd', summary: 'Forecaster files: candle CSV holding the --at bar and the 20 candles before it.', exclusive: ['symbol'] }),
    symbol: Flags.string({ char: 's', summary: 'Forecaster files: Bybit symbol; the state of the latest closed bar, fetched live.', exclusive: ['data'] }),
    category: Flags.string({ summary: 'Bybit product category (with --symbol).', options: [...BYBIT_CATEGORIES], default: 'linear' }),
    'base-url': Flags.string({ summary: 'Bybit API base URL (default $BYBIT_BASE_URL, else https://api.bybit.com).' }),
    loss: Flags.string({ summary: `Forecaster files: the loss whose probability is reported, as a fraction (default ${DEFAULT_LOSS} = a 2% loss).` }),
  };

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(Scenarios);
    refuseOutputClash(this, [{ flag: 'output', path: flags.output }], [{ flag: 'model', path: flags.model }, { flag: 'var-test', path: flags['var-test'] }, { flag: 'data', path: flags.data }]);
    const unwritable = flags.output === undefined ? null : outputNotWritable('output', flags.output);
    if (unwritable) this.error(unwritable, { exit: 2 });
    const temperature = Number(flags.temperature);
    if (flags.temperature.trim() === '' || !Number.isFinite(temperature) || !(temperature > 0)) {
      this.error(`--temperature must be a finite number > 0, got "${flags.temperature}"`);
    }
    const { num, seed } = flags;
    if (num > MAX_SCENARIOS) {
      this.error(`--num must be at most ${MAX_SCENARIOS} scenarios (each set is held in memory while it is drawn, about ` +
        `${SCENARIO_BYTES} bytes per scenario: ${(MAX_SCENARIOS * SCENARIO_BYTES / 1e9).toFixed(1)} GB at the limit), got ${num}`, { exit: 2 });
    }
    if (isForecasterFile(flags.model)) return this.forecaster(flags, temperature);
    const given = FORECASTER_ONLY.filter((f) => flags[f] !== undefined);
    if (given.length) {
      this.error(`${given.map((f) => `--${f}`).join(', ')}: ${flags.model} is a GLOW model, which draws market states unconditionally; ` +
        'these flags need a forecaster file (glow-trade train --conditional)', { exit: 2 });
    }
    const bundle = loadBundle(flags.model);
    const set = generateScenarios(bundle, { num, temperature, seed });
    const horizons = horizonRisk(set);
    // the row at the main set's temperature is the main set itself: one number per temperature on screen
    const stress = stressTable(bundle, { num, seed, main: set });
    const test = flags['var-test'] ? { data: flags['var-test'], ...varTest(readCandles(flags['var-test']), bundle.training, horizons, flags['var-test']) } : undefined;
    // Streamed: the CSV of a large set is longer than any string V8 can hold.
    if (flags.output) writeChunksAtomic(flags.output, scenarioCsvChunks(set));

    // Diagnostics go to stderr in both modes: stdout stays the exact JSON document under --json.
    const warn = (s: string) => process.stderr.write(`Warning: ${s}\n`);
    if (set.rejected > 0) {
      warn(`${set.rejected} of ${set.draws} draws (${(100 * set.rejected / set.draws).toFixed(2)}%) were impossible market states ` +
        "(beyond the scaler's range or a return below −100%) and were redrawn: the set is the flow conditioned on possible states");
    }
    const clamped = clampedReturns(set), impossible = returnsBelowMinusOne(set);
    for (const h of RISK_HORIZONS) {
      if (clamped[h] > 0) {
        warn(`${clamped[h]} of ${num} sampled ${h} values reached the scaler's ±40σ limit (the flow put mass beyond ` +
          'the soft clip); tail numbers that include them are bounded by that limit');
      }
      if (impossible[h] > 0) warn(`${impossible[h]} of ${num} sampled ${h} values are below −100% (impossible for a price)`);
    }

    if (!this.jsonEnabled()) {
      this.log(`${flags.model}: ${num} scenarios at T = ${temperature}, seed ${seed} — every number below comes from this one set`);
      this.log('');
      this.log(horizonTable(horizons));
      this.log('');
      this.log('percentiles of the return (type 7, linear interpolation):');
      this.log(percentileTable(horizons));
      this.log('');
      this.log(`stress: VaR/CVaR by temperature, ${num} scenarios per temperature, each its own seeded set:`);
      this.log(stressTableText(stress));
      if (test) {
        this.log('');
        this.log(`out-of-sample VaR test on ${test.data}, bars after ${isoTime(test.after)} (exceedance: return < −VaR):`);
        this.log(varTestTable(test));
        for (const line of varVerdictLines(test)) this.log(line);
        this.log(test.note);
      }
      if (flags.output) this.log(`\nwrote ${num} scenarios × ${set.names.length} features → ${flags.output}`);
    }
    const t = bundle.training;
    const model = {
      path: flags.model, config: bundle.glow.config, parameters: bundle.glow.numParameters, intervalMs: t.intervalMs,
      train: jsonRange(t.train.start, t.train.end, t.train.rows), validation: t.validation && jsonRange(t.validation.start, t.validation.end, t.validation.rows),
    };
    // time ranges in the one JSON shape; `after` is an instant (ISO minute and ms)
    const varTestJson = test && {
      ...test, after: isoTime(test.after), afterMs: test.after,
      horizons: Object.fromEntries(Object.entries(test.horizons).map(([h, r]) => {
        if (r === null) return [h, null];
        const { from, to, ...rest } = r;
        return [h, { range: jsonRange(from, to, r.n), ...rest }];
      })),
    };
    return { model, horizons, stress, ...(varTestJson ? { varTest: varTestJson } : {}), seed, temperature, num, draws: set.draws, redrawn: set.rejected };
  }

  /** A forecaster file: scenarios of the next H bars for the state at the close of one bar. */
  private async forecaster(flags: ForecasterFlags, temperature: number): Promise<Record<string, unknown>> {
    if (flags['var-test'] !== undefined) {
      this.error('--var-test applies to GLOW models; for a forecaster, test its per-bar VaR with "glow-trade risk --model ' +
        `${flags.model} --data ${flags['var-test']}"`, { exit: 2 });
    }
    if (flags.data === undefined && flags.symbol === undefined) {
      this.error(`${flags.model} is a forecaster: it draws scenarios for one market state; give --data <candles.csv> with ` +
        '--at last|<time> (or --symbol for live Bybit candles)', { exit: 2 });
    }
    let at: 'last' | number = 'last';
    const atText = flags.at ?? 'last';
    if (atText.trim() !== 'last') {
      try {
        at = parseTime(atText, '--at');
      } catch (err) {
        this.error(`${(err as Error).message} (or "last")`, { exit: 2 });
      }
    }
    const loss = flags.loss === undefined ? DEFAULT_LOSS : decimal(this, 'loss', flags.loss, (v) => v > 0 && v < 1, 'a fraction between 0 and 1 (0.02 = a 2% loss)');
    const bundle = loadForecasterBundle(flags.model);
    const { candles, source } = await marketCandles({
      symbol: flags.symbol, data: flags.data, intervalMs: bundle.training.intervalMs, category: flags.category as BybitCategory, baseUrl: flags['base-url'],
    });
    let state: NowcastState;
    try {
      state = nowcastState(bundle, candles, at, source);
    } catch (err) {
      this.error(`--at: ${(err as Error).message}`, { exit: 2 });
    }
    const r = nowcastAt(bundle, state, { scenarios: flags.num, seed: flags.seed, temperature, loss });
    // Streamed: the CSV of a large set is longer than any string V8 can hold.
    if (flags.output) writeChunksAtomic(flags.output, nowcastCsvChunks(r.paths, bundle.horizon, bundle.targetScale));
    if (state.inSample) this.warn(`${isoTime(state.time)} lies inside the model's training/validation range: these scenarios are in-sample`);
    if (!this.jsonEnabled()) {
      this.log(`${flags.model}: ${r.scenarios} scenarios of the next ${bundle.horizon} bars at T = ${temperature}, seed ${r.seed}, for the state at ` +
        `${isoTime(state.closeTime)}, the close of the ${source} bar opened ${isoTime(state.time)} (close ${formatPrice(state.close)}` +
        `${state.inSample ? ', in-sample' : ''}) — every number of a horizon comes from this one set`);
      this.log('');
      this.log(nowcastRiskTable(r.horizons, loss, 2));
      this.log('');
      this.log('percentiles of the return (type 7, linear interpolation):');
      this.log(nowcastPercentileTable(r.horizons));
      if (flags.output) this.log(`\nwrote ${r.scenarios} scenarios × ${bundle.horizon} cumulative returns (return_1 … return_${bundle.horizon}) → ${flags.output}`);
    }
    const t = bundle.training;
    const n = candles.timestamp.length;
    return {
      model: {
        path: flags.model, kind: 'forecaster', config: bundle.model.config, parameters: bundle.model.numParameters, horizon: bundle.horizon, intervalMs: t.intervalMs,
        train: jsonRange(t.train.start, t.train.end, t.train.rows), validation: t.validation && jsonRange(t.validation.start, t.validation.end, t.validation.rows),
      },
      at: {
        source, time: isoTime(state.time), timeMs: state.time, closeTime: isoTime(state.closeTime), closeTimeMs: state.closeTime,
        close: state.close, inSample: state.inSample, candles: jsonRange(candles.timestamp[0], candles.timestamp[n - 1], n),
      },
      horizons: Object.fromEntries(r.horizons.map(({ horizon, ...rest }) => [`return_${horizon}`, rest])),
      seed: r.seed, temperature, num: r.scenarios, loss, output: flags.output ?? null,
    };
  }
}

interface ForecasterFlags {
  model: string;
  num: number;
  seed: number;
  output?: string;
  'var-test'?: string;
  at?: string;
  data?: string;
  symbol?: string;
  category: string;
  'base-url'?: string;
  loss?: string;
}
