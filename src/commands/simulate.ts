/**
 * @fileoverview `glow-trade simulate`: write a seeded synthetic market (see `data/synthetic.ts`) as a
 * candle CSV, for offline work. The same flags always give the same file.
 */
import { Command, Flags } from '@oclif/core';
import { GlowCommand } from '../cli/base-command.js';
import { writeCandles } from '../data/candles-csv.js';
import { parseInterval } from '../data/interval.js';
import { stylisedFacts } from '../data/stylised-facts.js';
import { simulateMarket } from '../data/synthetic.js';
import { isoTime, parseTime } from '../data/time.js';
import { refuseOutputClash } from '../cli/paths.js';
import { jsonRange, type JsonRange } from '../cli/json-range.js';

export interface SimulateSummary {
  output: string;
  rows: number;
  seed: number;
  interval: string;
  range: JsonRange | null;
  /** Stylised facts of the log returns (null below 4 bars). */
  facts: { kurtosis: number; annualisedVolatility: number; absReturnAutocorrelation: number[] } | null;
}

export default class Simulate extends GlowCommand {
  static override summary = 'Write a synthetic market (seeded OHLCV candles) to a CSV file.';
  static override description =
    'Simulates candles with fat-tailed returns (Student-t), volatility clustering (GARCH), regime ' +
    'switches, consistent OHLC and volume that rises with activity. Same --seed, --bars, --start and ' +
    '--interval ⇒ the same file. The summary reports kurtosis, annualised volatility and the ' +
    'autocorrelation of |returns| at lags 1–10.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --bars 8760 --seed 1 --output synthetic_1h.csv',
    '<%= config.bin %> <%= command.id %> --bars 2000 --seed 7 --start 2022-06-01 --interval 4h --output synth_4h.csv --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    bars: Flags.integer({ description: 'Number of candles', min: 1, default: 8760 }),
    seed: Flags.integer({ description: 'Random seed', default: 1 }),
    output: Flags.string({ char: 'o', description: 'CSV file to write (replaced atomically)', required: true }),
    start: Flags.string({ description: 'Open time of the first candle: ISO date/time (UTC) or Unix ms', default: '2024-01-01' }),
    interval: Flags.string({ description: 'Candle interval (1h, 4h, 1d, … or a Bybit code; not months)', default: '1h' }),
    'start-price': Flags.string({ description: 'Price of the first open', default: '30000' }),
  };

  async run(): Promise<SimulateSummary> {
    const { flags } = await this.parse(Simulate);
    refuseOutputClash(this, [{ flag: 'output', path: flags.output }], []);
    let candles;
    let interval;
    try {
      interval = parseInterval(flags.interval);
      if (interval.calendarMonths) throw new RangeError('--interval M has calendar-length candles; simulate needs a fixed interval');
      const startPrice = Number(flags['start-price']);
      candles = simulateMarket({
        bars: flags.bars, seed: flags.seed, start: parseTime(flags.start, '--start'), intervalMs: interval.ms, startPrice,
      });
      writeCandles(flags.output, candles);
    } catch (err) {
      this.error((err as Error).message, { exit: 1 });
    }
    const n = candles.timestamp.length;
    const facts = n >= 4 ? stylisedFacts(candles.close, { periodsPerYear: interval.periodsPerYear }) : null;
    const summary: SimulateSummary = {
      output: flags.output,
      rows: n,
      seed: flags.seed,
      interval: interval.code,
      range: jsonRange(candles.timestamp[0], candles.timestamp[n - 1], n),
      facts: facts && {
        kurtosis: facts.kurtosis, annualisedVolatility: facts.annualisedVolatility, absReturnAutocorrelation: facts.absReturnAutocorrelation,
      },
    };
    this.log(`${summary.output}: ${n} ${interval.label} candles, seed ${summary.seed}, ${isoTime(candles.timestamp[0])} … ${isoTime(candles.timestamp[n - 1])}`);
    if (facts) {
      this.log(`kurtosis ${facts.kurtosis.toFixed(2)}, annualised volatility ${(facts.annualisedVolatility * 100).toFixed(1)} %, ` +
        `|r| autocorrelation lag 1 ${facts.absReturnAutocorrelation[0].toFixed(3)}`);
    }
    return summary;
  }
}
