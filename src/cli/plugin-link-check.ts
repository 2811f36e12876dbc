/**
 * @fileoverview oclif `prerun` hook: `plugins link <path>` is checked before @oclif/plugin-plugins
 * runs, because for a folder without a package.json it fails with an internal object dump
 * ("could not find package.json with { isRoot: true, pjson: undefined, … }"). Here the user gets a
 * usage error (exit 2) that names the path and what it must hold. Every other command passes through.
 * Registered in package.json: "oclif": { "hooks": { "prerun": "./dist/src/cli/plugin-link-check.js" } }.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Hook } from '@oclif/core';

/**
 * What is wrong with the path argument of `plugins link` (argv after the command), or null. Its
 * flags (--install/--no-install, -h, -v) take no value, so the path is the first non-flag argument
 * (default '.', as in the command itself).
 */
export function linkPathProblem(argv: readonly string[], cwd = process.cwd()): string | null {
  if (argv.includes('--help') || argv.includes('-h')) return null;
  const given = argv.find((a) => !a.startsWith('-')) ?? '.';
  const folder = resolve(cwd, given);
  const expected = 'give the folder of an oclif plugin (the one holding its package.json)';
  if (!existsSync(folder)) return `plugins link: ${given} does not exist (${folder}); ${expected}`;
  if (!statSync(folder).isDirectory()) return `plugins link: ${given} is not a folder; ${expected}`;
  if (!existsSync(join(folder, 'package.json'))) return `plugins link: ${given} holds no package.json; ${expected}`;
  return null;
}

const hook: Hook<'prerun'> = async function (options) {
  if (options.Command.id !== 'plugins:link') return;
  const problem = linkPathProblem(options.argv);
  if (problem) this.error(problem, { exit: 2 });
};

export default hook;
