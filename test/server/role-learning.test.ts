/**
 * A role change is learned from every request that names the account, even one refused (403 for its role, 429
 * past a limit, a 4xx of its operation), and two sessions that disagree on the role cannot fill the log: at most
 * one `role-changed` per account and role a minute, while the keys follow every change. On every store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OffsetClock } from '../../src/server/clock.js';
import { STORE_KINDS, call, openStore, testServer, type OpenedStore } from './harness.js';

describe.each(STORE_KINDS)('learning a role on the %s store', (kind) => {
  let opened: OpenedStore;
  beforeAll(async () => {
    opened = await openStore(kind);
  });
  afterAll(() => opened.store.close());

  const storedRole = async (accountId: string) =>
    opened.store.transaction(async (tx) => (await tx.keys(accountId))?.role);

  it('records the new role from a request refused 403 for that role', async () => {
    const server = testServer(opened.store);
    const id = `${kind}-refused-403`;
    await call(server, 'POST', '/credentials', { account: id, role: 'merchant' });
    const token = await call(server, 'POST', '/tokens', { account: id, role: 'iso', json: { tpn: '139322815010' } });
    expect([token.status, token.body.errorCode]).toEqual([403, 'ROLE_FORBIDDEN']);
    expect(await storedRole(id)).toBe('iso');
    expect((await server.activity(id)).map((event) => [event.type, event.role])).toContainEqual([
      'role-changed',
      'iso',
    ]);
  });

  it('records the new role from a request refused 429', async () => {
    const server = testServer(opened.store, { rateLimits: { reveal: { limit: 1, windowSeconds: 3600 } } });
    const id = `${kind}-refused-429`;
    await call(server, 'POST', '/credentials', { account: id, role: 'merchant' });
    await call(server, 'POST', '/credentials/secret/reveal', { account: id, role: 'merchant' });
    const limited = await call(server, 'POST', '/credentials/secret/reveal', { account: id, role: 'agent' });
    expect(limited.status).toBe(429);
    expect(await storedRole(id)).toBe('agent');
  });

  it('audits a role flapping between two sessions at most once per role a minute, the keys following each change', async () => {
    const clock = new OffsetClock();
    const server = testServer(opened.store, { clock });
    const id = `${kind}-flapping`;
    await call(server, 'POST', '/credentials', { account: id, role: 'merchant' });
    for (let request = 0; request < 20; request++) {
      const role = request % 2 ? 'merchant' : 'iso';
      await call(server, 'GET', '/credentials', { account: id, role });
      expect(await storedRole(id)).toBe(role);
    }
    const changes = async () =>
      (await server.activity(id, { limit: 100 })).filter((event) => event.type === 'role-changed');
    expect((await changes()).map((event) => event.role)).toEqual(['merchant', 'iso']);
    clock.advance(60_000);
    await call(server, 'GET', '/credentials', { account: id, role: 'iso' });
    expect((await changes()).map((event) => event.role)).toEqual(['iso', 'merchant', 'iso']);
  });
});
