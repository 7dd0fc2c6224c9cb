/**
 * The memory store: the rows of the SQL schema kept in Maps, pure JS (safe in a browser bundle).
 * Transactions run one at a time and undo their changes when they throw, like the SQL stores.
 * Bounded: replays by count (and expiry), audit events by count (oldest dropped), rate windows by sweep.
 */
import type {
  AuditEvent,
  CredentialStore,
  IdempotencyClaim,
  IdempotencyRecord,
  KeyRow,
  SecretUpdate,
  StoreTransaction,
  StoredAuditEvent,
} from '../store.js';

export interface MemoryStoreOptions {
  /** Remembered idempotent answers at most (oldest forgotten first); default 100,000. */
  maxReplays?: number;
  /** Audit events kept at most (oldest dropped first); default 100,000. */
  maxAuditEvents?: number;
}

/** The memory store's current size, for tests that prove it stays bounded. */
export interface MemoryStoreSize {
  accounts: number;
  replays: number;
  replayBytes: number;
  rateWindows: number;
  auditEvents: number;
}

export interface MemoryStore extends CredentialStore {
  size(): MemoryStoreSize;
  /** Everything the store holds, as JSON text: what a database dump would show. */
  dump(): string;
}

interface Replay {
  requestHash: string;
  answer: IdempotencyRecord['answer'] | null;
  expiresAt: number;
}

export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxReplays = options.maxReplays ?? 100_000;
  const maxAuditEvents = options.maxAuditEvents ?? 100_000;
  const keys = new Map<string, KeyRow>();
  const replays = new Map<string, Replay>();
  const rateWindows = new Map<string, number>();
  const audit: StoredAuditEvent[] = [];
  let nextAuditId = 1;
  let queue: Promise<unknown> = Promise.resolve();

  const replayId = (scope: string, key: string) => `${scope}\n${key}`;

  function transactionOver(undo: (() => void)[]): StoreTransaction {
    const set = <K, V>(map: Map<K, V>, key: K, value: V | undefined) => {
      const had = map.has(key);
      const before = map.get(key);
      undo.push(() => (had ? map.set(key, before as V) : map.delete(key)));
      if (value === undefined) map.delete(key);
      else map.set(key, value);
    };
    return {
      keys: async (accountId) => copy(keys.get(accountId)),
      async keysByApiKeyIndex(indexes) {
        for (const row of keys.values()) if (indexes.includes(row.apiKeyIndex)) return copy(row);
        return null;
      },
      async insertKeys(row) {
        if (keys.has(row.accountId)) return false;
        set(keys, row.accountId, { ...row });
        return true;
      },
      async rotateSecret(accountId, update: SecretUpdate) {
        const row = keys.get(accountId);
        if (!row) return null;
        const next: KeyRow = {
          ...row,
          secret: update.secret,
          apiKeyIndex: update.apiKeyIndex,
          secretHint: update.secretHint,
          secretRotatedAt: update.at,
          rotation: row.rotation + 1,
          previousSecret: update.previousSecretValidUntil === null ? null : row.secret,
          previousSecretValidUntil: update.previousSecretValidUntil,
        };
        set(keys, accountId, next);
        return { ...next };
      },
      async revokePreviousSecret(accountId) {
        const row = keys.get(accountId);
        if (!row) return null;
        const next: KeyRow = { ...row, previousSecret: null, previousSecretValidUntil: null };
        set(keys, accountId, next);
        return { ...next };
      },
      async resealSecret(accountId, from, to, apiKeyIndex) {
        const row = keys.get(accountId);
        if (!row || row.secret.keyId !== from.keyId || row.secret.ciphertext !== from.ciphertext) return false;
        set(keys, accountId, { ...row, secret: to, apiKeyIndex });
        return true;
      },
      async resealPreviousSecret(accountId, from, to) {
        const row = keys.get(accountId);
        const previous = row?.previousSecret;
        if (!row || previous?.keyId !== from.keyId || previous.ciphertext !== from.ciphertext) return false;
        set(keys, accountId, { ...row, previousSecret: to });
        return true;
      },
      async keysNotSealedWith(keyId, limit) {
        return [...keys.values()]
          .filter((row) => row.secret.keyId !== keyId || (row.previousSecret && row.previousSecret.keyId !== keyId))
          .slice(0, limit)
          .map((row) => ({ ...row }));
      },
      async changeRole(accountId, role) {
        const row = keys.get(accountId);
        if (!row || row.role === role) return false;
        set(keys, accountId, { ...row, role });
        return true;
      },
      async markUsed(accountId, at, from) {
        const row = keys.get(accountId);
        if (row) set(keys, accountId, { ...row, lastUsedAt: at, lastUsedFrom: from });
      },
      async deleteAccount(accountId) {
        set(keys, accountId, undefined);
        const prefix = `${accountId}\n`;
        for (const id of [...replays.keys()]) if (id.startsWith(prefix)) set(replays, id, undefined);
      },
      async claimIdempotencyKey(scope, key, requestHash, now): Promise<IdempotencyClaim> {
        const id = replayId(scope, key);
        const known = replays.get(id);
        if (known && known.expiresAt > now && known.answer) {
          // Least recently used last: a replayed key is kept longer than an unused one.
          replays.delete(id);
          replays.set(id, known);
          return { claimed: false, requestHash: known.requestHash, answer: known.answer };
        }
        set(replays, id, { requestHash, answer: null, expiresAt: Number.POSITIVE_INFINITY });
        return { claimed: true };
      },
      async completeIdempotencyKey(record) {
        const id = replayId(record.scope, record.key);
        replays.delete(id);
        set(replays, id, { requestHash: record.requestHash, answer: record.answer, expiresAt: record.expiresAt });
        while (replays.size > maxReplays) replays.delete(replays.keys().next().value as string);
      },
      async releaseIdempotencyKey(scope, key) {
        set(replays, replayId(scope, key), undefined);
      },
      async countHit(bucket, windowStart) {
        const id = `${bucket}\n${windowStart}`;
        const count = (rateWindows.get(id) ?? 0) + 1;
        set(rateWindows, id, count);
        return count;
      },
      async appendAudit(event: AuditEvent) {
        const stored = { ...event, role: event.role ?? null, id: nextAuditId++ };
        audit.push(stored);
        undo.push(() => {
          const at = audit.indexOf(stored);
          if (at >= 0) audit.splice(at, 1);
        });
        if (audit.length > maxAuditEvents) audit.splice(0, audit.length - maxAuditEvents);
      },
      async listAudit(accountId, { beforeId = Number.POSITIVE_INFINITY, limit = 50 } = {}) {
        const found: StoredAuditEvent[] = [];
        for (let index = audit.length - 1; index >= 0 && found.length < limit; index--) {
          const event = audit[index] as StoredAuditEvent;
          if (event.accountId === accountId && event.id < beforeId) found.push({ ...event });
        }
        return found;
      },
    };
  }

  return {
    kind: 'memory',
    async migrate() {},
    // The same queue as transactions: a statement never sees another transaction's uncommitted change.
    autocommit<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
      return this.transaction(work);
    },
    transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
      const run = queue.then(async () => {
        const undo: (() => void)[] = [];
        try {
          return await work(transactionOver(undo));
        } catch (error) {
          for (const step of undo.reverse()) step();
          throw error;
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async sweep(now) {
      for (const [id, replay] of replays) if (replay.answer && replay.expiresAt <= now) replays.delete(id);
      for (const id of rateWindows.keys()) {
        const windowStart = Number(id.slice(id.lastIndexOf('\n') + 1));
        if (windowStart < now - 24 * 60 * 60_000) rateWindows.delete(id);
      }
    },
    async close() {},
    dump() {
      return JSON.stringify({
        keys: [...keys.values()],
        replays: [...replays.entries()],
        rateWindows: [...rateWindows.entries()],
        audit,
      });
    },
    size() {
      let replayBytes = 0;
      for (const [id, replay] of replays) {
        replayBytes += id.length + replay.requestHash.length + (replay.answer?.ciphertext.length ?? 0);
      }
      return {
        accounts: keys.size,
        replays: replays.size,
        replayBytes,
        rateWindows: rateWindows.size,
        auditEvents: audit.length,
      };
    },
  };
}

function copy(row: KeyRow | undefined): KeyRow | null {
  return row ? { ...row } : null;
}
