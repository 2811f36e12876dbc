import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Report from '../../src/commands/report.js';
import { runCommand } from '../helpers/cli.js';
import { smallModel, writeModelFiles } from '../helpers/model-files.js';
import { removeTempDirs } from '../helpers/tmp.js';

let dir = '', data = '', model = '';
test.before(() => {
  const { candles, bundle } = smallModel({ bars: 1500, seed: 11, trainSeed: 2, epochs: 2 });
  ({ dir, data, model } = writeModelFiles(candles, bundle));
});

test('writes one offline HTML file with every chart for the out-of-sample bars', async () => {
  const out = join(dir, 'r.html');
  const run = await runCommand(Report, ['--model', model, '--data', data, '--output', out, '--scenarios', '500', '--seed', '4', '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const j = run.json;
  assert.equal(j.charts, ['price', 'equity', 'drawdown', 'likelihood', 'regime-timeline', 'latent-regimes', 'training', 'scenarios']);
  assert.equal(j.scenarios, { num: 500, temperature: 1, seed: 4 });
  // 1500 candles → 1480 rows; the default period is every row after the validation range (the last 15%).
  assert.is(j.range.rows, 1480 - Math.floor(1480 * 0.7) - Math.floor(1480 * 0.15));
  assert.equal(Object.keys(j.range), ['from', 'to', 'fromMs', 'toMs', 'rows']);
  const html = readFileSync(out, 'utf8');
  assert.is(j.bytes, Buffer.byteLength(html));
  assert.is((html.match(/<figure[^>]*data-chart=/g) ?? []).length, 8);
  assert.not.match(html, /(src|href)=["']https?:/);
  assert.match(html, /Sharpe/);
  // the stress table (its T = 1 row is the main set) and the VaR test with a verdict in words
  assert.match(html, /<table data-table="stress">[\s\S]*?<td>1 \(main set\)<\/td><td>4<\/td>/);
  assert.match(html, /<table data-table="var-test">/);
  assert.match(html, /<li>1 bar, 95%: (passes|FAILS|undecided): \d+ loss(es)? beyond the 95% VaR in \d+ bars/);
  assert.not.match(html, /nonOverlapping/);
  assert.equal(Object.keys(j.varTest), ['return_1', 'return_5', 'return_10', 'return_20']);
  assert.ok(['consistent', 'VaR too low', 'VaR too high', 'too few bars'].includes(j.varTest.return_1.verdict95));
});

test('refuses in-sample bars and a bad temperature, writing nothing', async () => {
  const out = join(dir, 'never.html');
  const r1 = await runCommand(Report, ['--model', model, '--data', data, '--output', out, '--from', '2024-01-02']);
  assert.match(r1.error!.message, /overlaps the model's training range/);
  const r2 = await runCommand(Report, ['--model', model, '--data', data, '--output', out, '--temperature', '0']);
  assert.match(r2.error!.message, /--temperature must be a number > 0, got "0"/);
  assert.not.ok(existsSync(out));
});

test.after(removeTempDirs);
test.run();
