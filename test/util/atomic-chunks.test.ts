import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeChunksAtomic } from '../../src/util/atomic.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

test('chunks (text and bytes) are written in order and replace the old file', () => {
  const dir = tempDir();
  const path = join(dir, 'out.csv');
  writeFileSync(path, 'old');
  writeChunksAtomic(path, ['a,b\n', new TextEncoder().encode('1,2\n'), '', 'é\n']);
  assert.is(readFileSync(path, 'utf8'), 'a,b\n1,2\né\n');
  assert.equal(readdirSync(dir), ['out.csv']);
});

test('a failure while the chunks are produced, after some were written, leaves the old file and no temp file', () => {
  const dir = tempDir();
  const path = join(dir, 'out.csv');
  writeFileSync(path, 'old');
  let written = 0;
  function* chunks() {
    yield 'x'.repeat(1 << 16);
    written++;
    yield 'y'.repeat(1 << 16);
    written++;
    throw new Error('the producer failed');
  }
  assert.throws(() => writeChunksAtomic(path, chunks()), (e: Error) => e.message === 'the producer failed');
  assert.is(written, 2);
  assert.is(readFileSync(path, 'utf8'), 'old');
  assert.equal(readdirSync(dir), ['out.csv']);
});

test('a file-system failure names the target, not the hidden temp file', () => {
  const dir = tempDir();
  const path = join(dir, 'missing-folder', 'out.csv');
  assert.throws(() => writeChunksAtomic(path, ['a']), (e: Error) => e.message.startsWith(`${path}: cannot write`) && e.message.includes('ENOENT') && !e.message.includes('.tmp'));
  // Renaming over a folder fails after the data was written: the temp file goes, the folder stays.
  const target = join(dir, 'taken');
  mkdirSync(target);
  assert.throws(() => writeChunksAtomic(target, ['a']), (e: Error) => e.message.startsWith(`${target}: cannot write`) && !e.message.includes('.tmp'));
  assert.equal(readdirSync(dir), ['taken']);
});

test.after(removeTempDirs);
test.run();
