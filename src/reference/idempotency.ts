/** Idempotent replays: a repeated `Idempotency-Key` gets the first answer, and the work is done once. */

import type { Answer } from './answers.js';

/** An answer as remembered for replay. */
export type RecordedAnswer = Answer;

interface Entry {
  /** The request body the key was first used with: reusing a key for another body is an error. */
  fingerprint: string;
  answer: Promise<RecordedAnswer>;
}

/** `Idempotency-Key` values: printable ASCII, like Stripe's and the IETF draft's. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** What `run` did: `mismatch` when the key was first used with another body. */
export type IdempotentRun = { outcome: 'done' | 'replayed'; answer: Promise<RecordedAnswer> } | { outcome: 'mismatch' };

/** Remembered answers of one session, bounded: the oldest is forgotten past `capacity`. */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 500) {}

  /** Runs `work` once per `scope` + `key`; a repeat (even while the first is running) gets its answer. */
  run(scope: string, key: string, fingerprint: string, work: () => Promise<RecordedAnswer>): IdempotentRun {
    const id = `${scope}\n${key}`;
    const known = this.entries.get(id);
    if (known)
      return known.fingerprint === fingerprint
        ? { outcome: 'replayed', answer: known.answer }
        : { outcome: 'mismatch' };
    const answer = work();
    const entry = { fingerprint, answer };
    this.entries.set(id, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    // Failures that are the server's (5xx, exceptions) are not remembered: a retry should do the work.
    answer.then(
      (recorded) => recorded.status >= 500 && this.forget(id, entry),
      () => this.forget(id, entry),
    );
    return { outcome: 'done', answer };
  }

  private forget(id: string, entry: Entry): void {
    if (this.entries.get(id) === entry) this.entries.delete(id);
  }
}
