/**
 * Every command that writes a file refuses an output that is one of its inputs, or another of its
 * outputs, or an empty path: a usage error (exit 2) before any work, with the data left intact.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Backtest from '../../src/commands/backtest.js';
import Features from '../../src/commands/features.js';
import Fetch from '../../src/commands/fetch.js';
import Report from '../../src/commands/report.js';
import Scenarios from '../../src/commands/scenarios.js';
import Simulate from '../../src/commands/simulate.js';
import Train from '../../src/commands/train.js';
import { type CliRun, runCommand } from '../helpers/cli.js';
import { smallModel, writeModelFiles } from '../helpers/model-files.js';
import { removeTempDirs } from '../helpers/tmp.js';

let dir = '', data = '', model = '';
test.before(() => {
  const { candles, bundle } = smallModel({ bars: 400, seed: 5, epochs: 1 });
  ({ dir, data, model } = writeModelFiles(candles, bundle));
});
test.after(removeTempDirs);

/** The exit code the CLI would give: oclif's, carried on the error (in-process, exitCode says only "failed"). */
const exitOf = (run: CliRun<unknown>) => (run.error as { oclif?: { exit?: number } } | undefined)?.oclif?.exit ?? run.exitCode;

/** Run, expect a usage error with `message`, and check that `files` kept their bytes and no file appeared. */
async function refused(run: () => Promise<CliRun<unknown>>, message: string): Promise<void> {
  const before = new Map([data, model].map((f) => [f, readFileSync(f)]));
  const listing = readdirSync(dir).sort();
  const r = await run();
  assert.is(r.error?.message, message);
  assert.is(exitOf(r), 2);
  for (const [f, bytes] of before) assert.ok(bytes.equals(readFileSync(f)), `${f} changed`);
  assert.equal(readdirSync(dir).sort(), listing);
}

test('train: --output equal to --input is refused', async () => {
  await refused(() => runCommand(Train, ['--input', data, '--output', data, '--epochs', '1']),
    `--output ${data} is the same file as --input ${data}: refusing to overwrite an input`);
});

test('train: an output that cannot be written is refused before training', async () => {
  const missing = join(dir, 'no-such-dir', 'm.bin');
  await refused(() => runCommand(Train, ['--input', data, '--output', missing, '--epochs', '1']),
    `--output ${missing}: the directory ${join(dir, 'no-such-dir')} does not exist`);
  const sub = join(dir, 'sub');
  mkdirSync(sub);
  await refused(() => runCommand(Train, ['--input', data, '--output', sub, '--epochs', '1']), `--output ${sub} is a directory; give a file path`);
});

test('scenarios: --output equal to --model or --var-test is refused', async () => {
  await refused(() => runCommand(Scenarios, ['--model', model, '--num', '100', '--output', model]),
    `--output ${model} is the same file as --model ${model}: refusing to overwrite an input`);
  await refused(() => runCommand(Scenarios, ['--model', model, '--num', '100', '--var-test', data, '--output', join(dir, '.', 'candles.csv')]),
    `--output ${join(dir, '.', 'candles.csv')} is the same file as --var-test ${data}: refusing to overwrite an input`);
});

test('report: --output equal to --model is refused', async () => {
  await refused(() => runCommand(Report, ['--model', model, '--data', data, '--output', model]),
    `--output ${model} is the same file as --model ${model}: refusing to overwrite an input`);
});

test('backtest: --equity-out equal to --data, and --trades-out equal to --equity-out, are refused', async () => {
  await refused(() => runCommand(Backtest, ['--model', model, '--data', data, '--equity-out', data]),
    `--equity-out ${data} is the same file as --data ${data}: refusing to overwrite an input`);
  const out = join(dir, 'bt.csv');
  await refused(() => runCommand(Backtest, ['--model', model, '--data', data, '--equity-out', out, '--trades-out', out]),
    `--trades-out ${out} is the same file as --equity-out ${out}: two outputs cannot share a file`);
});

test('features: --output equal to --input is refused', async () => {
  await refused(() => runCommand(Features, ['--input', data, '--output', data]),
    `--output ${data} is the same file as --input ${data}: refusing to overwrite an input`);
});

test('simulate and fetch: an empty --output is refused', async () => {
  await refused(() => runCommand(Simulate, ['--bars', '10', '--output', '']), '--output must be a file path, got an empty string');
  await refused(() => runCommand(Fetch, ['--output', '', '--base-url', 'http://127.0.0.1:9']), '--output must be a file path, got an empty string');
});

test.run();
