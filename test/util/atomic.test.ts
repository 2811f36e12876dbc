import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AtomicFile, writeChunksAtomic, writeFileAtomic, type WriteSyncFn } from '../../src/util/atomic.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

test.after(removeTempDirs);

/** A writeSync that writes the first `okBytes` bytes, then fails like a full disk. */
function fullDiskAfter(okBytes: number): WriteSyncFn {
  let written = 0;
  return (fd, bytes, offset, length) => {
    if (written >= okBytes) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const n = writeSync(fd, bytes, offset, Math.min(length, okBytes - written));
    written += n;
    return n;
  };
}

test('a write that fails midway leaves the old file intact and no temp file; the error names the target', () => {
  const dir = tempDir();
  const path = join(dir, 'x.csv');
  writeFileSync(path, 'old content\n');
  const data = 'a,b,c\n'.repeat(10_000);
  let error: Error | undefined;
  try {
    writeFileAtomic(path, data, { writeSync: fullDiskAfter(1000) });
  } catch (e) {
    error = e as Error;
  }
  assert.is(error?.message, `${path}: cannot write: no space left on the device (ENOSPC)`);
  assert.is((error as NodeJS.ErrnoException).code, 'ENOSPC');
  assert.is(readFileSync(path, 'utf8'), 'old content\n');
  assert.equal(readdirSync(dir), ['x.csv']);
});

test('a streamed write whose source fails midway leaves the old file intact and no temp file', () => {
  const dir = tempDir();
  const path = join(dir, 's.csv');
  writeFileSync(path, 'old\n');
  function* rows() {
    // more than one buffer's worth reaches the temp file before the failure
    for (let i = 0; i < 120_000; i++) yield `${i},${i * 2}\n`;
    throw new Error('source failed');
  }
  assert.throws(() => writeChunksAtomic(path, rows()), /source failed/);
  assert.is(readFileSync(path, 'utf8'), 'old\n');
  assert.equal(readdirSync(dir), ['s.csv']);
  writeChunksAtomic(path, (function* () {
    for (let i = 0; i < 120_000; i++) yield `${i}\n`;
  })());
  const lines = readFileSync(path, 'utf8').split('\n');
  assert.is(lines.length, 120_001);
  assert.is(lines[119_999], '119999');
  assert.equal(readdirSync(dir), ['s.csv']);
});

test('errors name the output, never the hidden temp file; an empty path is refused', () => {
  const dir = tempDir();
  const path = join(dir, 'missing', 'x.csv');
  assert.throws(() => writeFileAtomic(path, 'x'), (e: Error) => e.message === `${path}: cannot write: the directory ${join(dir, 'missing')} does not exist (ENOENT)`);
  assert.throws(() => writeFileAtomic(dir, 'x'), (e: Error) => e.message === `${dir}: cannot write: it is a directory (EISDIR)` && !e.message.includes('.tmp'));
  assert.equal(readdirSync(dir), []);
  assert.throws(() => writeFileAtomic('', 'x'), (e: Error) => e.message === 'cannot write a file with an empty path');
  assert.throws(() => writeFileAtomic('  ', 'x'), (e: Error) => e.message === 'cannot write a file with an empty path');
});

test('temp files of the same target left by a dead process are removed; live ones and other files stay', () => {
  const dir = tempDir();
  const path = join(dir, 'x.csv');
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  const stale = `.x.csv.${dead}.1700000000000.tmp`;
  const live = `.x.csv.${process.ppid}.1700000000000.tmp`;
  const other = `.y.csv.${dead}.1700000000000.tmp`;
  for (const f of [stale, live, other, 'x.csv']) writeFileSync(join(dir, f), 'junk');
  writeFileAtomic(path, 'new\n');
  assert.is(readFileSync(path, 'utf8'), 'new\n');
  assert.equal(readdirSync(dir).sort(), [live, other, 'x.csv'].sort());
});

test('a run killed mid-write leaves its temp file; the next write to the target removes it', () => {
  const dir = tempDir();
  const path = join(dir, 'x.csv');
  writeFileSync(path, 'old\n');
  const atomic = new URL('../../src/util/atomic.js', import.meta.url).href;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e',
    `import { AtomicFile } from ${JSON.stringify(atomic)}; const f = new AtomicFile(${JSON.stringify(path)}); ` +
    "f.write(new Uint8Array(10)); process.kill(process.pid, 'SIGKILL');"]);
  assert.is(child.signal, 'SIGKILL');
  const left = readdirSync(dir).filter((f) => f.endsWith('.tmp'));
  assert.equal(left, [`.x.csv.${child.pid}.${left[0]?.split('.')[4]}.tmp`]);
  assert.is(readFileSync(path, 'utf8'), 'old\n');
  writeFileAtomic(path, 'new\n');
  assert.equal(readdirSync(dir), ['x.csv']);
  assert.is(readFileSync(path, 'utf8'), 'new\n');
});

test('AtomicFile: nothing reaches the target before commit; abort keeps the old file', () => {
  const dir = tempDir();
  const path = join(dir, 'm.bin');
  writeFileSync(path, 'old');
  const f = new AtomicFile(path);
  f.write('new ');
  f.write(new Uint8Array([0x41, 0x42]));
  assert.is(readFileSync(path, 'utf8'), 'old');
  f.commit();
  assert.is(readFileSync(path, 'utf8'), 'new AB');
  assert.throws(() => f.write('x'), /already committed/);
  const g = new AtomicFile(path);
  g.write('other');
  g.abort();
  g.abort();
  assert.is(readFileSync(path, 'utf8'), 'new AB');
  assert.equal(readdirSync(dir), ['m.bin']);
});

test.run();
