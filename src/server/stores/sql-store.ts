/**
 * The SQL schema, its migrations and the store over it, shared by PGlite and PostgreSQL: both speak
 * the same dialect, so each only supplies a `SqlClient` (run a query; run a transaction).
 */
import type { UserRole } from '../../contract/vocabulary.js';
import type {
  AuditEventType,
  CredentialStore,
  IdempotencyClaim,
  KeyRow,
  StoreTransaction,
  StoredAuditEvent,
} from '../store.js';
import { SWEPT_AFTER_MS, UNKNOWN_KEY_ATTEMPT_MINUTE_MS, unknownKeyAttemptMinute } from '../store.js';

/** Runs one statement with `$1…` parameters. */
export type SqlQuery = <Row = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<Row[]>;

export interface SqlClient {
  query: SqlQuery;
  /** Runs `work` on one connection between BEGIN and COMMIT (ROLLBACK when it throws). */
  transaction<T>(work: (query: SqlQuery) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Versioned migrations, applied in order, each once (recorded in `ipos_schema_migrations`).
 * Append new versions; never edit an applied one.
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'credentials, replays, rate windows, audit log',
    sql: `
      CREATE TABLE ipos_credentials (
        account_id text PRIMARY KEY,
        role text NOT NULL,
        api_key text NOT NULL UNIQUE,
        api_key_index text NOT NULL UNIQUE,
        secret_key_id text NOT NULL,
        secret_ciphertext text NOT NULL,
        secret_hint text NOT NULL,
        created_at bigint NOT NULL,
        secret_rotated_at bigint NOT NULL,
        rotation bigint NOT NULL DEFAULT 0,
        last_used_at bigint,
        last_used_from text
      );
      CREATE INDEX ipos_credentials_secret_key_id ON ipos_credentials (secret_key_id);
      CREATE TABLE ipos_idempotency (
        scope text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        answer_key_id text,
        answer_ciphertext text,
        expires_at bigint NOT NULL,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX ipos_idempotency_expires_at ON ipos_idempotency (expires_at);
      CREATE TABLE ipos_rate_windows (
        bucket text NOT NULL,
        window_start bigint NOT NULL,
        hits integer NOT NULL,
        PRIMARY KEY (bucket, window_start)
      );
      CREATE TABLE ipos_audit_log (
        id bigserial PRIMARY KEY,
        account_id text,
        type text NOT NULL,
        at bigint NOT NULL,
        actor_id text,
        actor_name text,
        source text,
        tpn text
      );
      CREATE INDEX ipos_audit_log_account ON ipos_audit_log (account_id, id DESC);
      CREATE FUNCTION ipos_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ipos_audit_log is append-only';
      END;
      $$;
      CREATE TRIGGER ipos_audit_log_append_only BEFORE UPDATE OR DELETE ON ipos_audit_log
        FOR EACH ROW EXECUTE FUNCTION ipos_audit_log_append_only();
    `,
  },
  {
    version: 2,
    name: 'previous secret with a grace window; grace minutes of a reset in the audit log',
    sql: `
      ALTER TABLE ipos_credentials
        ADD COLUMN previous_secret_key_id text,
        ADD COLUMN previous_secret_ciphertext text,
        ADD COLUMN previous_secret_valid_until bigint;
      ALTER TABLE ipos_audit_log ADD COLUMN grace_minutes integer;
    `,
  },
  {
    version: 3,
    name: 'the role a role change brought, in the audit log',
    sql: `ALTER TABLE ipos_audit_log ADD COLUMN role text;`,
  },
  {
    version: 4,
    name: 'replays by account (bounded per account, forgotten with it) and by data key (re-sealed on rotation)',
    // The scope is "<account> <METHOD> <path>" and a path has no space: the account is all before the last two words.
    sql: `
      ALTER TABLE ipos_idempotency ADD COLUMN account_id text;
      UPDATE ipos_idempotency SET account_id = substring(scope from '^(.*) [A-Z]+ /[^ ]*$');
      DELETE FROM ipos_idempotency WHERE account_id IS NULL;
      ALTER TABLE ipos_idempotency ALTER COLUMN account_id SET NOT NULL;
      CREATE INDEX ipos_idempotency_account ON ipos_idempotency (account_id, expires_at);
      CREATE INDEX ipos_idempotency_answer_key_id ON ipos_idempotency (answer_key_id);
    `,
  },
  {
    version: 5,
    name: 'a check value per data key id: an instance with other key bytes under the same id is refused at start',
    sql: `
      CREATE TABLE ipos_data_key_checks (
        key_id text PRIMARY KEY,
        check_value text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 6,
    name: 'failed authentications with unknown API keys counted per minute, apart from the audit log',
    sql: `
      CREATE TABLE ipos_unknown_key_attempts (
        minute bigint PRIMARY KEY,
        attempts bigint NOT NULL
      );
    `,
  },
];

/** Serialises concurrent migrations from several processes (an arbitrary, fixed advisory lock id). */
const MIGRATION_LOCK = 7_318_442_019;

export async function migrate(client: SqlClient): Promise<number[]> {
  return client.transaction(async (query) => {
    await query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await query(
      `CREATE TABLE IF NOT EXISTS ipos_schema_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const applied = new Set(
      (await query<{ version: number }>('SELECT version FROM ipos_schema_migrations')).map((row) =>
        Number(row.version),
      ),
    );
    const ran: number[] = [];
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      for (const statement of splitStatements(migration.sql)) await query(statement);
      await query('INSERT INTO ipos_schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      ran.push(migration.version);
    }
    return ran;
  });
}

/** Splits a migration at top-level semicolons (not inside `$$` bodies): both drivers take one statement per call. */
function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let inBody = false;
  for (const part of sql.split(/(\$\$|;)/)) {
    if (part === '$$') inBody = !inBody;
    if (part === ';' && !inBody) {
      if (current.trim()) statements.push(current.trim());
      current = '';
    } else current += part;
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}

interface CredentialRow {
  account_id: string;
  role: string;
  api_key: string;
  api_key_index: string;
  secret_key_id: string;
  secret_ciphertext: string;
  secret_hint: string;
  created_at: string | number;
  secret_rotated_at: string | number;
  rotation: string | number;
  last_used_at: string | number | null;
  last_used_from: string | null;
  previous_secret_key_id: string | null;
  previous_secret_ciphertext: string | null;
  previous_secret_valid_until: string | number | null;
}

function keyRowOf(row: CredentialRow | undefined): KeyRow | null {
  if (!row) return null;
  return {
    accountId: row.account_id,
    role: row.role as UserRole,
    apiKey: row.api_key,
    apiKeyIndex: row.api_key_index,
    secret: { keyId: row.secret_key_id, ciphertext: row.secret_ciphertext },
    secretHint: row.secret_hint,
    createdAt: Number(row.created_at),
    secretRotatedAt: Number(row.secret_rotated_at),
    rotation: Number(row.rotation),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    lastUsedFrom: row.last_used_from,
    previousSecret:
      row.previous_secret_key_id === null || row.previous_secret_ciphertext === null
        ? null
        : { keyId: row.previous_secret_key_id, ciphertext: row.previous_secret_ciphertext },
    previousSecretValidUntil: row.previous_secret_valid_until === null ? null : Number(row.previous_secret_valid_until),
  };
}

function transactionOver(query: SqlQuery): StoreTransaction {
  return {
    async keys(accountId, options) {
      const lock = options?.forUpdate ? ' FOR UPDATE' : '';
      return keyRowOf(
        (await query<CredentialRow>(`SELECT * FROM ipos_credentials WHERE account_id = $1${lock}`, [accountId]))[0],
      );
    },
    async keysByApiKeyIndexes(indexes) {
      const rows = await query<CredentialRow>('SELECT * FROM ipos_credentials WHERE api_key_index = ANY($1::text[])', [
        [...indexes],
      ]);
      return rows.map((row) => keyRowOf(row) as KeyRow);
    },
    async insertKeys(row) {
      const inserted = await query(
        `INSERT INTO ipos_credentials (account_id, role, api_key, api_key_index, secret_key_id, secret_ciphertext,
           secret_hint, created_at, secret_rotated_at, rotation, last_used_at, last_used_from)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (account_id) DO NOTHING RETURNING account_id`,
        [
          row.accountId,
          row.role,
          row.apiKey,
          row.apiKeyIndex,
          row.secret.keyId,
          row.secret.ciphertext,
          row.secretHint,
          row.createdAt,
          row.secretRotatedAt,
          row.rotation,
          row.lastUsedAt,
          row.lastUsedFrom,
        ],
      );
      return inserted.length === 1;
    },
    async rotateSecret(accountId, update) {
      // The right-hand sides read the row as it was: the secret being replaced becomes the previous one.
      const rows = await query<CredentialRow>(
        `UPDATE ipos_credentials SET secret_key_id = $2, secret_ciphertext = $3, api_key_index = $4, secret_hint = $5,
           secret_rotated_at = $6, rotation = rotation + 1,
           previous_secret_key_id = CASE WHEN $7::bigint IS NULL THEN NULL ELSE secret_key_id END,
           previous_secret_ciphertext = CASE WHEN $7::bigint IS NULL THEN NULL ELSE secret_ciphertext END,
           previous_secret_valid_until = $7::bigint
         WHERE account_id = $1 RETURNING *`,
        [
          accountId,
          update.secret.keyId,
          update.secret.ciphertext,
          update.apiKeyIndex,
          update.secretHint,
          update.at,
          update.previousSecretValidUntil,
        ],
      );
      return keyRowOf(rows[0]);
    },
    async revokePreviousSecret(accountId) {
      const rows = await query<CredentialRow>(
        `UPDATE ipos_credentials SET previous_secret_key_id = NULL, previous_secret_ciphertext = NULL,
           previous_secret_valid_until = NULL
         WHERE account_id = $1 RETURNING *`,
        [accountId],
      );
      return keyRowOf(rows[0]);
    },
    async resealSecret(accountId, from, to, apiKeyIndex) {
      const rows = await query(
        `UPDATE ipos_credentials SET secret_key_id = $4, secret_ciphertext = $5, api_key_index = $6
         WHERE account_id = $1 AND secret_key_id = $2 AND secret_ciphertext = $3 RETURNING account_id`,
        [accountId, from.keyId, from.ciphertext, to.keyId, to.ciphertext, apiKeyIndex],
      );
      return rows.length === 1;
    },
    async resealPreviousSecret(accountId, from, to) {
      const rows = await query(
        `UPDATE ipos_credentials SET previous_secret_key_id = $4, previous_secret_ciphertext = $5
         WHERE account_id = $1 AND previous_secret_key_id = $2 AND previous_secret_ciphertext = $3 RETURNING account_id`,
        [accountId, from.keyId, from.ciphertext, to.keyId, to.ciphertext],
      );
      return rows.length === 1;
    },
    async keysNotSealedWith(keyId, limit, afterAccountId) {
      const rows = await query<CredentialRow>(
        `SELECT * FROM ipos_credentials WHERE (secret_key_id <> $1 OR previous_secret_key_id <> $1)
           AND ($3::text IS NULL OR account_id > $3) ORDER BY account_id LIMIT $2`,
        [keyId, limit, afterAccountId ?? null],
      );
      return rows.map((row) => keyRowOf(row) as KeyRow);
    },
    async anyKeysSealedWith(keyId) {
      return keyRowOf(
        (await query<CredentialRow>('SELECT * FROM ipos_credentials WHERE secret_key_id = $1 LIMIT 1', [keyId]))[0],
      );
    },
    async recordDataKeyCheck(keyId, check) {
      // A concurrent first record of the same id makes this INSERT wait for it; the SELECT then sees the winner.
      await query(
        'INSERT INTO ipos_data_key_checks (key_id, check_value) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING',
        [keyId, check],
      );
      const [row] = await query<{ check_value: string }>(
        'SELECT check_value FROM ipos_data_key_checks WHERE key_id = $1',
        [keyId],
      );
      return row?.check_value ?? check;
    },
    async changeRole(accountId, role) {
      // A concurrent change to the same role waits on the row, then finds it changed: one of them is true.
      const rows = await query(
        'UPDATE ipos_credentials SET role = $2 WHERE account_id = $1 AND role <> $2 RETURNING role',
        [accountId, role],
      );
      return rows.length === 1;
    },
    async recordAuthentications(attempts) {
      // One statement for the whole group: the accounts' events in order, the unknown keys' counts by minute, and
      // each account's latest success as its last use.
      await query(
        `WITH attempt AS (
           SELECT * FROM unnest($1::text[], $2::boolean[], $3::bigint[], $4::text[])
             WITH ORDINALITY AS a(account_id, succeeded, at, source, n)
         ), used AS (
           UPDATE ipos_credentials c SET last_used_at = latest.at, last_used_from = latest.source
           FROM (SELECT DISTINCT ON (account_id) account_id, at, source FROM attempt WHERE succeeded
                 ORDER BY account_id, at DESC, n DESC) latest
           WHERE c.account_id = latest.account_id AND (c.last_used_at IS NULL OR c.last_used_at <= latest.at)
         ), unknown AS (
           INSERT INTO ipos_unknown_key_attempts (minute, attempts)
           SELECT at - at % ${UNKNOWN_KEY_ATTEMPT_MINUTE_MS}, count(*) FROM attempt WHERE account_id IS NULL GROUP BY 1
           ON CONFLICT (minute) DO UPDATE SET attempts = ipos_unknown_key_attempts.attempts + excluded.attempts
         )
         INSERT INTO ipos_audit_log (account_id, type, at, actor_id, source)
         SELECT account_id, CASE WHEN succeeded THEN 'authenticated' ELSE 'authentication-failed' END, at,
           CASE WHEN succeeded THEN account_id END, source
         FROM attempt WHERE account_id IS NOT NULL ORDER BY n`,
        [
          attempts.map((attempt) => attempt.accountId),
          attempts.map((attempt) => attempt.succeeded),
          attempts.map((attempt) => attempt.at),
          attempts.map((attempt) => attempt.source),
        ],
      );
    },
    async deleteAccount(accountId) {
      await query('DELETE FROM ipos_credentials WHERE account_id = $1', [accountId]);
      await query('DELETE FROM ipos_idempotency WHERE account_id = $1', [accountId]);
    },
    async claimIdempotencyKey({ accountId, scope, key, requestHash, now }): Promise<IdempotencyClaim> {
      await query('DELETE FROM ipos_idempotency WHERE scope = $1 AND key = $2 AND expires_at <= $3', [scope, key, now]);
      // A concurrent claim of the same key makes this INSERT wait for that transaction's end. The row it then
      // conflicts with may be gone by the SELECT (a sweep, or its account's bound): then it is free, claim again.
      for (let attempt = 0; ; attempt++) {
        const claimed = await query(
          `INSERT INTO ipos_idempotency (scope, key, request_hash, expires_at, account_id) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
          [scope, key, requestHash, Number.MAX_SAFE_INTEGER, accountId],
        );
        if (claimed.length === 1) return { claimed: true };
        const [known] = await query<{ request_hash: string; answer_key_id: string; answer_ciphertext: string }>(
          'SELECT request_hash, answer_key_id, answer_ciphertext FROM ipos_idempotency WHERE scope = $1 AND key = $2',
          [scope, key],
        );
        if (known?.answer_ciphertext) {
          return {
            claimed: false,
            requestHash: known.request_hash,
            answer: { keyId: known.answer_key_id, ciphertext: known.answer_ciphertext },
          };
        }
        if (attempt === 2) throw new Error('An idempotency key was claimed but holds no answer.');
      }
    },
    async completeIdempotencyKey(record, keepPerAccount) {
      await query(
        `UPDATE ipos_idempotency SET request_hash = $3, answer_key_id = $4, answer_ciphertext = $5, expires_at = $6
         WHERE scope = $1 AND key = $2`,
        [record.scope, record.key, record.requestHash, record.answer.keyId, record.answer.ciphertext, record.expiresAt],
      );
      // The account's own oldest answers past its bound; claims still in flight (no answer yet) are not counted.
      await query(
        `DELETE FROM ipos_idempotency WHERE account_id = $1 AND (scope, key) IN (
           SELECT scope, key FROM ipos_idempotency WHERE account_id = $1 AND answer_ciphertext IS NOT NULL
           ORDER BY expires_at DESC, key DESC OFFSET $2)`,
        [record.accountId, keepPerAccount],
      );
    },
    async releaseIdempotencyKey(scope, key) {
      await query('DELETE FROM ipos_idempotency WHERE scope = $1 AND key = $2', [scope, key]);
    },
    async replaysNotSealedWith(keyId, limit, after) {
      const rows = await query<{
        account_id: string;
        scope: string;
        key: string;
        answer_key_id: string;
        answer_ciphertext: string;
      }>(
        `SELECT account_id, scope, key, answer_key_id, answer_ciphertext FROM ipos_idempotency
         WHERE answer_key_id <> $1 AND ($3::text IS NULL OR (scope, key) > ($3, $4))
         ORDER BY scope, key LIMIT $2`,
        [keyId, limit, after?.scope ?? null, after?.key ?? null],
      );
      return rows.map((row) => ({
        accountId: row.account_id,
        scope: row.scope,
        key: row.key,
        answer: { keyId: row.answer_key_id, ciphertext: row.answer_ciphertext },
      }));
    },
    async resealReplay(scope, key, from, to) {
      const rows = await query(
        `UPDATE ipos_idempotency SET answer_key_id = $5, answer_ciphertext = $6
         WHERE scope = $1 AND key = $2 AND answer_key_id = $3 AND answer_ciphertext = $4 RETURNING key`,
        [scope, key, from.keyId, from.ciphertext, to.keyId, to.ciphertext],
      );
      return rows.length === 1;
    },
    async countHit(bucket, windowStart) {
      const [row] = await query<{ hits: number }>(
        `INSERT INTO ipos_rate_windows (bucket, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = ipos_rate_windows.hits + 1 RETURNING hits`,
        [bucket, windowStart],
      );
      return Number(row?.hits ?? 1);
    },
    async appendAudit(event) {
      if (event.accountId === null) {
        await query(
          `INSERT INTO ipos_unknown_key_attempts (minute, attempts) VALUES ($1, 1)
           ON CONFLICT (minute) DO UPDATE SET attempts = ipos_unknown_key_attempts.attempts + 1`,
          [unknownKeyAttemptMinute(event.at)],
        );
        return;
      }
      await query(
        `INSERT INTO ipos_audit_log (account_id, type, at, actor_id, actor_name, source, tpn, grace_minutes, role)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          event.accountId,
          event.type,
          event.at,
          event.actorId,
          event.actorName,
          event.source,
          event.tpn,
          event.graceMinutes,
          event.role ?? null,
        ],
      );
    },
    async listAudit(accountId, { beforeId, limit = 50 } = {}) {
      const rows = await query<{
        id: string | number;
        account_id: string | null;
        type: string;
        at: string | number;
        actor_id: string | null;
        actor_name: string | null;
        source: string | null;
        tpn: string | null;
        grace_minutes: number | null;
        role: string | null;
      }>(
        `SELECT * FROM ipos_audit_log WHERE account_id = $1 AND ($2::bigint IS NULL OR id < $2)
         ORDER BY id DESC LIMIT $3`,
        [accountId, beforeId ?? null, limit],
      );
      return rows.map((row): StoredAuditEvent => ({
        id: Number(row.id),
        accountId: row.account_id,
        type: row.type as AuditEventType,
        at: Number(row.at),
        actorId: row.actor_id,
        actorName: row.actor_name,
        source: row.source,
        tpn: row.tpn,
        graceMinutes: row.grace_minutes === null ? null : Number(row.grace_minutes),
        role: row.role as UserRole | null,
      }));
    },
  };
}

/** A `CredentialStore` over any `SqlClient` speaking PostgreSQL's dialect. */
export function sqlStore(kind: CredentialStore['kind'], client: SqlClient): CredentialStore {
  return {
    kind,
    async migrate() {
      await migrate(client);
    },
    transaction: (work) => client.transaction((query) => work(transactionOver(query))),
    autocommit: (work) => work(transactionOver(client.query)),
    async sweep(now, rateWindowsBefore = now - SWEPT_AFTER_MS) {
      await client.query('DELETE FROM ipos_idempotency WHERE expires_at <= $1', [now]);
      await client.query('DELETE FROM ipos_rate_windows WHERE window_start < $1', [rateWindowsBefore]);
      await client.query('DELETE FROM ipos_unknown_key_attempts WHERE minute < $1', [now - SWEPT_AFTER_MS]);
    },
    close: () => client.close(),
  };
}
