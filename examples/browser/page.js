/**
 * @fileoverview The browser example's page logic: fetch build/glow.wasm (the relaxed-SIMD build
 * where the browser validates it), fetch or pick a model file, decode it, then show log p(x) for
 * scaled feature rows and a few seeded samples. Plain DOM, no framework, nothing from the network
 * but this server.
 *
 * Why a self-contained host (glow-abi.js + model-file.js) instead of the library from dist/: the
 * library's model module imports node:fs (model files are saved and loaded from disk there), which a
 * browser cannot resolve; and a host written only from docs/wasm-abi.md shows, and its test proves,
 * that the documented ABI is all an embedder needs. Its numbers match the library's to the bit on
 * the same build (test/browser/).
 *
 * Query parameters: model (URL of a model file; loads it at once), rows (URL of a CSV of scaled
 * feature rows), wasm (URL of the module), samples, seed, temperature.
 */
import { decodeModelFile } from './model-file.js';
import { GlowModel, relaxedSimdSupported } from './glow-abi.js';

const query = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);

/** The module to use: ?wasm=, else the relaxed-SIMD build where this browser accepts it. */
const relaxed = relaxedSimdSupported();
const wasmUrl = query.get('wasm') ?? (relaxed ? '../../build/glow.relaxed.wasm' : '../../build/glow.wasm');
let compiled;
let loaded; // { bytes, source } of the current model file

function setState(state, message) {
  document.body.dataset.state = state;
  $('status').textContent = message;
}

async function fetchBytes(url, what) {
  const href = new URL(url, location.href).href;
  const res = await fetch(href);
  if (!res.ok) throw new Error(`cannot load the ${what} from ${href}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

function compileWasm() {
  compiled ??= fetchBytes(wasmUrl, 'wasm module').then((bytes) => WebAssembly.compile(bytes));
  return compiled;
}

/**
 * Rows from CSV text: one row per line, values separated by commas or spaces; blank lines are
 * skipped, a line "# text" labels the next row, and a line of names before the first row is a header.
 */
export function parseRows(text, D) {
  const rows = [], labels = [];
  let label = '';
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) return void (label = line.slice(1).trim());
    const values = line.split(/[\s,;]+/).map(Number);
    if (rows.length === 0 && values.every(Number.isNaN)) return; // a header line
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`rows, line ${i + 1}: value ${bad + 1} ("${line.split(/[\s,;]+/)[bad]}") is not a number`);
    if (values.length !== D) throw new Error(`rows, line ${i + 1}: ${values.length} values, the model has ${D} features`);
    rows.push(values);
    labels.push(label || `row ${rows.length}`);
    label = '';
  });
  return { rows, labels };
}

/** Rows to try when none are given: the training mean and a few shifts in standard deviations. */
function defaultRowsText(D) {
  const row = (f) => Array.from({ length: D }, (_, j) => f(j)).join(',');
  return [
    '# all zeros: the training mean', row(() => 0),
    '# +1 standard deviation everywhere', row(() => 1),
    '# -1 standard deviation everywhere', row(() => -1),
    '# alternating +-2 standard deviations', row((j) => (j % 2 ? -2 : 2)),
  ].join('\n');
}

function cell(tr, text, className, value) {
  const td = document.createElement(tr.parentElement?.tagName === 'THEAD' ? 'th' : 'td');
  td.textContent = text;
  if (className) td.className = className;
  if (value !== undefined) td.dataset.value = String(value);
  tr.append(td);
  return td;
}

/** A table: header cells, then rows of [text, className, exact value] cells. */
function table(id, head, body) {
  const t = $(id);
  t.replaceChildren();
  const thead = t.createTHead(), tbody = t.createTBody();
  const hr = thead.insertRow();
  head.forEach((h) => cell(hr, h));
  for (const r of body) {
    const tr = tbody.insertRow();
    r.forEach(([text, className, value]) => cell(tr, text, className, value));
  }
}

function showModelInfo(model, source, size) {
  const { config, extra } = model;
  const training = extra.training?.train;
  const facts = [
    ['model file', `${source} (${size.toLocaleString()} bytes, format version ${model.version})`],
    ['flow', `${config.features} features, ${config.levels} levels × ${config.steps} steps, hidden ${config.hidden}, ${config.coupling} coupling`],
    ['parameters', `${model.params.length.toLocaleString()} f32 values`],
    ['features', Array.isArray(extra.featureNames) ? extra.featureNames.join(', ') : '(not recorded)'],
    ['trained on', training ? `${training.rows} rows, ${new Date(training.start).toISOString()} – ${new Date(training.end).toISOString()}` : '(not recorded)'],
    ['likelihood threshold', Number.isFinite(extra.strategy?.threshold) ? extra.strategy.threshold.toFixed(4) : '(no strategy calibration)'],
    ['wasm', `${new URL(wasmUrl, location.href).pathname} (relaxed SIMD ${relaxed ? 'available' : 'not available'})`],
  ];
  $('model-info').replaceChildren(...facts.flatMap(([k, v]) => {
    const dt = document.createElement('dt'), dd = document.createElement('dd');
    dt.textContent = k;
    dd.textContent = v;
    return [dt, dd];
  }));
}

async function run() {
  if (!loaded) return setState('waiting', 'Choose a model file or give its URL.');
  setState('loading', `computing with ${loaded.source}…`);
  const module = await compileWasm();
  const model = decodeModelFile(loaded.bytes, loaded.source);
  const D = model.config.features;
  const glow = new GlowModel(module, model);
  showModelInfo(model, loaded.source, loaded.bytes.length);
  if ($('rows').value.trim() === '') $('rows').value = defaultRowsText(D);
  const { rows, labels } = parseRows($('rows').value, D);
  const logp = glow.logProb(rows);
  const threshold = model.extra.strategy?.threshold;
  const bitsPerDim = (lp) => (-lp / (D * Math.LN2)).toFixed(4);
  table('loglik', ['row', 'log p (nats)', 'bits/dim', 'vs threshold'], rows.map((_, i) => [
    [labels[i]], [logp[i].toFixed(6), 'logp', logp[i]], [bitsPerDim(logp[i])],
    Number.isFinite(threshold) ? (logp[i] < threshold ? ['below: unusual', 'below'] : ['above']) : ['–'],
  ]));
  const n = Number($('n-samples').value), seed = Number($('seed').value), temperature = Number($('temperature').value);
  const samples = glow.sample(n, { seed, temperature });
  const sampleLogp = glow.logProb(samples);
  const names = Array.isArray(model.extra.featureNames) ? model.extra.featureNames : Array.from({ length: D }, (_, j) => `x${j}`);
  table('samples', ['sample', 'log p (nats)', ...names], Array.from({ length: n }, (_, i) => [
    [`#${i + 1}`], [sampleLogp[i].toFixed(6), 'logp', sampleLogp[i]],
    ...Array.from(samples.subarray(i * D, (i + 1) * D), (v) => [v.toFixed(4), 'x', v]),
  ]));
  setState('done', `${rows.length} rows scored, ${n} samples drawn (seed ${seed}, temperature ${temperature}).`);
}

function guarded(fn) {
  return () => fn().catch((err) => {
    setState('error', err.message);
    console.error(err);
  });
}

async function loadFromUrl(url) {
  loaded = { bytes: await fetchBytes(url, 'model file'), source: url };
  await run();
}

$('load-url').addEventListener('click', guarded(() => loadFromUrl($('model-url').value)));
$('model-file').addEventListener('change', guarded(async () => {
  const file = $('model-file').files[0];
  if (!file) return;
  loaded = { bytes: new Uint8Array(await file.arrayBuffer()), source: file.name };
  await run();
}));
$('recompute').addEventListener('click', guarded(run));
for (const [name, id] of [['samples', 'n-samples'], ['seed', 'seed'], ['temperature', 'temperature'], ['model', 'model-url']]) {
  if (query.has(name)) $(id).value = query.get(name);
}
guarded(async () => {
  if (query.has('rows')) $('rows').value = new TextDecoder().decode(await fetchBytes(query.get('rows'), 'rows'));
  if (query.has('model')) await loadFromUrl(query.get('model'));
  else await run();
})();
