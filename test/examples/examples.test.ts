/**
 * The four examples, run as a user would (`node dist/examples/<name>.js` in a working folder),
 * in order and offline: fetch_data talks to a local server speaking Bybit's kline API, and each
 * later example reads what the previous one wrote.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simulateMarket } from '../../src/data/synthetic.js';
import { readCandles } from '../../src/data/candles-csv.js';
import { loadBundle } from '../../src/trading/bundle.js';
import { startBybitServer, type BybitServer, type HistoryRow } from '../helpers/bybit-server.js';
import { repoRoot } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const H = 3_600_000;
let server: BybitServer;
let cwd = '';

async function example(name: string, args: string[] = []): Promise<{ stdout: string; stderr: string }> {
  const script = join(repoRoot(), 'dist', 'examples', `${name}.js`);
  return run(process.execPath, [script, ...args], { cwd, env: { ...process.env, BYBIT_BASE_URL: server.baseUrl }, maxBuffer: 1 << 24 });
}

test.before(async () => {
  cwd = tempDir();
  // 40 days of simulated hourly candles ending with the candle that is open now (fetch drops it).
  const bars = 40 * 24;
  const start = Math.floor(Date.now() / H) * H - (bars - 1) * H;
  const c = simulateMarket({ bars, seed: 8, start });
  const history: HistoryRow[] = Array.from(c.timestamp, (t, i) => [t, c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i], c.turnover[i]]);
  server = await startBybitServer({ history });
});

test('fetch_data → train_model → backtest → generate_scenarios, each on the files the previous one wrote', async () => {
  const fetched = await example('fetch_data', ['--days', '35']);
  assert.match(fetched.stdout, /BTCUSDT 1h linear: 8\d\d candles/);
  assert.match(fetched.stdout, /wrote btc_data\.csv/);
  const candles = readCandles(join(cwd, 'btc_data.csv'));
  assert.ok(candles.close.length >= 35 * 24 - 1 && candles.close.length <= 35 * 24 + 1, `${candles.close.length} candles`);

  const trained = await example('train_model', ['--epochs', '2', '--seed', '1']);
  assert.match(trained.stdout, /epoch +2: train NLL/);
  assert.match(trained.stdout, /wrote glow_model\.bin/);
  const bundle = loadBundle(join(cwd, 'glow_model.bin'));
  assert.is(bundle.training.seed, 1);

  const bt = await example('backtest');
  assert.match(bt.stdout, /strategy "glow" on \d+ bars/);
  assert.match(bt.stdout, /sharpe/);
  const equity = readFileSync(join(cwd, 'backtest_equity.csv'), 'utf8').split('\n');
  assert.is(equity[0], 'timestamp,close,position,return,equity,benchmark_equity,log_likelihood,regime');

  const sc = await example('generate_scenarios', ['--num', '400', '--seed', '5']);
  assert.match(sc.stdout, /400 scenarios at temperature 1, seed 5/);
  assert.match(sc.stdout, /return_20 {3}/);
  assert.match(sc.stdout, /T = 2 /);
  const rows = readFileSync(join(cwd, 'scenarios.csv'), 'utf8').trim().split('\n');
  assert.is(rows.length, 401);
  assert.is(rows[0].split(',').length, 16);
});

test('a missing input says what to run first and exits 1', async () => {
  const empty = tempDir();
  const err = await run(process.execPath, [join(repoRoot(), 'dist', 'examples', 'backtest.js')], { cwd: empty }).catch((e) => e);
  assert.is(err.code, 1);
  assert.match(err.stderr, /glow_model\.bin does not exist: run fetch_data and train_model first/);
  assert.not.ok(existsSync(join(empty, 'backtest_equity.csv')));
});

test('--help prints the usage and exits 0; an unknown flag exits 2 with the usage, never a stack trace', async () => {
  const script = join(repoRoot(), 'dist', 'examples', 'train_model.js');
  const help = await run(process.execPath, [script, '--help'], { cwd: tempDir() });
  assert.match(help.stdout, /^usage: node dist\/examples\/train_model\.js \[--input btc_data\.csv \| --synthetic 17520\]/);
  const err = await run(process.execPath, [script, '--epoch', '3'], { cwd: tempDir() }).catch((e) => e);
  assert.is(err.code, 2);
  assert.match(err.stderr, /Unknown option '--epoch'/);
  assert.match(err.stderr, /usage: node dist\/examples\/train_model\.js/);
  assert.not.match(err.stderr, /\n\s+at /);
});

test('the chain also runs with no network: fetch_data --synthetic, then train_model, backtest, generate_scenarios', async () => {
  const dir = tempDir();
  const ex = (name: string, args: string[] = []) =>
    run(process.execPath, [join(repoRoot(), 'dist', 'examples', `${name}.js`), ...args], { cwd: dir, env: { ...process.env, BYBIT_BASE_URL: 'http://127.0.0.1:9' }, maxBuffer: 1 << 24 });
  const fetched = await ex('fetch_data', ['--synthetic', '--days', '60', '--seed', '4']);
  assert.match(fetched.stdout, /simulated 1440 hourly candles \(seed 4\), no network used/);
  assert.is(readCandles(join(dir, 'btc_data.csv')).close.length, 1440);
  await ex('train_model', ['--epochs', '1']);
  assert.match((await ex('backtest')).stdout, /strategy "glow" on \d+ bars/);
  assert.match((await ex('generate_scenarios', ['--num', '200'])).stdout, /200 scenarios at temperature 1/);
});

test.after(async () => {
  await server?.close();
  removeTempDirs();
});
test.run();
