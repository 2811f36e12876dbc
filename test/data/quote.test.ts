import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { excerpt, QUOTE_MAX_CHARS } from '../../src/data/quote.js';

test('short text is kept; control characters are escaped', () => {
  assert.is(excerpt('abc'), 'abc');
  assert.is(excerpt('a\tb\nc\r\u0000\u007f'), 'a\\tb\\nc\\r\\u0000\\u007f');
});

test('long text is cut to the limit and says how long it was', () => {
  assert.is(QUOTE_MAX_CHARS, 200);
  assert.is(excerpt('x'.repeat(201)), `${'x'.repeat(200)}… (201 characters)`);
  assert.is(excerpt('x'.repeat(200)), 'x'.repeat(200));
  assert.is(excerpt('abcdef', 3), 'abc… (6 characters)');
});

test.run();
