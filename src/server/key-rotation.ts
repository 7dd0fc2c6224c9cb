/**
 * Data-key rotation: everything sealed with an older key — secrets, the previous secret of a grace window and
 * stored answers (replays) — re-sealed with the current one, in batches of one transaction each. Once a run
 * re-seals nothing, the older keys can leave the keyring: no row, and no retry, needs them any more.
 */
import type { SecretBox } from './crypto.js';
import { replayContext } from './idempotency.js';
import type { CredentialStore } from './store.js';

/** Re-seals what is not sealed with `box`'s current key; resolves with how many values it re-sealed. */
export async function reencrypt(
  store: CredentialStore,
  box: SecretBox,
  batchSize: number,
): Promise<{ resealed: number }> {
  const current = box.currentKeyId;
  let resealed = 0;
  for (;;) {
    const batch = await store.transaction(async (tx) => {
      const rows = await tx.keysNotSealedWith(current, batchSize);
      let done = 0;
      for (const row of rows) {
        if (row.secret.keyId !== current) {
          const sealed = await box.seal(await box.open(row.secret, row.accountId), row.accountId);
          if (await tx.resealSecret(row.accountId, row.secret, sealed, await box.index(row.apiKey))) done++;
        }
        // A grace window's previous secret too: it must still open once the old data key is dropped.
        if (row.previousSecret && row.previousSecret.keyId !== current) {
          const sealed = await box.seal(await box.open(row.previousSecret, row.accountId), row.accountId);
          if (await tx.resealPreviousSecret(row.accountId, row.previousSecret, sealed)) done++;
        }
      }
      return { rows: rows.length, done };
    });
    resealed += batch.done;
    if (batch.rows < batchSize) break;
  }
  // Stored answers: a retry after the old key is dropped must still replay, not fail.
  for (;;) {
    const batch = await store.transaction(async (tx) => {
      const replays = await tx.replaysNotSealedWith(current, batchSize);
      let done = 0;
      for (const { scope, key, answer } of replays) {
        const context = replayContext(scope, key);
        const sealed = await box.seal(await box.open(answer, context), context);
        if (await tx.resealReplay(scope, key, answer, sealed)) done++;
      }
      return { rows: replays.length, done };
    });
    resealed += batch.done;
    if (batch.rows < batchSize) return { resealed };
  }
}
