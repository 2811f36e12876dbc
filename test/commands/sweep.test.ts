import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Sweep from '../../src/commands/sweep.js';
import { writeCandles } from '../../src/data/candles-csv.js';
import { simulateMarket } from '../../src/data/synthetic.js';
import { FAIL_ENV } from '../../src/sweep/job.js';
import { NONDETERMINISTIC_COLUMNS, readResults } from '../../src/sweep/results-csv.js';
import { runCommand } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

let dir = '';
test.before(() => {
  dir = tempDir();
  writeCandles(join(dir, 'A.csv'), simulateMarket({ bars: 600, seed: 5 }));
  writeCandles(join(dir, 'B.csv'), simulateMarket({ bars: 600, seed: 6 }));
});

/** A tiny sweep: 2 folds per market of a 2-level, 8-wide flow trained for 2 epochs. */
const args = (out: string, ...more: string[]) => [
  '--train-bars', '400', '--test-bars', '100', '--epochs', '2', '--levels', '2', '--steps', '1', '--hidden', '8', '--output', out, ...more,
];
/** The results file without its run-dependent columns, as text. */
const deterministic = (path: string) => readResults(path).map((r) => Object.entries(r).filter(([k]) => !NONDETERMINISTIC_COLUMNS.includes(k)));

test('a directory × 2 seeds: one row per job, a summary per market, then a rerun skips every job', async () => {
  const out = join(tempDir(), 'r.csv');
  const run = await runCommand(Sweep, args(out, '--dir', dir, '--seeds', '1,2', '--jobs', '2', '--json'));
  assert.is(run.error, undefined, run.stderr);
  assert.equal(run.json.jobs, { total: 8, skipped: 0, ran: 8, done: 8, failed: 0 });
  const rows = readResults(out);
  assert.equal(rows.map((r) => `${r.market}/${r.seed}/${r.fold}`), ['A/1/1', 'A/1/2', 'A/2/1', 'A/2/2', 'B/1/1', 'B/1/2', 'B/2/1', 'B/2/2']);
  assert.ok(rows.every((r) => /^[0-9a-f]{16}$/.test(r.job) && r.attempts === '1' && r.sharpe_ci_low !== undefined));
  assert.equal(run.json.markets.map((m: any) => [m.market, m.variant, m.seeds, m.folds, m.stitched.perSeed.length]), [
    ['A', 'base', 2, [1, 2], 2], ['B', 'base', 2, [1, 2], 2],
  ]);
  assert.match(run.stderr, /sweep: 8\/8 done, 0 failed, 0 left, 0 running, elapsed \d+ s, ETA 0 s/);
  const bytes = readFileSync(out, 'utf8');
  const again = await runCommand(Sweep, args(out, '--dir', dir, '--seeds', '1,2', '--json'));
  assert.equal(again.json.jobs, { total: 8, skipped: 8, ran: 0, done: 0, failed: 0 });
  assert.is(readFileSync(out, 'utf8'), bytes);
  assert.equal(again.json.markets, run.json.markets);
});

test('resume: only the jobs missing from the output run; 1 and 2 processes give identical deterministic columns', async () => {
  const one = join(tempDir(), 'one.csv'), two = join(tempDir(), 'two.csv');
  const data = `${join(dir, 'A.csv')},${join(dir, 'B.csv')}`;
  assert.is((await runCommand(Sweep, args(one, '--data', data, '--jobs', '1'))).error, undefined);
  // keep the header and the first two rows, as if the sweep had been killed
  writeFileSync(two, readFileSync(one, 'utf8').split('\n').slice(0, 3).join('\n') + '\n');
  const resumed = await runCommand(Sweep, args(two, '--data', data, '--jobs', '2', '--json'));
  assert.equal(resumed.json.jobs, { total: 4, skipped: 2, ran: 2, done: 2, failed: 0 });
  assert.equal(deterministic(two), deterministic(one));
});

test('a failing job is retried, then reported with its error; the others complete; exit code 1', async () => {
  const out = join(tempDir(), 'r.csv');
  process.env[FAIL_ENV] = 'B';
  let run;
  try {
    run = await runCommand(Sweep, args(out, '--dir', dir, '--jobs', '2', '--json'));
  } finally {
    delete process.env[FAIL_ENV];
  }
  assert.is(run.exitCode, 1);
  assert.equal(run.json.jobs, { total: 4, skipped: 0, ran: 4, done: 2, failed: 2 });
  assert.equal(run.json.failed.map((f: any) => [f.market, f.fold, f.attempts]).sort(), [['B', 1, 2], ['B', 2, 2]]);
  assert.match(run.json.failed[0].error, /^injected failure/);
  assert.equal(readResults(out).map((r) => r.market), ['A', 'A']);
  assert.match(run.stderr, /failed after 2 attempt\(s\): injected failure/);
  // the rerun retries only the failed jobs
  const rerun = await runCommand(Sweep, args(out, '--dir', dir, '--jobs', '2', '--json'));
  assert.equal(rerun.json.jobs, { total: 4, skipped: 2, ran: 2, done: 2, failed: 0 });
});

test('a results file inside the --dir of its markets is not taken for a market when the sweep resumes', async () => {
  const markets = tempDir();
  writeCandles(join(markets, 'A.csv'), simulateMarket({ bars: 520, seed: 5 }));
  const out = join(markets, 'results.csv');
  const first = await runCommand(Sweep, args(out, '--dir', markets, '--json'));
  assert.equal(first.json.jobs, { total: 2, skipped: 0, ran: 2, done: 2, failed: 0 });
  const again = await runCommand(Sweep, args(out, '--dir', markets, '--json'));
  assert.is(again.error, undefined);
  assert.equal(again.json.jobs, { total: 2, skipped: 2, ran: 0, done: 0, failed: 0 });
});

test('usage errors: bad seeds, missing data, an output that is an input, bad variants, a bad --redis URL or --queue (exit 2)', async () => {
  const out = join(tempDir(), 'r.csv');
  const cases: Array<[string[], RegExp]> = [
    [args(out, '--dir', dir, '--seeds', '1,x'), /--seeds must be non-negative integers separated by commas, got "x"/],
    [args(out, '--dir', dir, '--seeds', '1,1'), /--seeds repeats a seed/],
    [args(out, '--data', join(dir, 'none.csv')), /none\.csv: no such file/],
    [args(join(dir, 'A.csv'), '--dir', dir), /--output .*A\.csv is the same file as --dir .*A\.csv/],
    [args(out, '--dir', dir, '--variants', '[{"name":"v","epochs":3}]'), /variant "v" has unknown option "epochs"/],
    [args(out, '--dir', dir, '--redis', 'localhost:6379'), /--redis must (be a URL|start with redis:\/\/)/],
    [args(out, '--dir', dir, '--redis', 'redis://127.0.0.1:1', '--queue', 'a b'), /--queue must be letters, digits/],
  ];
  for (const [argv, message] of cases) {
    const run = await runCommand(Sweep, argv);
    assert.is(run.exitCode, 2, argv.join(' '));
    assert.match(run.error!.message, message);
  }
});

test.after(removeTempDirs);
test.run();
