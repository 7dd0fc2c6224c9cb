/**
 * The audit log grows with accounts' own events only: a stranger's failed attempts (API keys nobody has) are
 * counted per minute, apart from it, on every store; and on the bounded memory store no account's events, and
 * no stranger's, evict another account's history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialsServer } from '../../src/server/credentials-server.js';
import { memoryStore } from '../../src/server/stores/memory.js';
import { STORE_KINDS, call, openStore, testServer, type OpenedStore } from './harness.js';

const ATTEMPTS = 200;

function authenticate(server: CredentialsServer, apiKey: string, source: string) {
  return call(server, 'POST', '/authenticate-token', {
    account: null,
    source,
    headers: { apiKey, secretKey: `dskey_${'w'.repeat(32)}` },
  });
}

describe.each(STORE_KINDS)('failed attempts on the %s store', (kind) => {
  let opened: OpenedStore;
  beforeAll(async () => {
    opened = await openStore(kind);
  });
  afterAll(() => opened.store.close());

  it("counts a stranger's failed attempts per minute and adds no audit event for them", async () => {
    const server = testServer(opened.store);
    const apiKey = (await call(server, 'POST', '/credentials', { account: `${kind}-own` })).body.keys.apiKey;
    for (let index = 0; index < ATTEMPTS; index++) {
      const unknown = await authenticate(
        server,
        `dakey_${String(index).padStart(32, 'x')}`,
        `10.1.${index >> 8}.${index & 255}`,
      );
      expect(unknown.status).toBe(401);
    }
    expect((await authenticate(server, apiKey, '10.2.0.1')).status).toBe(401);

    if (opened.sql) {
      expect(await opened.sql('SELECT count(*)::int AS n FROM ipos_audit_log WHERE account_id IS NULL')).toEqual([
        { n: 0 },
      ]);
      expect(await opened.sql('SELECT sum(attempts)::int AS n FROM ipos_unknown_key_attempts')).toEqual([
        { n: ATTEMPTS },
      ]);
    } else {
      const dump = JSON.parse(await opened.dump());
      expect(dump.audit.filter((event: { accountId: unknown }) => event.accountId === null)).toEqual([]);
      expect(dump.unknownKeyAttempts.reduce((sum: number, [, n]: [number, number]) => sum + n, 0)).toBe(ATTEMPTS);
    }
    // The account's own failed attempt is its history.
    const activity = await server.activity(`${kind}-own`);
    expect(activity.map((event) => event.type)).toEqual(['authentication-failed', 'keys-generated']);
  });
});

describe('the memory store’s audit bounds', () => {
  it("keeps an account's history however many events other accounts add", async () => {
    const store = memoryStore({ maxAuditEvents: 100, maxAuditEventsPerAccount: 60 });
    const server = testServer(store);
    await call(server, 'POST', '/credentials', { account: 'quiet' });
    await call(server, 'POST', '/credentials/secret/reveal', { account: 'quiet' });
    const noisy = (await call(server, 'POST', '/credentials', { account: 'noisy' })).body.keys.apiKey;
    const busy = (await call(server, 'POST', '/credentials', { account: 'busy' })).body.keys.apiKey;
    for (let index = 0; index < 150; index++) {
      await authenticate(server, noisy, '10.3.0.1');
      await authenticate(server, busy, '10.3.0.2');
      await authenticate(server, `dakey_${String(index).padStart(32, 'y')}`, '10.3.0.3');
    }
    expect((await server.activity('quiet')).map((event) => event.type)).toEqual(['secret-revealed', 'keys-generated']);
    expect(store.size().auditEvents).toBeLessThanOrEqual(100);
    expect((await server.activity('noisy', { limit: 1000 })).length).toBeLessThanOrEqual(60);
    expect((await server.activity('busy', { limit: 1000 })).length).toBeGreaterThan(0);
  });
});
