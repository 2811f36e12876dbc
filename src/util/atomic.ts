/**
 * @fileoverview Atomic file writes: write to a temporary file beside the target, flush it, then
 * rename over the target. A run that fails part-way leaves either the old file or none — never a
 * truncated one.
 */
import { nodeBuiltin } from './node.js';

/** Write `data` to `path` atomically (temp file + fsync + rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } = nodeBuiltin<typeof import('node:fs')>('node:fs', `writing ${path}`);
  const { basename, dirname, join } = nodeBuiltin<typeof import('node:path')>('node:path', `writing ${path}`);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd = -1;
  try {
    fd = openSync(tmp, 'w');
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}
