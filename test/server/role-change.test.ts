/**
 * A role change reaches tokens: `authenticate-token` signs the scopes of the account's current role, as the
 * server last learned it from `resolveAccount` or from the host's `accountRoleChanged()`; never the role the
 * keys were generated under. Each change is audited once as `role-changed`. On every store.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialsServer } from '../../src/server/credentials-server.js';
import { STORE_KINDS, call, openStore, testServer, type OpenedStore } from './harness.js';

const MERCHANT_SCOPES = 'PaymentTokenization Recurring BatchReport';

describe.each(STORE_KINDS)('role changes on the %s store', (kind) => {
  let opened: OpenedStore;
  let server: CredentialsServer;
  let accounts = 0;
  const account = () => `${kind}-role-${++accounts}`;

  beforeAll(async () => {
    opened = await openStore(kind);
    server = testServer(opened.store);
  });
  afterAll(() => opened.store.close());

  /** Keys generated as a merchant, and the secret. */
  async function merchantKeys(id: string) {
    const generated = await call(server, 'POST', '/credentials', { account: id, role: 'merchant' });
    const { secretKey } = (await call(server, 'POST', '/credentials/secret/reveal', { account: id })).body;
    return { apiKey: generated.body.keys.apiKey as string, secretKey: secretKey as string };
  }

  /** The `scope` claim of a token `authenticate-token` issues for these keys. */
  async function signedScope(keys: { apiKey: string; secretKey: string }): Promise<string> {
    const answer = await call(server, 'POST', '/authenticate-token', { account: null, headers: keys });
    expect(answer.status).toBe(200);
    const { payload } = await jwtVerify(answer.body.token, createLocalJWKSet(await server.jwks()));
    return payload['scope'] as string;
  }

  const roleChanges = async (id: string) =>
    (await server.activity(id, { limit: 100 })).filter((event) => event.type === 'role-changed');

  it('signs the new role’s scopes once resolveAccount says the account is an agent, even after a reset as the agent', async () => {
    const id = account();
    const keys = await merchantKeys(id);
    expect(await signedScope(keys)).toBe(MERCHANT_SCOPES);
    const seen = await call(server, 'GET', '/credentials', { account: id, role: 'agent' });
    expect(seen.body.scopes).toEqual(['ExternalApi']);
    expect(await signedScope(keys)).toBe('ExternalApi');
    await call(server, 'POST', '/credentials/secret/reset', { account: id, role: 'agent' });
    const secretKey = (await call(server, 'POST', '/credentials/secret/reveal', { account: id, role: 'agent' })).body
      .secretKey;
    expect(await signedScope({ apiKey: keys.apiKey, secretKey })).toBe('ExternalApi');
    const changes = await roleChanges(id);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ role: 'agent', actorId: id, source: '127.0.0.1' });
  });

  it('follows the role back, and records each change once however many requests see it at the same time', async () => {
    const id = account();
    const keys = await merchantKeys(id);
    await Promise.all(
      Array.from({ length: 10 }, () => call(server, 'GET', '/credentials', { account: id, role: 'iso' })),
    );
    expect(await roleChanges(id)).toHaveLength(1);
    expect(await signedScope(keys)).toBe('ExternalApi');
    await call(server, 'GET', '/terminals', { account: id, role: 'merchant' });
    expect(await signedScope(keys)).toBe(MERCHANT_SCOPES);
    expect((await roleChanges(id)).map((event) => event.role)).toEqual(['merchant', 'iso']);
  });

  it('takes the host’s accountRoleChanged() before the account’s next request, audited once with no actor', async () => {
    const id = account();
    const keys = await merchantKeys(id);
    expect(await server.accountRoleChanged(id, 'agent')).toEqual({ changed: true });
    expect(await server.accountRoleChanged(id, 'agent')).toEqual({ changed: false });
    expect(await signedScope(keys)).toBe('ExternalApi');
    const [change] = await roleChanges(id);
    expect(change).toMatchObject({ type: 'role-changed', role: 'agent', actorId: null, source: null });
    // The trail words it like the others, with no actor line.
    const trail = await call(server, 'GET', '/credentials/activity', { account: id, role: 'agent' });
    const shown = trail.body.events.find((event: { type: string }) => event.type === 'role-changed');
    expect(shown).toEqual({ id: String(change!.id), type: 'role-changed', at: expect.any(String) });
    expect(await server.accountRoleChanged('no-keys-yet', 'iso')).toEqual({ changed: false });
    await expect(server.accountRoleChanged(id, 'admin' as 'iso')).rejects.toThrow(
      /role must be one of merchant, iso, agent/,
    );
  });

  it('refuses tokens to an account that is no longer a merchant', async () => {
    const id = account();
    await merchantKeys(id);
    const token = await call(server, 'POST', '/tokens', { account: id, role: 'iso', json: { tpn: '139322815010' } });
    expect([token.status, token.body.errorCode]).toEqual([403, 'ROLE_FORBIDDEN']);
  });
});
