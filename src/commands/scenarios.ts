/**
 * @fileoverview `glow-trade scenarios`: flow scenarios, per-horizon risk, temperature stress table and
 * the optional out-of-sample VaR test, as tables or one JSON document.
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
import { horizonTable, percentileTable, stressTableText, varTestTable, varVerdictLines } from '../cli/risk-tables.js';
import { jsonRange } from '../cli/json-range.js';

export default class Scenarios extends GlowCommand {
  static override summary = 'Sample scenarios from a model and report VaR, CVaR, moments, percentiles and a temperature stress table.';
  static override description =
    'Draws --num scenarios from the flow at --temperature (latent z ~ N(0, T²·I)), maps them back to feature ' +
    'units and reports, per horizon return_1/5/10/20, VaR and CVaR at 95% and 99% (losses positive; ' +
    'VaR = −(the type-7 interpolated 1−c quantile), CVaR = −(mean of the returns at or below it)), mean, std ' +
    '(ddof 1), adjusted skewness and excess kurtosis, and percentiles 1, 5, 10, 25, 50, 75, 90, 95, 99 — all ' +
    `from that one scenario set. The stress table repeats VaR/CVaR at T = ${STRESS_TEMPERATURES.join(', ')}, each ` +
    'temperature its own set with a seed derived from --seed (printed). --var-test counts how often held-out ' +
    "candles after the model's validation range lost more than the VaR, with Kupiec POF p-values.";
  static override examples = [
    '<%= config.bin %> scenarios --model model.bin',
    '<%= config.bin %> scenarios --model model.bin --num 50000 --temperature 1.5 --seed 7 --output scenarios.csv',
    '<%= config.bin %> scenarios --model model.bin --var-test btc.csv --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    model: modelFlag(),
    num: Flags.integer({ char: 'n', summary: `Scenarios per set (at least 100: a 99% VaR needs a 1% tail; at most ${MAX_SCENARIOS}).`, default: 10000, min: 100 }),
    temperature: Flags.string({ char: 't', summary: 'Latent temperature T > 0 (the standard deviation of z).', default: '1' }),
    seed: Flags.integer({ summary: 'Seed of the scenario draw (stress seeds are derived from it).', default: 0 }),
    output: Flags.string({ char: 'o', summary: 'CSV to write the scenarios to, in feature units, with the 16 feature names as header.' }),
    'var-test': Flags.string({ summary: "Candle CSV for the out-of-sample VaR test (bars after the model's validation range)." }),
  };

  async run(): Promise<Record<string, unknown>> {
    const { flags } = await this.parse(Scenarios);
    refuseOutputClash(this, [{ flag: 'output', path: flags.output }], [{ flag: 'model', path: flags.model }, { flag: 'var-test', path: flags['var-test'] }]);
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
}
