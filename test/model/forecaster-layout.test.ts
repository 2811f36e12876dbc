import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { forecasterForwardFlops, forecasterLayout, forecasterParameterTensors } from '../../src/model/forecaster-layout.js';
import { DEFAULT_FORECASTER_CONFIG, resolveForecasterConfig } from '../../src/model/forecaster-config.js';
import { forecasterInitialState, INITIAL_DF_THETA } from '../../src/model/forecaster-init.js';
import { initialState } from '../../src/model/init.js';
import { modelLayout } from '../../src/model/layout.js';

test('defaults: H = 20, C = 20, E = 16, 3 levels of 4 steps, hidden 64, widths 20 → 10 → 5', () => {
  const L = forecasterLayout();
  assert.equal(L.config, { ...DEFAULT_FORECASTER_CONFIG });
  assert.equal(L.levelWidths, [20, 10, 5]);
  assert.equal(L.latentWidths, [10, 5, 5]);
  assert.equal(L.latentOffsets, [0, 10, 15]);
  // context 64·20+64 + 16·64+16 = 2,384; flow 4·(8,048 + 6,448 + 5,831) = 81,308;
  // prior 64·16+64 + 40·64+40 + 20 = 3,708.
  assert.is(L.numel, 87_400);
  // unused triangles: 4·(20·21 + 10·11 + 5·6) = 2,240
  assert.is(L.numFree, 85_160);
  assert.is(L.permLength, 4 * (20 + 10 + 5));
  assert.is(L.signLength, 4 * (20 + 10 + 5));
});

test('forward FLOPs per row: 2 × (context 2,304 + steps 77,108 + prior 3,584 multiply-adds) for the defaults', () => {
  // steps: 4·(400 + 26·64 + 64² + 64·20) + 4·(100 + 21·64 + 64² + 64·10) + 4·(25 + 18·64 + 64² + 64·6)
  assert.is(forecasterForwardFlops(forecasterLayout()), 2 * (2304 + 4 * 7440 + 4 * 6180 + 4 * 5657 + 3584));
  assert.is(forecasterForwardFlops(forecasterLayout()), 165_992);
});

test('names and shapes in flat order: context, flow (fc1 is (hidden, da + E)), prior, df', () => {
  const L = forecasterLayout({ target: 6, context: 3, levels: 2, steps: 2, hidden: 8, embed: 4, contextHidden: 8 });
  const ps = forecasterParameterTensors(L);
  const head = ps.slice(0, 4).map((t) => [t.name, t.shape]);
  assert.equal(head, [
    ['context.fc1.weight', [8, 3]],
    ['context.fc1.bias', [8]],
    ['context.fc2.weight', [4, 8]],
    ['context.fc2.bias', [4]],
  ]);
  const step0 = ps.slice(4, 15).map((t) => [t.name, t.shape]);
  assert.equal(step0, [
    ['levels.0.0.actnorm.bias', [6]],
    ['levels.0.0.actnorm.logs', [6]],
    ['levels.0.0.invconv.lower', [6, 6]],
    ['levels.0.0.invconv.upper', [6, 6]],
    ['levels.0.0.invconv.log_s', [6]],
    ['levels.0.0.coupling.fc1.weight', [8, 3 + 4]],
    ['levels.0.0.coupling.fc1.bias', [8]],
    ['levels.0.0.coupling.fc2.weight', [8, 8]],
    ['levels.0.0.coupling.fc2.bias', [8]],
    ['levels.0.0.coupling.fc3.weight', [6, 8]],
    ['levels.0.0.coupling.fc3.bias', [6]],
  ]);
  // level 1 has width 3: da = 1, db = 2
  assert.equal(ps.find((t) => t.name === 'levels.1.1.coupling.fc1.weight')!.shape, [8, 1 + 4]);
  assert.is(L.steps[3].fc1In, 5);
  const tail = ps.slice(-5).map((t) => [t.name, t.shape]);
  assert.equal(tail, [
    ['prior.fc1.weight', [8, 4]],
    ['prior.fc1.bias', [8]],
    ['prior.fc2.weight', [12, 8]],
    ['prior.fc2.bias', [12]],
    ['prior.df', [6]],
  ]);
  // contiguous, in order, ending at numel; offsets agree with the step / context / prior records
  let off = 0;
  for (const t of ps) {
    assert.is(t.offset, off, t.name);
    off += t.size;
  }
  assert.is(off, L.numel);
  assert.is(L.context.fc2b, ps[3].offset);
  assert.is(L.steps[0].fc1w, ps[9].offset);
  assert.is(L.prior.df, L.numel - 6);
  assert.equal(L.tensors.filter((t) => t.store !== 'params').map((t) => t.name).slice(0, 2), [
    'levels.0.0.invconv.perm',
    'levels.0.0.invconv.sign_s',
  ]);
});

test('normal base: no prior.df, layout ends at prior.fc2.bias', () => {
  const t = forecasterLayout({ base: 'normal' });
  assert.is(t.prior.df, -1);
  assert.is(t.numel, 87_400 - 20);
  assert.not.ok(t.tensors.some((s) => s.name === 'prior.df'));
});

test('the flow part has the GLOW step structure; with E → fc1 widths it matches a GLOW on width H', () => {
  const f = forecasterLayout({ target: 7, levels: 2, steps: 2, hidden: 8, embed: 3 });
  const g = modelLayout({ features: 7, levels: 2, steps: 2, hidden: 8 });
  assert.equal(f.steps.map((s) => [s.d, s.da, s.db, s.nOut, s.perm, s.sign]), g.steps.map((s) => [s.d, s.da, s.db, s.nOut, s.perm, s.sign]));
  // each step is 3·8 = 24 parameters longer (the embedding columns of fc1)
  const flowF = f.prior.fc1w - f.steps[0].bias;
  assert.is(flowF, g.numel + 4 * 8 * 3);
});

test('config validation names the field and what was expected', () => {
  assert.throws(() => resolveForecasterConfig({ target: 1 }), /target must be ≥ 2, got 1/);
  assert.throws(() => resolveForecasterConfig({ context: 0 }), /context must be a positive integer, got 0/);
  assert.throws(() => resolveForecasterConfig({ embed: 2.5 }), /embed must be a positive integer, got 2.5/);
  assert.throws(() => resolveForecasterConfig({ contextHidden: -1 }), /contextHidden must be a positive integer/);
  assert.throws(() => resolveForecasterConfig({ base: 'laplace' as any }), /base must be 'student-t' or 'normal', got "laplace"/);
  assert.throws(() => resolveForecasterConfig({ coupling: 'spline' as any }), /coupling must be 'affine' or 'additive'/);
  assert.throws(
    () => resolveForecasterConfig({ target: 4, levels: 3 }),
    /target=4 allows at most 2 level\(s\) \(widths 4 → 2; every level needs width ≥ 2\), got levels=3/,
  );
  assert.is(resolveForecasterConfig({ target: 4, levels: 2, seed: 3 } as any).levels, 2);
});

test('initial state: seeded and reproducible; prior.fc2 and fc3 zero; θ = ln(e − 1) (ν = 3); Linear bounds', () => {
  const L = forecasterLayout({ target: 6, context: 3, levels: 2, steps: 2, hidden: 8, embed: 4, contextHidden: 8 });
  const a = forecasterInitialState(L, 7);
  const b = forecasterInitialState(L, 7);
  const c = forecasterInitialState(L, 8);
  assert.equal(Array.from(a.params), Array.from(b.params));
  assert.equal(Array.from(a.perm), Array.from(b.perm));
  assert.not.equal(Array.from(a.params), Array.from(c.params));
  const get = (name: string) => {
    const t = L.tensors.find((s) => s.name === name)!;
    return Array.from(a.params.subarray(t.offset, t.offset + t.size));
  };
  assert.ok(get('prior.fc2.weight').every((v) => v === 0));
  assert.ok(get('prior.fc2.bias').every((v) => v === 0));
  assert.ok(get('levels.1.1.coupling.fc3.weight').every((v) => v === 0));
  assert.ok(get('prior.df').every((v) => v === INITIAL_DF_THETA));
  assert.ok(Math.abs(Math.log1p(Math.exp(INITIAL_DF_THETA)) - 1) < 1e-15);
  assert.ok(Math.abs(2 + Math.log1p(Math.exp(INITIAL_DF_THETA)) - 3) < 1e-15); // ν = 3
  const within = (name: string, bound: number) => {
    const v = get(name);
    assert.ok(v.every((x) => Math.abs(x) <= bound) && v.some((x) => Math.abs(x) > bound / 2), name);
  };
  within('context.fc1.weight', 1 / Math.sqrt(3));
  within('context.fc2.weight', 1 / Math.sqrt(8));
  within('levels.0.0.coupling.fc1.weight', 1 / Math.sqrt(3 + 4));
  within('levels.0.0.coupling.fc1.bias', 1 / Math.sqrt(3 + 4));
  within('prior.fc1.weight', 1 / Math.sqrt(4));
  // ActNorm at the identity
  assert.ok(get('levels.0.1.actnorm.logs').every((v) => v === 0));
  // each 1×1 starts as a rotation: |det W| = 1 ⇒ Σ log_s = 0
  const ls = get('levels.0.0.invconv.log_s');
  assert.ok(Math.abs(ls.reduce((s, v) => s + v, 0)) < 1e-12);
});

test('GLOW init unchanged by the initStep refactor (fixed values of a tiny model)', () => {
  const g = modelLayout({ features: 3, levels: 1, steps: 1, hidden: 2 });
  const st = initialState(g, 1);
  // Recorded from the pre-refactor initialState (same Rng draws in the same order).
  assert.equal(Array.from(st.perm), GLOW_PERM);
  assert.equal(Array.from(st.params), GLOW_PARAMS);
});

const GLOW_PERM: number[] = [2,0,1];
const GLOW_PARAMS: number[] = [0,0,0,0,0,0,0,0,0,-0.11125425572855785,0,0,0.8330738347263061,0.6671455479946063,0,0,-0.2259497624076361,0.602423472207899,0,0,0.5099910237492982,0,0,0,-0.26718987431814756,-0.1423189120322042,0.4095087863503519,-0.23247216761606682,0.9268511920090954,-0.1713969787180405,0.9207861075866037,-0.01653909982183721,0.15804023959167224,-0.3495073987036955,-0.31890569721479894,-0.6091307278060137,-0.20293271778520003,0,0,0,0,0,0,0,0,0,0,0,0];

test.run();
