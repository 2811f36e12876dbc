/**
 * @fileoverview Run an oclif command class in-process, as `glow-trade <command> …` would, capturing
 * what it writes to stdout and stderr. oclif records failures in `process.exitCode`; the runner hands
 * that back and restores the previous value so a failing command does not fail the test process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Config, type Command } from '@oclif/core';

export interface CliRun<T> {
  result: T | undefined;
  stdout: string;
  stderr: string;
  error: Error | undefined;
  exitCode: number | undefined;
  /** stdout parsed as JSON (for --json runs), else undefined. */
  json: any;
}

/** The repository root: the nearest folder upwards holding glow-trade's package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'glow-trade') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the glow-trade repository root');
    dir = up;
  }
}

let config: Promise<Config> | undefined;

type CommandClass<C extends Command> = { run(argv?: string[], opts?: Config | string): Promise<unknown> } & (new (...args: any[]) => C);

/** Run `command` with `argv`; `result` is what its `run()` returned (its JSON summary). */
export async function runCommand<C extends Command>(command: CommandClass<C>, argv: string[]): Promise<CliRun<Awaited<ReturnType<C['run']>>>> {
  type T = Awaited<ReturnType<C['run']>>;
  config ??= Config.load(repoRoot());
  const loaded = await config;
  let stdout = '', stderr = '';
  const out = process.stdout.write, err = process.stderr.write;
  const previousExitCode = process.exitCode;
  process.exitCode = undefined;
  process.stdout.write = ((chunk: string | Uint8Array) => { stdout += String(chunk); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
  let result: T | undefined, error: Error | undefined;
  try {
    result = (await command.run(argv, loaded)) as T;
  } catch (e) {
    error = e as Error;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  const exitCode = process.exitCode as number | undefined;
  process.exitCode = previousExitCode;
  let json: any;
  try {
    json = JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  return { result, stdout, stderr, error, exitCode, json };
}
