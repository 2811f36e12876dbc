/**
 * @fileoverview Atomic file writes: write to a temporary file beside the target, flush it, rename it
 * over the target, then flush the directory so the rename itself survives a crash. A run that fails
 * part-way leaves either the old file or none — never a truncated one. Output can be streamed in
 * chunks (`AtomicFile`, `writeChunksAtomic`), so a file may be larger than the biggest string V8 can
 * hold. Errors name the target, never the hidden temp file. Temp files left by a killed process
 * (its pid no longer alive) are removed on the next write to the same target.
 */
import { nodeBuiltin } from './node.js';

type Fs = typeof import('node:fs');
type Path = typeof import('node:path');

/** `writeSync(fd, bytes, offset, length)` → bytes written. */
export type WriteSyncFn = (fd: number, bytes: Uint8Array, offset: number, length: number) => number;

export interface AtomicWriteOptions {
  /**
   * The call that writes bytes to the temp file (default `fs.writeSync`). A seam for tests that make
   * the write itself fail part-way; nothing else should need it.
   */
  writeSync?: WriteSyncFn;
}

/** Characters buffered before they are encoded and written (bounded memory for streamed output). */
const FLUSH_CHARS = 1 << 20;

/** What an errno means for the user writing `path` (the temp file is an implementation detail). */
function reason(code: string | undefined, path: string, dirname: (p: string) => string): string | undefined {
  const dir = dirname(path);
  switch (code) {
    case 'ENOENT': return `the directory ${dir} does not exist`;
    case 'ENOTDIR': return `a part of the path ${dir} is not a directory`;
    case 'EACCES':
    case 'EPERM': return `permission denied (the directory ${dir} must be writable)`;
    case 'EISDIR': return 'it is a directory';
    case 'ENOSPC': return 'no space left on the device';
    case 'EDQUOT': return 'disk quota exceeded';
    case 'EROFS': return 'read-only file system';
    default: return undefined;
  }
}

/** `err` re-raised as "<path>: cannot write: <reason> (<code>)", keeping `code` and the original as `cause`. */
function targetError(err: unknown, path: string, tmp: string, dirname: (p: string) => string): Error {
  const e = err as NodeJS.ErrnoException;
  const text = reason(e?.code, path, dirname) ?? String(e?.message ?? err).split(tmp).join(path);
  const out = new Error(`${path}: cannot write: ${text}${e?.code ? ` (${e.code})` : ''}`, { cause: err }) as NodeJS.ErrnoException;
  if (e?.code) out.code = e.code;
  return out;
}

/** Whether process `pid` exists (EPERM: it exists but belongs to another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temp files of `base` in `dir` left by processes that no longer exist: a killed run never cleaned up. */
function removeStaleTemps(fs: Fs, path: Path, dir: string, base: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  const prefix = `.${base}.`;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.\d+\.tmp$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    try {
      fs.rmSync(path.join(dir, name), { force: true });
    } catch {
      // another run removed it, or we may not: neither stops this write
    }
  }
}

/** Flush the directory entry of a rename; some platforms cannot open or fsync a directory. */
function syncDirectory(fs: Fs, dir: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF' && code !== 'EACCES') throw err;
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}

/**
 * One atomic write in progress: `write` chunks (buffered), then `commit` (flush, fsync, rename,
 * directory sync) or `abort` (remove the temp file). The target is untouched until `commit`.
 */
export class AtomicFile {
  readonly path: string;
  private readonly fs: Fs;
  private readonly paths: Path;
  private readonly tmp: string;
  private readonly writeSync: WriteSyncFn;
  private fd: number;
  private pending: string[] = [];
  private pendingChars = 0;
  private state: 'open' | 'committed' | 'aborted' = 'open';

  constructor(path: string, options: AtomicWriteOptions = {}) {
    if (typeof path !== 'string' || path.trim() === '') throw new Error('cannot write a file with an empty path');
    this.path = path;
    this.fs = nodeBuiltin<Fs>('node:fs', `writing ${path}`);
    this.paths = nodeBuiltin<Path>('node:path', `writing ${path}`);
    const { basename, dirname, join } = this.paths;
    const dir = dirname(path), base = basename(path);
    removeStaleTemps(this.fs, this.paths, dir, base);
    this.tmp = join(dir, `.${base}.${process.pid}.${Date.now()}.tmp`);
    const fsWrite = this.fs.writeSync;
    this.writeSync = options.writeSync ?? ((fd, bytes, offset, length) => fsWrite(fd, bytes, offset, length));
    try {
      this.fd = this.fs.openSync(this.tmp, 'wx');
    } catch (err) {
      throw targetError(err, path, this.tmp, dirname);
    }
  }

  /** Append `data` (strings are buffered up to ~1M characters, then written as UTF-8). */
  write(data: string | Uint8Array): void {
    this.checkOpen();
    try {
      if (typeof data === 'string') {
        this.pending.push(data);
        this.pendingChars += data.length;
        if (this.pendingChars >= FLUSH_CHARS) this.flush();
      } else {
        this.flush();
        this.writeBytes(data);
      }
    } catch (err) {
      this.abort();
      throw targetError(err, this.path, this.tmp, this.paths.dirname);
    }
  }

  /** Write what is buffered, flush to disk, and replace the target. */
  commit(): void {
    this.checkOpen();
    try {
      this.flush();
      this.fs.fsyncSync(this.fd);
      this.fs.closeSync(this.fd);
      this.fd = -1;
      this.fs.renameSync(this.tmp, this.path);
      this.state = 'committed';
      syncDirectory(this.fs, this.paths.dirname(this.path));
    } catch (err) {
      if (this.state === 'open') this.abort();
      throw targetError(err, this.path, this.tmp, this.paths.dirname);
    }
  }

  /** Give up: close and remove the temp file; the target keeps its old content. Safe to call twice. */
  abort(): void {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    this.pending = [];
    if (this.fd >= 0) {
      try {
        this.fs.closeSync(this.fd);
      } catch {
        // the descriptor is gone either way; removing the temp file is what matters
      }
      this.fd = -1;
    }
    this.fs.rmSync(this.tmp, { force: true });
  }

  private checkOpen(): void {
    if (this.state !== 'open') throw new Error(`${this.path}: the atomic write was already ${this.state}`);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    this.writeBytes(new TextEncoder().encode(text));
  }

  private writeBytes(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) off += this.writeSync(this.fd, bytes, off, bytes.length - off);
  }
}

/** Write `data` to `path` atomically (temp file + fsync + rename + directory sync). */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  writeChunksAtomic(path, [data], options);
}

/**
 * Write the chunks of `chunks` to `path` atomically, one at a time: the whole content never has to
 * exist as one string. If the iterable throws, the target keeps its old content.
 */
export function writeChunksAtomic(path: string, chunks: Iterable<string | Uint8Array>, options: AtomicWriteOptions = {}): void {
  const file = new AtomicFile(path, options);
  try {
    for (const chunk of chunks) file.write(chunk);
    file.commit();
  } finally {
    file.abort();
  }
}
