import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatPrice } from '../../src/cli/price.js';

test('prices print six significant digits with at least two decimals, without float noise', () => {
  assert.is(formatPrice(36081.198765432101), '36081.20');
  assert.is(formatPrice(1234567.891), '1234567.89');
  assert.is(formatPrice(1.23456789), '1.23457');
  assert.is(formatPrice(0.000123456789), '0.000123457');
  assert.is(formatPrice(0), '0.00');
  assert.is(formatPrice(NaN), 'n/a');
});

test.run();
