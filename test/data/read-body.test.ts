import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readBodyCapped } from '../../src/data/read-body.js';

const noText = async (): Promise<string> => { throw new Error('text() must not be called when the body streams'); };

/** An endless body that counts how many chunks were pulled from it. */
function endless(chunk: Uint8Array) {
  const state = { pulled: 0, returned: false };
  const body = {
    [Symbol.asyncIterator]() {
      return {
        next: async () => { state.pulled++; return { value: chunk, done: false }; },
        return: async () => { state.returned = true; return { value: undefined, done: true }; },
      };
    },
  };
  return { body, state };
}

test('stops pulling an endless body just past the cap and ends the stream', async () => {
  const { body, state } = endless(new Uint8Array(1000));
  assert.equal(await readBodyCapped({ body, text: noText }, 4500), { text: '', bytesRead: 5000, tooLarge: true });
  assert.equal(state, { pulled: 5, returned: true });
});

test('a body within the cap is decoded as UTF-8, also when a character is split across chunks', async () => {
  const bytes = new TextEncoder().encode('{"p":"€"}');
  const chunks = [bytes.slice(0, 7), bytes.slice(7)]; // '€' is 3 bytes starting at index 6
  const body = (async function* () { yield* chunks; })();
  assert.equal(await readBodyCapped({ body, text: noText }, bytes.length), { text: '{"p":"€"}', bytesRead: bytes.length, tooLarge: false });
});

test('a Content-Length above the cap is refused before reading; a body without a stream falls back to text()', async () => {
  const { body, state } = endless(new Uint8Array(10));
  assert.equal(await readBodyCapped({ body, text: noText }, 100, '10737418240'), { text: '', bytesRead: 0, tooLarge: true });
  assert.is(state.pulled, 0);
  assert.equal(await readBodyCapped({ text: async () => 'ok' }, 2), { text: 'ok', bytesRead: 2, tooLarge: false });
  assert.equal(await readBodyCapped({ body: null, text: async () => 'too long' }, 2), { text: '', bytesRead: 8, tooLarge: true });
});

test.run();
