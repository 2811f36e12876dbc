/**
 * @fileoverview Command-line flags of the examples: `--help` prints the usage and exits 0; an unknown
 * or malformed flag prints the reason and the usage and exits 2 — never a stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parse `process.argv` against `options`; `usage` is the example's usage text. */
export function exampleArgs<O extends Options>(usage: string, options: O) {
  try {
    const { values } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } } as Options, strict: true });
    if ((values as Record<string, unknown>).help) {
      console.log(usage);
      process.exit(0);
    }
    return values as unknown as { [K in keyof O]: O[K] extends { type: 'boolean' } ? boolean | undefined : string | undefined };
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}

/** Exit 1 with `message` on stderr (a user error of an example, not a crash). */
export function exitWith(message: string): never {
  console.error(message);
  process.exit(1);
}
