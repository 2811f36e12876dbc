import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultEngine, type EngineVariant, type GlowExports } from '../../src/wasm/engine.js';

/** Draw n deviates for a 4-word state; returns them and the state after the call. */
function draw(ex: GlowExports, key: number[], n: number, scale = 1, calls = [n]) {
  const mark = ex.mark();
  const st = ex.alloc(16), out = ex.alloc(n * 4);
  new Uint32Array(ex.memory.buffer, st, 4).set(key);
  let o = 0;
  for (const m of calls) {
    ex.fillNormal(st, out + o * 4, m, scale);
    o += m;
  }
  const z = new Float32Array(ex.memory.buffer, out, n).slice();
  const after = Array.from(new Uint32Array(ex.memory.buffer, st, 4));
  ex.release(mark);
  assert.is(ex.mark(), mark, 'no memory left allocated');
  return { z, after };
}

/** The stream's definition in f64 (the hash replayed with Math.imul), for the error budget. */
function reference(key: number[], e: number): number {
  const mix = (x: number): number => {
    x = (x ^ (x >>> 16)) >>> 0;
    x = Math.imul(x, 0x7feb352d) >>> 0;
    x = (x ^ (x >>> 15)) >>> 0;
    x = Math.imul(x, 0x846ca68b) >>> 0;
    return (x ^ (x >>> 16)) >>> 0;
  };
  const p = ((key[3] + e) >>> 0) >>> 1;
  const a = mix((p + key[0]) >>> 0);
  const u1 = mix((a ^ key[1]) >>> 0);
  const u2 = mix((u1 ^ key[2]) >>> 0);
  const u = Math.fround(Math.fround(u1) + 0.5) * 2 ** -32; // the f32 rounding of the kernel's u is part of the definition
  const r = Math.sqrt(-2 * Math.log(u));
  const theta = (u2 >>> 30) * (Math.PI / 2) + (((u2 >>> 7) & 0x7fffff) - 4194303.5) * (Math.PI / 2 / 2 ** 23);
  return ((key[3] + e) & 1) === 0 ? r * Math.cos(theta) : r * Math.sin(theta);
}

const variants: EngineVariant[] = ['simd'];
if (defaultEngine().variant !== 'simd') variants.push(defaultEngine().variant);

for (const variant of variants) {
  const ex = defaultEngine(variant).instantiate();

  test(`[${variant}] Gaussian stream: within 2e-6·max(1, r) of its f64 definition, |z| ≤ 6.77, finite`, () => {
    const key = [0x9e3779b9, 12345, 0xdeadbeef, 7];
    const { z } = draw(ex, key, 200_001);
    let worst = 0;
    for (let e = 0; e < z.length; e++) {
      assert.ok(Number.isFinite(z[e]) && Math.abs(z[e]) <= 6.77, `element ${e}: ${z[e]}`);
      if (e % 7 === 0 || e < 1000) {
        const ref = reference(key, e);
        worst = Math.max(worst, Math.abs(z[e] - ref) / Math.max(1, Math.abs(ref)));
      }
    }
    console.log(`    [${variant}] worst deviation from the f64 definition: ${worst.toExponential(2)}`);
    assert.ok(worst <= 2e-6, `worst ${worst}`);
  });

  test(`[${variant}] Gaussian stream: moments, bins, serial and pair independence for several keys (even all-zero)`, () => {
    const N = 1 << 20;
    const bins = [-Infinity, -3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3, Infinity];
    const phi = [0.0013499, 0.0062097, 0.0227501, 0.0668072, 0.1586553, 0.3085375, 0.5, 0.6914625, 0.8413447, 0.9331928, 0.9772499, 0.9937903, 0.9986501];
    for (const key of [[1, 2, 3, 0], [0, 0, 0, 0], [5, 5, 5, 5], [0xffffffff, 0x80000000, 1, 0xfffffff0]]) {
      const { z } = draw(ex, key, N);
      let m = 0, v = 0, k = 0, lag = 0, pair = 0;
      const counts = new Array(bins.length - 1).fill(0);
      for (let i = 0; i < N; i++) {
        const x = z[i];
        m += x;
        v += x * x;
        k += x ** 4;
        if (i) lag += x * z[i - 1];
        if (i & 1) pair += x * z[i - 1];
        let b = 0;
        while (x >= bins[b + 1]) b++;
        counts[b]++;
      }
      m /= N;
      v /= N;
      const what = `key ${key.join(',')}`;
      // 5 standard errors of each statistic under N(0, 1)
      assert.ok(Math.abs(m) < 5 * Math.sqrt(1 / N), `${what}: mean ${m}`);
      assert.ok(Math.abs(v - 1) < 5 * Math.sqrt(2 / N), `${what}: variance ${v}`);
      assert.ok(Math.abs(k / N - 3) < 5 * Math.sqrt(96 / N), `${what}: fourth moment ${k / N}`);
      assert.ok(Math.abs(lag / N) < 5 / Math.sqrt(N), `${what}: lag-1 correlation ${lag / N}`);
      assert.ok(Math.abs(pair / (N / 2)) < 5 / Math.sqrt(N / 2), `${what}: cos/sin partner correlation ${pair / (N / 2)}`);
      let chi = 0;
      for (let b = 0; b < counts.length; b++) {
        const p = (b < phi.length ? phi[b] : 1) - (b > 0 ? phi[b - 1] : 0);
        chi += (counts[b] - N * p) ** 2 / (N * p);
      }
      assert.ok(chi < 34.5, `${what}: χ² over 14 bins ${chi.toFixed(1)} (13 dof, p < 0.001 above 34.5)`);
    }
  });

  test(`[${variant}] Gaussian stream: values do not depend on how draws are split into calls; counter advances by n`, () => {
    const key = [11, 22, 33, 0xfffffffd]; // the counter wraps past 2³² inside the run
    const whole = draw(ex, key, 1003);
    const parts = draw(ex, key, 1003, 1, [1, 2, 3, 8, 9, 17, 1, 500, 462]);
    const first = whole.z.findIndex((x, i) => !Object.is(x, parts.z[i]));
    assert.is(first, -1, `split calls differ from one call at element ${first}`);
    assert.equal(whole.after, [11, 22, 33, (0xfffffffd + 1003) >>> 0]);
    const doubled = draw(ex, key, 1003, 2);
    for (let i = 0; i < 1003; i++) assert.is(doubled.z[i], 2 * whole.z[i], `scale 2 at ${i}`);
    const other = draw(ex, [11, 22, 34, 0xfffffffd], 1003);
    assert.ok(other.z.some((x, i) => x !== whole.z[i]), 'a different key gives a different stream');
  });
}

test.run();
