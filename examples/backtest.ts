/**
 * @fileoverview Example 3 of 4: backtest a trained model on candles it has not seen.
 *
 *   node dist/examples/backtest.js [--model glow_model.bin] [--data btc_data.csv]
 *                                  [--capital 10000] [--fee 0.001] [--slippage 0.0005] [--equity-out backtest_equity.csv]
 *
 * By default the period is every bar after the model's validation range (the held-out 15% when the
 * model was trained by train_model on the same file); a period the model has seen is refused. The
 * position decided at the close of bar t earns bar t+1's return, after costs on |Δposition|.
 */
import { existsSync } from 'node:fs';
import { formatMetric, loadBundle, METRIC_NAMES, readCandles, runBacktest, writeEquityCsv } from 'glow-trade';
import { exampleArgs } from './args.js';

const USAGE = `usage: node dist/examples/backtest.js [--model glow_model.bin] [--data btc_data.csv]
                                     [--capital 10000] [--fee 0.001] [--slippage 0.0005] [--equity-out backtest_equity.csv]`;

const values = exampleArgs(USAGE, {
  model: { type: 'string', default: 'glow_model.bin' },
  data: { type: 'string', default: 'btc_data.csv' },
  capital: { type: 'string', default: '10000' },
  fee: { type: 'string', default: '0.001' },
  slippage: { type: 'string', default: '0.0005' },
  'equity-out': { type: 'string', default: 'backtest_equity.csv' },
});
for (const f of [values.model!, values.data!]) {
  if (!existsSync(f)) {
    console.error(`${f} does not exist: run fetch_data and train_model first (or pass --model/--data)`);
    process.exit(1);
  }
}
const bundle = loadBundle(values.model!);
const candles = readCandles(values.data!);
const result = runBacktest(bundle, candles, {
  capital: Number(values.capital), fee: Number(values.fee), slippage: Number(values.slippage),
});
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
console.log(`strategy "${result.strategy}" on ${result.period.rows} bars, ${iso(result.period.from)} → ${iso(result.period.to)} UTC`);
console.log(`costs ${(result.costRate * 100).toFixed(3)}% per unit of position traded; capital ${result.capital}\n`);
console.log(`${'metric'.padEnd(16)}${'strategy'.padStart(26)}${'buy & hold'.padStart(26)}`);
for (const m of METRIC_NAMES) {
  console.log(`${m.padEnd(16)}${formatMetric(m, result.metrics[m], result.notes.strategy).padStart(26)}` +
    `${formatMetric(m, result.benchmark[m], result.notes.benchmark).padStart(26)}`);
}
const signals = result.signals;
const inDist = signals.filter((s) => s.inDistribution).length;
const regimes = new Map<number, number>();
for (const s of signals) regimes.set(s.regime, (regimes.get(s.regime) ?? 0) + 1);
console.log(`\nfinal equity ${result.finalEquity.toFixed(2)} (buy & hold ${result.benchmarkFinalEquity.toFixed(2)}), costs paid ${result.costAmount.toFixed(2)}`);
console.log(`in distribution on ${inDist} of ${signals.length} bars; regimes: ` +
  [...regimes].sort((a, b) => a[0] - b[0]).map(([r, k]) => `${r}: ${(100 * k / signals.length).toFixed(1)}%`).join(', '));
for (const w of result.warnings) console.warn(`warning: ${w}`);
writeEquityCsv(values['equity-out']!, result.series);
console.log(`wrote ${values['equity-out']}`);
