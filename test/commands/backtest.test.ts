import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Backtest from '../../src/commands/backtest.js';
import { computeFeatures } from '../../src/data/features.js';
import { METRIC_NAMES } from '../../src/trading/metrics.js';
import { registerStrategy } from '../../src/trading/registry.js';
import { runBacktest } from '../../src/trading/run-backtest.js';
import { repoRoot, runCommand } from '../helpers/cli.js';
import { smallModel, writeModelFiles } from '../helpers/model-files.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

let dir = '', data = '', model = '';
const { candles, bundle } = smallModel({ bars: 700, seed: 11, epochs: 3 });
test.before(() => {
  ({ dir, data, model } = writeModelFiles(candles, bundle));
});
const EQUITY_HEADER = 'timestamp,close,position,return,equity,benchmark_equity,log_likelihood,regime';
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const csv = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n');

test('--json: the metrics of strategy and benchmark, the equity file (one row per bar) and the trade file', async () => {
  const equity = join(dir, 'equity.csv'), trades = join(dir, 'trades.csv');
  const run = await runCommand(Backtest, ['--model', model, '--data', data, '--capital', '1000', '--equity-out', equity, '--trades-out', trades, '--json']);
  assert.is(run.error, undefined);
  const j = run.json;
  assert.equal(Object.keys(j.metrics), [...METRIC_NAMES]);
  assert.equal(Object.keys(j.benchmark), [...METRIC_NAMES]);
  assert.equal([j.mode, j.strategy, j.capital, j.fee, j.slippage], ['backtest', 'glow', 1000, 0.001, 0.0005]);
  const direct = runBacktest(bundle, candles, { capital: 1000 });
  assert.equal(j.metrics, JSON.parse(JSON.stringify(direct.metrics)));
  assert.equal(j.benchmark, JSON.parse(JSON.stringify(direct.benchmark)));
  assert.equal(j.notes, direct.notes);
  assert.equal(j.range, {
    from: iso(direct.period.from), to: iso(direct.period.to), fromMs: direct.period.from, toMs: direct.period.to, rows: direct.period.rows,
  });
  assert.is(j.ruin, null);
  assert.equal(j.inSample, { train: 0, validation: 0 });
  assert.equal(j.files, { equity, trades });
  const rows = csv(equity);
  assert.is(rows[0], EQUITY_HEADER);
  assert.is(rows.length, j.range.rows + 1);
  const firstRow = rows[1].split(',');
  assert.equal(firstRow.slice(0, 6).map(Number), [j.range.fromMs, direct.series.close[0], 0, 0, 1000, 1000]);
  assert.is(Number(rows[rows.length - 1].split(',')[4]), j.finalEquity);
  for (const r of rows.slice(1)) assert.is(r.split(',').length, 8);
  const tradeRows = csv(trades);
  assert.is(tradeRows[0], 'side,entry_time,exit_time,entry_price,exit_price,bars,return,cost,closed');
  assert.is(tradeRows.length, j.metrics.trades + 1);
});

test('human output: a metrics table beside buy & hold', async () => {
  const run = await runCommand(Backtest, ['--model', model, '--data', data, '--fee', '0', '--slippage', '0']);
  assert.is(run.error, undefined);
  assert.match(run.stdout, /backtest of strategy "glow": .* bars, costs 0\.000% per unit traded/);
  assert.match(run.stdout, /\n +strategy +buy & hold\n/);
  for (const label of ['total return', 'CAGR', 'Sharpe', 'Sortino', 'max drawdown', 'Calmar', 'win rate', 'profit factor', 'trades', 'exposure', 'turnover']) {
    assert.match(run.stdout, new RegExp(`\\n${label} +\\S`));
  }
  assert.not.match(run.stdout, /NaN|Infinity/);
});

test('an in-sample period is refused (nothing written) unless --allow-in-sample', async () => {
  const equity = join(dir, 'refused.csv');
  const from = new Date(bundle.training.train.start).toISOString();
  const refused = await runCommand(Backtest, ['--model', model, '--data', data, '--from', from, '--equity-out', equity]);
  assert.match(refused.error!.message, /overlaps the model's training range .* and validation range/);
  // With --json the error is the JSON document and the exit code says so.
  const refusedJson = await runCommand(Backtest, ['--model', model, '--data', data, '--from', from, '--equity-out', equity, '--json']);
  assert.match(refusedJson.json.error.message, /overlaps the model's training range/);
  assert.is(refusedJson.exitCode, 1);
  assert.not.ok(existsSync(equity));
  const allowed = await runCommand(Backtest, ['--model', model, '--data', data, '--from', from, '--allow-in-sample', '--json']);
  assert.is(allowed.error, undefined);
  assert.is(allowed.json.inSample.train, bundle.training.train.rows);
  assert.match(allowed.json.warnings[0], /in-sample/);
  const human = await runCommand(Backtest, ['--model', model, '--data', data, '--from', from, '--allow-in-sample']);
  const warning = human.stderr.replace(/\x1b\[[0-9;]*m/g, '').replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' ');
  assert.match(warning, /Warning: the backtest period .* overlaps the model's training range .* not an out-of-sample result/);
});

test('--walk-forward retrains per fold and writes the stitched equity', async () => {
  const equity = join(dir, 'wf.csv');
  const run = await runCommand(Backtest, [
    '--model', model, '--data', data, '--walk-forward', '--train-bars', '400', '--test-bars', '100', '--epochs', '2', '--equity-out', equity, '--json',
  ]);
  assert.is(run.error, undefined);
  const wf = run.json.walkForward;
  assert.equal([run.json.mode, run.json.range.rows, wf.folds.length, wf.trainBars, wf.testBars, wf.step, wf.window], ['walk-forward', 300, 3, 400, 100, 100, 'expanding']);
  assert.equal(wf.folds.map((f: any) => f.test.rows), [100, 100, 100]);
  assert.equal(Object.keys(wf.folds[0].train), ['from', 'to', 'fromMs', 'toMs', 'rows']);
  assert.equal(Object.keys(wf.folds[0].model.validation), ['from', 'to', 'fromMs', 'toMs', 'rows']);
  for (const f of wf.folds) assert.equal(Object.keys(f.metrics), [...METRIC_NAMES]);
  assert.type(wf.seconds, 'number');
  assert.is(csv(equity).length, 301);
});

test('a strategy that loses everything stops at that bar: ruin and a warning naming it, in --json and on stderr', async () => {
  registerStrategy({ name: 'levered-test', description: '1000× long', positions: (ctx) => new Float64Array(ctx.rows).fill(1000) }, 'test');
  const argv = ['--model', model, '--data', data, '--strategy', 'levered-test', '--fee', '0', '--slippage', '0'];
  const run = await runCommand(Backtest, [...argv, '--json']);
  assert.is(run.error, undefined, run.error?.message);
  const j = run.json;
  assert.equal(Object.keys(j.ruin), ['bar', 'barMs', 'row']);
  assert.is(j.finalEquity, 0);
  assert.is(j.metrics.totalReturn, -1);
  assert.is(j.metrics.maxDrawdown, 1);
  assert.equal(j.warnings, [`equity reached zero at the bar of ${j.ruin.bar.replace(' ', 'T')}Z (row ${j.ruin.row}): ` +
    'the backtest stopped there (equity stays 0, nothing is held after it) and the metrics cover the bars up to it']);
  const human = await runCommand(Backtest, argv);
  assert.match(human.stderr.replace(/\x1b\[[0-9;]*m/g, '').replace(/\s*›\s*/g, ' '), /Warning: equity reached zero at the bar of/);
});

test('bad flags give clear errors', async () => {
  const base = ['--model', model, '--data', data];
  assert.match((await runCommand(Backtest, [...base, '--fee', '-1'])).error!.message, /--fee must be a number ≥ 0, got "-1"/);
  // a fee of 10 (percent typed for a fraction) once reported +60,677,190,087% and a 989% drawdown
  const fee10 = await runCommand(Backtest, [...base, '--fee', '10']);
  assert.is(fee10.error!.message, '--fee + --slippage must be < 0.1 per unit traded (fractions: 0.001 = 0.1%), got 10 + 0.0005');
  assert.is((fee10.error as any).oclif.exit, 2);
  assert.match((await runCommand(Backtest, [...base, '--fee', '0.05', '--slippage', '0.05'])).error!.message, /got 0.05 \+ 0.05/);
  assert.match((await runCommand(Backtest, [...base, '--capital', 'lots'])).error!.message, /--capital must be a number > 0, got "lots"/);
  assert.match((await runCommand(Backtest, [...base, '--walk-forward'])).error!.message, /--walk-forward needs --train-bars and --test-bars/);
  assert.match((await runCommand(Backtest, [...base, '--strategy', 'nope'])).error!.message, /unknown strategy "nope"; known: glow, glow-latent0/);
  assert.match((await runCommand(Backtest, [...base, '--from', 'yesterday'])).error!.message, /--from "yesterday" is neither/);
});

test('a strategy from a linked oclif plugin (examples/strategy-plugin) is picked up by the CLI', () => {
  const root = repoRoot();
  const home = tempDir();
  const env = {
    ...process.env, GLOW_TRADE_DATA_DIR: join(home, 'data'), GLOW_TRADE_CACHE_DIR: join(home, 'cache'), GLOW_TRADE_CONFIG_DIR: join(home, 'config'),
  };
  mkdirSync(env.GLOW_TRADE_DATA_DIR, { recursive: true });
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], { env, encoding: 'utf8', timeout: 60_000 });
  const argv = ['backtest', '--model', model, '--data', data, '--strategy', 'momentum', '--json'];
  const before = cli(...argv);
  assert.is.not(before.status, 0);
  assert.match(JSON.parse(before.stdout).error.message, /unknown strategy "momentum"; known: glow, glow-latent0/);
  const link = cli('plugins', 'link', join(root, 'examples/strategy-plugin'), '--no-install');
  assert.is(link.status, 0, link.stderr);
  const equity = join(home, 'momentum.csv');
  const run = cli(...argv, '--equity-out', equity);
  assert.is(run.status, 0, run.stderr);
  assert.is(run.stderr, '');
  const j = JSON.parse(run.stdout);
  assert.is(j.strategy, 'momentum');
  // The plugin's rule: hold sign(return_20 at the previous close) over each bar.
  const features = computeFeatures(candles);
  const col = features.names.indexOf('return_20');
  const rows = csv(equity).slice(1).map((r) => r.split(',').map(Number));
  const first = features.timestamps.indexOf(j.range.fromMs);
  assert.ok(first > 0);
  for (let t = 1; t < rows.length; t++) assert.is(rows[t][2], Math.sign(features.data[(first + t - 1) * features.names.length + col]));
  assert.is(j.metrics.exposure, 1);
});

test('a plugin hook that never resolves times out with a warning naming it; a strategy throwing a string fails with its message', () => {
  const root = repoRoot();
  const home = tempDir();
  const env = {
    ...process.env, GLOW_TRADE_DATA_DIR: join(home, 'data'), GLOW_TRADE_CACHE_DIR: join(home, 'cache'), GLOW_TRADE_CONFIG_DIR: join(home, 'config'),
    GLOW_TRADE_HOOK_TIMEOUT_MS: '300',
  };
  mkdirSync(env.GLOW_TRADE_DATA_DIR, { recursive: true });
  const plugin = (name: string, source: string) => {
    const folder = join(home, name);
    mkdirSync(folder);
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name, version: '1.0.0', oclif: { hooks: { strategies: './s.mjs' } } }));
    writeFileSync(join(folder, 's.mjs'), source);
    return folder;
  };
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], { env, encoding: 'utf8', timeout: 60_000 });
  for (const folder of [
    plugin('hang-plugin', 'export default () => new Promise(() => {});'),
    plugin('thrower-plugin', "export default () => [{ name: 'thrower', description: 'throws', positions: () => { throw 'x'; } }];"),
  ]) assert.is(cli('plugins', 'link', folder, '--no-install').status, 0);
  // Before: exit 13 (Node's unsettled top-level await) with nothing printed, and oclif's error printer
  // crashed on the thrown string.
  const run = cli('backtest', '--model', model, '--data', data, '--strategy', 'thrower');
  assert.is(run.status, 1, run.stderr);
  // oclif colours the marker when the suite forces colour, and wraps long warnings: compare the plain words
  const stderr = run.stderr.replace(/\x1b\[[0-9;]*m/g, '').replace(/\n ›\s+/g, ' ');
  assert.ok(/Warning: plugin hang-plugin: its strategies hook did not finish within 0.3 s \(the hook timeout; set GLOW_TRADE_HOOK_TIMEOUT_MS in ms to change it\)/.test(stderr), stderr);
  assert.match(stderr, /Error: strategy "thrower" threw "x" \(not an Error\)/);
  assert.not.match(stderr, /TypeError/);
  const ok = cli('backtest', '--model', model, '--data', data, '--json');
  assert.is(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).warnings, [
    'plugin hang-plugin: its strategies hook did not finish within 0.3 s (the hook timeout; set GLOW_TRADE_HOOK_TIMEOUT_MS in ms to change it)',
  ]);
});

test.after(removeTempDirs);
test.run();
