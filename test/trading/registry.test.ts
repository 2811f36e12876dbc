import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getStrategy, glowStrategy, listStrategies, positionsOf, registerStrategy, type Strategy, type StrategyContext } from '../../src/trading/registry.js';

const context = (rows: number) => ({ rows, timestamps: Float64Array.from({ length: rows }, (_, i) => i * 3_600_000) }) as unknown as StrategyContext;

test('the built-ins are registered; glow is the default strategy', () => {
  const names = listStrategies().map((s) => s.name);
  assert.ok(names.includes('glow') && names.includes('glow-latent0'), names.join());
  assert.is(getStrategy('glow'), glowStrategy);
  assert.equal(listStrategies().find((s) => s.name === 'glow')!.source, 'built-in');
});

test('registering: the same object twice is fine, a clash or a malformed strategy is refused', () => {
  const flat: Strategy = { name: 'registry-test-flat', description: 'never trades', positions: (ctx) => new Float64Array(ctx.rows) };
  registerStrategy(flat, 'plugin test');
  registerStrategy(flat, 'plugin test');
  assert.is(getStrategy('registry-test-flat'), flat);
  assert.equal(listStrategies().find((s) => s.name === 'registry-test-flat'), { name: 'registry-test-flat', description: 'never trades', source: 'plugin test' });
  assert.throws(() => registerStrategy({ ...flat }, 'plugin other'), /strategy "registry-test-flat" from plugin other clashes with the one from plugin test/);
  assert.throws(() => registerStrategy({ ...flat, name: 'has space' }, 'p'), /strategy from p: name "has space" must be a word/);
  assert.throws(() => registerStrategy({ name: 'x', description: '' } as unknown as Strategy, 'p'), /strategy from p "x": positions must be a function/);
  assert.throws(() => registerStrategy(null as unknown as Strategy, 'p'), /strategy from p is null/);
  assert.throws(() => getStrategy('missing'), /unknown strategy "missing"; known: glow, glow-latent0/);
});

test('positionsOf checks the count and finiteness of what a strategy returns', () => {
  const s = (values: number[]): Strategy => ({ name: 'probe', description: '', positions: () => values });
  assert.equal(Array.from(positionsOf(s([0, -1, 0.5]), context(3))), [0, -1, 0.5]);
  assert.throws(() => positionsOf(s([0, 1]), context(3)), /"probe" returned 2 positions for 3 rows/);
  assert.throws(() => positionsOf(s([0, Infinity, 0]), context(3)), /"probe": position 1 \(bar 1970-01-01T01:00:00.000Z\) is Infinity/);
  assert.throws(() => positionsOf({ name: 'u', description: '', positions: () => undefined as unknown as number[] }, context(1)), /"u" returned undefined/);
});

test.run();
