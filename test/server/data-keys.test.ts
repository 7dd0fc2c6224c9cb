/**
 * A fleet whose instances disagree on a data key: the same key id with other bytes is refused at start, naming
 * the key id and `dataKeys`, before it can answer a request or re-seal a row the others then cannot open; and a
 * rotation that meets a value no key opens skips it and names its account instead of aborting. Real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYRING, call, openStore, testServer, type OpenedStore } from './harness.js';

const OTHER_BYTES = { currentKeyId: 'k1', keys: { k1: Buffer.alloc(32, 9).toString('base64') } };

describe('two servers on one PostgreSQL with different bytes under one data key id', () => {
  let opened: OpenedStore;
  beforeAll(async () => {
    opened = await openStore('postgres');
  });
  afterAll(() => opened.store.close());

  it('refuses the second at start and on its first request, naming the key id, and leaves the row unchanged', async () => {
    const a = testServer(opened.store);
    await a.ready();
    await call(a, 'POST', '/credentials', { account: 'fleet' });
    const secret = (await call(a, 'POST', '/credentials/secret/reveal', { account: 'fleet' })).body.secretKey;

    const twin = await opened.twin();
    const logged: string[] = [];
    const b = testServer(twin, { dataKeys: OTHER_BYTES, logError: (line) => logged.push(line) });
    await expect(b.ready()).rejects.toThrow(
      /dataKeys\.keys\["k1"\]: not the key this store's secrets were sealed with/,
    );
    const reset = await call(b, 'POST', '/credentials/secret/reset', { account: 'fleet' });
    expect(reset.status).toBe(500);
    expect(logged.join('\n')).toMatch(/dataKeys\.keys\["k1"\]/);

    // A is untouched: the secret it sealed still opens, and no reset happened.
    const again = await call(a, 'POST', '/credentials/secret/reveal', { account: 'fleet' });
    expect(again.body.secretKey).toBe(secret);
    expect(await opened.sql!("SELECT rotation FROM ipos_credentials WHERE account_id = 'fleet'")).toEqual([
      { rotation: '0' },
    ]);
    await twin.close();
  });

  it('refuses other bytes under an id that sealed rows before check values were recorded', async () => {
    await opened.sql!('DELETE FROM ipos_data_key_checks');
    const twin = await opened.twin();
    await expect(testServer(twin, { dataKeys: OTHER_BYTES }).ready()).rejects.toThrow(/dataKeys\.keys\["k1"\]/);
    // The refused start recorded nothing: the right key still records and starts.
    expect(await opened.sql!('SELECT key_id FROM ipos_data_key_checks')).toEqual([]);
    await testServer(twin).ready();
    await twin.close();
  });

  it('re-encrypts every row it can open and names the accounts of those it cannot, changing none of them', async () => {
    const server = testServer(opened.store);
    for (const account of ['rot-a', 'rot-b', 'rot-c']) await call(server, 'POST', '/credentials', { account });
    // rot-b's secret altered in the database: no key opens it.
    await opened.sql!(
      "UPDATE ipos_credentials SET secret_ciphertext = 'A' || substr(secret_ciphertext, 2) WHERE account_id = 'rot-b'",
    );
    const [broken] = await opened.sql!("SELECT secret_ciphertext FROM ipos_credentials WHERE account_id = 'rot-b'");

    const rotating = testServer(opened.store, {
      dataKeys: { currentKeyId: 'k2', keys: { ...KEYRING.keys, k2: Buffer.alloc(32, 12).toString('base64') } },
    });
    const report = await rotating.reencryptSecrets({ batchSize: 1 });
    expect(report.unreadable).toEqual(['rot-b']);
    expect(report.resealed).toBeGreaterThanOrEqual(3); // fleet, rot-a and rot-c
    expect(await opened.sql!("SELECT secret_ciphertext FROM ipos_credentials WHERE account_id = 'rot-b'")).toEqual([
      broken,
    ]);
    for (const account of ['rot-a', 'rot-c']) {
      expect((await call(rotating, 'POST', '/credentials/secret/reveal', { account })).status).toBe(200);
    }
    expect(await rotating.reencryptSecrets()).toEqual({ resealed: 0, unreadable: ['rot-b'] });
  });
});
