/**
 * The browser entry point (`glow-trade/browser`) must load where there is no Node: its static
 * module graph may hold only relative imports (no `node:` built-ins, no packages such as arquero or
 * oclif), and what it exports must work on a model file's bytes alone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as browser from '../../src/browser.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { computeFeatures } from '../../src/data/features.js';
import { trainOnCandles } from '../../src/pipeline/train-on-candles.js';
import { scaledRows } from '../../src/trading/bundle.js';

/** Every module reachable by static import/export-from from `entry`, and every non-relative specifier. */
function moduleGraph(entry: string): { modules: Set<string>; external: string[] } {
  const modules = new Set<string>();
  const external: string[] = [];
  const walk = (file: string) => {
    if (modules.has(file)) return;
    modules.add(file);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
      if (m[1].startsWith('.')) walk(resolve(dirname(file), m[1]));
      else external.push(`${file.slice(file.indexOf('dist'))} → ${m[1]}`);
    }
    for (const m of source.matchAll(/^import\s+'([^']+)'/gm)) external.push(`${file} → ${m[1]} (side effect)`);
  };
  walk(entry);
  return { modules, external };
}

test('the browser entry imports nothing but its own modules', () => {
  const entry = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'browser.js');
  const { modules, external } = moduleGraph(entry);
  assert.equal(external, []);
  assert.ok(modules.size > 10, `${modules.size} modules`);
  // The Node entry point, by contrast, reaches node: built-ins and packages (so the walk can fail).
  assert.ok(moduleGraph(join(dirname(entry), 'index.js')).external.some((e) => e.includes('node:')));
});

test('a model file read through the browser entry gives the same log-likelihoods and signals', () => {
  const candles = simulateMarket({ bars: 800, seed: 6 });
  const { bundle } = trainOnCandles(candles, { seed: 1, model: { levels: 2, steps: 1, hidden: 8 }, fit: { epochs: 2 } });
  const again = browser.bundleFromBytes(browser.bundleToBytes(bundle), 'bytes');
  const x = scaledRows(again.scaler, computeFeatures(candles), 500, 520);
  assert.equal(Array.from(again.glow.logProb(x)), Array.from(bundle.glow.logProb(x)));
  assert.equal(again.strategy.signal(x).map((s) => s.position), bundle.strategy.signal(x).map((s) => s.position));
});

test.run();
