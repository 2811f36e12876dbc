/**
 * @fileoverview Example 4 of 4: market scenarios from the flow, and the risk they imply.
 *
 *   node dist/examples/generate_scenarios.js [--model glow_model.bin] [--num 10000]
 *                                            [--temperature 1] [--seed 0] [--output scenarios.csv]
 *
 * One scenario set (latents z ~ N(0, T²I) pushed through the inverse flow and the scaler's
 * inverse) gives every horizon's VaR/CVaR, moments and percentiles; a temperature sweep shows how
 * the tails grow when the latent spread does.
 */
import { existsSync } from 'node:fs';
import { generateScenarios, horizonRisk, loadBundle, RISK_HORIZONS, scenariosToCsv, stressTable, writeFileAtomic } from 'glow-trade';
import { exampleArgs } from './args.js';

const USAGE = `usage: node dist/examples/generate_scenarios.js [--model glow_model.bin] [--num 10000]
                                               [--temperature 1] [--seed 0] [--output scenarios.csv]`;

const values = exampleArgs(USAGE, {
  model: { type: 'string', default: 'glow_model.bin' },
  num: { type: 'string', default: '10000' },
  temperature: { type: 'string', default: '1' },
  seed: { type: 'string', default: '0' },
  output: { type: 'string', default: 'scenarios.csv' },
});
if (!existsSync(values.model!)) {
  console.error(`${values.model} does not exist: run train_model first (or pass --model)`);
  process.exit(1);
}
const bundle = loadBundle(values.model!);
const num = Number(values.num), temperature = Number(values.temperature), seed = Number(values.seed);
const set = generateScenarios(bundle, { num, temperature, seed });
const risk = horizonRisk(set);
const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(2)}%`);
console.log(`${num} scenarios at temperature ${temperature}, seed ${seed} (losses positive)\n`);
console.log('horizon     VaR95    CVaR95   VaR99    CVaR99   mean     std      p1       p50      p99');
for (const h of RISK_HORIZONS) {
  const r = risk[h];
  console.log(`${h.padEnd(12)}${[r.var95, r.cvar95, r.var99, r.cvar99, r.mean, r.std, r.percentiles.p1, r.percentiles.p50, r.percentiles.p99].map((v) => pct(v).padEnd(9)).join('')}`);
}
console.log('\ntemperature stress (return_1 VaR99 / return_20 VaR99):');
for (const row of stressTable(bundle, { num, seed })) {
  console.log(`  T = ${String(row.temperature).padEnd(5)} ${pct(row.horizons.return_1.var99).padEnd(9)} ${pct(row.horizons.return_20.var99)}`);
}
writeFileAtomic(values.output!, scenariosToCsv(set));
console.log(`\nwrote ${values.output}`);
