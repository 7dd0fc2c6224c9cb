/**
 * In the browser: which engine runs this page, and the one way a test that an engine cannot run is skipped
 * there, its reason printed (the summary of `npm test` lists these lines), never silently.
 */
import { ENGINE_LABELS, type Engine } from './engines.mjs';

export type { Engine };

const agent = navigator.userAgent;
export const engine: Engine = agent.includes('Firefox/')
  ? 'firefox'
  : agent.includes('Chrome/')
    ? 'chromium'
    : 'webkit';

/** The engine's name as the runners' reports print it. */
export const engineLabel = ENGINE_LABELS[engine];

/** Skips the running test (call it first in a `function ()` test body) in the engines named, saying why. */
export function skipIn(test: Mocha.Context, engines: readonly Engine[], reason: string): void {
  if (engines.includes(engine)) skipHere(test, reason);
}

/** Skips the running test in this engine, saying why (e.g. a feature it lacks). */
export function skipHere(test: Mocha.Context, reason: string): never {
  console.log(`[skipped in ${engineLabel}] ${test.test?.fullTitle()}: ${reason}`);
  return test.skip();
}
