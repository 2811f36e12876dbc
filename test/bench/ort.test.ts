/**
 * The ONNX Runtime anchors of the bench (bench/ort.ts, bench/ort-child.ts, bench/onnx/export_glow.py):
 * the check's tolerance, and — where `npm run bench:setup` has installed bench/onnx and
 * /usr/bin/python3 imports torch — a model exported to ONNX gives, in ORT-node and ORT-web, the
 * log p and inverse of ours and of torch within 1e-3 absolute or 1e-4 relative, and the child
 * times a case. Without ORT or torch those tests are registered as skipped, the reason printed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Glow } from '../../src/model/glow.js';
import { Rng } from '../../src/util/rng.js';
import { pool } from '../../bench/cases.js';
import { checkOrt, deviation, exportOnnx, ortUnavailable, startOrt } from '../../bench/ort.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

test.after(removeTempDirs);

test('the check tolerates 1e-3 absolute or 1e-4 relative, whichever is larger, and no more', () => {
  assert.ok(deviation([1.0009], [1]).worst <= 1);
  assert.ok(deviation([1.0011], [1]).worst > 1);
  assert.ok(deviation([-1000.09], [-1000]).worst <= 1);
  assert.ok(deviation([-1000.11], [-1000]).worst > 1);
  assert.equal(deviation([Number.NaN], [0]).worst, Infinity);
  assert.throws(() => deviation([1, 2], [1]), /length 2 ≠ 1/);
});

test('the root package never installs ONNX Runtime; bench:setup installs bench/onnx with the CUDA download skipped', () => {
  const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
  const lock = JSON.parse(readFileSync(new URL('../../../package-lock.json', import.meta.url), 'utf8'));
  const names = [...Object.keys(root.dependencies ?? {}), ...Object.keys(root.devDependencies ?? {}), ...Object.keys(lock.packages ?? {})];
  assert.equal(names.filter((n) => n.includes('onnxruntime')), []);
  assert.is(root.scripts['bench:setup'], 'ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefix bench/onnx');
  const bench = JSON.parse(readFileSync(new URL('../../../bench/onnx/package.json', import.meta.url), 'utf8'));
  assert.equal(Object.keys(bench.dependencies).sort(), ['onnxruntime-node', 'onnxruntime-web']);
});

/** A default-size model with every parameter perturbed, so that no step is the identity. */
function model(): Glow {
  const g = Glow.create({ seed: 3 });
  g.initialize(pool(2048, 16, 1));
  const r = new Rng(5);
  const p = g.getParameters();
  g.setParameters(p.map((v) => v + 0.05 * r.normal()));
  return g;
}

const missing = ortUnavailable();
const ortTest = missing === null ? test : test.skip;
if (missing) console.log(`SKIPPED: ONNX Runtime anchor tests — ${missing}`);

ortTest('ORT-node and ORT-web give our log p and inverse, and torch\'s, within 1e-3 abs / 1e-4 rel', async () => {
  const g = model();
  const noise = new Rng(9);
  const z = Float32Array.from({ length: 32 * 16 }, () => noise.normal());
  const dir = tempDir();
  const exported = exportOnnx(g, dir, pool(32, 16, 7), z, null);
  assert.is(exported.torch.source, 'wrapper');
  for (const [kind, threads] of [['node', [1, 2]], ['web', [1]]] as const) {
    const child = await startOrt(kind, [...threads], dir, 64, 1);
    try {
      const c = await checkOrt(child.engine, g, exported);
      assert.ok(c.ok, JSON.stringify(c));
      // the check could fail: ORT's log p against a shifted copy of ours is flagged
      assert.ok(deviation(g.logProb(exported.x).map((v) => v + 0.01), exported.torch.logp).worst > 1);
      assert.equal(child.cases.map((k) => `${k.task}/${k.batch}/${k.threads}`),
        [...threads.flatMap((T) => [`logprob/64/${T}`, `sample/64/${T}`]), 'logprob-1row/1/1']);
      assert.ok((await child.cases[0].timed(0.05)) > 0);
    } finally {
      child.engine.close();
    }
  }
  g.close();
});

test.run();
