/**
 * `serve` refuses a wrong or missing setting at start, before it listens, with a message naming the variable
 * (and its flag) and saying what a right value is; flags win over the environment; `keys` prints keys that
 * `serve` and the server kit take as they are; docs/service.md lists every setting.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createCredentialsServer } from '../../src/server/index.js';
import { serve } from '../../src/service/cli.js';
import { SETTINGS } from '../../src/service/settings.js';
import { keysEnvironmentFile, madeKeys } from './keys.js';
import { freshDatabase, killServices, runBin, startService } from './service-process.js';

const JWT = {
  IPOS_IDENTITY: 'jwt',
  IPOS_JWT_JWKS_URL: 'https://portal.example.test/jwks.json',
  IPOS_JWT_ISSUER: 'https://portal.example.test',
  IPOS_JWT_AUDIENCE: 'ipos-credentials',
};
const DURABLE = { IPOS_DATABASE: 'postgres://service@127.0.0.1:1/credentials' };

/** `serve` run in this process (as the bin runs it): its exit code and what it wrote to stderr. */
async function refusal(env: Record<string, string>, args: string[] = []) {
  const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const code = await serve(args, env);
    return { code, message: errors.mock.calls.map((call) => call.join(' ')).join('\n') };
  } finally {
    errors.mockRestore();
  }
}

describe('a wrong or missing setting stops serve at start', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['no database', { ...JWT }, /^ipos-credential-elements serve: IPOS_DATABASE \(--database\): missing/],
    [
      'a database URL of another kind',
      { ...JWT, IPOS_DATABASE: 'mysql://x@y/z' },
      /IPOS_DATABASE \(--database\): only postgres:\/\//,
    ],
    ['no identity', { IPOS_DATABASE: 'memory' }, /IPOS_IDENTITY \(--identity\): missing/],
    [
      'an unknown identity',
      { IPOS_DATABASE: 'memory', IPOS_IDENTITY: 'cookies' },
      /IPOS_IDENTITY \(--identity\): must be jwt or signed-headers/,
    ],
    [
      'a durable database without data keys',
      { ...JWT, ...DURABLE },
      /IPOS_DATA_KEYS \(--data-keys\): missing.*npx ipos-credential-elements keys/,
    ],
    [
      'a hex data key',
      { ...JWT, ...DURABLE, IPOS_DATA_KEYS: `k1:${'ab'.repeat(32)}` },
      /IPOS_DATA_KEYS \(--data-keys\): the key "k1" looks like hex/,
    ],
    [
      'a short data key',
      { ...JWT, ...DURABLE, IPOS_DATA_KEYS: 'k1:c2hvcnQ=' },
      /IPOS_DATA_KEYS \(--data-keys\): the key "k1" must be 32 random bytes/,
    ],
    [
      'a data key without an id',
      { ...JWT, ...DURABLE, IPOS_DATA_KEYS: Buffer.alloc(32, 1).toString('base64') },
      /IPOS_DATA_KEYS \(--data-keys\): each key is written id:base64/,
    ],
    [
      'a port out of range',
      { ...JWT, IPOS_DATABASE: 'memory', IPOS_PORT: '70000' },
      /IPOS_PORT \(--port\): must be a whole number from 0 to 65535, got "70000"/,
    ],
    [
      'a bad trusted proxy',
      { ...JWT, IPOS_DATABASE: 'memory', IPOS_TRUSTED_PROXIES: '10.0.0.0/33' },
      /IPOS_TRUSTED_PROXIES \(--trusted-proxies\): trustedProxies\[0\]: "10.0.0.0\/33" is not an IP address or CIDR/,
    ],
    [
      'a trusted-proxy network that holds every address',
      { ...JWT, IPOS_DATABASE: 'memory', IPOS_TRUSTED_PROXIES: '127.0.0.1,0.0.0.0/0' },
      /IPOS_TRUSTED_PROXIES \(--trusted-proxies\): trustedProxies\[1\]: "0.0.0.0\/0" trusts every address/,
    ],
    [
      'a hop count past the last a proxy chain has',
      { ...JWT, IPOS_DATABASE: 'memory', IPOS_TRUSTED_PROXIES: '12' },
      /IPOS_TRUSTED_PROXIES \(--trusted-proxies\): trustedProxies: a hop count is a whole number from 0 to 10/,
    ],
    [
      'an origin with a path',
      { ...JWT, IPOS_DATABASE: 'memory', IPOS_ALLOWED_ORIGINS: 'https://portal.example.com/app' },
      /IPOS_ALLOWED_ORIGINS \(--allowed-origins\): "https:\/\/portal.example.com\/app" is not an origin/,
    ],
    [
      'JWT without issuer',
      { ...JWT, IPOS_DATABASE: 'memory', IPOS_JWT_ISSUER: '' },
      /IPOS_JWT_ISSUER \(--jwt-issuer\): missing/,
    ],
    [
      'JWT with both JWKS sources',
      { ...JWT, IPOS_DATABASE: 'memory', IPOS_JWT_JWKS_FILE: '/nonexistent' },
      /IPOS_JWT_JWKS_URL \(--jwt-jwks-url\): give exactly one/,
    ],
    [
      'a JWKS file that is not there',
      { ...JWT, IPOS_DATABASE: 'memory', IPOS_JWT_JWKS_URL: '', IPOS_JWT_JWKS_FILE: '/nonexistent/jwks.json' },
      /IPOS_JWT_JWKS_FILE \(--jwt-jwks-file\): "\/nonexistent\/jwks.json" is not a readable JSON Web Key Set/,
    ],
    [
      'a short HMAC secret',
      { IPOS_DATABASE: 'memory', IPOS_IDENTITY: 'signed-headers', IPOS_SIGNED_HEADERS_SECRET: 'short' },
      /IPOS_SIGNED_HEADERS_SECRET \(--signed-headers-secret\): must be at least 32 characters/,
    ],
    [
      'a rate limit of an unknown action',
      { ...JWT, IPOS_DATABASE: 'memory', IPOS_RATE_LIMITS: 'login:5/60' },
      /IPOS_RATE_LIMITS \(--rate-limits\): "login:5\/60" is not action:count\/seconds/,
    ],
    [
      'an unknown log level',
      { ...JWT, IPOS_DATABASE: 'memory', IPOS_LOG_LEVEL: 'loud' },
      /IPOS_LOG_LEVEL \(--log-level\): must be one of/,
    ],
  ];
  for (const [name, env, message] of cases) {
    it(`refuses ${name}, naming the variable`, async () => {
      const answer = await refusal(env);
      expect(answer.code).toBe(2);
      expect(answer.message).toMatch(message);
    });
  }

  it('refuses from the command line too, before it listens (the bin, as its own process)', async () => {
    const run = runBin(['serve', '--database', 'memory', '--identity', 'jwt']);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(
      /^ipos-credential-elements serve: IPOS_JWT_JWKS_URL \(--jwt-jwks-url\): give exactly one/,
    );
    expect(run.stdout()).toBe('');
  });

  it('refuses a signing key that is not an RS256 private key, naming the variable, without echoing it', async () => {
    const keys = await madeKeys();
    const data = `${keys.dataKeys.currentKeyId}:${Object.values(keys.dataKeys.keys)[0]}`;
    const garbage = 'not-a-key-but-a-secret-looking-value';
    const answer = await refusal({ ...JWT, ...DURABLE, IPOS_DATA_KEYS: data, IPOS_SIGNING_KEY: garbage });
    expect(answer.message).toMatch(/IPOS_SIGNING_KEY \(--signing-key\): expected an RS256 private key as PKCS#8 PEM/);
    expect(answer.message).not.toContain(garbage);
    const pkcs1 = '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----';
    expect((await refusal({ ...JWT, ...DURABLE, IPOS_DATA_KEYS: data, IPOS_SIGNING_KEY: pkcs1 })).message).toMatch(
      /this is a PKCS#1 key; convert it with `openssl pkcs8 -topk8 -nocrypt/,
    );
  });

  it('reads flags over the environment, and refuses an unknown flag', async () => {
    const answer = await refusal({ ...JWT, IPOS_DATABASE: 'memory' }, ['--port', 'eighty']);
    expect(answer.message).toMatch(/IPOS_PORT \(--port\): must be a whole number from 0 to 65535, got "eighty"/);
    expect((await refusal({}, ['--prot=80'])).message).toMatch(/Unknown argument "--prot=80"/);
  });
});

describe('what the server kit refuses is told as the setting that gave it', () => {
  const MEMORY = { ...JWT, IPOS_DATABASE: 'memory', IPOS_PORT: '0' };
  /** A PKCS#8 RSA key of 1,024 bits: a key jose imports, too short for RS256 by the server's rule. */
  const shortKey = () =>
    generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

  it('names IPOS_RATE_LIMITS for a limit of 0 and a window past a day', async () => {
    expect(await refusal({ ...MEMORY, IPOS_RATE_LIMITS: 'reveal:0/60' })).toEqual({
      code: 2,
      message:
        'ipos-credential-elements serve: IPOS_RATE_LIMITS (--rate-limits): rateLimits.reveal.limit: a whole number of requests from 1 to 1000000; got 0.',
    });
    expect((await refusal({ ...MEMORY, IPOS_RATE_LIMITS: 'reset:5/90000' })).message).toMatch(
      /IPOS_RATE_LIMITS \(--rate-limits\): rateLimits.reset.windowSeconds: a whole number of seconds from 1 to 86400/,
    );
  });

  it('names IPOS_SIGNING_KEY, or IPOS_SIGNING_KEY_FILE when the key came from a file, for a 1,024-bit key', async () => {
    const key = shortKey();
    const given = await refusal({ ...MEMORY, IPOS_SIGNING_KEY: key });
    expect(given.code).toBe(2);
    expect(given.message).toMatch(
      /^ipos-credential-elements serve: IPOS_SIGNING_KEY \(--signing-key\): signingKey.privateKey: RS256 needs an RSA key of at least 2048 bits/,
    );
    expect(given.message).not.toContain(key.split('\n')[1]);
    const folder = mkdtempSync(join(tmpdir(), 'ipos-short-key-'));
    try {
      writeFileSync(join(folder, 'signing.pem'), key);
      const fromFile = await refusal({ ...MEMORY, IPOS_SIGNING_KEY_FILE: join(folder, 'signing.pem') });
      expect(fromFile.message).toMatch(
        /IPOS_SIGNING_KEY_FILE \(--signing-key-file\): signingKey.privateKey: RS256 needs/,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('names IPOS_SIGNING_KEY_ID for a key id of spaces', async () => {
    const keys = await madeKeys();
    expect(
      (await refusal({ ...MEMORY, IPOS_SIGNING_KEY: keys.signingKey.privateKey, IPOS_SIGNING_KEY_ID: '  ' })).message,
    ).toMatch(/IPOS_SIGNING_KEY_ID \(--signing-key-id\): signingKey.kid: a non-empty string/);
  });
});

describe('keys', () => {
  it('prints keys in the exact form of the server options: a server made with them signs tokens under that kid', async () => {
    const keys = await madeKeys();
    expect(Buffer.from(Object.values(keys.dataKeys.keys)[0]!, 'base64')).toHaveLength(32);
    const server = createCredentialsServer({
      resolveAccount: () => ({ accountId: 'kid-check', role: 'merchant' }),
      dataKeys: keys.dataKeys,
      signingKey: keys.signingKey,
    });
    const { keys: published } = (await server.jwks()) as { keys: { kid: string }[] };
    expect(published.map((key) => key.kid)).toEqual([keys.signingKey.kid]);
  });

  it('prints, by default, an environment file that serve starts with as it is', async () => {
    const env = await keysEnvironmentFile();
    expect(Object.keys(env).sort()).toEqual(['IPOS_DATA_KEYS', 'IPOS_SIGNING_KEY', 'IPOS_SIGNING_KEY_ID']);
    const service = await startService({ ...env, ...JWT, IPOS_DATABASE: await freshDatabase() });
    try {
      const jwks = await (await fetch(`${service.url}/api/ipos/.well-known/jwks.json`)).json();
      expect(jwks.keys[0].kid).toBe(env['IPOS_SIGNING_KEY_ID']);
    } finally {
      expect(await service.stop()).toBe(0);
      await killServices();
    }
  });
});

it('docs/service.md lists every setting, its flag and its default', () => {
  const doc = readFileSync(resolve(import.meta.dirname, '../../docs/service.md'), 'utf8');
  for (const setting of Object.values(SETTINGS)) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${setting.env}\``));
    expect(row, setting.env).toBeDefined();
    expect(row).toContain(`\`--${setting.flag}\``);
    if (setting.fallback) expect(row).toContain(`\`${setting.fallback}\``);
  }
});
