/**
 * @fileoverview Output paths that would destroy data: an output that resolves to one of the
 * command's inputs, or to another of its outputs, is refused before any work starts (usage error,
 * exit 2), as is an empty path. Paths are compared after resolving symbolic links of the existing
 * part, so `./a.csv`, `a.csv` and a link to it are the same file. And an output that cannot be
 * written (its directory missing or read-only, or the path a directory) is found before a long run.
 */
import type { Command } from '@oclif/core';
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** A path flag of a command: its name (without --) and its value (undefined when not given). */
export interface PathFlag {
  flag: string;
  path: string | undefined;
}

/** The canonical absolute form of `path`: its directory's real path joined with its name. */
export function canonicalPath(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return join(realpathSync(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}

/**
 * The first clash among `outputs` (against `inputs` and against each other) as a message such as
 * `--output x.csv is the same file as --input x.csv: refusing to overwrite an input`, or null.
 */
export function outputClash(outputs: PathFlag[], inputs: PathFlag[]): string | null {
  for (const o of outputs) {
    if (o.path !== undefined && o.path.trim() === '') return `--${o.flag} must be a file path, got an empty string`;
  }
  const given = (fs: PathFlag[]) => fs.filter((f): f is { flag: string; path: string } => f.path !== undefined);
  const outs = given(outputs).map((f) => ({ ...f, real: canonicalPath(f.path) }));
  const ins = given(inputs).map((f) => ({ ...f, real: canonicalPath(f.path) }));
  for (let i = 0; i < outs.length; i++) {
    const o = outs[i];
    const input = ins.find((f) => f.real === o.real);
    if (input) return `--${o.flag} ${o.path} is the same file as --${input.flag} ${input.path}: refusing to overwrite an input`;
    const other = outs.slice(0, i).find((f) => f.real === o.real);
    if (other) return `--${o.flag} ${o.path} is the same file as --${other.flag} ${other.path}: two outputs cannot share a file`;
  }
  return null;
}

/** Refuse the first clash of `outputClash` as a usage error (exit 2) before any work starts. */
export function refuseOutputClash(cmd: Command, outputs: PathFlag[], inputs: PathFlag[]): void {
  const clash = outputClash(outputs, inputs);
  if (clash) cmd.error(clash, { exit: 2 });
}

/**
 * Why the output `--flag path` could not be written, or null: its directory must exist and be
 * writable, and the path must not be a directory. Checked before a
 * long run so that it does not end in an error after the work is done.
 */
export function outputNotWritable(flag: string, path: string): string | null {
  const abs = resolve(path);
  const dir = dirname(abs);
  const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;
  try {
    if (!statSync(dir).isDirectory()) return `--${flag} ${path}: ${dir} is not a directory`;
  } catch (err) {
    return errno(err) === 'ENOENT' ? `--${flag} ${path}: the directory ${dir} does not exist` : `--${flag} ${path}: cannot use the directory ${dir} (${errno(err)})`;
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return `--${flag} ${path}: the directory ${dir} is not writable`;
  }
  try {
    if (statSync(abs).isDirectory()) return `--${flag} ${path} is a directory; give a file path`;
  } catch {
    // no such file yet: it will be created (a read-only file is fine too: the write replaces it by rename)
  }
  return null;
}
