import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProgressBar } from '../../src/data/progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } };
}

test('renders label, bar, percentage and detail', () => {
  const bar = new ProgressBar({ label: 'BTCUSDT 1h', width: 10, stream: fakeStream(false).stream });
  assert.is(bar.render(0.42, '3 requests'), 'BTCUSDT 1h [####------]  42% 3 requests');
  assert.is(bar.render(1.5), 'BTCUSDT 1h [##########] 100%');
  assert.is(bar.render(NaN), 'BTCUSDT 1h [----------]   0%');
});

test('draws nothing when stderr is not a terminal', () => {
  const { writes, stream } = fakeStream(false);
  const bar = new ProgressBar({ stream });
  bar.update(0.5);
  bar.done();
  assert.equal(writes, []);
});

test('on a terminal: redraws in place at most every minRedrawMs, pads over longer text, ends the line', () => {
  const { writes, stream } = fakeStream(true);
  let now = 0;
  const bar = new ProgressBar({ stream, width: 4, minRedrawMs: 100, clock: () => now });
  bar.update(0.25, 'long detail');
  now = 50;
  bar.update(0.5, 'skipped');
  now = 150;
  bar.update(0.5, 'x');
  bar.done();
  assert.equal(writes, ['\r[#---]  25% long detail', '\r[##--]  50% x          ', '\r[####] 100%  ', '\n']);
  assert.ok(bar.hasDrawn);
});

test.run();
