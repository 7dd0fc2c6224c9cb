/**
 * What the fault, fuzz, leak and race tests share: a backend for a reference session that can be
 * cut off (offline) or given a short timeout on demand, and a recorder of uncaught errors and
 * unhandled rejections.
 */
import { expect } from '@open-wc/testing';
import type { HttpBackend } from '../../src/backend/http-backend.js';
import { eachTest } from './hooks.js';
import type { ReferenceSession } from './reference-session.js';

/** The network between a test's backend and the reference server. */
export interface Network {
  /** While true, `fetch` rejects with a `TypeError`, as a browser does when offline. */
  offline: boolean;
}

/**
 * An `HttpBackend` for the session's account (no retries), counting requests in `session.requests`
 * like `session.backend()`, behind a `Network` the test can switch off.
 */
export function switchableBackend(
  session: ReferenceSession,
  options: { timeoutMs?: number; retries?: number } = {},
): { backend: HttpBackend; network: Network } {
  const network: Network = { offline: false };
  return { backend: session.backend({ ...options, offline: () => network.offline }), network };
}

/** Shortens the timeout of a backend made above from now on (its setup ran with the normal one). */
export function setTimeoutMs(backend: HttpBackend, timeoutMs: number): void {
  Object.assign(backend, { timeoutMs });
}

/** Records `error` and `unhandledrejection` events on `window`, from its making until `dispose()`. */
export class UncaughtLog {
  readonly errors: string[] = [];
  private readonly onError = (event: ErrorEvent) => this.errors.push(`error: ${event.message}`);
  private readonly onRejection = (event: PromiseRejectionEvent) =>
    this.errors.push(`unhandledrejection: ${String((event.reason as Error)?.stack ?? event.reason)}`);

  /** One log for every test of the suite; with `expectNone`, a test that left anything uncaught fails. */
  static eachTest({ expectNone = false } = {}): UncaughtLog {
    return eachTest(new UncaughtLog(), (log) => expectNone && expect(log.errors).to.deep.equal([]));
  }

  constructor() {
    this.start();
  }

  start(): void {
    this.errors.length = 0;
    window.addEventListener('error', this.onError);
    window.addEventListener('unhandledrejection', this.onRejection);
  }

  dispose(): void {
    window.removeEventListener('error', this.onError);
    window.removeEventListener('unhandledrejection', this.onRejection);
  }
}

/** Mutating requests among `session.requests` (`POST /…`, the reveal excluded), counted by route. */
export function mutations(requests: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of requests) {
    if (!request.startsWith('POST ') || request.endsWith('/secret/reveal')) continue;
    counts[request] = (counts[request] ?? 0) + 1;
  }
  return counts;
}
