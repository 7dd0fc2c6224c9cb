/**
 * The fifth stage: `Idempotency-Key`. The first answer of a key is stored sealed, with a hash of the request
 * body, in the same transaction as the work; a repeat replays it, another body with the same key is a 422.
 */
import { Problem, Rollback, type Answer } from './answer.js';
import { sha256, type SecretBox } from './crypto.js';
import type { CredentialStore, StoreTransaction } from './store.js';

export interface ReplayPolicy {
  /** How long an answer is replayed, in ms. */
  ttlMs: number;
  /** Answers longer than this (JSON text) are not kept. */
  maxAnswerBytes: number;
  /** Answers one account keeps at most: its oldest go first. */
  maxPerAccount: number;
}

/** One idempotent request: whose, which key, which body, at which server time. */
export interface ReplayableRequest {
  accountId: string;
  /** The account, method and path: a key is only ever replayed for the same three. */
  scope: string;
  key: string;
  bodyText: string;
  now: number;
}

/** Runs `work` once per scope + key, in the same transaction as the record of its answer. */
export async function replayable(
  store: CredentialStore,
  box: SecretBox,
  policy: ReplayPolicy,
  { accountId, scope, key, bodyText, now }: ReplayableRequest,
  work: (tx: StoreTransaction) => Promise<Answer>,
): Promise<Answer> {
  const requestHash = await sha256(bodyText);
  const context = replayContext(scope, key);
  return store.transaction(async (tx) => {
    const claim = await tx.claimIdempotencyKey({ accountId, scope, key, requestHash, now });
    if (!claim.claimed) {
      if (claim.requestHash !== requestHash) {
        throw new Problem(
          422,
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was already used with a different body.',
        );
      }
      const recorded = JSON.parse(await box.open(claim.answer, context)) as Answer;
      return { ...recorded, headers: { ...recorded.headers, 'Idempotent-Replayed': 'true' } };
    }
    const answer = await work(tx);
    // Failures that are the server's are not remembered (a retry should do the work): roll it all back.
    if (answer.status >= 500) throw new Rollback(answer);
    const recorded = JSON.stringify(answer);
    if (recorded.length > policy.maxAnswerBytes) await tx.releaseIdempotencyKey(scope, key);
    else {
      const sealed = await box.seal(recorded, context);
      await tx.completeIdempotencyKey(
        { accountId, scope, key, requestHash, answer: sealed, expiresAt: now + policy.ttlMs },
        policy.maxPerAccount,
      );
    }
    return answer;
  });
}

/** What a stored answer is sealed against: it opens only as the answer of this scope and key. */
export function replayContext(scope: string, key: string): string {
  return `replay\n${scope}\n${key}`;
}
