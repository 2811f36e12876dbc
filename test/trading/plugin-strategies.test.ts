import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Config } from '@oclif/core';
import { DEFAULT_HOOK_TIMEOUT_MS, hookTimeoutMs, loadPluginStrategies } from '../../src/trading/plugin-strategies.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

/** A folder holding an oclif plugin whose `strategies` hook module is `source`. */
function plugin(name: string, source: string): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', oclif: { hooks: { strategies: './s.mjs' } } }));
  writeFileSync(join(dir, 's.mjs'), source);
  return dir;
}

test('a strategies hook that never resolves is reported after the timeout, naming the plugin', async () => {
  const config = await Config.load(plugin('hang-plugin', 'export default () => new Promise(() => {});'));
  const r = await loadPluginStrategies(config, 50);
  assert.equal(r, {
    loaded: [],
    warnings: ['plugin hang-plugin: its strategies hook did not finish within 0.05 s (the hook timeout; set GLOW_TRADE_HOOK_TIMEOUT_MS in ms to change it)'],
  });
});

test('a hook that throws a non-Error is reported with the thrown value', async () => {
  const config = await Config.load(plugin('throw-plugin', "export default () => { throw 'boom'; };"));
  assert.equal((await loadPluginStrategies(config, 5000)).warnings, ['plugin throw-plugin: its strategies hook failed: "boom"']);
});

test('the timeout comes from GLOW_TRADE_HOOK_TIMEOUT_MS when it is a positive integer', () => {
  assert.is(DEFAULT_HOOK_TIMEOUT_MS, 10_000);
  assert.is(hookTimeoutMs({}), 10_000);
  assert.is(hookTimeoutMs({ GLOW_TRADE_HOOK_TIMEOUT_MS: '250' }), 250);
  assert.is(hookTimeoutMs({ GLOW_TRADE_HOOK_TIMEOUT_MS: '0' }), 10_000);
  assert.is(hookTimeoutMs({ GLOW_TRADE_HOOK_TIMEOUT_MS: 'soon' }), 10_000);
});

test.after(removeTempDirs);
test.run();
