import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Config } from '@oclif/core';
import { editDistance, notFoundMessage, suggestCommands } from '../../src/cli/not-found.js';
import { repoRoot } from '../helpers/cli.js';

const COMMANDS = ['backtest', 'demo', 'evaluate', 'features', 'fetch', 'help', 'plugins', 'plugins link', 'report', 'scenarios', 'signal', 'simulate', 'train'];

test('edit distance counts insertions, deletions, substitutions and swaps of neighbours', () => {
  assert.is(editDistance('bactest', 'backtest'), 1);
  assert.is(editDistance('trian', 'train'), 1);
  assert.is(editDistance('fetch', 'fetch'), 0);
  assert.is(editDistance('', 'abc'), 3);
  assert.is(editDistance('signal', 'simulate'), 5);
});

test('a mistyped command gets the nearest commands; something unrelated gets none', () => {
  assert.equal(suggestCommands('bactest', COMMANDS), ['backtest']);
  assert.equal(suggestCommands('trian', COMMANDS), ['train']);
  assert.equal(suggestCommands('scenario', COMMANDS), ['scenarios']);
  assert.equal(suggestCommands('s', COMMANDS), ['scenarios', 'signal', 'simulate']);
  assert.equal(suggestCommands('plugins lnk', COMMANDS), ['plugins link']);
  assert.equal(suggestCommands('xyzzy', COMMANDS), []);
  assert.is(notFoundMessage('glow-trade', 'bactest', COMMANDS),
    '"bactest" is not a glow-trade command. Did you mean "glow-trade backtest"? "glow-trade --help" lists the commands.');
  assert.is(notFoundMessage('glow-trade', 'xyzzy', COMMANDS), '"xyzzy" is not a glow-trade command. "glow-trade --help" lists the commands.');
});

test('registered as the command_not_found hook, a mistyped command is a usage error with the suggestion', async () => {
  const config = await Config.load(repoRoot());
  const root = config.plugins.get('glow-trade')!;
  // package.json's oclif.hooks entry, added here so the test does not depend on it
  root.hooks.command_not_found ??= [{ target: './dist/src/cli/not-found.js', identifier: 'default' }];
  const err = await config.runCommand('bactest', []).then(() => undefined, (e: Error & { oclif?: { exit: number } }) => e);
  assert.is(err?.message, '"bactest" is not a glow-trade command. Did you mean "glow-trade backtest"? "glow-trade --help" lists the commands.');
  assert.is(err?.oclif?.exit, 2);
});

test.run();
