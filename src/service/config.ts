/**
 * The settings' raw text (`settings.ts`) checked and typed, all at start: a wrong or missing value throws a
 * `ServiceConfigError` naming the variable and saying what a right value looks like, before anything listens.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createLocalJWKSet, importJWK, importPKCS8, type JSONWebKeySet, type JWK } from 'jose';
import {
  DEFAULT_RATE_LIMITS,
  proxyTrust,
  type DataKeyring,
  type RateLimit,
  type RateLimitedAction,
  type SigningKeyInput,
} from '../server/index.js';
import { SETTINGS, ServiceConfigError, type SettingName, type SettingValues } from './settings.js';

export type DatabaseConfig =
  { kind: 'postgres'; url: string; poolSize: number } | { kind: 'pglite'; folder: string } | { kind: 'memory' };

/** Which claim holds what, in the portal's tokens. */
export interface ClaimNames {
  accountId: string;
  role: string;
  name: string;
  terminals: string;
}

export type JwksSource = { url: URL } | { file: string; keys: JSONWebKeySet };

export type IdentityConfig =
  | {
      kind: 'jwt';
      jwks: JwksSource;
      issuer: string;
      audience: string;
      clockToleranceSeconds: number;
      cookie?: string;
      algorithms: string[];
      claims: ClaimNames;
    }
  | { kind: 'signed-headers'; secret: string; maxAgeSeconds: number };

export interface PortalTerminalsConfig {
  /** With `{accountId}` where the account id goes. */
  url: string;
  authorization?: string;
  timeoutMs: number;
  cacheSeconds: number;
}

export interface ServiceConfig {
  database: DatabaseConfig;
  /** Absent only with the memory store (an ephemeral key then). */
  dataKeys?: DataKeyring;
  /** Absent only with the memory store (a key pair made at start then). */
  signingKey?: SigningKeyInput;
  allowedOrigins: string[];
  /** Addresses/CIDRs, or a hop count; absent: the socket's address is the client's. */
  trustedProxies?: string[] | number;
  /** Over the server's defaults; `false`: none. */
  rateLimits: Partial<Record<RateLimitedAction, RateLimit>> | false;
  basePath: string;
  host: string;
  port: number;
  metricsPort?: number;
  shutdownSeconds: number;
  logLevel: LogLevel;
  identity: IdentityConfig;
  terminalsUrl?: PortalTerminalsConfig;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const MAKE_KEYS = 'make one with `npx ipos-credential-elements keys`';

/** Checks every setting and returns the configuration; throws `ServiceConfigError` at the first wrong one. */
export async function serviceConfig(values: SettingValues): Promise<ServiceConfig> {
  const text = (name: SettingName) => values[name] ?? SETTINGS[name].fallback;
  const fail = (name: SettingName, problem: string): never => {
    throw new ServiceConfigError(SETTINGS[name], problem);
  };
  const required = (name: SettingName, what: string): string => text(name) ?? fail(name, `missing: ${what}.`);
  const integer = (name: SettingName, min: number, max: number): number => {
    const raw = text(name) as string;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
      fail(name, `must be a whole number from ${min} to ${max}, got "${raw}".`);
    }
    return value;
  };
  const optionalInteger = (name: SettingName, min: number, max: number) =>
    text(name) === undefined ? undefined : integer(name, min, max);

  const database = databaseConfig(required('database', 'where state lives (a postgres:// URL, a folder, or memory)'));
  if (database.kind === 'postgres') database.poolSize = integer('databasePoolSize', 1, 1000);
  const durable = database.kind !== 'memory';

  const dataKeysText = text('dataKeys');
  if (durable && dataKeysText === undefined) {
    fail('dataKeys', `missing: a durable database needs the keys that seal its secrets (\`id:base64\`); ${MAKE_KEYS}.`);
  }
  const dataKeys =
    dataKeysText === undefined ? undefined : dataKeyring(dataKeysText, (problem) => fail('dataKeys', problem));
  const signingKeyText = await signingKeySource(values, fail);
  if (durable && signingKeyText === undefined) {
    fail('signingKey', `missing: a durable database needs the RS256 key that signs tokens; ${MAKE_KEYS}.`);
  }
  const keyId = text('signingKeyId');
  const logLevel = text('logLevel') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) fail('logLevel', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}".`);

  return {
    database,
    dataKeys,
    signingKey:
      signingKeyText === undefined
        ? undefined
        : {
            privateKey: await signingPrivateKey(signingKeyText, (problem) =>
              fail(values.signingKeyFile !== undefined ? 'signingKeyFile' : 'signingKey', problem),
            ),
            ...(keyId === undefined ? {} : { kid: keyId }),
          },
    allowedOrigins: list(text('allowedOrigins')).map(
      (origin) =>
        checkedOrigin(origin) ??
        fail('allowedOrigins', `"${origin}" is not an origin like https://portal.example.com.`),
    ),
    trustedProxies: trustedProxies(text('trustedProxies'), (problem) => fail('trustedProxies', problem)),
    rateLimits: rateLimits(text('rateLimits'), (problem) => fail('rateLimits', problem)),
    basePath: basePath(text('basePath') as string, (problem) => fail('basePath', problem)),
    host: text('host') as string,
    port: integer('port', 0, 65535),
    metricsPort: optionalInteger('metricsPort', 0, 65535),
    shutdownSeconds: integer('shutdownSeconds', 0, 3600),
    logLevel,
    identity: await identityConfig(values, text, required, integer, fail),
    terminalsUrl:
      text('terminalsUrl') === undefined
        ? undefined
        : {
            url: httpUrl(text('terminalsUrl') as string, (problem) => fail('terminalsUrl', problem)),
            authorization: text('terminalsAuthorization'),
            timeoutMs: integer('terminalsTimeoutMs', 1, 60_000),
            cacheSeconds: integer('terminalsCacheSeconds', 0, 3600),
          },
  };
}

function databaseConfig(value: string): DatabaseConfig {
  if (value === 'memory') return { kind: 'memory' };
  if (/^postgres(?:ql)?:\/\//.test(value)) return { kind: 'postgres', url: value, poolSize: 10 };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new ServiceConfigError(SETTINGS.database, 'only postgres:// URLs are supported (or a folder, or memory).');
  }
  return { kind: 'pglite', folder: resolve(value) };
}

async function signingKeySource(values: SettingValues, fail: (name: SettingName, problem: string) => never) {
  if (values.signingKey !== undefined && values.signingKeyFile !== undefined) {
    fail('signingKeyFile', 'give the signing key or its file, not both.');
  }
  if (values.signingKeyFile === undefined) return values.signingKey;
  try {
    return await readFile(values.signingKeyFile, 'utf8');
  } catch (error) {
    return fail('signingKeyFile', `cannot read "${values.signingKeyFile}" (${(error as NodeJS.ErrnoException).code}).`);
  }
}

/** `id:key,id:key`, the first one current; each key exactly 32 bytes of base64 or base64url. */
export function dataKeyring(value: string, fail: (problem: string) => never): DataKeyring {
  const keys: Record<string, string> = {};
  const entries = list(value);
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const [id, key] = colon < 0 ? ['', entry] : [entry.slice(0, colon), entry.slice(colon + 1)];
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
      fail(`each key is written id:base64 with an id of 1–64 letters, digits, - or _ (e.g. 2026-05:…); ${MAKE_KEYS}.`);
    }
    if (Object.hasOwn(keys, id)) fail(`the key id "${id}" is given twice.`);
    if (/^[0-9a-f]{64}$/i.test(key)) {
      fail(`the key "${id}" looks like hex; keys are base64 (\`openssl rand -base64 32\`), or ${MAKE_KEYS}.`);
    }
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(key) || Buffer.from(key, 'base64').byteLength !== 32) {
      fail(`the key "${id}" must be 32 random bytes in base64 (\`openssl rand -base64 32\`); ${MAKE_KEYS}.`);
    }
    keys[id] = key;
  }
  const currentKeyId = entries[0]?.split(':')[0];
  if (currentKeyId === undefined) fail(`no key given; ${MAKE_KEYS}.`);
  return { currentKeyId: currentKeyId as string, keys };
}

/** A PKCS#8 PEM (its newlines possibly written `\n`, as one env line) or a private JWK, imported once to prove it is RS256. */
export async function signingPrivateKey(value: string, fail: (problem: string) => never): Promise<string | JWK> {
  // Env files keep quotes (Docker's) and write newlines as `\n`: both are undone here.
  const text = value
    .trim()
    .replace(/^"([\s\S]*)"$/, '$1')
    .replace(/\\n/g, '\n');
  const hint = `an RS256 private key as PKCS#8 PEM (-----BEGIN PRIVATE KEY-----) or a private JWK; ${MAKE_KEYS}`;
  if (text.startsWith('{')) {
    let jwk: JWK;
    try {
      jwk = JSON.parse(text) as JWK;
    } catch {
      return fail(`not valid JSON; expected ${hint}.`);
    }
    if (jwk.kty !== 'RSA' || typeof jwk.d !== 'string')
      return fail(`the JWK is not an RSA private key; expected ${hint}.`);
    await importJWK({ ...jwk, alg: 'RS256' }, 'RS256').catch(() =>
      fail(`the JWK cannot be imported; expected ${hint}.`),
    );
    return jwk;
  }
  if (text.includes('BEGIN RSA PRIVATE KEY')) {
    return fail(
      `this is a PKCS#1 key; convert it with \`openssl pkcs8 -topk8 -nocrypt -in key.pem\`, or ${MAKE_KEYS}.`,
    );
  }
  await importPKCS8(text, 'RS256').catch(() => fail(`expected ${hint}.`));
  return `${text}\n`;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function checkedOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A hop count or a list, checked by the server kit's own reading of `trustedProxies` (its message names the entry). */
function trustedProxies(value: string | undefined, fail: (problem: string) => never): string[] | number | undefined {
  if (value === undefined) return undefined;
  const proxies = /^\d+$/.test(value.trim()) ? Number(value) : list(value);
  try {
    proxyTrust(proxies);
  } catch (error) {
    fail((error as Error).message);
  }
  return proxies;
}

function rateLimits(
  value: string | undefined,
  fail: (problem: string) => never,
): Partial<Record<RateLimitedAction, RateLimit>> | false {
  if (value?.trim() === 'off') return false;
  const actions = Object.keys(DEFAULT_RATE_LIMITS);
  const limits: Partial<Record<RateLimitedAction, RateLimit>> = {};
  for (const entry of list(value)) {
    const match = /^([a-z]+):(\d{1,9})\/(\d{1,6})$/.exec(entry);
    if (!match || !actions.includes(match[1] as string) || Number(match[3]) === 0) {
      fail(`"${entry}" is not action:count/seconds with an action of ${actions.join(', ')} (or off).`);
    }
    limits[match[1] as RateLimitedAction] = { limit: Number(match[2]), windowSeconds: Number(match[3]) };
  }
  return limits;
}

function basePath(value: string, fail: (problem: string) => never): string {
  if (value === '' || value === '/') return '';
  if (!/^(\/[A-Za-z0-9._~-]+)+\/?$/.test(value)) fail(`must be a path like /api/ipos, got "${value}".`);
  return value.replace(/\/$/, '');
}

function httpUrl(value: string, fail: (problem: string) => never): string {
  try {
    const url = new URL(value.replace('{accountId}', 'x'));
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // answered below
  }
  return fail(`must be an http(s) URL, got "${value}".`);
}

async function identityConfig(
  values: SettingValues,
  text: (name: SettingName) => string | undefined,
  required: (name: SettingName, what: string) => string,
  integer: (name: SettingName, min: number, max: number) => number,
  fail: (name: SettingName, problem: string) => never,
): Promise<IdentityConfig> {
  const kind = required('identity', 'how callers are identified: jwt or signed-headers');
  if (kind === 'signed-headers') {
    const secret = required('signedHeadersSecret', 'the HMAC secret shared with the portal (at least 32 characters)');
    if (secret.length < 32) fail('signedHeadersSecret', 'must be at least 32 characters (`openssl rand -base64 32`).');
    return { kind, secret, maxAgeSeconds: integer('signedHeadersMaxAgeSeconds', 1, 3600) };
  }
  if (kind !== 'jwt') return fail('identity', `must be jwt or signed-headers, got "${kind}".`);
  if ((values.jwtJwksUrl === undefined) === (values.jwtJwksFile === undefined)) {
    fail('jwtJwksUrl', "give exactly one of it and IPOS_JWT_JWKS_FILE: where the portal's public keys are.");
  }
  const algorithms = list(text('jwtAlgorithms'));
  const known = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
  const unknown = algorithms.filter((algorithm) => !known.includes(algorithm));
  if (!algorithms.length || unknown.length) fail('jwtAlgorithms', `must be some of ${known.join(', ')}.`);
  return {
    kind,
    jwks:
      values.jwtJwksUrl !== undefined
        ? { url: new URL(httpUrl(values.jwtJwksUrl, (problem) => fail('jwtJwksUrl', problem))) }
        : await jwksFile(values.jwtJwksFile as string, (problem) => fail('jwtJwksFile', problem)),
    issuer: required('jwtIssuer', 'the iss claim tokens must carry'),
    audience: required('jwtAudience', 'the aud claim tokens must carry'),
    clockToleranceSeconds: integer('jwtClockToleranceSeconds', 0, 600),
    cookie: text('jwtCookie'),
    algorithms,
    claims: {
      accountId: text('claimAccountId') as string,
      role: text('claimRole') as string,
      name: text('claimName') as string,
      terminals: text('claimTerminals') as string,
    },
  };
}

async function jwksFile(file: string, fail: (problem: string) => never): Promise<JwksSource> {
  let keys: JSONWebKeySet;
  try {
    keys = JSON.parse(await readFile(file, 'utf8')) as JSONWebKeySet;
    createLocalJWKSet(keys);
  } catch (error) {
    return fail(`"${file}" is not a readable JSON Web Key Set (${(error as Error).message}).`);
  }
  if (keys.keys.some((key) => 'd' in key)) return fail(`"${file}" holds a private key: give the public keys only.`);
  return { file, keys };
}
