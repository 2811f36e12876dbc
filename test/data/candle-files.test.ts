import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { candleFiles, marketName } from '../../src/data/candle-files.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

test('a market is named by its file name without .csv', () => {
  assert.is(marketName('data/BTCUSDT_1h.csv'), 'BTCUSDT_1h');
  assert.is(marketName('eth.CSV'), 'eth');
});

test('a directory stands for its .csv files sorted by name (sidecars, hidden and other files left out); lists mix both', () => {
  const dir = tempDir();
  for (const n of ['b.csv', 'a.csv', 'a.csv.meta.json', '.x.csv', 'notes.txt']) writeFileSync(join(dir, n), '');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'c.csv'), '');
  assert.equal(candleFiles(dir), [{ market: 'a', path: join(dir, 'a.csv') }, { market: 'b', path: join(dir, 'b.csv') }]);
  assert.equal(candleFiles(`${join(dir, 'sub', 'c.csv')}, ${dir}`).map((f) => f.market), ['c', 'a', 'b']);
});

test('errors: an empty list, a directory without candle files, two files of one market name', () => {
  const dir = tempDir();
  assert.throws(() => candleFiles(' , '), /names no candle file/);
  assert.throws(() => candleFiles(dir), /no \.csv candle files in this directory/);
  assert.throws(() => candleFiles('x/a.csv,y/a.csv'), /y\/a\.csv and x\/a\.csv are both market "a"/);
});

test.after(removeTempDirs);
test.run();
