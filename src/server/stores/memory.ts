/**
 * The memory store: the rows of the SQL schema kept in Maps, pure JS (safe in a browser bundle).
 * Transactions run one at a time and undo their changes when they throw, like the SQL stores.
 * Bounded: replays per account and in all (an account over either loses its own oldest, never another's),
 * replays by expiry, audit events per account and in all (the same rule), rate windows by sweep.
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
import { SWEPT_AFTER_MS, unknownKeyAttemptMinute } from '../store.js';

export interface MemoryStoreOptions {
  /**
   * Remembered idempotent answers in all, at most; default 100,000. Past it, the account with the most loses
   * its oldest: no account's flood evicts another's replays (the server also bounds each account's).
   */
  maxReplays?: number;
  /**
   * Audit events kept in all, at most; default 100,000. Past it, the account with the most loses its oldest: no
   * other account's events, and no stranger's, evict an account's history.
   */
  maxAuditEvents?: number;
  /** Audit events one account keeps at most (its oldest dropped first); default 10,000. */
  maxAuditEventsPerAccount?: number;
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
  const maxAuditEventsPerAccount = options.maxAuditEventsPerAccount ?? 10_000;
  const keys = new Map<string, KeyRow>();
  /** Account id by `apiKeyIndex`: authenticate-token finds a row in one step, however many accounts there are. */
  const accountByApiKeyIndex = new Map<string, string>();
  const dataKeyChecks = new Map<string, string>();
  const replays = new Map<string, Replay>();
  /** Each account's completed replays, least recently used first: what bounds them per account. */
  const replaysOf = new Map<string, Set<string>>();
  const rateWindows = new Map<string, number>();
  /** Each account's audit events, oldest first. */
  const auditOf = new Map<string, StoredAuditEvent[]>();
  /** Failed authentications with unknown API keys, counted by minute (see `StoreTransaction.appendAudit`). */
  const unknownKeyAttempts = new Map<number, number>();
  let auditEvents = 0;
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

  /** Adds, replaces or drops an account's keys, and their index entry with them. */
  function placeKeys(accountId: string, row: KeyRow | undefined): void {
    const before = keys.get(accountId);
    if (before) accountByApiKeyIndex.delete(before.apiKeyIndex);
    if (!row) {
      keys.delete(accountId);
      return;
    }
    keys.set(accountId, row);
    accountByApiKeyIndex.set(row.apiKeyIndex, accountId);
  }

  /** Drops the oldest event of the account with the most: the one that gives way when the log is full. */
  function evictOldestAuditOfBusiest(): void {
    let busiest: StoredAuditEvent[] | undefined;
    for (const events of auditOf.values()) if (!busiest || events.length > busiest.length) busiest = events;
    if (busiest?.shift()) auditEvents--;
  }

  function transactionOver(undo: (() => void)[]): StoreTransaction {
    /** A keys change that the transaction's rollback undoes. */
    const setKeys = (accountId: string, row: KeyRow | undefined) => {
      const before = keys.get(accountId);
      undo.push(() => placeKeys(accountId, before));
      placeKeys(accountId, row);
    };
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
    /** An account's event joins its log; a stranger's (no account) is only counted by minute. */
    const appendAudit = (event: AuditEvent) => {
      if (event.accountId === null) {
        const minute = unknownKeyAttemptMinute(event.at);
        set(unknownKeyAttempts, minute, (unknownKeyAttempts.get(minute) ?? 0) + 1);
        return;
      }
      const stored = { ...event, role: event.role ?? null, id: nextAuditId++ };
      const own = auditOf.get(event.accountId) ?? [];
      auditOf.set(event.accountId, own);
      own.push(stored);
      auditEvents++;
      undo.push(() => {
        const at = own.indexOf(stored);
        if (at >= 0) {
          own.splice(at, 1);
          auditEvents--;
        }
      });
      // Evictions are not undone, like replays': the account's own oldest first, then the busiest account's.
      while (own.length > maxAuditEventsPerAccount) if (own.shift()) auditEvents--;
      while (auditEvents > maxAuditEvents) evictOldestAuditOfBusiest();
    };
    return {
      keys: async (accountId) => copy(keys.get(accountId)),
      async keysByApiKeyIndexes(indexes) {
        const found = new Set<KeyRow>();
        for (const index of indexes) {
          const accountId = accountByApiKeyIndex.get(index);
          const row = accountId === undefined ? undefined : keys.get(accountId);
          if (row) found.add(row);
        }
        return [...found].map((row) => ({ ...row }));
      },
      async insertKeys(row) {
        if (keys.has(row.accountId)) return false;
        setKeys(row.accountId, { ...row });
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
        setKeys(accountId, next);
        return { ...next };
      },
      async revokePreviousSecret(accountId) {
        const row = keys.get(accountId);
        if (!row) return null;
        const next: KeyRow = { ...row, previousSecret: null, previousSecretValidUntil: null };
        setKeys(accountId, next);
        return { ...next };
      },
      async resealSecret(accountId, from, to, apiKeyIndex) {
        const row = keys.get(accountId);
        if (!row || row.secret.keyId !== from.keyId || row.secret.ciphertext !== from.ciphertext) return false;
        setKeys(accountId, { ...row, secret: to, apiKeyIndex });
        return true;
      },
      async resealPreviousSecret(accountId, from, to) {
        const row = keys.get(accountId);
        const previous = row?.previousSecret;
        if (!row || previous?.keyId !== from.keyId || previous.ciphertext !== from.ciphertext) return false;
        setKeys(accountId, { ...row, previousSecret: to });
        return true;
      },
      async keysNotSealedWith(keyId, limit, afterAccountId) {
        return [...keys.values()]
          .filter((row) => row.secret.keyId !== keyId || (row.previousSecret && row.previousSecret.keyId !== keyId))
          .filter((row) => afterAccountId === undefined || row.accountId > afterAccountId)
          .sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0))
          .slice(0, limit)
          .map((row) => ({ ...row }));
      },
      async anyKeysSealedWith(keyId) {
        for (const row of keys.values()) if (row.secret.keyId === keyId) return { ...row };
        return null;
      },
      async recordDataKeyCheck(keyId, check) {
        if (!dataKeyChecks.has(keyId)) set(dataKeyChecks, keyId, check);
        return dataKeyChecks.get(keyId)!;
      },
      async changeRole(accountId, role) {
        const row = keys.get(accountId);
        if (!row || row.role === role) return false;
        setKeys(accountId, { ...row, role });
        return true;
      },
      async recordAuthentications(attempts) {
        for (const { accountId, succeeded, at, source } of attempts) {
          appendAudit({
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
            setKeys(row.accountId, { ...row, lastUsedAt: at, lastUsedFrom: source });
          }
        }
      },
      async deleteAccount(accountId) {
        setKeys(accountId, undefined);
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
      async replaysNotSealedWith(keyId, limit, after) {
        const found: StoredReplay[] = [];
        for (const [id, replay] of replays) {
          if (!replay.answer || replay.answer.keyId === keyId) continue;
          const [scope, key] = [id.slice(0, id.lastIndexOf('\n')), id.slice(id.lastIndexOf('\n') + 1)];
          if (after && (scope < after.scope || (scope === after.scope && key <= after.key))) continue;
          found.push({ accountId: replay.accountId, scope, key, answer: replay.answer });
        }
        const order = (a: StoredReplay, b: StoredReplay) =>
          a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
        return found.sort(order).slice(0, limit);
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
      appendAudit: async (event) => appendAudit(event),
      async listAudit(accountId, { beforeId = Number.POSITIVE_INFINITY, limit = 50 } = {}) {
        const own = auditOf.get(accountId) ?? [];
        const found: StoredAuditEvent[] = [];
        for (let index = own.length - 1; index >= 0 && found.length < limit; index--) {
          const event = own[index] as StoredAuditEvent;
          if (event.id < beforeId) found.push({ ...event });
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
    async sweep(now, rateWindowsBefore = now - SWEPT_AFTER_MS) {
      for (const [id, replay] of replays) if (replay.answer && replay.expiresAt <= now) placeReplay(id, undefined);
      for (const minute of unknownKeyAttempts.keys())
        if (minute < now - SWEPT_AFTER_MS) unknownKeyAttempts.delete(minute);
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
        audit: [...auditOf.values()].flat().sort((a, b) => a.id - b.id),
        unknownKeyAttempts: [...unknownKeyAttempts.entries()],
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
        auditEvents,
      };
    },
  };
}

function copy(row: KeyRow | undefined): KeyRow | null {
  return row ? { ...row } : null;
}
