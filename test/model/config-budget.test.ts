/**
 * @fileoverview The memory a model configuration needs, and the limits: modelSize must equal what
 * the engine allocates (byte for byte), and anything beyond CONFIG_LIMITS or MODEL_MEMORY_BUDGET is
 * refused at once, before any allocation, with the field and the budget named.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CONFIG_LIMITS, MODEL_MEMORY_BUDGET, MODEL_WORKSPACE_ROWS, type GlowConfig, modelSize, resolveConfig } from '../../src/model/config.js';
import { modelLayout } from '../../src/model/layout.js';
import { Glow } from '../../src/model/glow.js';
import { defaultEngine } from '../../src/wasm/engine.js';
import { ModelMemory } from '../../src/wasm/plan.js';
import { thrown } from '../helpers/model-bytes.js';

test('modelSize is what the engine allocates and what the layout counts', () => {
  const configs: Partial<GlowConfig>[] = [{}, { features: 7, levels: 2, steps: 3, hidden: 16 }, { features: 5, levels: 2, steps: 2, hidden: 8, coupling: 'additive' }, { hidden: 300, steps: 9 }];
  for (const partial of configs) {
    const layout = modelLayout(partial);
    const ex = defaultEngine().instantiate();
    const before = ex.mark();
    new ModelMemory(ex, layout, MODEL_WORKSPACE_ROWS);
    const size = modelSize(layout.config);
    const what = JSON.stringify(partial);
    assert.is(size.bytes, ex.mark() - before, `${what}: bytes`);
    assert.is(size.numel, layout.numel, `${what}: numel`);
    assert.is(size.bufferLength, layout.permLength, `${what}: perm/sign length`);
    assert.is(size.tensors, layout.tensors.length, `${what}: tensors`);
  }
});

test('the budget is 1 GiB, and each field has a limit', () => {
  assert.is(MODEL_MEMORY_BUDGET, 2 ** 30);
  assert.equal({ ...CONFIG_LIMITS }, { features: 4096, levels: 12, steps: 1024, hidden: 16384 });
  assert.is(thrown(() => resolveConfig({ steps: 100000 })), 'invalid model config: steps must be at most 1024, got 100000');
  assert.is(thrown(() => resolveConfig({ hidden: 1000000 })), 'invalid model config: hidden must be at most 16384, got 1000000');
  assert.is(thrown(() => resolveConfig({ levels: 13 })), 'invalid model config: levels must be at most 12, got 13');
  assert.is(thrown(() => resolveConfig({ features: 5000 })), 'invalid model config: features must be at most 4096, got 5000');
  assert.is(thrown(() => resolveConfig({ hidden: '64' as any })), 'invalid model config: hidden must be a positive integer, got "64"');
});

test('Glow.create beyond the budget is refused at once, naming what would fit', () => {
  assert.is(thrown(() => Glow.create({ hidden: 12000 })),
    'invalid model config: features=16, levels=3, steps=4, hidden=12000 needs 33.4 GiB of memory, more than the 1.0 GiB budget for one model ' +
    '(with the other fields unchanged, hidden ≤ 1896 fits)');
  assert.is(thrown(() => resolveConfig({ steps: 1000 })),
    'invalid model config: features=16, levels=3, steps=1000, hidden=64 needs 2.1 GiB of memory, more than the 1.0 GiB budget for one model ' +
    '(with the other fields unchanged, hidden ≤ 26 or steps ≤ 478 fits)');
});

test('the largest width the message names fits, one more does not', () => {
  assert.is(thrown(() => resolveConfig({ hidden: 1896 })), 'no error');
  assert.ok(modelSize(resolveConfig({ hidden: 1896 })).bytes <= MODEL_MEMORY_BUDGET);
  assert.ok(modelSize({ ...resolveConfig(), hidden: 1897 }).bytes > MODEL_MEMORY_BUDGET);
});

test.run();
