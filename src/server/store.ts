/**
 * The one storage interface of the credentials server. Three implementations keep the same rows:
 * `memoryStore()` (pure JS), `pgliteStore()` (embedded Postgres in a folder) and `postgresStore()`
 * (PostgreSQL through `pg`); the last two share one SQL schema and its migrations (`sql-store.ts`).
 * Every change happens inside `transaction()`: all of it commits, or none of it does.
 */
import type { ActivityType, UserRole } from '../contract/vocabulary.js';
import type { SealedValue } from './crypto.js';

/** Failed authentications with unknown API keys are counted per minute of this many ms (see `appendAudit`). */
export const UNKNOWN_KEY_ATTEMPT_MINUTE_MS = 60_000;

/** The minute an unknown-key attempt at `at` is counted in. */
export function unknownKeyAttemptMinute(at: number): number {
  return Math.floor(at / UNKNOWN_KEY_ATTEMPT_MINUTE_MS) * UNKNOWN_KEY_ATTEMPT_MINUTE_MS;
}

/** How long those counts, and rate windows by default, are kept before a sweep forgets them. */
export const SWEPT_AFTER_MS = 24 * 60 * 60_000;

/**
 * Thrown by a store when its database cannot be reached (a lost connection, a server restarting or stopped):
 * answered 503 `DATABASE_UNAVAILABLE` with `Retry-After`, never a 500. The request may be retried as it was.
 */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super('The credentials database cannot be reached.', { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/** A stored credential row. Times are epoch ms. The secret is only ever sealed. */
export interface KeyRow {
  accountId: string;
  role: UserRole;
  apiKey: string;
  /** HMAC of the API key under `secret.keyId`'s index key: how `authenticate-token` finds the row. */
  apiKeyIndex: string;
  secret: SealedValue;
  /** The secret's last 4 characters: all the masked view needs. */
  secretHint: string;
  createdAt: number;
  secretRotatedAt: number;
  /** How many times the secret was reset: each reset adds exactly one. */
  rotation: number;
  lastUsedAt: number | null;
  lastUsedFrom: string | null;
  /** The secret a reset with a grace window replaced, sealed like the current one; null when none. */
  previousSecret: SealedValue | null;
  /** Until when (exclusive) `previousSecret` still authenticates; null when there is none. */
  previousSecretValidUntil: number | null;
}

/** The new secret of a reset. */
export interface SecretUpdate {
  secret: SealedValue;
  apiKeyIndex: string;
  secretHint: string;
  at: number;
  /**
   * Until when the secret being replaced keeps working; null: it stops now. Either way the secret kept from
   * an earlier grace window is dropped: there is never more than one previous secret.
   */
  previousSecretValidUntil: number | null;
}

/** What an audit event records: the contract's activity types, one list. */
export type AuditEventType = ActivityType;

/** One line of the append-only audit log. */
export interface AuditEvent {
  /** Whose credentials: null for a failed authentication with an unknown API key. */
  accountId: string | null;
  type: AuditEventType;
  at: number;
  /** Who acted: the signed-in admin, or the account whose keys authenticated. */
  actorId: string | null;
  actorName: string | null;
  /** The source address (or client label) of the request. */
  source: string | null;
  tpn: string | null;
  /** For `secret-reset`: the grace window asked for, in minutes (0: none); null for other events. */
  graceMinutes: number | null;
  /** For `role-changed`: the role the account has now; null (or left out) for other events. */
  role?: UserRole | null;
}

export interface StoredAuditEvent extends AuditEvent {
  id: number;
}

/** One authenticate-token attempt, as it is recorded. */
export interface AuthenticationAttempt {
  /** The account whose API key was tried; null for an unknown key. */
  accountId: string | null;
  succeeded: boolean;
  at: number;
  source: string | null;
}

/** What a claim on an idempotency key found: the key free (now ours), or a first use. */
export type IdempotencyClaim =
  | { claimed: true }
  | {
      claimed: false;
      /** SHA-256 of the first request's body. */
      requestHash: string;
      /** The sealed first answer. */
      answer: SealedValue;
    };

/** A request's claim on an idempotency key. */
export interface IdempotencyClaimRequest {
  /** Whose request: replays are bounded per account and forgotten with it. */
  accountId: string;
  scope: string;
  key: string;
  requestHash: string;
  now: number;
}

export interface IdempotencyRecord {
  /** Whose answer: replays are bounded per account and forgotten with it. */
  accountId: string;
  scope: string;
  key: string;
  requestHash: string;
  answer: SealedValue;
  expiresAt: number;
}

/** A stored answer, as a data-key rotation sees it. */
export interface StoredReplay {
  /** Whose answer. */
  accountId: string;
  scope: string;
  key: string;
  answer: SealedValue;
}

export interface StoreTransaction {
  /** An account's keys; `forUpdate` locks the row until the transaction ends. */
  keys(accountId: string, options?: { forUpdate?: boolean }): Promise<KeyRow | null>;
  /** The rows whose `apiKeyIndex` is one of `indexes` (one per data key, for each API key looked up). */
  keysByApiKeyIndexes(indexes: readonly string[]): Promise<KeyRow[]>;
  /** Adds an account's keys; false when the account already has some. */
  insertKeys(row: KeyRow): Promise<boolean>;
  /**
   * Replaces the secret and adds one rotation, atomically; with a grace window the replaced secret becomes the
   * previous one, read from the row as it is at that moment. Null when the account has no keys.
   */
  rotateSecret(accountId: string, update: SecretUpdate): Promise<KeyRow | null>;
  /** Forgets the previous secret and its window; null when the account has no keys. */
  revokePreviousSecret(accountId: string): Promise<KeyRow | null>;
  /** Re-seals a secret under another key (rotation of data keys); the secret itself is unchanged. */
  resealSecret(accountId: string, from: SealedValue, to: SealedValue, apiKeyIndex: string): Promise<boolean>;
  /** Re-seals a previous secret under another key, if it is still `from`. */
  resealPreviousSecret(accountId: string, from: SealedValue, to: SealedValue): Promise<boolean>;
  /**
   * Rows whose secret or previous secret is not sealed with `keyId`, at most `limit`, by account id; only those
   * after `afterAccountId` when given (a rotation pages past rows it could not open).
   */
  keysNotSealedWith(keyId: string, limit: number, afterAccountId?: string): Promise<KeyRow[]>;
  /** One row whose secret is sealed with `keyId`, or null: what a data key's first check opens. */
  anyKeysSealedWith(keyId: string): Promise<KeyRow | null>;
  /**
   * Records `check` as the check value of data key `keyId` unless one is recorded already; resolves with the
   * recorded one. Concurrent first records of one id: one wins, every caller sees the winner's.
   */
  recordDataKeyCheck(keyId: string, check: string): Promise<string>;
  /**
   * Records authenticate-token attempts, in their order, as `appendAudit` would each: an audit event for each
   * attempt on an account (`authenticated`, the account its own actor, or `authentication-failed`), a count for
   * each with an unknown key; and each account's last use, by its latest success (never moved back).
   */
  recordAuthentications(attempts: readonly AuthenticationAttempt[]): Promise<void>;
  /**
   * Records the account's current role on its keys (what `authenticate-token` signs the scopes of); true when it
   * was another, false when the same or when the account has no keys. Concurrent changes to one role: one true.
   */
  changeRole(accountId: string, role: UserRole): Promise<boolean>;
  /** Forgets an account's keys and replays (not its audit events). */
  deleteAccount(accountId: string): Promise<void>;

  /**
   * Claims `scope`+`key` for this transaction, first forgetting it if expired. Under PostgreSQL a
   * concurrent claim of the same key waits for this transaction and then sees its answer.
   */
  claimIdempotencyKey(claim: IdempotencyClaimRequest): Promise<IdempotencyClaim>;
  /**
   * Stores the answer of a claimed key, kept until `expiresAt`; then forgets the account's oldest answers past
   * `keepPerAccount` — that account's own, never another's.
   */
  completeIdempotencyKey(record: IdempotencyRecord, keepPerAccount: number): Promise<void>;
  /** Drops a claimed key (its answer is not worth remembering). */
  releaseIdempotencyKey(scope: string, key: string): Promise<void>;
  /**
   * Stored answers not sealed with `keyId`, at most `limit`, by scope and key; only those after `after` when given
   * (a data-key rotation re-seals them, paging past answers it could not open).
   */
  replaysNotSealedWith(
    keyId: string,
    limit: number,
    after?: Pick<StoredReplay, 'scope' | 'key'>,
  ): Promise<StoredReplay[]>;
  /** Re-seals a stored answer under another key, if it is still `from`. */
  resealReplay(scope: string, key: string, from: SealedValue, to: SealedValue): Promise<boolean>;

  /** Adds one to a fixed-window counter and returns the new count. */
  countHit(bucket: string, windowStart: number): Promise<number>;

  /**
   * Adds an event to its account's log. An event of no account (a failed authentication with an API key nobody
   * has: a stranger's guess) is nobody's history: it is only counted, per minute, and the counts are swept after
   * a day, so that no flood of guesses grows the log or evicts an account's events.
   */
  appendAudit(event: AuditEvent): Promise<void>;
  /** An account's audit events, newest first, with ids below `beforeId`. */
  listAudit(accountId: string, options?: { beforeId?: number; limit?: number }): Promise<StoredAuditEvent[]>;
}

export interface CredentialStore {
  readonly kind: 'memory' | 'pglite' | 'postgres' | (string & {});
  /** Creates or upgrades the schema; safe to run any number of times, from several processes. */
  migrate(): Promise<void>;
  /** Runs `work` in one transaction: it commits when `work` resolves and rolls back when it throws. */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /**
   * Runs `work` with each statement committed on its own (no BEGIN/COMMIT round trips): for single reads
   * and for writes that need no atomicity with each other (the hot `authenticate-token` path).
   */
  autocommit<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /**
   * Deletes expired replays, the rate-limit windows that started before `rateWindowsBefore` (default: a day
   * before `now`; the server passes the start of its longest window) and counts of unknown-key attempts older
   * than a day.
   */
  sweep(now: number, rateWindowsBefore?: number): Promise<void>;
  close(): Promise<void>;
}
