import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffSchedule, sleep, Throttle } from '../../src/data/retry.js';

test('backoff doubles from the base up to the cap, times (0.5 + 0.5·jitter)', () => {
  const u = [0, 0.5, 0.999, 0, 0];
  let i = 0;
  const delay = backoffSchedule({ baseMs: 100, maxMs: 1000, jitter: () => u[i++] });
  assert.equal([0, 1, 2, 3, 4].map(delay), [50, 150, 399.8, 400, 500]);
});

test('the default jitter is a seeded stream: same seed, same delays, within the bounds', () => {
  const a = backoffSchedule({ baseMs: 8, maxMs: 1000, seed: 9 });
  const b = backoffSchedule({ baseMs: 8, maxMs: 1000, seed: 9 });
  const da = [0, 1, 2, 3].map(a), db = [0, 1, 2, 3].map(b);
  assert.equal(da, db);
  da.forEach((d, k) => assert.ok(d >= 4 * 2 ** k && d < 8 * 2 ** k, `attempt ${k}: ${d}`));
  assert.throws(() => backoffSchedule({ baseMs: -1, maxMs: 1 }), /≥ 0/);
});

test('sleep rejects with the abort reason as soon as the signal aborts', async () => {
  const controller = new AbortController();
  const t0 = performance.now();
  const p = sleep(10_000, controller.signal);
  setTimeout(() => controller.abort(new Error('stop now')), 5);
  try {
    await p;
    assert.unreachable('sleep should have been aborted');
  } catch (e) {
    assert.is((e as Error).message, 'stop now');
  }
  assert.ok(performance.now() - t0 < 1000);
});

test('Throttle asks to sleep what remains of the minimum interval since the last start', async () => {
  let now = 0;
  const slept: number[] = [];
  const throttle = new Throttle(50, () => now, async (ms) => { slept.push(ms); });
  await throttle.wait(); // the first start never waits
  now = 20;
  await throttle.wait(); // 30 ms of the 50 remain
  now = 200;
  await throttle.wait(); // long past: no wait
  now = 210;
  await throttle.wait();
  assert.equal(slept, [30, 40]);
});

test('one Throttle paces concurrent callers: they take turns, each a full interval after the previous start', async () => {
  let now = 0;
  const throttle = new Throttle(50, () => now, async (ms) => {
    const until = now + ms;
    await new Promise((r) => setImmediate(r));
    now = Math.max(now, until);
  });
  const starts: number[] = [];
  await Promise.all([0, 1, 2].map(() => throttle.wait().then(() => starts.push(now))));
  assert.equal(starts, [0, 50, 100]);
});

test.run();
