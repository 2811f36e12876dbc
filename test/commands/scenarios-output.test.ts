/**
 * `scenarios`: a --num beyond the stated limit is a usage error naming the limit (not a V8
 * "Invalid typed array length"), and --output is written in chunks (a 2,000,000-scenario CSV is
 * longer than any V8 string) with the same bytes as the one-string form.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Scenarios from '../../src/commands/scenarios.js';
import { MAX_SCENARIOS, scenarioCsvChunks, scenariosToCsv, type ScenarioSet } from '../../src/risk/scenarios.js';
import { runCommand } from '../helpers/cli.js';
import { smallModel, writeModelFiles } from '../helpers/model-files.js';
import { removeTempDirs } from '../helpers/tmp.js';

let model = '';
test.before(() => {
  const { candles, bundle } = smallModel({ bars: 400, seed: 5, epochs: 1 });
  ({ model } = writeModelFiles(candles, bundle));
});
test.after(removeTempDirs);

test('--num beyond the limit is refused with a message naming the limit, exit 2', async () => {
  assert.is(MAX_SCENARIOS, 5_000_000);
  const run = await runCommand(Scenarios, ['--model', model, '--num', '1000000000']);
  assert.is(run.error?.message, '--num must be at most 5000000 scenarios (each set is held in memory while it is drawn, ' +
    'about 500 bytes per scenario: 2.5 GB at the limit), got 1000000000');
  assert.is((run.error as { oclif?: { exit?: number } }).oclif?.exit, 2);
});

test('the scenario CSV comes in chunks of at most rowsPerChunk lines that join to the whole file', () => {
  const set = { names: ['a', 'b'], data: Float64Array.from([1, 0.1, -2, 1e-7, 3.5, 0, 4, -0]), rows: 4 } as ScenarioSet;
  const chunks = Array.from(scenarioCsvChunks(set, 3));
  assert.equal(chunks, ['a,b\n', '1,0.1\n-2,1e-7\n3.5,0\n', '4,0\n']);
  assert.is(chunks.join(''), scenariosToCsv(set));
  assert.equal(Array.from(scenarioCsvChunks({ ...set, rows: 0 })), ['a,b\n']);
});

test.run();
