/**
 * @fileoverview The base class of every glow-trade command. oclif's own `catch` sets the exit code
 * from `err.exitCode`, which its usage errors do not carry (they say `err.oclif.exit`): with
 * `--json` every usage error then exited 1 instead of 2. This keeps the error's own exit code.
 */
import { Command } from '@oclif/core';

export abstract class GlowCommand extends Command {
  override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (process.exitCode === undefined && err?.exitCode === undefined && typeof err?.oclif?.exit === 'number') process.exitCode = err.oclif.exit;
    return super.catch(err);
  }
}
