import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CsvRecords, CsvSyntaxError } from '../../src/data/csv-records.js';

/** Records of `chunks` fed one by one, as [line, ...cells]. */
function records(chunks: string[], max?: number): (string | number)[][] {
  const out: (string | number)[][] = [];
  const r = new CsvRecords((cells, line) => out.push([line, ...cells]), max);
  for (const c of chunks) r.push(c);
  r.end();
  return out;
}

const TEXT = 'a,"b ""q""",c\r\n"x\ny",,"z"\r\n"1,5",2,"3"';
const EXPECTED = [[1, 'a', 'b "q"', 'c'], [2, 'x\ny', '', 'z'], [4, '1,5', '2', '3']];

test('quoted cells, escaped quotes, line breaks inside quotes, CRLF and a last line without a line end', () => {
  assert.equal(records([TEXT]), EXPECTED);
  assert.equal(records(['a,b\r\r\nc']), [[1, 'a', 'b'], [2, ''], [3, 'c']]);
  assert.equal(records(['a\n\n']), [[1, 'a'], [2, '']]);
});

test('the same records whatever the chunk boundaries (one character at a time, or every split in two)', () => {
  assert.equal(records(TEXT.split('')), EXPECTED);
  for (let k = 0; k <= TEXT.length; k++) assert.equal(records([TEXT.slice(0, k), TEXT.slice(k)]), EXPECTED, `split at ${k}`);
});

test('malformed input names the line the record starts on', () => {
  const error = (chunks: string[]) => {
    try {
      records(chunks);
    } catch (e) {
      assert.instance(e, CsvSyntaxError);
      return [(e as CsvSyntaxError).line, (e as Error).message];
    }
    return undefined;
  };
  assert.equal(error(['a\nb\n"c,d\n']), [3, 'a quoted cell is never closed (a " without its closing ")']);
  assert.equal(error(['a\n"b"c\n']), [2, 'text after the closing quote of a quoted cell: "c\\n"']);
});

test('an unfinished record longer than the limit is refused (a binary file has no line breaks)', () => {
  const r = new CsvRecords(() => undefined, 10);
  r.push('abcdefghij');
  assert.throws(() => r.push('k'), (e: Error) => e instanceof CsvSyntaxError && e.line === 1 &&
    e.message === 'a line longer than 10 characters; this is not a candle CSV');
});

test.run();
