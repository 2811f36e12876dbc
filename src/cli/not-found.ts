/**
 * @fileoverview oclif `command_not_found` hook: a mistyped command gets the closest commands as a
 * suggestion (usage error, exit 2) instead of oclif's bare "command bactest not found".
 * @oclif/plugin-not-found does this too, but it is not a dependency; a few lines of edit distance do.
 * Registered in package.json: "oclif": { "hooks": { "command_not_found": "./dist/src/cli/not-found.js" } }.
 */
import type { Hook } from '@oclif/core';

/** Levenshtein distance with adjacent transpositions counting 1 (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * Commands close to `typed` (ids with ' ' between topic and command, as users type them): those
 * that start with it, else those within an edit distance of about a third of its length (at least
 * 1, at most 3), nearest first; at most three.
 */
export function suggestCommands(typed: string, commands: readonly string[]): string[] {
  const t = typed.toLowerCase();
  if (t === '') return [];
  const prefixed = commands.filter((c) => c.toLowerCase().startsWith(t));
  if (prefixed.length > 0) return prefixed.slice(0, 3);
  const limit = Math.min(3, Math.max(1, Math.floor(t.length / 3)));
  return commands
    .map((c) => ({ c, d: Math.min(editDistance(t, c.toLowerCase()), editDistance(t, c.toLowerCase().split(' ')[0])) }))
    .filter(({ d }) => d <= limit)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, 3)
    .map(({ c }) => c);
}

/** The message for an unknown command `id` ("plugins:lnk" as oclif passes it). */
export function notFoundMessage(bin: string, id: string, commands: readonly string[]): string {
  const typed = id.replaceAll(':', ' ');
  const near = suggestCommands(typed, commands);
  const hint = near.length === 0 ? '' : ` Did you mean ${near.map((c) => `"${bin} ${c}"`).join(' or ')}?`;
  return `"${typed}" is not a ${bin} command.${hint} "${bin} --help" lists the commands.`;
}

const hook: Hook<'command_not_found'> = async function (options) {
  const commands = options.config.commands.filter((c) => !c.hidden).map((c) => c.id.replaceAll(':', ' '));
  this.error(notFoundMessage(options.config.bin, options.id, [...new Set(commands)].sort()), { exit: 2 });
};

export default hook;
