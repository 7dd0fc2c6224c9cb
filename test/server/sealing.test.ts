/**
 * Secrets at rest stay readable across the change of primitives: values sealed, and API keys indexed, by the
 * release that used Web Crypto alone (the fixed vectors below, made by it) open and match with `node:crypto` and
 * with Web Crypto alike; each opens what the other seals; both refuse a value altered, moved to another account or
 * cut short; and a row written by that release authenticates through today's server.
 */
import { describe, expect, it } from 'vitest';
import { nodeCipherSuite, platformCipherSuite, webCipherSuite, type CipherSuite } from '../../src/server/cipher.js';
import { SecretBox, sha256, type SealedValue } from '../../src/server/crypto.js';
import type { KeyRow } from '../../src/server/store.js';
import { memoryStore } from '../../src/server/stores/memory.js';
import { testServer } from './harness.js';

/** Sealed by the Web Crypto release (commit fb7ce96), with this keyring. */
const RELEASED = {
  keyring: {
    currentKeyId: '2026-01',
    keys: {
      '2026-01': 'BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=',
      '2025-07': 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8',
    },
  },
  account: 'merchant-4711',
  apiKey: 'dakey_ZZZZyyyyXXXXwwwwVVVVuuuuTTTTssss',
  secretKey: 'dskey_AAAAbbbbCCCCddddEEEEffffGGGGhhhh',
  secret: {
    keyId: '2026-01',
    ciphertext: 'lmyd9vJFBDGKoa4YIi8ZBHx9ezL6c63uV5DAKE9KJRIi6OQlz-MJqms84rl88J297xn61WNB9C6YM9F1VmEtpnZP',
  },
  previousKey: 'dskey_0000111122223333444455556666zzzz',
  previous: {
    keyId: '2025-07',
    ciphertext: 'YpcmxSBFu_plI9r24ILqYVno1LkzEdYJeo_6LnQNJ8PqzDMeYdBGdt-uGR1XlCpIqZTyRqx9dpM87LwjaWeZTaVG',
  },
  answerContext: 'merchant-4711 POST /credentials/secret/reset\nk-1',
  answer: {
    keyId: '2026-01',
    ciphertext: '3LzLbkQ38d-LOvqtjzT-pdRFNbQt_5FQTO-NVV-GB6oRK3-7ocVV4JLdvfMDKOsh55XpwSD6yjFN2as7qWMknjfbwB6-5lBq-A',
  },
  indexes: ['qFr3fLszeb_F8fBITuERXUz6M0DBROs18yzlbAgnx7A', 'HWrTdIDpZjABW6NAkuKpyxccaXFb4-H7e_POK2M7hJ0'],
  bodyHash: { text: '{"graceMinutes":60}', sha256: 'ae8syJTMrtkGoT8GERc_2xzMgSkFb2tbvaqlHtpMyKg' },
};

const node = nodeCipherSuite(process.getBuiltinModule('node:crypto'));
const SUITES: [string, CipherSuite][] = [
  ['node:crypto', node],
  ['Web Crypto', webCipherSuite],
];

/** The same value with one character of its ciphertext changed. */
function altered(value: SealedValue, at = 20): SealedValue {
  const text = value.ciphertext;
  return { ...value, ciphertext: `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}` };
}

it('uses node:crypto on Node', () => {
  expect(platformCipherSuite()).not.toBe(webCipherSuite);
});

describe.each(SUITES)('with %s', (_name, suite) => {
  const box = new SecretBox(RELEASED.keyring, suite);

  it('opens what the Web Crypto release sealed, under the current key and an older one', async () => {
    expect(await box.open(RELEASED.secret, RELEASED.account)).toBe(RELEASED.secretKey);
    expect(await box.open(RELEASED.previous, RELEASED.account)).toBe(RELEASED.previousKey);
    expect(JSON.parse(await box.open(RELEASED.answer, RELEASED.answerContext))).toEqual({
      status: 200,
      body: { secretKey: 'dskey_x' },
    });
  });

  it('indexes an API key as the release did, under every key', async () => {
    expect(await box.indexes(RELEASED.apiKey)).toEqual(RELEASED.indexes);
  });

  it('refuses a value altered, moved to another account, cut short or under an unknown key', async () => {
    await expect(box.open(altered(RELEASED.secret), RELEASED.account)).rejects.toThrow();
    await expect(box.open(altered(RELEASED.secret, 70), RELEASED.account)).rejects.toThrow();
    await expect(box.open(RELEASED.secret, 'merchant-4712')).rejects.toThrow();
    const short = { ...RELEASED.secret, ciphertext: RELEASED.secret.ciphertext.slice(0, -8) };
    await expect(box.open(short, RELEASED.account)).rejects.toThrow();
    await expect(box.open({ ...RELEASED.secret, keyId: '2024-01' }, RELEASED.account)).rejects.toThrow(
      /Unknown data key id "2024-01"/,
    );
  });

  it('seals what the other suite opens', async () => {
    const other = new SecretBox(RELEASED.keyring, suite === node ? webCipherSuite : node);
    const sealed = await box.seal('dskey_sealedHereOpenedThere0000000', RELEASED.account);
    expect(sealed.keyId).toBe('2026-01');
    expect(await other.open(sealed, RELEASED.account)).toBe('dskey_sealedHereOpenedThere0000000');
    const text = new TextEncoder().encode(RELEASED.bodyHash.text);
    const digests = [await suite.sha256(text), await (suite === node ? webCipherSuite : node).sha256(text)];
    expect(Array.from(digests[0]!)).toEqual(Array.from(digests[1]!));
  });
});

it('hashes request bodies as the release did', async () => {
  expect(await sha256(RELEASED.bodyHash.text)).toBe(RELEASED.bodyHash.sha256);
});

it("authenticates with a row the release wrote, by its current secret and by its grace window's previous one", async () => {
  const store = memoryStore();
  const server = testServer(store, { dataKeys: RELEASED.keyring });
  const now = Date.now();
  const row: KeyRow = {
    accountId: RELEASED.account,
    role: 'merchant',
    apiKey: RELEASED.apiKey,
    apiKeyIndex: RELEASED.indexes[0]!,
    secret: RELEASED.secret,
    secretHint: RELEASED.secretKey.slice(-4),
    createdAt: now - 86_400_000,
    secretRotatedAt: now - 60_000,
    rotation: 1,
    lastUsedAt: null,
    lastUsedFrom: null,
    previousSecret: RELEASED.previous,
    previousSecretValidUntil: now + 3_600_000,
  };
  expect(await store.transaction((tx) => tx.insertKeys(row))).toBe(true);
  const authenticate = (secretKey: string) =>
    server.handle(
      new Request('http://localhost/api/ipos/authenticate-token', {
        method: 'POST',
        headers: { apiKey: RELEASED.apiKey, secretKey },
      }),
      { sourceAddress: '127.0.0.1' },
    );
  expect((await authenticate(RELEASED.secretKey)).status).toBe(200);
  expect((await authenticate(RELEASED.previousKey)).status).toBe(200);
  expect((await authenticate(`dskey_${'w'.repeat(32)}`)).status).toBe(401);
});
