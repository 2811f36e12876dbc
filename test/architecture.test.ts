/**
 * @fileoverview The source tree's layering: imports run one way,
 *   commands → cli → report / sweep → pipeline → trading / risk → model → wasm → data → util.
 * A module may import its own layer or any layer below it, never one above. The model's pure
 * descriptions (model/config, model/layout: they import nothing but each other) are read by the
 * wasm runtime to lay out memory, so they count as the bottom of the model layer's "spec".
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = join(root, 'src');

const RANK: Record<string, number> = {
  util: 0, data: 1, spec: 2, wasm: 3, model: 4, trading: 5, risk: 5, pipeline: 6, sweep: 7, report: 7, cli: 8, commands: 9, top: 10,
};
const SPEC = new Set(['model/config.ts', 'model/layout.ts']);

function layerOf(file: string): string {
  const rel = relative(src, file).split('\\').join('/');
  if (SPEC.has(rel)) return 'spec';
  const dir = rel.includes('/') ? rel.split('/')[0] : 'top';
  if (!(dir in RANK)) throw new Error(`test/architecture: no layer for src/${rel}; add its folder to RANK`);
  return dir;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative import specifiers of a file, type-only imports included (they are dependencies too). */
export function relativeImports(text: string): string[] {
  const out: string[] = [];
  const re = /(?:import|export)\s[^'";]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)|new URL\(\s*'(\.[^']+\.js)'/g;
  for (let m; (m = re.exec(text)); ) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

test('the import scanner sees static, type-only, re-exported and dynamic imports', () => {
  const text = "import { a } from '../x/a.js';\nimport type { B } from './b.js';\nexport { c } from '../c.js';\nconst d = await import('./d.js');";
  assert.equal(relativeImports(text), ['../x/a.js', './b.js', '../c.js', './d.js']);
});

test('no module imports a layer above its own', () => {
  const violations: string[] = [];
  for (const file of sources(src)) {
    const from = layerOf(file);
    for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
      if (!target.startsWith(src)) continue;
      const to = layerOf(target);
      if (RANK[to] > RANK[from]) violations.push(`src/${relative(src, file)} (${from}) imports ${spec} (${to})`);
    }
  }
  assert.equal(violations, []);
});

test.run();
