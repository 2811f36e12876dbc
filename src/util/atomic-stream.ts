/**
 * @fileoverview Atomic writes of output too large for one string (V8 strings stop at ~512 MB; a
 * 1.7-million-row feature CSV is more): the chunks go one by one to a temporary file beside the
 * target, which is flushed, renamed over the target, and the folder synced so the rename survives a
 * crash. A failure part-way — in the file system or in the code producing the chunks — removes the
 * temporary file and leaves the old target (or none), never a truncated one. Errors name the target,
 * not the hidden temporary file.
 */
import { nodeBuiltin } from './node.js';

/** Write `chunks` (produced lazily, one at a time) to `path` atomically. */
export function writeFileAtomicChunks(path: string, chunks: Iterable<string | Uint8Array>): void {
  const fs = nodeBuiltin<typeof import('node:fs')>('node:fs', `writing ${path}`);
  const { basename, dirname, join } = nodeBuiltin<typeof import('node:path')>('node:path', `writing ${path}`);
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  /** A file-system error, told with the target's name. */
  const failed = (err: unknown) => {
    const e = err as NodeJS.ErrnoException;
    const reason = (e.message ?? String(err)).split(tmp).join(path);
    return Object.assign(new Error(`${path}: cannot write (${reason})`, { cause: err }), { code: e.code });
  };
  const encoder = new TextEncoder();
  // One buffer, reused and grown as needed: encoding each chunk into a new array costs a GC per chunk.
  let scratch = new Uint8Array(0);
  let fd = -1;
  try {
    try {
      fd = fs.openSync(tmp, 'w');
    } catch (err) {
      throw failed(err);
    }
    for (const chunk of chunks) {
      let bytes: Uint8Array;
      if (typeof chunk === 'string') {
        if (scratch.length < 3 * chunk.length) scratch = new Uint8Array(3 * chunk.length);
        bytes = scratch.subarray(0, encoder.encodeInto(chunk, scratch).written);
      } else bytes = chunk;
      try {
        for (let off = 0; off < bytes.length; ) off += fs.writeSync(fd, bytes, off, bytes.length - off);
      } catch (err) {
        throw failed(err);
      }
    }
    try {
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fd = -1;
      fs.renameSync(tmp, path);
    } catch (err) {
      throw failed(err);
    }
  } catch (err) {
    if (fd >= 0) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  syncDirectory(fs, dir);
}

/** Flush a folder's entry list (the rename); some platforms cannot open folders, which is harmless. */
function syncDirectory(fs: typeof import('node:fs'), dir: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows and some file systems refuse to open or sync a folder; the data itself is already synced.
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}
