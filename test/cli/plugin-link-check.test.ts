import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Config } from '@oclif/core';
import { linkPathProblem } from '../../src/cli/plugin-link-check.js';
import { repoRoot } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const EXPECTED = 'give the folder of an oclif plugin (the one holding its package.json)';

test('plugins link: a missing path, a file or a folder without package.json is named; a plugin folder passes', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'empty'));
  mkdirSync(join(dir, 'plugin'));
  writeFileSync(join(dir, 'plugin', 'package.json'), '{}');
  writeFileSync(join(dir, 'file.txt'), 'x');
  assert.is(linkPathProblem(['missing', '--no-install'], dir), `plugins link: missing does not exist (${join(dir, 'missing')}); ${EXPECTED}`);
  assert.is(linkPathProblem(['file.txt'], dir), `plugins link: file.txt is not a folder; ${EXPECTED}`);
  assert.is(linkPathProblem(['-v', 'empty'], dir), `plugins link: empty holds no package.json; ${EXPECTED}`);
  assert.is(linkPathProblem([], join(dir, 'empty')), `plugins link: . holds no package.json; ${EXPECTED}`);
  assert.is(linkPathProblem(['plugin', '--install'], dir), null);
  assert.is(linkPathProblem(['missing', '--help'], dir), null);
});

test('registered as the prerun hook, `plugins link <missing>` is a usage error naming the path (no internal object)', async () => {
  const config = await Config.load(repoRoot());
  const root = config.plugins.get('glow-trade')!;
  // package.json's oclif.hooks entry, added here so the test does not depend on it
  root.hooks.prerun ??= [{ target: './dist/src/cli/plugin-link-check.js', identifier: 'default' }];
  const missing = join(tempDir(), 'missing');
  const err = await config.runCommand('plugins:link', [missing, '--no-install']).then(() => undefined, (e: Error & { oclif?: { exit: number } }) => e);
  assert.is(err?.message, `plugins link: ${missing} does not exist (${missing}); ${EXPECTED}`);
  assert.is(err?.oclif?.exit, 2);
});

test.after(removeTempDirs);
test.run();
