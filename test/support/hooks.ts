/**
 * Test hooks as objects that register themselves, as Material Web's test environment does: call `X.eachTest()` once
 * at the top of a test file (or a `describe`), and the object starts afresh before each test and is put back after.
 */

/** Something a test records or swaps in: it can start afresh and be put back. */
export interface Hook {
  start(): void;
  dispose(): void;
}

/** Makes `hook` start afresh before each test of the suite it is called in, and put back after each one. */
export function eachTest<T extends Hook>(hook: T, after?: (hook: T) => void): T {
  hook.dispose();
  beforeEach(() => hook.start());
  afterEach(() => {
    hook.dispose();
    after?.(hook);
  });
  return hook;
}
