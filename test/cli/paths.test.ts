import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outputClash } from '../../src/cli/paths.js';
import { jsonRange } from '../../src/cli/json-range.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

test.after(removeTempDirs);

test('an output equal to an input, through another spelling or a link, is a clash', () => {
  const dir = tempDir();
  const data = join(dir, 'x.csv');
  writeFileSync(data, 'a');
  symlinkSync(data, join(dir, 'link.csv'));
  assert.is(outputClash([{ flag: 'output', path: join(dir, '.', 'x.csv') }], [{ flag: 'input', path: data }]),
    `--output ${join(dir, '.', 'x.csv')} is the same file as --input ${data}: refusing to overwrite an input`);
  assert.match(outputClash([{ flag: 'output', path: join(dir, 'link.csv') }], [{ flag: 'input', path: data }])!, 'refusing to overwrite an input');
});

test('two outputs on one file clash; distinct files and missing flags do not', () => {
  const dir = tempDir();
  const a = join(dir, 'a.csv');
  assert.is(outputClash([{ flag: 'equity-out', path: a }, { flag: 'trades-out', path: a }], []),
    `--trades-out ${a} is the same file as --equity-out ${a}: two outputs cannot share a file`);
  assert.is(outputClash([{ flag: 'equity-out', path: a }, { flag: 'trades-out', path: join(dir, 'b.csv') }, { flag: 'x', path: undefined }], [{ flag: 'data', path: join(dir, 'c.csv') }]), null);
});

test('an empty output path is refused', () => {
  assert.is(outputClash([{ flag: 'output', path: '' }], []), '--output must be a file path, got an empty string');
});

test('jsonRange: ISO minutes, ms and rows; null when empty', () => {
  assert.equal(jsonRange(0, 3_600_000, 2), { from: '1970-01-01 00:00', to: '1970-01-01 01:00', fromMs: 0, toMs: 3_600_000, rows: 2 });
  assert.is(jsonRange(undefined, undefined, 0), null);
});

test.run();
