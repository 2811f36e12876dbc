import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDecimal } from '../../src/data/numbers.js';

test('plain and exponent decimals parse; anything else is undefined', () => {
  assert.equal(['1', '-2.5', '+.5', '7.', ' 42 ', '1e-7', '2E+3', '0'].map(parseDecimal), [1, -2.5, 0.5, 7, 42, 1e-7, 2000, 0]);
  assert.equal(['', ' ', '0x1f', 'Infinity', 'NaN', '1,5', '1.2.3', 'e5', '--1'].map(parseDecimal), Array(9).fill(undefined));
});

test.run();
