/**
 * The memory store: the rows of the SQL schema kept in Maps, pure JS (safe in a browser bundle).
 * Transactions run one at a time and undo their changes when they throw, like the SQL stores.
 * Bounded: replays per account and in all (an account over either loses its own oldest, never another's),
 * replays by expiry, audit events by count (oldest dropped), rate windows by sweep.
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
  StoredReplay,
} from '../store.js';

export interface MemoryStoreOptions {
  /**
   * Remembered idempotent answers in all, at most; default 100,000. Past it, the account with the most loses
   * its oldest: no account's flood evicts another's replays (the server also bounds each account's).
   */
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
  accountId: string;
  requestHash: string;
  answer: IdempotencyRecord['answer'] | null;
  expiresAt: number;
}

export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const maxReplays = options.maxReplays ?? 100_000;
  const maxAuditEvents = options.maxAuditEvents ?? 100_000;
  const keys = new Map<string, KeyRow>();
  const replays = new Map<string, Replay>();
  /** Each account's completed replays, least recently used first: what bounds them per account. */
  const replaysOf = new Map<string, Set<string>>();
  const rateWindows = new Map<string, number>();
  const audit: StoredAuditEvent[] = [];
  let nextAuditId = 1;
  let queue: Promise<unknown> = Promise.resolve();

  const replayId = (scope: string, key: string) => `${scope}\n${key}`;

  /** Adds (or moves to the newest place) or drops a replay, in both maps. */
  function placeReplay(id: string, replay: Replay | undefined): void {
    const before = replays.get(id);
    if (before) {
      replays.delete(id);
      replaysOf.get(before.accountId)?.delete(id);
      if (replaysOf.get(before.accountId)?.size === 0) replaysOf.delete(before.accountId);
    }
    if (!replay) return;
    replays.set(id, replay);
    if (replay.answer) {
      const own = replaysOf.get(replay.accountId) ?? new Set<string>();
      replaysOf.set(replay.accountId, own.add(id));
    }
  }

  /** Drops the account's least recently used replay. */
  function evictOldestOf(accountId: string): void {
    const oldest = replaysOf.get(accountId)?.values().next().value;
    if (oldest !== undefined) placeReplay(oldest, undefined);
  }

  /** The account with the most replays: the one that gives way when the store is full. */
  function busiestAccount(): string | undefined {
    let busiest: string | undefined;
    for (const [accountId, own] of replaysOf)
      if (!busiest || own.size > replaysOf.get(busiest)!.size) busiest = accountId;
    return busiest;
  }

  function transactionOver(undo: (() => void)[]): StoreTransaction {
    /** A replay change that the transaction's rollback undoes. */
    const setReplay = (id: string, replay: Replay | undefined) => {
      const before = replays.get(id);
      undo.push(() => placeReplay(id, before));
      placeReplay(id, replay);
    };
    const set = <K, V>(map: Map<K, V>, key: K, value: V | undefined) => {
      const had = map.has(key);
      const before = map.get(key);
      undo.push(() => (had ? map.set(key, before as V) : map.delete(key)));
      if (value === undefined) map.delete(key);
      else map.set(key, value);
    };
    const append = (event: AuditEvent) => {
      const stored = { ...event, role: event.role ?? null, id: nextAuditId++ };
      audit.push(stored);
      undo.push(() => {
        const at = audit.indexOf(stored);
        if (at >= 0) audit.splice(at, 1);
      });
      if (audit.length > maxAuditEvents) audit.splice(0, audit.length - maxAuditEvents);
    };
    return {
      keys: async (accountId) => copy(keys.get(accountId)),
      async keysByApiKeyIndexes(indexes) {
        const wanted = new Set(indexes);
        return [...keys.values()].filter((row) => wanted.has(row.apiKeyIndex)).map((row) => ({ ...row }));
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
      async recordAuthentications(attempts) {
        for (const { accountId, succeeded, at, source } of attempts) {
          append({
            accountId,
            type: succeeded ? 'authenticated' : 'authentication-failed',
            at,
            actorId: succeeded ? accountId : null,
            actorName: null,
            source,
            tpn: null,
            graceMinutes: null,
          });
          const row = succeeded && accountId !== null ? keys.get(accountId) : undefined;
          if (row && (row.lastUsedAt === null || row.lastUsedAt <= at)) {
            set(keys, row.accountId, { ...row, lastUsedAt: at, lastUsedFrom: source });
          }
        }
      },
      async deleteAccount(accountId) {
        set(keys, accountId, undefined);
        for (const id of [...(replaysOf.get(accountId) ?? [])]) setReplay(id, undefined);
      },
      async claimIdempotencyKey({ accountId, scope, key, requestHash, now }): Promise<IdempotencyClaim> {
        const id = replayId(scope, key);
        const known = replays.get(id);
        if (known && known.expiresAt > now && known.answer) {
          // Least recently used first: a replayed key is kept longer than an unused one.
          placeReplay(id, known);
          return { claimed: false, requestHash: known.requestHash, answer: known.answer };
        }
        setReplay(id, { accountId, requestHash, answer: null, expiresAt: Number.POSITIVE_INFINITY });
        return { claimed: true };
      },
      async completeIdempotencyKey(record, keepPerAccount) {
        const { accountId, requestHash, answer, expiresAt } = record;
        setReplay(replayId(record.scope, record.key), { accountId, requestHash, answer, expiresAt });
        // Evictions are not undone: forgetting an old replay is always safe, keeping one past the bound is not.
        while ((replaysOf.get(accountId)?.size ?? 0) > keepPerAccount) evictOldestOf(accountId);
        while (replays.size > maxReplays) evictOldestOf(busiestAccount() ?? accountId);
      },
      async releaseIdempotencyKey(scope, key) {
        setReplay(replayId(scope, key), undefined);
      },
      async replaysNotSealedWith(keyId, limit) {
        const found: StoredReplay[] = [];
        for (const [id, replay] of replays) {
          if (found.length === limit) break;
          if (!replay.answer || replay.answer.keyId === keyId) continue;
          const [scope, key] = [id.slice(0, id.lastIndexOf('\n')), id.slice(id.lastIndexOf('\n') + 1)];
          found.push({ scope, key, answer: replay.answer });
        }
        return found;
      },
      async resealReplay(scope, key, from, to) {
        const id = replayId(scope, key);
        const replay = replays.get(id);
        if (replay?.answer?.keyId !== from.keyId || replay.answer.ciphertext !== from.ciphertext) return false;
        // In place: a re-sealed answer keeps its age, so the per-account bound still forgets the oldest first.
        set(replays, id, { ...replay, answer: to });
        return true;
      },
      async countHit(bucket, windowStart) {
        const id = `${bucket}\n${windowStart}`;
        const count = (rateWindows.get(id) ?? 0) + 1;
        set(rateWindows, id, count);
        return count;
      },
      appendAudit: async (event) => append(event),
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
    async sweep(now, rateWindowsBefore = now - 24 * 60 * 60_000) {
      for (const [id, replay] of replays) if (replay.answer && replay.expiresAt <= now) placeReplay(id, undefined);
      for (const id of rateWindows.keys()) {
        const windowStart = Number(id.slice(id.lastIndexOf('\n') + 1));
        if (windowStart < rateWindowsBefore) rateWindows.delete(id);
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
