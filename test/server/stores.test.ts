/**
 * The credentials server over each store — memory, PGlite (file-backed) and a real PostgreSQL:
 * the same flows, the same rows, no secret at rest in plaintext, concurrency without lost updates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createLocalJWKSet, jwtVerify } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authTokenSchema, credentialsSchema } from '../../src/contract/schemas.js';
import type { CredentialsServer } from '../../src/server/credentials-server.js';
import { MIGRATIONS } from '../../src/server/stores/sql-store.js';
import { pgliteStore } from '../../src/server/stores/pglite.js';
import { postgresStore } from '../../src/server/stores/postgres.js';
import { KEYRING, STORE_KINDS, call, freshDatabase, openStore, testServer, type OpenedStore } from './harness.js';

const TPN = '139322815010';

describe.each(STORE_KINDS)('%s store', (kind) => {
  let opened: OpenedStore;
  let server: CredentialsServer;
  let folder: string;
  let accounts = 0;
  const account = () => `${kind}-acct-${++accounts}`;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), `ipos-${kind}-`));
    opened = await openStore(kind, join(folder, 'data'));
    server = testServer(opened.store);
  });
  afterAll(async () => {
    await opened.store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  /** Every secret the flows saw must be absent from the dump, and so must any `dskey_` at all. */
  const seen = new Set<string>();
  async function expectNoSecretAtRest(): Promise<void> {
    const dump = await opened.dump();
    expect(dump.length).toBeGreaterThan(0);
    expect(dump).not.toContain('dskey_');
    for (const secret of seen) expect(dump).not.toContain(secret.slice('dskey_'.length));
  }

  async function reveal(id: string): Promise<string> {
    const answer = await call(server, 'POST', '/credentials/secret/reveal', { account: id });
    expect(answer.status).toBe(200);
    seen.add(answer.body.secretKey);
    return answer.body.secretKey;
  }

  function authenticate(apiKey: string, secretKey: string, target = server) {
    return call(target, 'POST', '/authenticate-token', { account: null, headers: { apiKey, secretKey } });
  }

  it('generates, reveals, resets and authenticates; the dump holds no secret after each flow', async () => {
    const id = account();
    const generated = await call(server, 'POST', '/credentials', { account: id });
    expect(generated.status).toBe(201);
    expect(credentialsSchema.parse(generated.body).keys?.apiKey).toMatch(/^dakey_[A-Za-z0-9_-]{32}$/);
    await expectNoSecretAtRest();

    const first = await reveal(id);
    expect(first.slice(-4)).toBe(generated.body.keys.secretKeyHint);
    expect((await authenticate(generated.body.keys.apiKey, first)).status).toBe(200);
    await expectNoSecretAtRest();

    const reset = await call(server, 'POST', '/credentials/secret/reset', { account: id });
    expect(reset.status).toBe(200);
    const second = await reveal(id);
    expect(second).not.toBe(first);
    expect((await authenticate(generated.body.keys.apiKey, first)).body.errorCode).toBe('AUTH_ERR_004');
    expect((await authenticate(generated.body.keys.apiKey, second)).status).toBe(200);
    const used = (await call(server, 'GET', '/credentials', { account: id })).body.keys;
    expect(used.lastUsedFrom).toBe('127.0.0.1');
    expect(Date.parse(used.lastUsedAt)).toBeGreaterThan(0);
    expect(generated.body.keys.lastUsedAt).toBeNull();
    await expectNoSecretAtRest();

    const token = await call(server, 'POST', '/tokens', {
      account: id,
      json: { tpn: TPN },
      headers: { 'Idempotency-Key': 't1' },
    });
    expect(token.status).toBe(201);
    authTokenSchema.parse(token.body);
    const refreshed = await call(server, 'POST', '/tokens/refresh', { account: id, json: { token: token.body.token } });
    expect(refreshed.status).toBe(200);
    const { payload } = await jwtVerify(refreshed.body.token, createLocalJWKSet(await server.jwks()));
    expect(payload.sub).toBe(id);
    await expectNoSecretAtRest();

    const activity = await server.activity(id);
    expect(activity.map((event) => event.type)).toEqual([
      'token-refreshed',
      'token-generated',
      'authenticated',
      'authentication-failed',
      'secret-revealed',
      'secret-reset',
      'authenticated',
      'secret-revealed',
      'keys-generated',
    ]);
    expect(activity[0]).toMatchObject({ actorId: id, actorName: `Admin of ${id}`, source: '127.0.0.1', tpn: TPN });
  });

  it('replays an idempotent answer from the store, across server instances, and only for the same body', async () => {
    const id = account();
    const twin = testServer(await opened.twin());
    const headers = { 'Idempotency-Key': 'replay-1' };
    const first = await call(server, 'POST', '/tokens', { account: id, json: { tpn: TPN }, headers });
    const again = await call(twin, 'POST', '/tokens', { account: id, json: { tpn: TPN }, headers });
    expect(again.body.token).toBe(first.body.token);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    const other = await call(twin, 'POST', '/tokens', { account: id, json: { tpn: '139322815011' }, headers });
    expect([other.status, other.body.errorCode]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    // The body is remembered as a hash; the answer (a token) sealed.
    expect(await opened.dump()).not.toContain(first.body.token);
  });

  it('does the work once for 10 concurrent requests with one key through two instances', async () => {
    const id = account();
    const twin = testServer(await opened.twin());
    const headers = { 'Idempotency-Key': 'double-click' };
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        call(index % 2 ? twin : server, 'POST', '/tokens', { account: id, json: { tpn: TPN }, headers }),
      ),
    );
    expect(new Set(answers.map((answer) => answer.body.token)).size).toBe(1);
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(201));
    const issued = (await server.activity(id)).filter((event) => event.type === 'token-generated');
    expect(issued).toHaveLength(1);
  });

  it('forgets a replay after its expiry (sweep and claim alike) and keeps no answer over the size cap', async () => {
    const id = account();
    let now = Date.UTC(2030, 0, 1);
    const clock = { now: () => now };
    const short = testServer(opened.store, { clock, idempotency: { ttlSeconds: 60 } });
    const headers = { 'Idempotency-Key': 'expiring' };
    const first = await call(short, 'POST', '/tokens', { account: id, json: { tpn: TPN }, headers });
    now += 59_000;
    expect((await call(short, 'POST', '/tokens', { account: id, json: { tpn: TPN }, headers })).body.token).toBe(
      first.body.token,
    );
    now += 2_000;
    await opened.store.sweep(now);
    const later = await call(short, 'POST', '/tokens', { account: id, json: { tpn: TPN }, headers });
    expect(later.headers.get('Idempotent-Replayed')).toBeNull();
    expect(later.body.token).not.toBe(first.body.token);
    const tiny = testServer(opened.store, { idempotency: { maxAnswerBytes: 100 } });
    const big = await call(tiny, 'POST', '/tokens', {
      account: id,
      json: { tpn: TPN },
      headers: { 'Idempotency-Key': 'big' },
    });
    const again = await call(tiny, 'POST', '/tokens', {
      account: id,
      json: { tpn: TPN },
      headers: { 'Idempotency-Key': 'big' },
    });
    expect(again.body.token).not.toBe(big.body.token);
  });

  it('keeps exactly 100 rotations for 100 concurrent resets, the last committed secret the one that works', async () => {
    const id = account();
    const generated = await call(server, 'POST', '/credentials', { account: id });
    const twin = testServer(await opened.twin());
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        call(index % 2 ? twin : server, 'POST', '/credentials/secret/reset', {
          account: id,
          headers: { 'Idempotency-Key': `reset-${index}` },
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(100).fill(200));
    const rotations = await opened.store.transaction(async (tx) => (await tx.keys(id))?.rotation);
    expect(rotations).toBe(100);
    const resets = (await server.activity(id, { limit: 500 })).filter((event) => event.type === 'secret-reset');
    expect(resets).toHaveLength(100);
    const final = await reveal(id);
    const current = await call(server, 'GET', '/credentials', { account: id });
    expect(current.body.keys.secretKeyHint).toBe(final.slice(-4));
    expect((await authenticate(generated.body.keys.apiKey, final, twin)).status).toBe(200);
  });

  it('generates keys once under concurrent generates: one 201, the rest 409', async () => {
    const id = account();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => call(server, 'POST', '/credentials', { account: id })),
    );
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 409)).toHaveLength(9);
  });

  it('reads rows sealed with a retired data key, and re-encrypts them under the current one', async () => {
    const id = account();
    const generated = await call(server, 'POST', '/credentials', { account: id });
    const secret = await reveal(id);
    const rotated = testServer(opened.store, {
      dataKeys: { currentKeyId: 'k2', keys: { ...KEYRING.keys, k2: Buffer.alloc(32, 9).toString('base64') } },
    });
    expect(await revealWith(rotated, id)).toBe(secret);
    expect((await authenticate(generated.body.keys.apiKey, secret, rotated)).status).toBe(200);
    const { resealed } = await rotated.reencryptSecrets({ batchSize: 2 });
    expect(resealed).toBeGreaterThanOrEqual(1);
    expect((await rotated.reencryptSecrets()).resealed).toBe(0);
    const onlyNew = testServer(opened.store, {
      dataKeys: { currentKeyId: 'k2', keys: { k2: Buffer.alloc(32, 9).toString('base64') } },
    });
    expect(await revealWith(onlyNew, id)).toBe(secret);
    expect((await authenticate(generated.body.keys.apiKey, secret, onlyNew)).status).toBe(200);
    // Back to k1 for the other tests: seal everything with it again.
    const back = testServer(opened.store, {
      dataKeys: { currentKeyId: 'k1', keys: { ...KEYRING.keys, k2: Buffer.alloc(32, 9).toString('base64') } },
    });
    await back.reencryptSecrets();
  });

  it('holds rate limits in the store, across instances: 429 with Retry-After past the limit', async () => {
    const id = account();
    await call(server, 'POST', '/credentials', { account: id });
    const limits = { reveal: { limit: 3, windowSeconds: 3600 } };
    const a = testServer(opened.store, { rateLimits: limits });
    const b = testServer(await opened.twin(), { rateLimits: limits });
    const statuses = [];
    for (const target of [a, b, a, b])
      statuses.push((await call(target, 'POST', '/credentials/secret/reveal', { account: id })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await call(a, 'POST', '/credentials/secret/reveal', { account: id });
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(limited.body.errorCode).toBe('RATE_LIMITED');
  });

  it('runs its migrations again without change', async () => {
    await opened.store.migrate();
    await opened.store.migrate();
    const id = account();
    expect((await call(server, 'POST', '/credentials', { account: id })).status).toBe(201);
  });

  async function revealWith(target: CredentialsServer, id: string): Promise<string> {
    return (await call(target, 'POST', '/credentials/secret/reveal', { account: id })).body.secretKey;
  }
});

describe.each(['pglite', 'postgres'] as const)('%s schema', (kind) => {
  it('keeps the audit log append-only: UPDATE and DELETE are refused by the database', async () => {
    const opened = await openStore(kind);
    try {
      await call(testServer(opened.store), 'POST', '/credentials', { account: 'audited' });
      await expect(opened.sql!(`UPDATE ipos_audit_log SET type = 'x'`)).rejects.toThrow(/append-only/);
      await expect(opened.sql!('DELETE FROM ipos_audit_log')).rejects.toThrow(/append-only/);
      expect(await opened.sql!('SELECT type FROM ipos_audit_log')).toEqual([{ type: 'keys-generated' }]);
    } finally {
      await opened.store.close();
    }
  });

  it('records each migration once, however often it runs', async () => {
    const opened = await openStore(kind);
    try {
      const twin = await opened.twin();
      await Promise.all([opened.store.migrate(), twin.migrate(), opened.store.migrate()]);
      expect(await opened.sql!('SELECT version FROM ipos_schema_migrations ORDER BY version')).toEqual(
        MIGRATIONS.map(({ version }) => ({ version })),
      );
      if (twin !== opened.store) await twin.close();
    } finally {
      await opened.store.close();
    }
  });

  it('gives the replays of an older release their account when it upgrades (migration 4)', async () => {
    // The database as release 3 left it: migrations 1–3 applied, replays known by scope alone.
    const older = await openOlderDatabase(kind, 3);
    try {
      await older.exec(
        `INSERT INTO ipos_idempotency (scope, key, request_hash, expires_at)
         VALUES ('acme corp POST /tokens', 'k1', 'h', 1), ('acme POST /credentials/secret/reset', 'k2', 'h', 1)`,
      );
      const store = await older.open();
      try {
        expect(await older.rows('SELECT account_id, key FROM ipos_idempotency ORDER BY key')).toEqual([
          { account_id: 'acme corp', key: 'k1' },
          { account_id: 'acme', key: 'k2' },
        ]);
      } finally {
        await store.close();
      }
    } finally {
      await older.close();
    }
  });
});

/** An empty database with the first `version` migrations applied, as an older release would have left it. */
async function openOlderDatabase(kind: 'pglite' | 'postgres', version: number) {
  const applied = MIGRATIONS.filter((migration) => migration.version <= version);
  const bookkeeping = `CREATE TABLE ipos_schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
    ${applied.map((migration) => `${migration.sql};\nINSERT INTO ipos_schema_migrations (version, name) VALUES (${migration.version}, 'older');`).join('\n')}`;
  if (kind === 'pglite') {
    const database = await PGlite.create();
    await database.exec(bookkeeping);
    return {
      exec: async (sql: string) => void (await database.exec(sql)),
      rows: async (sql: string) => (await database.query(sql)).rows,
      open: () => pgliteStore({ database }),
      close: async () => {
        if (!database.closed) await database.close();
      },
    };
  }
  const url = await freshDatabase();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(bookkeeping);
  return {
    exec: async (sql: string) => void (await client.query(sql)),
    rows: async (sql: string) => (await client.query(sql)).rows,
    open: () => postgresStore({ connectionString: url }),
    close: () => client.end(),
  };
}
