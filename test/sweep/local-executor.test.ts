import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeCandles } from '../../src/data/candles-csv.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { expandGrid, loadMarket } from '../../src/sweep/grid.js';
import { FAIL_ENV, type SweepJobOutcome, type SweepJobSpec } from '../../src/sweep/job.js';
import { createLocalExecutor } from '../../src/sweep/local-executor.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

let jobs: SweepJobSpec[] = [];
const options = { trainBars: 400, testBars: 100, model: { levels: 2, steps: 1, hidden: 8 }, fit: { epochs: 2 } };

test.before(() => {
  const dir = tempDir();
  for (const [name, seed] of [['A', 5], ['B', 6]] as const) writeCandles(join(dir, `${name}.csv`), simulateMarket({ bars: 600, seed }));
  const markets = ['A', 'B'].map((m) => loadMarket({ market: m, path: join(dir, `${m}.csv`) }));
  jobs = expandGrid(markets, options, [], [1]); // 2 folds each
});

async function runAll(n: number, env?: NodeJS.ProcessEnv) {
  const ex = createLocalExecutor({ jobs: n, attempts: 2, env });
  const outcomes: SweepJobOutcome[] = [];
  const progress: Array<[number, number, number]> = [];
  try {
    await ex.run(jobs, { result: (o) => { outcomes.push(o); }, progress: (p) => progress.push([p.done, p.failed, p.left]) });
  } finally {
    await ex.close();
  }
  return { outcomes, progress };
}

test('1 and 2 processes give the same rows for every job, each job reported once', async () => {
  const one = await runAll(1);
  const two = await runAll(2);
  const rows = (r: typeof one) => Object.fromEntries(r.outcomes.map((o) => [o.id, o.ok ? o.row : o.error]));
  assert.is(one.outcomes.length, 4);
  assert.is(new Set(two.outcomes.map((o) => o.id)).size, 4);
  assert.ok(one.outcomes.every((o) => o.ok && o.attempts === 1));
  assert.equal(rows(two), rows(one));
  assert.equal(one.progress.at(-1), [4, 0, 0]);
});

test('a job that always fails is retried, then reported with its error; the others complete', async () => {
  const { outcomes, progress } = await runAll(2, { ...process.env, [FAIL_ENV]: 'B' });
  const failed = outcomes.filter((o) => !o.ok);
  assert.equal(outcomes.filter((o) => o.ok).map((o) => o.id).sort(), jobs.filter((j) => j.market === 'A').map((j) => j.id).sort());
  assert.is(failed.length, 2);
  for (const f of failed) {
    assert.is(f.attempts, 2);
    assert.match((f as { error: string }).error, /^injected failure \(GLOW_TRADE_SWEEP_FAIL\) in job [0-9a-f]{16} \(B seed 1 fold \d base\)/);
  }
  assert.equal(progress.at(-1), [2, 2, 0]);
});

test('a runner process that dies mid-job is replaced; the job is retried, then reported; the others complete', async () => {
  const { outcomes, progress } = await runAll(2, { ...process.env, GLOW_TRADE_SWEEP_CRASH: 'A' });
  assert.equal(outcomes.filter((o) => o.ok).map((o) => o.id).sort(), jobs.filter((j) => j.market === 'B').map((j) => j.id).sort());
  const failed = outcomes.filter((o) => !o.ok) as Array<{ error: string; attempts: number }>;
  assert.equal(failed.map((f) => [f.error, f.attempts]), [
    ['job runner process exited (code 70) during the job', 2], ['job runner process exited (code 70) during the job', 2],
  ]);
  assert.equal(progress.at(-1), [2, 2, 0]);
});

test('a job whose data file changed since planning fails with the reason', async () => {
  const changed = { ...jobs[0], dataHash: 'f'.repeat(64) };
  const ex = createLocalExecutor({ jobs: 1, attempts: 1 });
  const outcomes: SweepJobOutcome[] = [];
  try {
    await ex.run([changed], { result: (o) => { outcomes.push(o); } });
  } finally {
    await ex.close();
  }
  assert.is(outcomes.length, 1);
  assert.match((outcomes[0] as { error: string }).error, /A\.csv: the file changed since the sweep was planned/);
  assert.ok(readFileSync(changed.dataPath).length > 0);
});

test.after(removeTempDirs);
test.run();
