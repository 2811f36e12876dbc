import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulateMarket } from '../../src/data/synthetic.js';
import { canonicalJson, FAIL_ENV, jobId, runSweepJob, sha256, type SweepJobSpec } from '../../src/sweep/job.js';
import { RESULT_COLUMNS } from '../../src/sweep/results-csv.js';

test('canonical JSON sorts keys at every level and drops undefined members', () => {
  assert.is(canonicalJson({ b: 1, a: { d: [1, { z: 2, y: undefined, x: 'q' }], c: null } }), '{"a":{"c":null,"d":[1,{"x":"q","z":2}]},"b":1}');
  assert.is(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
  assert.throws(() => canonicalJson({ a: NaN }), /NaN has no JSON form/);
});

test('job ids: 16 hex digits of sha256 over data hash, canonical config, seed, fold and variant; stable', () => {
  const parts = { dataHash: sha256('candles'), options: { trainBars: 400, testBars: 100, fit: { epochs: 2 } }, seed: 1, fold: 2, variant: 'base' };
  const id = jobId(parts);
  assert.is(id, sha256(`{"config":{"fit":{"epochs":2},"testBars":100,"trainBars":400},"data":"${parts.dataHash}","fold":2,"seed":1,"variant":"base"}`).slice(0, 16));
  assert.is(id, 'de741710952a1129');
  assert.is(jobId({ ...parts, options: { fit: { epochs: 2 }, testBars: 100, trainBars: 400 } }), id);
  for (const other of [{ seed: 2 }, { fold: 3 }, { variant: 'v' }, { dataHash: sha256('other') }, { options: { ...parts.options, testBars: 101 } }]) {
    assert.is.not(jobId({ ...parts, ...other }), id);
  }
});

const candles = simulateMarket({ bars: 700, seed: 5 });
const options = { trainBars: 400, testBars: 100, model: { levels: 2, steps: 1, hidden: 8 }, fit: { epochs: 2 } };
const spec = (fold: number): SweepJobSpec => ({ id: `job${fold}`, market: 'syn', dataPath: '', dataHash: 'h', seed: 1, fold, variant: 'base', options });

test('a job trains and tests one fold: a row of every result column but the executor\'s, deterministic', async () => {
  const row = await runSweepJob(spec(2), candles);
  assert.equal(Object.keys(row), RESULT_COLUMNS.filter((c) => c !== 'seconds' && c !== 'attempts'));
  assert.equal([row.job, row.market, row.seed, row.fold, row.variant, row.data_hash], ['job2', 'syn', 1, 2, 'base', 'h']);
  assert.is(row.test_from, new Date(candles.timestamp[500]).toISOString());
  assert.is(row.train_candles, 500);
  assert.is(row.epochs, 2);
  assert.equal(await runSweepJob(spec(2), candles), row);
});

test(`${FAIL_ENV} makes the named market's (or variant's, or job's) jobs throw`, async () => {
  process.env[FAIL_ENV] = 'other,syn';
  try {
    await runSweepJob(spec(1), candles).then(() => assert.unreachable('should throw'), (err: Error) => {
      assert.match(err.message, /^injected failure \(GLOW_TRADE_SWEEP_FAIL\) in job job1 \(syn seed 1 fold 1 base\)/);
    });
  } finally {
    delete process.env[FAIL_ENV];
  }
});

test('a fold beyond the plan is an error naming the market', async () => {
  await runSweepJob(spec(9), candles).then(() => assert.unreachable('should throw'), (err: Error) => assert.match(err.message, /fold 9/));
});

test.run();
