/**
 * @fileoverview Assertions uvu lacks: that a promise rejects, with a message matching a pattern.
 */
import * as assert from 'uvu/assert';

/** Await `promise`, require it to reject, check the error against `expected`, and return it. */
export async function rejects(promise: Promise<unknown>, expected: RegExp | ((e: Error) => boolean)): Promise<Error> {
  let error: Error | undefined;
  try {
    await promise;
  } catch (e) {
    error = e as Error;
  }
  if (!error) assert.unreachable(`expected a rejection matching ${expected}`);
  const ok = expected instanceof RegExp ? expected.test(error!.message) : expected(error!);
  assert.ok(ok, `rejected with "${error!.message}", expected ${expected}`);
  return error!;
}
