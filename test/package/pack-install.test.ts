/**
 * @fileoverview The package as a user gets it: `npm pack` this checkout, install the tarball into a
 * new project offline (`npm ci --offline`: dependencies from the npm cache that `npm ci` filled), then run the CLI from
 * node_modules/.bin and the library from an `import` — training and scoring included, so a build
 * file missing from package.json "files" (the relaxed-SIMD module once was) fails here.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// The child processes choose their wasm build themselves (relaxed SIMD on Node 20), as a user's would.
const env = { ...process.env, GLOW_TRADE_WASM: '', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });

test.after(removeTempDirs);

const ownPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** A new project that depends on nothing but the tarball (one folder above it). */
function consumerPackage(tarball: string) {
  return { name: 'pack-check', private: true, type: 'module', dependencies: { 'glow-trade': `file:../${tarball}` } };
}

/**
 * Its lockfile: the tarball plus our own lockfile's production entries, which sit at the same
 * hoisted paths. `npm ci --offline` then takes every dependency from the cache that `npm ci`
 * filled (keyed by integrity), without the registry metadata a plain `npm install` would need.
 */
function consumerLock(tarball: string) {
  const own = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const packages: Record<string, unknown> = {
    '': consumerPackage(tarball),
    'node_modules/glow-trade': {
      version: ownPackage.version, resolved: `file:../${tarball}`, license: ownPackage.license,
      dependencies: ownPackage.dependencies, bin: ownPackage.bin, engines: ownPackage.engines,
    },
  };
  for (const [path, entry] of Object.entries<Record<string, unknown>>(own.packages)) {
    if (path !== '' && !entry.dev) packages[path] = entry;
  }
  return { name: 'pack-check', lockfileVersion: 3, requires: true, packages };
}

let project = '';

test('npm pack ships the wasm builds, the licence and the manifest', () => {
  const dir = tempDir();
  const [info] = JSON.parse(run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root));
  const files = new Set<string>(info.files.map((f: { path: string }) => f.path));
  for (const f of ['build/glow.wasm', 'build/glow.relaxed.wasm', 'LICENSE', 'README.md', 'oclif.manifest.json', 'bin/run.js', 'dist/src/index.js', 'dist/src/wasm/worker.js']) {
    assert.ok(files.has(f), `the tarball lacks ${f}`);
  }
  assert.not.ok([...files].some((f) => f.startsWith('dist/test/') || f.startsWith('assembly/')), 'tests or sources were packed');
  project = join(dir, 'project');
  run('mkdir', ['-p', project], dir);
  writeFileSync(join(project, 'package.json'), JSON.stringify(consumerPackage(info.filename), null, 2));
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify(consumerLock(info.filename), null, 2));
  run(npm, ['ci', '--offline', '--no-audit', '--no-fund'], project);
  assert.ok(existsSync(join(project, 'node_modules/.bin/glow-trade')));
});

test('the installed CLI simulates, trains and evaluates', () => {
  const bin = join(project, 'node_modules/.bin/glow-trade');
  run(bin, ['simulate', '--bars', '1500', '--seed', '1', '--output', 'sim.csv'], project);
  run(bin, ['train', '--input', 'sim.csv', '--output', 'm.bin', '--epochs', '2', '--json'], project);
  const evaluated = JSON.parse(run(bin, ['evaluate', '--model', 'm.bin', '--data', 'sim.csv', '--json'], project));
  assert.ok(Number.isFinite(evaluated.meanLogLikelihood), JSON.stringify(evaluated).slice(0, 300));
});

test('the installed library trains and scores from an import', () => {
  writeFileSync(join(project, 'check.mjs'), `
    import { simulateMarket, trainOnCandles, bundleToBytes, bundleFromBytes, scaledRows, computeFeatures } from 'glow-trade';
    import { renderReport } from 'glow-trade/report';
    const candles = simulateMarket({ bars: 1500, seed: 3 });
    const { bundle } = trainOnCandles(candles, { seed: 1, fit: { epochs: 1 } });
    const back = bundleFromBytes(bundleToBytes(bundle));
    const f = computeFeatures(candles);
    const logp = back.glow.logProb(scaledRows(back.scaler, f, 0, 10));
    console.log(JSON.stringify({ finite: logp.every(Number.isFinite), rows: logp.length, variant: back.glow.engine?.variant ?? null, report: typeof renderReport }));
  `);
  const out = JSON.parse(run('node', ['check.mjs'], project).trim().split('\n').pop()!);
  assert.equal({ finite: out.finite, rows: out.rows }, { finite: true, rows: 10 });
});

test.run();
