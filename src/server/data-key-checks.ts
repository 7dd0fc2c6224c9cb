/**
 * Every instance of a fleet must hold the same bytes under each data key id: an instance with other bytes under
 * an id would fail to open every secret sealed with it, and its resets would seal rows the others cannot open.
 * So the first instance records a check value per key id in the store (an HMAC of a fixed label under the key's
 * index key: it tells nothing of the key), and each instance compares its own before it serves a request.
 */
import type { SecretBox } from './crypto.js';
import type { CredentialStore, StoreTransaction } from './store.js';

const CHECK_LABEL = 'ipos-credentials/data-key-check';

/** Refuses a keyring whose bytes differ from those the store's rows were sealed with, naming the key id. */
export async function checkDataKeysAgainstStore(store: CredentialStore, box: SecretBox): Promise<void> {
  for (const keyId of box.keyIds) {
    const check = await box.index(CHECK_LABEL, keyId);
    await store.transaction(async (tx) => {
      // Thrown inside: a first record that a sealed row contradicts is rolled back, never kept.
      if ((await tx.recordDataKeyCheck(keyId, check)) !== check) throw mismatchedKey(keyId);
      // An id first checked on a store that has rows sealed with it already (an older version): one must open.
      if (!(await opensSampleRow(tx, box, keyId))) throw mismatchedKey(keyId);
    });
  }
}

async function opensSampleRow(tx: StoreTransaction, box: SecretBox, keyId: string): Promise<boolean> {
  const row = await tx.anyKeysSealedWith(keyId);
  if (!row) return true;
  return box.open(row.secret, row.accountId).then(
    () => true,
    () => false,
  );
}

function mismatchedKey(keyId: string): Error {
  const option = `dataKeys.keys[${JSON.stringify(keyId)}]`;
  return new Error(
    `${option}: not the key this store's secrets were sealed with under the id ${JSON.stringify(keyId)} (its check value differs from the one recorded by the first instance); every instance must have the same dataKeys — copy the key from your secret store, or give a new key a new id.`,
  );
}
