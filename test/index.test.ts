/**
 * @fileoverview The main entry point (`import 'glow-trade'`) stays light: loading it must not load
 * Vega or Vega-Lite (megabytes that only the report needs, behind `glow-trade/report`). Checked at
 * run time in a child Node process whose module-resolution hook records every URL it loads, so a
 * re-export, a side-effect import or a top-level `await import()` of the report is caught alike.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { removeTempDirs, tempDir } from './helpers/tmp.js';

const dist = join(fileURLToPath(import.meta.url), '..', '..');

/** A resolve hook that appends every resolved URL to the file named by its `data`. */
const HOOKS = `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(log, r.url + '\\n');
  return r;
}`;

/** Every module URL a fresh Node process resolves while importing `entry` (a file under dist/). */
function modulesLoadedBy(entry: string): string[] {
  const log = join(tempDir(), 'modules.txt');
  const script = `import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)}, { data: { log: ${JSON.stringify(log)} } });
await import(${JSON.stringify(pathToFileURL(join(dist, entry)).href)});`;
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

/** The distinct vega* packages among module URLs (e.g. ['vega', 'vega-lite', 'vega-util']). */
const vega = (urls: string[]) => [...new Set(urls.flatMap((u) => u.match(/\/node_modules\/(vega(?:-[a-z-]+)?)\//)?.[1] ?? []))].sort();

test.after(removeTempDirs);

test("importing the main entry (dist/src/index.js) loads no Vega or Vega-Lite module", () => {
  const loaded = modulesLoadedBy('src/index.js');
  assert.ok(loaded.some((u) => u.endsWith('/dist/src/trading/strategy.js')), 'the hook saw the library load');
  assert.equal(vega(loaded), []);
});

test('…while the report entry does load them (so the check above can fail)', () => {
  assert.ok(vega(modulesLoadedBy('src/report/index.js')).length > 0);
});

test.run();
