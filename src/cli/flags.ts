/**
 * @fileoverview Decimal flags shared by the commands: oclif parses integers itself, but fractions
 * (fees, temperatures, learning rates) arrive as strings and are checked here, with an error that
 * names the flag, the rule and the text given (exit code 2, like any usage error).
 */
import type { Command } from '@oclif/core';

/** `text` as a finite number passing `test`, or a usage error "--name must be <expected>, got …". */
export function decimal(cmd: Command, name: string, text: string, test: (v: number) => boolean, expected: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || !test(v)) cmd.error(`--${name} must be ${expected}, got "${text}"`, { exit: 2 });
  return v;
}
