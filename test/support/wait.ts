import { waitUntil as pollUntil } from '@open-wc/testing';

/**
 * How long an element test waits for a condition before it fails. The wait ends as soon as the condition holds,
 * so the limit costs nothing when all is well; it is what a busy machine (three browsers on two cores) may need.
 */
export const WAIT_LIMIT_MS = 15_000;

/** Polls until the predicate holds (@open-wc/testing's waitUntil), failing with the message after WAIT_LIMIT_MS. */
export function waitUntil(predicate: () => unknown, message?: string): Promise<void> {
  return pollUntil(predicate, message, { timeout: WAIT_LIMIT_MS });
}
