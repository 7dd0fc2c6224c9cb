/**
 * A data-key rotation as docs/server.md describes it — add the new key as current, run reencryptSecrets() until
 * it reports 0, drop the old key — breaks nothing: secrets open, and retries of earlier Idempotency-Keys still
 * replay their first answers (stored answers are re-sealed too). On every store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYRING, STORE_KINDS, call, openStore, testServer, type OpenedStore } from './harness.js';

const NEW_KEY = Buffer.alloc(32, 11).toString('base64');

describe.each(STORE_KINDS)('data-key rotation on the %s store', (kind) => {
  let opened: OpenedStore;
  beforeAll(async () => {
    opened = await openStore(kind);
  });
  afterAll(() => opened.store.close());

  it('replays earlier Idempotency-Keys after the old key is dropped, and re-seals nothing twice', async () => {
    const before = testServer(opened.store);
    const account = `${kind}-rotation`;
    const generated = await call(before, 'POST', '/credentials', { account, headers: { 'Idempotency-Key': 'gen' } });
    const reset = await call(before, 'POST', '/credentials/secret/reset', {
      account,
      headers: { 'Idempotency-Key': 'reset' },
    });
    const token = await call(before, 'POST', '/tokens', {
      account,
      json: { tpn: '139322815010' },
      headers: { 'Idempotency-Key': 'token' },
    });
    const secret = (await call(before, 'POST', '/credentials/secret/reveal', { account })).body.secretKey;

    const rotating = testServer(opened.store, {
      dataKeys: { currentKeyId: 'k2', keys: { ...KEYRING.keys, k2: NEW_KEY } },
    });
    const { resealed } = await rotating.reencryptSecrets({ batchSize: 2 });
    const again = await rotating.reencryptSecrets();

    const after = testServer(opened.store, { dataKeys: { currentKeyId: 'k2', keys: { k2: NEW_KEY } } });
    for (const [path, first, json] of [
      ['/credentials', generated, undefined],
      ['/credentials/secret/reset', reset, undefined],
      ['/tokens', token, { tpn: '139322815010' }],
    ] as const) {
      const key = path === '/credentials' ? 'gen' : path === '/tokens' ? 'token' : 'reset';
      const retry = await call(after, 'POST', path, { account, json, headers: { 'Idempotency-Key': key } });
      expect([retry.status, retry.headers.get('Idempotent-Replayed')], path).toEqual([first.status, 'true']);
      expect(retry.body).toEqual(first.body);
    }
    expect((await call(after, 'POST', '/credentials/secret/reveal', { account })).body.secretKey).toBe(secret);
    expect(resealed).toBeGreaterThanOrEqual(4); // the secret and the three answers, at least
    expect(again).toEqual({ resealed: 0, unreadable: [] });
    // Back to k1 for the other files' servers on this store.
    await testServer(opened.store, {
      dataKeys: { currentKeyId: 'k1', keys: { ...KEYRING.keys, k2: NEW_KEY } },
    }).reencryptSecrets();
  });
});
