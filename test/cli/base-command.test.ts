import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Backtest from '../../src/commands/backtest.js';
import Risk from '../../src/commands/risk.js';
import { runCommand } from '../helpers/cli.js';

test('a usage error keeps exit code 2 with --json too (oclif alone gave 1)', async () => {
  const plain = await runCommand(Backtest, ['--model', 'x.bin', '--data', 'y.csv', '--fee', '10']);
  const json = await runCommand(Backtest, ['--model', 'x.bin', '--data', 'y.csv', '--fee', '10', '--json']);
  assert.is((plain.error as any).oclif.exit, 2);
  assert.is(json.exitCode, 2);
  assert.match(json.json.error.message, /--fee \+ --slippage must be < 0\.1/);
  const risk = await runCommand(Risk, ['--model', 'x.bin', '--data', 'y.csv', '--horizons', '0', '--json']);
  assert.is(risk.exitCode, 2);
});

test('a run error keeps exit code 1 with --json', async () => {
  const missing = await runCommand(Risk, ['--model', '/nonexistent/f.bin', '--data', 'y.csv', '--json']);
  assert.is(missing.exitCode, 1);
  assert.match(missing.json.error.message, /cannot read the model file/);
});

test.run();
