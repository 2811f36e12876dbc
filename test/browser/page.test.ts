/**
 * @fileoverview The browser example (examples/browser/) in real headless Chromium: served from a
 * local static server with only the page, build/ and a temp folder holding a tiny model trained
 * here, it must load with no console errors and no request outside those folders, show the same
 * log-likelihoods as the library in Node (within 1e-4 on the relaxed build; to every printed digit
 * and with bit-identical samples on the plain build), mark the rows below the model's likelihood
 * threshold, accept a model from the file picker, and explain a corrupt file. Registered as skipped
 * (counted in uvu's total, the reason printed) where /usr/bin/chromium is missing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { Glow } from '../../src/model/glow.js';
import { defaultEngine, loadEngine } from '../../src/wasm/engine.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { trainOnCandles } from '../../src/pipeline/train-on-candles.js';
import { bundleToBytes, scaledRows } from '../../src/trading/bundle.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { type StaticServer, startStaticServer } from '../helpers/static-server.js';
import { browserTest, chromiumMissing, launchChromium } from '../helpers/chromium.js';

const repo = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** A page opened on the example: console errors, and requests that tried to leave the server. */
interface Opened {
  page: Page;
  errors: string[];
  outside: string[];
  close(): Promise<void>;
}

const WHAT = 'test/browser/page.test.ts (the browser example page)';
let browser: Browser;
let server: StaticServer;
const trained = trainOnCandles(simulateMarket({ bars: 900, seed: 11 }), {
  model: { levels: 2, steps: 2, hidden: 8 }, fit: { epochs: 2, batchSize: 64 }, seed: 5,
});
const modelBytes = bundleToBytes(trained.bundle);
const threshold = trained.bundle.strategy.calibration.threshold;
const D = 16;
/** Eight held-out scaled rows, then one far outside the training data (4 σ on every feature). */
const rows = new Float32Array(9 * D);
rows.set(scaledRows(trained.bundle.scaler, trained.features, trained.split.test[0], trained.split.test[0] + 8));
rows.fill(4, 8 * D);

/** Open the example with `query`; any request not to the local server is recorded and aborted. */
async function open(query: string): Promise<Opened> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [], outside: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${server.baseUrl}/`)) return route.continue();
    outside.push(url);
    return route.abort('blockedbyclient');
  });
  await page.goto(`${server.baseUrl}/examples/browser/index.html${query}`);
  await page.waitForSelector('body[data-state=done], body[data-state=error], body[data-state=waiting]', { timeout: 30_000 });
  return { page, errors, outside, close: () => context.close() };
}

const numbers = (page: Page, selector: string, attr?: 'data-value'): Promise<number[]> =>
  page.$$eval(selector, (els, a) => els.map((e) => Number(a ? e.getAttribute(a) : e.textContent)), attr);

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.is(a.length, b.length, `${what}: count`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `${what}[${i}]: page ${a[i]} vs Node ${b[i]}`);
}

if (chromiumMissing() === null) {
  test.before(async () => {
    browser = (await launchChromium(WHAT))!;
    const fixtures = tempDir('glow-trade-browser-');
    writeFileSync(join(fixtures, 'model.bin'), modelBytes);
    const csv = [trained.features.names.join(',')];
    for (let i = 0; i < rows.length / D; i++) csv.push(Array.from(rows.subarray(i * D, (i + 1) * D)).join(','));
    writeFileSync(join(fixtures, 'rows.csv'), csv.join('\n') + '\n');
    writeFileSync(join(fixtures, 'corrupt.bin'), modelBytes.map((b, i) => (i === modelBytes.length - 30 ? b ^ 1 : b)));
    server = await startStaticServer({
      '/examples/browser/': repo('examples/browser'), '/build/': repo('build'), '/fixtures/': fixtures,
    });
  });
  test.after(async () => {
    await browser?.close();
    await server?.close();
    removeTempDirs();
  });
}

browserTest(test, 'the page shows the library\'s log-likelihoods, the rows below threshold and finite samples', async () => {
  const opened = await open('?model=/fixtures/model.bin&rows=/fixtures/rows.csv&samples=6&seed=3');
  const { page, errors } = opened;
  assert.is(await page.getAttribute('body', 'data-state'), 'done', await page.textContent('#status') ?? '');
  assert.equal(errors, []);
  const nodeLogp = Glow.fromBytes(modelBytes, { engine: defaultEngine() }).logProb(rows);
  close(await numbers(page, '#loglik td.logp'), nodeLogp, 1e-4, 'log p');
  const below = nodeLogp.reduce((n, v) => n + (v < threshold ? 1 : 0), 0);
  assert.ok(below >= 1, 'the 4σ row is below the threshold');
  assert.is((await page.$$('#loglik td.below')).length, below);
  const x = await numbers(page, '#samples td.x', 'data-value');
  assert.is(x.length, 6 * D);
  assert.ok(x.every(Number.isFinite), 'samples are finite');
  const sampleLogp = await numbers(page, '#samples td.logp', 'data-value');
  close(sampleLogp, Glow.fromBytes(modelBytes).logProb(Float32Array.from(x)), 1e-4, 'log p of the samples');
  assert.ok(server.requests.every((r) => r.status === 200), JSON.stringify(server.requests));
  assert.ok(server.requests.some((r) => r.path.startsWith('/build/glow')), 'the wasm came from build/');
  assert.equal(opened.outside, [], 'no request left the local server');
  await opened.close();
});

browserTest(test, 'on the plain SIMD build the page and Node agree to the last printed digit, samples to the bit', async () => {
  const opened = await open('?model=/fixtures/model.bin&rows=/fixtures/rows.csv&samples=4&seed=7&temperature=0.9&wasm=../../build/glow.wasm');
  const { page, errors } = opened;
  assert.is(await page.getAttribute('body', 'data-state'), 'done', await page.textContent('#status') ?? '');
  assert.equal(errors, []);
  const glow = Glow.fromBytes(modelBytes, { engine: await loadEngine(readFileSync(repo('build/glow.wasm'))) });
  const shown = await page.$$eval('#loglik td.logp', (els) => els.map((e) => e.textContent));
  assert.equal(shown, Array.from(glow.logProb(rows), (v) => v.toFixed(6)));
  const x = await numbers(page, '#samples td.x', 'data-value');
  assert.equal(x, Array.from(glow.sample(4, { seed: 7, temperature: 0.9 })));
  assert.equal(opened.outside, [], 'no request left the local server');
  await opened.close();
});

browserTest(test, 'a model chosen with the file picker is used, with default rows for its width', async () => {
  const opened = await open('');
  const { page, errors } = opened;
  assert.is(await page.getAttribute('body', 'data-state'), 'waiting');
  await page.setInputFiles('#model-file', { name: 'picked.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(modelBytes) });
  await page.waitForSelector('body[data-state=done], body[data-state=error]', { timeout: 30_000 });
  assert.is(await page.getAttribute('body', 'data-state'), 'done', await page.textContent('#status') ?? '');
  assert.match(await page.textContent('#model-info') ?? '', /picked\.bin \(\d[\d,]* bytes, format version 1\)/);
  // the page's defaults: the training mean, ±1 σ everywhere, alternating +2/−2 σ
  const defaults = [new Array(D).fill(0), new Array(D).fill(1), new Array(D).fill(-1), Array.from({ length: D }, (_, j) => (j % 2 ? -2 : 2))].flat();
  close(await numbers(page, '#loglik td.logp'), Glow.fromBytes(modelBytes).logProb(Float32Array.from(defaults)), 1e-4, 'default rows');
  assert.equal(errors, []);
  assert.equal(opened.outside, [], 'no request left the local server');
  await opened.close();
});

browserTest(test, 'a corrupt model file is explained on the page, naming the file', async () => {
  const opened = await open('?model=/fixtures/corrupt.bin');
  const { page, errors } = opened;
  assert.is(await page.getAttribute('body', 'data-state'), 'error');
  assert.match(await page.textContent('#status') ?? '', /^\/fixtures\/corrupt\.bin: CRC-32 mismatch .* the file is corrupt$/);
  assert.is(errors.length, 1, 'the error is also logged once to the console');
  assert.equal(opened.outside, [], 'no request left the local server');
  await opened.close();
});

test.run();
