/**
 * @fileoverview Single-row log p latency, broken down, with an optional baseline build timed in
 * the SAME process in interleaved repetitions (so drift on the shared machine hits both alike).
 * Rows: the public `Glow.logProb(row)` (allocation, validation, copies, the wasm call), the bare
 * wasm forward of one row (`glowForward(plan, 1)`) and, where the build has it, the one-row kernel
 * (`glowForwardRows`). A baseline is another checkout's compiled tree (dist/ + build/ side by
 * side), e.g. a copy of this branch's parent commit's build.
 *
 * With `--batch N`, also log p and sampling of N rows (one thread), the batch kernels' A/B.
 *
 * Usage: node dist/bench/latency.js [--baseline /path/to/other/dist/src/model/glow.js]
 *        [--reps 7] [--seconds 0.4] [--variant simd|relaxed-simd] [--batch 4096]
 */
import { Glow } from '../src/model/glow.js';
import { defaultEngine, type EngineVariant } from '../src/wasm/engine.js';
import { H } from '../src/wasm/plan.js';
import { pool } from './cases.js';
import { foreignLoad } from './load.js';

const argv = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const REPS = Number(opt('reps', '7'));
const SECONDS = Number(opt('seconds', '0.4'));
const variant = opt('variant', '') as EngineVariant | '';
const baselinePath = opt('baseline', '');
const batch = Number(opt('batch', '0'));

interface Case {
  name: string;
  run: () => unknown;
  /** Rows per call (the figure printed is per row). */
  per?: number;
}

/**
 * CPU µs per call over `seconds` of back-to-back calls: this process's CPU time, not wall time,
 * because on the shared 2-core machine other jobs preempt us for most of a wall-clock second.
 */
function usPerCall(c: Case, seconds: number): number {
  const c0 = process.cpuUsage();
  const cpu = () => {
    const d = process.cpuUsage(c0);
    return d.user + d.system;
  };
  let calls = 0;
  while (cpu() < seconds * 1e6) {
    const reps = c.per ? 1 : 64;
    for (let i = 0; i < reps; i++) c.run();
    calls += reps;
  }
  return cpu() / calls / (c.per ?? 1);
}

/** The bench's trained default model (as bench/cases.ts makes it), on a given Glow class. */
function model(G: typeof Glow, engineOpt: object): Glow {
  const data = pool(65536, 16, 1);
  const g = G.create({ seed: 1, ...engineOpt });
  g.initialize(data.subarray(0, 4096 * 16));
  g.fit(data.subarray(0, 16384 * 16), { epochs: 1, validationFraction: 0, seed: 2 });
  return g;
}

function cases(label: string, g: Glow): Case[] {
  const row = pool(1, 16, 7);
  const ex = g.ex as Omit<typeof g.ex, 'glowForwardRows'> & { glowForwardRows?: (plan: number, n: number) => number };
  const x0 = g.mem.header(H.X0);
  g.mem.f32(x0, 16).set(row);
  const out: Case[] = [
    { name: `${label} Glow.logProb(row)`, run: () => g.logProb(row) },
    { name: `${label} glowForward(plan, 1)`, run: () => ex.glowForward(g.mem.plan, 1) },
  ];
  if (batch > 0) {
    const xs = pool(batch, 16, 9);
    out.push({ name: `${label} Glow.logProb(${batch} rows) ÷ ${batch}`, per: batch, run: () => g.logProb(xs) });
    out.push({ name: `${label} Glow.sample(${batch}) ÷ ${batch}`, per: batch, run: () => g.sample(batch, { seed: 1 }) });
  }
  if (ex.glowForwardRows) {
    const fr = ex.glowForwardRows;
    out.push({ name: `${label} glowForwardRows(plan, 1)`, run: () => fr(g.mem.plan, 1) });
  }
  return out;
}

async function main(): Promise<void> {
  const engine = variant ? defaultEngine(variant) : defaultEngine();
  const all: Case[] = cases(`new(${engine.variant})`, model(Glow, { engine }));
  if (baselinePath) {
    const base = (await import(baselinePath)) as { Glow: typeof Glow };
    const engMod = (await import(baselinePath.replace(/model\/glow\.js$/, 'wasm/engine.js'))) as { defaultEngine: typeof defaultEngine };
    const be = variant ? engMod.defaultEngine(variant) : engMod.defaultEngine();
    all.unshift(...cases(`base(${be.variant})`, model(base.Glow, { engine: be })));
  }
  for (const c of all) usPerCall(c, 0.3); // warm-up: JIT tiers
  const us = all.map(() => [] as number[]);
  const load: (number | null)[] = [];
  for (let r = 0; r < REPS; r++) {
    const other = foreignLoad();
    all.forEach((c, i) => us[i].push(usPerCall(c, SECONDS)));
    load.push(other());
  }
  const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
  console.log(`single-row log p, CPU µs per call: median [min – max] of ${REPS} interleaved reps of ${SECONDS} s; node ${process.version}`);
  all.forEach((c, i) => {
    const v = us[i];
    console.log(`  ${c.name.padEnd(44)} ${med(v).toFixed(2).padStart(6)}  [${Math.min(...v).toFixed(2)} – ${Math.max(...v).toFixed(2)}]`);
  });
  if (baselinePath) {
    // each base case against the new case of the same name
    all.forEach((c, i) => {
      if (!c.name.startsWith('base')) return;
      const what = c.name.replace(/^base\([^)]*\) /, '');
      const j = all.findIndex((d) => d.name.startsWith('new') && d.name.endsWith(what));
      if (j < 0) return;
      console.log(`  base ÷ new per rep, ${what}: ${us[i].map((b, r) => (b / us[j][r]).toFixed(2)).join(' ')}`);
    });
  }
  console.log(`  other processes' CPU during each rep (cores): ${load.map((l) => (l === null ? '?' : l.toFixed(2))).join(' ')}`);
}

void main();
