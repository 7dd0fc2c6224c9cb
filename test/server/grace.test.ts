/**
 * A reset with a grace window, on every store: the previous secret authenticates until the window ends (by the
 * server's clock), a revoke ends it at once, a second reset keeps only the secret it replaced, and neither
 * secret is ever at rest in plaintext.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsSchema } from '../../src/contract/schemas.js';
import { OffsetClock } from '../../src/server/clock.js';
import type { CredentialsServer } from '../../src/server/credentials-server.js';
import { KEYRING, STORE_KINDS, call, openStore, testServer, type OpenedStore } from './harness.js';

const MINUTE = 60_000;

describe.each(STORE_KINDS)('grace window (%s store)', (kind) => {
  let opened: OpenedStore;
  let server: CredentialsServer;
  let folder: string;
  // Frozen, so the edge of a window is exact: time moves only when a test moves it.
  const clock = new OffsetClock({ now: () => Date.UTC(2026, 10, 24, 12) });
  let accounts = 0;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), `ipos-grace-${kind}-`));
    opened = await openStore(kind, join(folder, 'data'));
    server = testServer(opened.store, { clock });
  });
  afterAll(async () => {
    await opened.store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  /** A new account with keys: its id, API key and current secret. */
  async function withKeys() {
    const id = `${kind}-grace-${++accounts}`;
    const generated = await call(server, 'POST', '/credentials', { account: id });
    return { id, apiKey: generated.body.keys.apiKey as string, secret: await reveal(id) };
  }
  async function reveal(id: string): Promise<string> {
    return (await call(server, 'POST', '/credentials/secret/reveal', { account: id })).body.secretKey;
  }
  const reset = (id: string, json?: unknown) =>
    call(server, 'POST', '/credentials/secret/reset', { account: id, json });
  const revoke = (id: string) => call(server, 'POST', '/credentials/secret/previous/revoke', { account: id });
  async function authenticates(apiKey: string, secretKey: string): Promise<number | string> {
    const answer = await call(server, 'POST', '/authenticate-token', { account: null, headers: { apiKey, secretKey } });
    return answer.status === 200 ? 200 : answer.body.errorCode;
  }
  const auditTypes = async (id: string) =>
    (await server.activity(id)).map(
      ({ type, graceMinutes }) => `${type}${graceMinutes === null ? '' : `:${graceMinutes}`}`,
    );

  it('keeps the old secret working for graceMinutes, by the server clock, and says until when', async () => {
    const { id, apiKey, secret: old } = await withKeys();
    const answer = await reset(id, { graceMinutes: 60 });
    expect(answer.status).toBe(200);
    const until = Date.parse(credentialsSchema.parse(answer.body).keys!.previousSecretValidUntil!);
    expect(until - clock.now()).toBe(60 * MINUTE);
    const fresh = await reveal(id);
    expect([await authenticates(apiKey, old), await authenticates(apiKey, fresh)]).toEqual([200, 200]);

    clock.advance(until - clock.now() - 1);
    expect(await authenticates(apiKey, old)).toBe(200);
    clock.advance(1);
    expect(await authenticates(apiKey, old)).toBe('AUTH_ERR_004');
    expect(await authenticates(apiKey, fresh)).toBe(200);
    expect((await call(server, 'GET', '/credentials', { account: id })).body.keys.previousSecretValidUntil).toBeNull();
    clock.reset();
  });

  it('ends the window on revoke, records it once, and answers a repeat with the credentials', async () => {
    const { id, apiKey, secret: old } = await withKeys();
    await reset(id, { graceMinutes: 1440 });
    const revoked = await revoke(id);
    expect(revoked.status).toBe(200);
    expect(credentialsSchema.parse(revoked.body).keys!.previousSecretValidUntil).toBeNull();
    expect(await authenticates(apiKey, old)).toBe('AUTH_ERR_004');
    expect(await authenticates(apiKey, await reveal(id))).toBe(200);
    const again = await revoke(id);
    expect([again.status, again.body.keys.secretKeyHint]).toEqual([200, revoked.body.keys.secretKeyHint]);
    expect((await auditTypes(id)).slice(0, 4)).toEqual([
      'authenticated',
      'secret-revealed',
      'authentication-failed',
      'previous-secret-revoked',
    ]);
    expect(await auditTypes(id)).toContain('secret-reset:1440');
  });

  it('stops the old secret at once with graceMinutes 0 or no body, as before', async () => {
    const { id, apiKey, secret: old } = await withKeys();
    const answer = await reset(id, { graceMinutes: 0 });
    expect(answer.body.keys.previousSecretValidUntil).toBeNull();
    expect(await authenticates(apiKey, old)).toBe('AUTH_ERR_004');
    const plain = await reset(id);
    expect([plain.status, plain.body.keys.previousSecretValidUntil]).toEqual([200, null]);
    expect((await auditTypes(id)).filter((type) => type.startsWith('secret-reset'))).toEqual([
      'secret-reset:0',
      'secret-reset:0',
    ]);
  });

  it('refuses every other body with 400 INVALID_GRACE_MINUTES, JSON null included, and resets nothing', async () => {
    const { id, apiKey, secret } = await withKeys();
    for (const body of [null, '60', 1.5, -1, 1441, [], { graceMinutes: null }, { graceMinutes: '60' }]) {
      const answer = await reset(id, body);
      expect([answer.status, answer.body.errorCode], JSON.stringify(body)).toEqual([400, 'INVALID_GRACE_MINUTES']);
    }
    expect(await authenticates(apiKey, secret)).toBe(200);
    expect((await auditTypes(id)).filter((type) => type.startsWith('secret-reset'))).toEqual([]);
  });

  it('keeps only the secret a second reset replaced: the older one stops at once', async () => {
    const { id, apiKey, secret: first } = await withKeys();
    await reset(id, { graceMinutes: 60 });
    const second = await reveal(id);
    await reset(id, { graceMinutes: 60 });
    const third = await reveal(id);
    expect(await authenticates(apiKey, first)).toBe('AUTH_ERR_004');
    expect([await authenticates(apiKey, second), await authenticates(apiKey, third)]).toEqual([200, 200]);
    // An immediate reset during a window ends it too: only the newest secret works.
    await reset(id, { graceMinutes: 0 });
    expect([await authenticates(apiKey, second), await authenticates(apiKey, third)]).toEqual([
      'AUTH_ERR_004',
      'AUTH_ERR_004',
    ]);
  });

  it.each([
    [{ graceMinutes: -1 }],
    [{ graceMinutes: 1441 }],
    [{ graceMinutes: 1.5 }],
    [{ graceMinutes: '60' }],
    [{ graceMinutes: null }],
    [[60]],
  ])('refuses %j with 400 INVALID_GRACE_MINUTES and resets nothing', async (body) => {
    const { id, apiKey, secret } = await withKeys();
    const answer = await reset(id, body);
    expect([answer.status, answer.body.errorCode]).toEqual([400, 'INVALID_GRACE_MINUTES']);
    expect(answer.body.errorMessage).toMatch(/0 to 1440/);
    expect(await authenticates(apiKey, secret)).toBe(200);
  });

  it('answers a revoke for an account without keys with 404 KEYS_NOT_FOUND', async () => {
    const answer = await revoke(`${kind}-no-keys`);
    expect([answer.status, answer.body.errorCode]).toEqual([404, 'KEYS_NOT_FOUND']);
  });

  it('records lastUsed for either secret, and keeps both sealed at rest', async () => {
    const { id, apiKey, secret: old } = await withKeys();
    await reset(id, { graceMinutes: 60 });
    const fresh = await reveal(id);
    expect(await authenticates(apiKey, old)).toBe(200);
    const afterOld = (await call(server, 'GET', '/credentials', { account: id })).body.keys.lastUsedAt;
    expect(afterOld).not.toBeNull();
    clock.advance(1000);
    expect(await authenticates(apiKey, fresh)).toBe(200);
    const afterFresh = (await call(server, 'GET', '/credentials', { account: id })).body.keys.lastUsedAt;
    expect(Date.parse(afterFresh)).toBeGreaterThan(Date.parse(afterOld));
    clock.reset();
    const dump = await opened.dump();
    expect(dump).not.toContain('dskey_');
    for (const secret of [old, fresh]) expect(dump).not.toContain(secret.slice('dskey_'.length));
  });

  it('re-encrypts the previous secret too, so it still authenticates once the old data key is dropped', async () => {
    const { id, apiKey, secret: old } = await withKeys();
    await reset(id, { graceMinutes: 60 });
    const k2 = Buffer.alloc(32, 9).toString('base64');
    await testServer(opened.store, {
      clock,
      dataKeys: { currentKeyId: 'k2', keys: { ...KEYRING.keys, k2 } },
    }).reencryptSecrets();
    const onlyK2 = testServer(opened.store, { clock, dataKeys: { currentKeyId: 'k2', keys: { k2 } } });
    const answer = await call(onlyK2, 'POST', '/authenticate-token', {
      account: null,
      headers: { apiKey, secretKey: old },
    });
    expect(answer.status).toBe(200);
    // Back to k1 for the other tests.
    await testServer(opened.store, {
      clock,
      dataKeys: { currentKeyId: 'k1', keys: { ...KEYRING.keys, k2 } },
    }).reencryptSecrets();
  });

  it('replays a repeated Idempotency-Key of a revoke without a second audit event', async () => {
    const { id } = await withKeys();
    await reset(id, { graceMinutes: 60 });
    const headers = { 'Idempotency-Key': `revoke-${id}` };
    const first = await call(server, 'POST', '/credentials/secret/previous/revoke', { account: id, headers });
    const repeat = await call(server, 'POST', '/credentials/secret/previous/revoke', { account: id, headers });
    expect(repeat.headers.get('Idempotent-Replayed')).toBe('true');
    expect(repeat.body).toEqual(first.body);
    expect((await auditTypes(id)).filter((type) => type === 'previous-secret-revoked')).toHaveLength(1);
  });
});
