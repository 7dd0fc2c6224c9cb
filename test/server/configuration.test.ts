/**
 * Every configuration mistake a host can make is refused when the server is made (or by the one awaited start
 * step, `ready()`), with an error that names the option and says how to make a right value — never accepted
 * to fail later, at a customer's first reset or after a restart.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialsServer, type CredentialsServerOptions } from '../../src/server/credentials-server.js';
import type { CredentialStore } from '../../src/server/store.js';
import { memoryStore } from '../../src/server/stores/memory.js';
import { pgliteStore } from '../../src/server/stores/pglite.js';
import { postgresStore } from '../../src/server/stores/postgres.js';
import { freePort } from '../support/free-port.js';
import { KEYRING, openStore } from './harness.js';

const resolveAccount = () => ({ accountId: 'acct', role: 'merchant' as const });
const rsa = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits }).privateKey;
const RSA_PEM = rsa(2048).export({ type: 'pkcs8', format: 'pem' }).toString();
const SIGNING_KEY = { privateKey: RSA_PEM };
const make = (options: Partial<CredentialsServerOptions>) =>
  createCredentialsServer({ resolveAccount, dataKeys: KEYRING, signingKey: SIGNING_KEY, ...options });
const keyring = (key: unknown) => ({ currentKeyId: 'k1', keys: { k1: key as string } });

describe.each(['pglite', 'postgres'] as const)('a durable store (%s)', (kind) => {
  let store: CredentialStore;
  beforeAll(async () => {
    if (kind === 'pglite') store = await pgliteStore();
    else store = (await openStore('postgres')).store;
  });
  afterAll(() => store.close());

  it('is refused without dataKeys: secrets sealed with a key that dies with the process would be lost at restart', () => {
    expect(() => createCredentialsServer({ resolveAccount, store, signingKey: SIGNING_KEY })).toThrow(
      /^dataKeys: required with the (pglite|postgres) store.*openssl rand -base64 32/,
    );
  });

  it('is refused without signingKey: tokens must verify after a restart and on every instance', () => {
    expect(() => createCredentialsServer({ resolveAccount, store, dataKeys: KEYRING })).toThrow(
      /^signingKey: required with the (pglite|postgres) store.*openssl genpkey -algorithm RSA/,
    );
  });

  it('is accepted with both, and ready() resolves', async () => {
    await make({ store }).ready();
  });
});

describe('data keys', () => {
  it.each([
    ['a hex key (openssl rand -hex 32)', randomBytes(32).toString('hex'), /hexadecimal.*Buffer\.from\(hex, 'hex'\)/],
    ['16 bytes', randomBytes(16).toString('base64'), /32 bytes \(AES-256\) as base64, got 16 bytes/],
    ['a passphrase', 'correct horse battery staple', /got text that is not base64/],
    ['31 raw bytes', new Uint8Array(31), /these are 31/],
    ['a number', 42, /base64 text or as 32 bytes/],
    ['32 zero bytes as base64 (a placeholder)', Buffer.alloc(32).toString('base64'), /all zero bytes/],
    ['32 raw zero bytes', new Uint8Array(32), /all zero bytes/],
  ])('refuses %s at creation, naming dataKeys.keys["k1"] and how to make one', (_what, key, reason) => {
    expect(() => make({ dataKeys: keyring(key) })).toThrow(/^dataKeys\.keys\["k1"\]: /);
    expect(() => make({ dataKeys: keyring(key) })).toThrow(reason);
    expect(() => make({ dataKeys: keyring(key) })).toThrow(/openssl rand -base64 32|Buffer\.from/);
  });

  it('refuses a current key id that is not in the keyring, and an id with other characters', () => {
    expect(() => make({ dataKeys: { currentKeyId: 'k2', keys: KEYRING.keys } })).toThrow(
      /^dataKeys\.currentKeyId: "k2" is not one of the keyring's ids \("k1"\)/,
    );
    expect(() => make({ dataKeys: { currentKeyId: 'a b', keys: { 'a b': KEYRING.keys.k1! } } })).toThrow(
      /^dataKeys\.keys: the key id "a b"/,
    );
  });

  it('accepts base64 and base64url, padded or not, and 32 raw bytes', () => {
    const bytes = randomBytes(32);
    for (const key of [
      bytes.toString('base64'),
      bytes.toString('base64url'),
      bytes.toString('base64').replace(/=+$/, ''),
      new Uint8Array(bytes),
    ]) {
      expect(() => make({ dataKeys: keyring(key) })).not.toThrow();
    }
  });

  it('checks keys a dataKeys function returns in the one awaited start step, ready()', async () => {
    const server = make({ dataKeys: async () => keyring(randomBytes(32).toString('hex')) });
    await expect(server.ready()).rejects.toThrow(/^dataKeys\.keys\["k1"\]: this looks like 32 bytes in hexadecimal/);
    await expect(make({ dataKeys: async () => keyring(randomBytes(32).toString('base64')) }).ready()).resolves.toBe(
      undefined,
    );
  });
});

describe('signing keys', () => {
  const pkcs1 = rsa(2048).export({ type: 'pkcs1', format: 'pem' }).toString();
  const encrypted = rsa(2048)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' })
    .toString();
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const rsaJwk = rsa(2048).export({ format: 'jwk' });

  it.each([
    ['garbage', 'not a key', /^signingKey\.privateKey: not a PKCS#8 PEM private key.*openssl genpkey/],
    ['a PKCS#1 PEM', pkcs1, /PKCS#1 key.*openssl pkcs8 -topk8 -nocrypt/],
    ['an encrypted PEM', encrypted, /encrypted with a passphrase/],
    ['a public key', publicPem, /this is a public key, which cannot sign/],
    ['an EC key', ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /not an RSA key/],
    ['a PEM whose line breaks are \\n', RSA_PEM.replace(/\n/g, '\\n'), /line breaks are the two characters \\n/],
    ['a public JWK', { kty: 'RSA', n: rsaJwk.n, e: rsaJwk.e }, /without d it is a public key/],
    ['an EC JWK', ec.privateKey.export({ format: 'jwk' }), /kty must be "RSA" \(it is "EC"\)/],
    ['a 1024-bit JWK', rsa(1024).export({ format: 'jwk' }), /at least 2048 bits/],
  ])('refuses %s at creation, naming signingKey.privateKey and how to make one', (_what, privateKey, reason) => {
    expect(() => make({ signingKey: { privateKey: privateKey as string } })).toThrow(reason);
    expect(() => make({ signingKey: { privateKey: privateKey as string } })).toThrow(/^signingKey\.privateKey: /);
  });

  it('refuses a 1024-bit PEM in ready(), and an empty kid at creation', async () => {
    const small = rsa(1024).export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(make({ signingKey: { privateKey: small } }).ready()).rejects.toThrow(
      /^signingKey\.privateKey: RS256 needs an RSA key of at least 2048 bits/,
    );
    expect(() => make({ signingKey: { privateKey: RSA_PEM, kid: ' ' } })).toThrow(/^signingKey\.kid: /);
  });

  it('refuses in ready() a PEM with one character changed, which would sign tokens its own JWKS refuses', async () => {
    // Character 200 of the PEM lies in the modulus: the key still imports, and its primes sign for the real one.
    const changed = RSA_PEM.slice(0, 200) + (RSA_PEM[200] === 'A' ? 'B' : 'A') + RSA_PEM.slice(201);
    await expect(make({ signingKey: { privateKey: changed } }).ready()).rejects.toThrow(
      /^signingKey\.privateKey: the key signs tokens that its own public half does not verify/,
    );
  });

  it('refuses in ready() a JWK whose fields are not key material, naming signingKey.privateKey', async () => {
    const garbage = { kty: 'RSA', n: 'x'.repeat(342), e: 'AQAB', d: 'zz' };
    await expect(make({ signingKey: { privateKey: garbage } }).ready()).rejects.toThrow(/^signingKey\.privateKey: /);
  });

  it('accepts a PKCS#8 PEM and a private JWK', async () => {
    await make({ signingKey: { privateKey: RSA_PEM } }).ready();
    await make({ signingKey: { privateKey: rsaJwk, kid: 'portal-2026' } }).ready();
  });
});

describe('a PostgreSQL store that cannot be reached at start', () => {
  it('is refused by postgresStore() naming connectionString, not with a bare ECONNREFUSED', async () => {
    const closed = await freePort();
    await expect(postgresStore({ connectionString: `postgres://postgres@127.0.0.1:${closed}/none` })).rejects.toThrow(
      /^postgresStore: PostgreSQL cannot be reached \(ECONNREFUSED.*\); check connectionString/,
    );
  });
});

describe('the other options', () => {
  it.each<[string, Partial<CredentialsServerOptions>, RegExp]>([
    ['no resolveAccount', { resolveAccount: undefined }, /^resolveAccount: required, a function/],
    [
      'a store promise (the await forgotten)',
      { store: Promise.resolve(memoryStore()) as unknown as CredentialStore },
      /^store: not a credential store.*note the await/,
    ],
    [
      'an origin with a trailing slash',
      { allowedOrigins: ['https://admin.example.com/'] },
      /^allowedOrigins\[0\]: .*"https:\/\/admin\.example\.com"/,
    ],
    ['an origin with a path', { allowedOrigins: ['https://admin.example.com/portal'] }, /^allowedOrigins\[0\]: /],
    ['a host without a scheme', { allowedOrigins: ['admin.example.com'] }, /^allowedOrigins\[0\]: .*scheme:\/\/host/],
    ['a base path without its slash', { basePath: 'api/ipos' }, /^basePath: "api\/ipos" is not a URL path/],
    ['a body limit of 0', { maxBodyBytes: 0 }, /^maxBodyBytes: a whole number of bytes from 64/],
    [
      'a replay lifetime in minutes as text',
      { idempotency: { ttlSeconds: '60' as unknown as number } },
      /^idempotency\.ttlSeconds: /,
    ],
    [
      'a rate limit for an unknown action',
      { rateLimits: { login: { limit: 5, windowSeconds: 60 } } as never },
      /^rateLimits\.login: no such action; the actions are/,
    ],
    ['a rate limit of 0', { rateLimits: { reveal: { limit: 0, windowSeconds: 60 } } }, /^rateLimits\.reveal\.limit: /],
    ['a clock without now()', { clock: (() => Date.now()) as never }, /^clock: must be an object with now\(\)/],
    ['a logError that is not a function', { logError: 'console' as never }, /^logError: must be a function/],
  ])('refuses %s, naming the option', (_what, options, reason) => {
    expect(() => make({ store: memoryStore(), ...options })).toThrow(reason);
  });
});
