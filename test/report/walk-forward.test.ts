import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkWalkForwardJson, reportDataFromWalkForward, walkForwardFoldsTable, walkForwardMembersTable } from '../../src/report/from-walk-forward.js';
import { renderReport } from '../../src/report/html.js';
import { walkForwardJson } from '../helpers/walk-forward-json.js';

test('the folds table: per fold its period, metrics, honest statistics, the members\' spread and the baselines, exactly as in the JSON', () => {
  const j = walkForwardJson();
  const t = walkForwardFoldsTable(j);
  assert.is(t.header.length, 15);
  assert.is(t.rows.length, 3);
  const f = j.walkForward.folds[1], h = f.honest, b = f.baselines;
  const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(2)}%`);
  const two = (v: number | null) => (v === null ? 'n/a' : v.toFixed(2));
  assert.equal(t.rows[1], ['2', `${f.test.from.slice(0, 10)}\u00a0→ ${f.test.to.slice(0, 10)}`, '300', pct(f.metrics.totalReturn), two(f.metrics.sharpe),
    pct(f.metrics.maxDrawdown), two(h.alphaT), `[${h.sharpeCI!.low.toFixed(2)}, ${h.sharpeCI!.high.toFixed(2)}]`, h.deflatedSharpe!.toFixed(3),
    h.distinguishable ? 'yes' : 'no', '-2.00/0.00/2.00', pct(b.buyAndHold.metrics.totalReturn), two(b.buyAndHold.metrics.sharpe),
    two(b.volTarget.metrics.sharpe), two(b.momentum.metrics.sharpe)]);
  assert.equal(t.notes, j.walkForward.folds.map((x) => `fold ${x.fold}: ${x.honest.verdict}`));
});

test('without an ensemble there is no spread column and no members table', () => {
  const j = walkForwardJson();
  j.walkForward.seeds = [1];
  j.walkForward.members = j.walkForward.members!.slice(0, 1);
  assert.is(walkForwardFoldsTable(j).header.length, 14);
  assert.is(walkForwardMembersTable(j), null);
  assert.equal(reportDataFromWalkForward(j).tables!.map((x) => x.id), ['walk-forward-folds']);
});

test('the members table and the stitched run beside the baselines', async () => {
  const j = walkForwardJson();
  const m = walkForwardMembersTable(j)!;
  assert.equal(m.rows.map((r) => r[0]), ['seed 1', 'seed 2', 'ensemble']);
  assert.equal(m.notes, [`spread over the members (min / median / max): Sharpe -0.50 / 0.00 / 0.50, return n/a`]);
  const data = reportDataFromWalkForward(j, { now: () => Date.UTC(2024, 5, 1), source: 'wf.json' });
  assert.equal(data.backtests![0].rows.map((r) => [r.name, r.honest]), [['strategy "glow"', j.honest], ['buy & hold', j.baselines.buyAndHold.honest],
    ['EWMA vol target', j.baselines.volTarget.honest], ['20-bar momentum', j.baselines.momentum.honest]]);
  assert.equal(data.summary[0], { label: 'Walk-forward file', value: 'wf.json' });
  const html = await renderReport(data);
  assert.ok(html.includes('<table data-table="walk-forward-folds">'));
  assert.ok(html.includes(`<dd class="verdict ${j.honest.distinguishable ? 'edge' : 'noise'}">`));
});

test('a file that is not a walk-forward is refused, naming the field', () => {
  const fail = (v: unknown, re: RegExp) => assert.throws(() => checkWalkForwardJson(v, 'x.json'), re);
  fail([], /^x\.json: the file is missing or not an object \(expected the output of "glow-trade backtest --walk-forward --json"\)$/);
  fail({ mode: 'backtest' }, /^x\.json: mode is "backtest", not "walk-forward"/);
  const j = JSON.parse(JSON.stringify(walkForwardJson()));
  checkWalkForwardJson(j, 'x.json');
  delete j.walkForward.folds[2].honest.verdict;
  fail(j, /^x\.json: walkForward\.folds\[2\]\.honest lacks its verdict, bars or trials/);
  const k = JSON.parse(JSON.stringify(walkForwardJson()));
  delete k.baselines.momentum;
  fail(k, /^x\.json: baselines\.momentum is missing or not an object/);
  const e = JSON.parse(JSON.stringify(walkForwardJson()));
  e.walkForward.folds = [];
  fail(e, /^x\.json: walkForward\.folds is missing or empty/);
});

test.run();
