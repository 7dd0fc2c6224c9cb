/**
 * authenticate-token's records — an audit event per attempt, a key's last use — written as a group commit: the
 * first attempt is written at once; the attempts that arrive while a write is under way wait for it, then go
 * together, in one statement. Every attempt's promise settles when the write that holds it has committed (or
 * failed), and the request answers only then: an acknowledged authentication is always audited, and a database
 * away fails the whole write, so each of its requests is answered 503.
 */
import type { AuthenticationAttempt, CredentialStore } from './store.js';

/** Attempts in one statement at most: a bound on its size under a flood. */
const MOST_PER_WRITE = 200;

interface Waiting {
  attempt: AuthenticationAttempt;
  written(): void;
  failed(error: unknown): void;
}

export class AuthenticationLog {
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(private readonly store: Pick<CredentialStore, 'autocommit'>) {}

  /** Resolves once the attempt is committed. */
  record(attempt: AuthenticationAttempt): Promise<void> {
    const committed = new Promise<void>((written, failed) => this.waiting.push({ attempt, written, failed }));
    if (!this.writing) void this.write();
    return committed;
  }

  private async write(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MOST_PER_WRITE);
      try {
        await this.store.autocommit((tx) => tx.recordAuthentications(batch.map((entry) => entry.attempt)));
        for (const entry of batch) entry.written();
      } catch (error) {
        for (const entry of batch) entry.failed(error);
      }
    }
    this.writing = false;
  }
}

const logs = new WeakMap<object, AuthenticationLog>();

/** The one log of a store: every server on it shares the same writes. */
export function authenticationLogOf(store: Pick<CredentialStore, 'autocommit'>): AuthenticationLog {
  let log = logs.get(store);
  if (!log) logs.set(store, (log = new AuthenticationLog(store)));
  return log;
}
