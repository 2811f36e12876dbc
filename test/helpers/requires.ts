/**
 * @fileoverview Tests that need a program the machine may lack (Chromium, redis-server): where it
 * is missing they are registered as skipped — uvu's "Skipped:" total counts them instead of their
 * vanishing — and the reason is printed once per kind for the whole run.
 */
import type { Test } from 'uvu';

/**
 * A registrar for tests of `kind` ("browser tests"): `missing()` says why they cannot run here, or
 * null when they can.
 */
export function testsRequiring(kind: string, missing: () => string | null): (suite: Test, name: string, handler: () => Promise<void>) => void {
  let reasonPrinted = false;
  return (suite, name, handler) => {
    const why = missing();
    if (why === null) {
      suite(name, handler);
      return;
    }
    if (!reasonPrinted) {
      reasonPrinted = true;
      console.log(`SKIPPED: ${kind} — ${why}`);
    }
    suite.skip(name, handler);
  };
}
