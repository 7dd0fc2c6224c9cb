/**
 * Data-key rotation: everything sealed with an older key — secrets, the previous secret of a grace window and
 * stored answers (replays) — re-sealed with the current one, in batches of one transaction each. Once a run
 * re-seals nothing and finds nothing unreadable, the older keys can leave the keyring: no row, and no retry,
 * needs them any more. A value no key opens is skipped and reported, never overwritten, never the end of the run.
 */
import type { SealedValue, SecretBox } from './crypto.js';
import { replayContext } from './idempotency.js';
import type { CredentialStore } from './store.js';

export interface ReencryptReport {
  /** Values re-sealed with the current key. */
  resealed: number;
  /** Accounts with a secret, previous secret or stored answer that no key of the keyring opens (left unchanged). */
  unreadable: string[];
}

/** Re-seals what is not sealed with `box`'s current key (see the module header). */
export async function reencrypt(store: CredentialStore, box: SecretBox, batchSize: number): Promise<ReencryptReport> {
  const current = box.currentKeyId;
  const unreadable = new Set<string>();
  let resealed = 0;
  /** The value re-sealed under the current key, or null (its account reported) when it does not open. */
  const resealOf = async (value: SealedValue, context: string, accountId: string) => {
    try {
      return await box.seal(await box.open(value, context), context);
    } catch {
      unreadable.add(accountId);
      return null;
    }
  };
  for (let after: string | undefined; ;) {
    const batch = await store.transaction(async (tx) => {
      const rows = await tx.keysNotSealedWith(current, batchSize, after);
      let done = 0;
      for (const row of rows) {
        const { accountId } = row;
        if (row.secret.keyId !== current) {
          const sealed = await resealOf(row.secret, accountId, accountId);
          if (sealed && (await tx.resealSecret(accountId, row.secret, sealed, await box.index(row.apiKey)))) done++;
        }
        // A grace window's previous secret too: it must still open once the old data key is dropped.
        if (row.previousSecret && row.previousSecret.keyId !== current) {
          const sealed = await resealOf(row.previousSecret, accountId, accountId);
          if (sealed && (await tx.resealPreviousSecret(accountId, row.previousSecret, sealed))) done++;
        }
      }
      return { rows, done };
    });
    resealed += batch.done;
    if (batch.rows.length < batchSize) break;
    after = batch.rows.at(-1)!.accountId;
  }
  // Stored answers: a retry after the old key is dropped must still replay, not fail.
  for (let after: { scope: string; key: string } | undefined; ;) {
    const batch = await store.transaction(async (tx) => {
      const replays = await tx.replaysNotSealedWith(current, batchSize, after);
      let done = 0;
      for (const { accountId, scope, key, answer } of replays) {
        const sealed = await resealOf(answer, replayContext(scope, key), accountId);
        if (sealed && (await tx.resealReplay(scope, key, answer, sealed))) done++;
      }
      return { replays, done };
    });
    resealed += batch.done;
    if (batch.replays.length < batchSize) return { resealed, unreadable: [...unreadable] };
    after = batch.replays.at(-1)!;
  }
}
