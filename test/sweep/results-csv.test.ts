import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readResults, RESULT_COLUMNS, writeResults } from '../../src/sweep/results-csv.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const row = (job: string, extra: Record<string, string | number> = {}) => ({ job, market: 'm,1', seed: 1, fold: 1, variant: 'base', sharpe: 0.5, ...extra });

test('rows are written in the job order given, then rows of other jobs; read back as text cells', () => {
  const path = join(tempDir(), 'r.csv');
  writeResults(path, [row('c'), row('x'), row('a', { stop_reason: 'say "hi"' })], ['a', 'b', 'c']);
  const text = readFileSync(path, 'utf8');
  assert.is(text.split('\n')[0], RESULT_COLUMNS.join(','));
  const back = readResults(path);
  assert.equal(back.map((r) => r.job), ['a', 'c', 'x']);
  assert.equal([back[0].market, back[0].stop_reason, back[0].sharpe, back[0].total_return], ['m,1', 'say "hi"', '0.5', '']);
  assert.is(Object.keys(back[0]).length, RESULT_COLUMNS.length);
});

test('no file: no rows; a file of other columns is refused naming it', () => {
  const dir = tempDir();
  assert.equal(readResults(join(dir, 'none.csv')), []);
  const other = join(dir, 'other.csv');
  writeFileSync(other, 'timestamp,open\n1,2\n');
  assert.throws(() => readResults(other), /other\.csv: line 1: not a sweep results file/);
});

test.after(removeTempDirs);
test.run();
