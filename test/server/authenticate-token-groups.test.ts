/**
 * authenticate-token reads keys and records attempts in groups, on memory, PGlite and PostgreSQL: requests that
 * arrive together share one read and one write; each finds its own key (an unknown one none); every answered
 * authentication is in the audit log, in order, with the key's latest use; a last use never moves back in time;
 * a reset committed before a request arrives refuses its old secret; and a write that fails answers each request
 * it held 503, none of them 200. A stranger's attempt (an unknown key) is counted per minute, never logged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, type CredentialStore } from '../../src/server/store.js';
import { STORE_KINDS, call, openStore, testServer, type OpenedStore } from './harness.js';

/** The `sub` of a JWT (the account it was issued to), read without checking it. */
const tokenSubject = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;

/** The store, its key reads and attempt writes counted (how many each held), its writes able to fail. */
function watchedStore(inner: CredentialStore) {
  const reads: number[] = [];
  const writes: number[] = [];
  const state = { failing: false };
  const store: CredentialStore = {
    ...inner,
    migrate: () => inner.migrate(),
    sweep: (now, before) => inner.sweep(now, before),
    close: () => inner.close(),
    transaction: (work) => inner.transaction(work),
    autocommit: (work) =>
      inner.autocommit((tx) =>
        work({
          ...tx,
          async recordAuthentications(attempts) {
            if (state.failing) throw new DatabaseUnavailableError(new Error('connection terminated'));
            writes.push(attempts.length);
            await tx.recordAuthentications(attempts);
          },
          keysByApiKeyIndexes(indexes) {
            reads.push(indexes.length);
            return tx.keysByApiKeyIndexes(indexes);
          },
        }),
      ),
  };
  return { store, reads, writes, state };
}

describe.each(STORE_KINDS)('%s store', (kind) => {
  let opened: OpenedStore;
  let folder: string;
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), `ipos-attempts-${kind}-`));
    opened = await openStore(kind, join(folder, 'data'));
  });
  afterAll(async () => {
    await opened.store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  /** Failed attempts with unknown keys, as the store counts them. */
  async function unknownKeyAttempts(): Promise<number> {
    if (opened.sql) {
      const [row] = (await opened.sql(
        'SELECT coalesce(sum(attempts), 0)::int AS n FROM ipos_unknown_key_attempts',
      )) as {
        n: number;
      }[];
      return row!.n;
    }
    const dump = JSON.parse(await opened.dump()) as { unknownKeyAttempts: [number, number][] };
    return dump.unknownKeyAttempts.reduce((sum, [, attempts]) => sum + attempts, 0);
  }

  async function keysOf(server: ReturnType<typeof testServer>, account: string) {
    const generated = await call(server, 'POST', '/credentials', { account });
    const revealed = await call(server, 'POST', '/credentials/secret/reveal', { account });
    return { apiKey: generated.body.keys.apiKey as string, secretKey: revealed.body.secretKey as string };
  }

  it('reads and writes concurrent attempts together, and audits each one it answered, in order, with the latest use', async () => {
    const { store, reads, writes } = watchedStore(opened.store);
    const server = testServer(store);
    const { apiKey, secretKey } = await keysOf(server, 'together');
    const attempts = Array.from({ length: 60 }, (_, index) => ({
      secretKey: index % 3 === 2 ? `dskey_${'w'.repeat(32)}` : secretKey,
      source: `198.51.100.${index}`,
    }));
    const answers = await Promise.all(
      attempts.map((attempt) =>
        call(server, 'POST', '/authenticate-token', {
          account: null,
          headers: { apiKey, secretKey: attempt.secretKey },
          source: attempt.source,
        }),
      ),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(40);
    expect(answers.filter((answer) => answer.status === 401)).toHaveLength(20);
    // Every attempt read and written once (one index a key: one data key), in fewer reads and writes than attempts.
    expect(reads.reduce((sum, size) => sum + size, 0)).toBe(60);
    expect(reads.length).toBeLessThan(60);
    expect(writes.reduce((sum, size) => sum + size, 0)).toBe(60);
    expect(writes.length).toBeLessThan(60);

    const events = (await server.activity('together', { limit: 100 })).filter((event) =>
      event.type.startsWith('authenticat'),
    );
    expect(events.filter((event) => event.type === 'authenticated')).toHaveLength(40);
    expect(events.filter((event) => event.type === 'authentication-failed')).toHaveLength(20);
    expect(new Set(events.map((event) => event.source))).toEqual(new Set(attempts.map((attempt) => attempt.source)));
    const keys = (await call(server, 'GET', '/credentials', { account: 'together' })).body.keys;
    const latest = Math.max(...events.filter((event) => event.type === 'authenticated').map((event) => event.at));
    expect(Date.parse(keys.lastUsedAt)).toBe(latest);
  });

  it('finds each key of a group its own row, an unknown one none, and a reset committed before refuses the old secret', async () => {
    const server = testServer(opened.store);
    const accounts = ['group-a', 'group-b', 'group-c'];
    const keys = await Promise.all(accounts.map((account) => keysOf(server, account)));
    const old = keys[1]!;
    expect((await call(server, 'POST', '/credentials/secret/reset', { account: 'group-b' })).status).toBe(200);
    const tries = [
      ...keys.map((key) => ({ ...key, expected: key === old ? 401 : 200 })),
      { apiKey: `dakey_${'Q'.repeat(32)}`, secretKey: keys[0]!.secretKey, expected: 401 },
      { apiKey: keys[0]!.apiKey, secretKey: keys[2]!.secretKey, expected: 401 },
    ];
    const answers = await Promise.all(
      tries.map(({ apiKey, secretKey }) =>
        call(server, 'POST', '/authenticate-token', { account: null, headers: { apiKey, secretKey } }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(tries.map((attempt) => attempt.expected));
    const subjects = answers.filter((answer) => answer.status === 200).map((answer) => tokenSubject(answer.body.token));
    expect(subjects).toEqual(['group-a', 'group-c']);
  });

  it("counts a group's unknown keys per minute, apart from the audit log, and logs its account's own failures", async () => {
    const { store, writes } = watchedStore(opened.store);
    const server = testServer(store);
    const { apiKey } = await keysOf(server, 'strangers');
    const unknownBefore = await unknownKeyAttempts();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        call(server, 'POST', '/authenticate-token', {
          account: null,
          headers: {
            apiKey: index % 3 === 0 ? apiKey : `dakey_${String(index).padStart(32, 'u')}`,
            secretKey: `dskey_${'w'.repeat(32)}`,
          },
          source: `198.51.100.${index}`,
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 30 }, () => 401));
    expect(writes.length).toBeLessThan(30);
    expect((await unknownKeyAttempts()) - unknownBefore).toBe(20);
    const failures = (await server.activity('strangers')).filter((event) => event.type === 'authentication-failed');
    expect(failures).toHaveLength(10);
    if (opened.sql) {
      expect(await opened.sql('SELECT count(*)::int AS n FROM ipos_audit_log WHERE account_id IS NULL')).toEqual([
        { n: 0 },
      ]);
    } else {
      const dump = JSON.parse(await opened.dump()) as { audit: { accountId: string | null }[] };
      expect(dump.audit.filter((event) => event.accountId === null)).toEqual([]);
    }
  });

  it('never moves a last use back in time', async () => {
    const server = testServer(opened.store);
    await keysOf(server, 'monotonic');
    await opened.store.autocommit((tx) =>
      tx.recordAuthentications([
        { accountId: 'monotonic', succeeded: true, at: 2_000_000, source: '203.0.113.2' },
        { accountId: 'monotonic', succeeded: true, at: 1_000_000, source: '203.0.113.1' },
      ]),
    );
    await opened.store.autocommit((tx) =>
      tx.recordAuthentications([{ accountId: 'monotonic', succeeded: true, at: 1_500_000, source: '203.0.113.3' }]),
    );
    const row = await opened.store.transaction((tx) => tx.keys('monotonic'));
    expect([row?.lastUsedAt, row?.lastUsedFrom]).toEqual([2_000_000, '203.0.113.2']);
    const events = await server.activity('monotonic');
    expect(events.slice(0, 3).map((event) => [event.type, event.at, event.actorId])).toEqual([
      ['authenticated', 1_500_000, 'monotonic'],
      ['authenticated', 1_000_000, 'monotonic'],
      ['authenticated', 2_000_000, 'monotonic'],
    ]);
  });

  it('answers 503 to every request whose write failed, none 200, and 200 once writes succeed', async () => {
    const { store, state } = watchedStore(opened.store);
    const server = testServer(store);
    const { apiKey, secretKey } = await keysOf(server, 'unwritten');
    const authenticate = () =>
      call(server, 'POST', '/authenticate-token', { account: null, headers: { apiKey, secretKey } });
    state.failing = true;
    const refused = await Promise.all(Array.from({ length: 8 }, authenticate));
    expect(refused.map((answer) => [answer.status, answer.body.errorCode])).toEqual(
      Array.from({ length: 8 }, () => [503, 'DATABASE_UNAVAILABLE']),
    );
    expect((await server.activity('unwritten')).filter((event) => event.type === 'authenticated')).toHaveLength(0);
    state.failing = false;
    expect((await authenticate()).status).toBe(200);
    expect((await server.activity('unwritten')).filter((event) => event.type === 'authenticated')).toHaveLength(1);
  });
});
