/**
 * The host's options, checked when the server is made: each mistake is refused with an `Error` whose message
 * names the option and says how to make a right value, so a portal fails at start, not at its first customer.
 * What needs an import or a host hook (the keys behind a `dataKeys` function, the signing key itself) is
 * checked by the one awaited step `await server.ready()`.
 */
import type { CredentialsServerOptions } from './credentials-server.js';
import { checkDataKeyring } from './crypto.js';
import { DEFAULT_RATE_LIMITS, type RateLimitedAction } from './rate-limit.js';
import { checkSigningKeyInput } from './tokens.js';

/** Whole-number options: their ranges and what they count. */
const NUMBER_OPTIONS = {
  maxBodyBytes: { min: 64, max: 1024 * 1024, unit: 'bytes' },
  'idempotency.ttlSeconds': { min: 1, max: 7 * 24 * 60 * 60, unit: 'seconds' },
  'idempotency.maxAnswerBytes': { min: 1, max: 1024 * 1024, unit: 'bytes' },
  'idempotency.maxPerAccount': { min: 1, max: 1_000_000, unit: 'replays' },
  limit: { min: 1, max: 1_000_000, unit: 'requests' },
  windowSeconds: { min: 1, max: 24 * 60 * 60, unit: 'seconds' },
} as const;

const FUNCTION_OPTIONS = ['listTerminals', 'now', 'acceptsAccount', 'sourceOf', 'logError'] as const;
const STORE_METHODS = ['migrate', 'transaction', 'autocommit', 'sweep', 'close'] as const;

/** Throws on the first option that is wrong (see the module header). */
export function checkOptions(options: CredentialsServerOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new Error('createCredentialsServer(options): pass an options object with at least resolveAccount.');
  }
  if (typeof options.resolveAccount !== 'function') {
    throw new Error(
      'resolveAccount: required, a function (request) => ({ accountId, role, name? }) or null, from your own sign-in.',
    );
  }
  for (const name of FUNCTION_OPTIONS) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new Error(`${name}: must be a function (or left out); see docs/server.md.`);
    }
  }
  checkStore(options);
  if (options.dataKeys !== undefined && typeof options.dataKeys !== 'function') checkDataKeyring(options.dataKeys);
  if (options.signingKey !== undefined) checkSigningKeyInput(options.signingKey);
  checkOrigins(options.allowedOrigins);
  if (options.basePath !== undefined && !/^(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]*)*\/?$/.test(options.basePath)) {
    throw new Error(
      `basePath: ${JSON.stringify(options.basePath)} is not a URL path; write it like "/api/ipos" (or "" for the root).`,
    );
  }
  if (options.clock !== undefined && typeof options.clock?.now !== 'function') {
    throw new Error(
      'clock: must be an object with now() returning epoch milliseconds (or left out for the wall clock).',
    );
  }
  wholeNumber('maxBodyBytes', options.maxBodyBytes);
  if (options.idempotency !== undefined) {
    wholeNumber('idempotency.ttlSeconds', options.idempotency.ttlSeconds);
    wholeNumber('idempotency.maxAnswerBytes', options.idempotency.maxAnswerBytes);
    wholeNumber('idempotency.maxPerAccount', options.idempotency.maxPerAccount);
  }
  checkRateLimits(options.rateLimits);
}

/**
 * A durable store outlives the process, so what it keeps must outlive it too: secrets sealed with a data key
 * the host keeps, and tokens signed with a key every instance shares (else a restart or a second instance
 * makes every stored secret unreadable and every issued token unverifiable).
 */
function checkStore({ store, dataKeys, signingKey }: CredentialsServerOptions): void {
  if (store === undefined) return;
  const missing = STORE_METHODS.filter((method) => typeof store?.[method] !== 'function');
  if (missing.length) {
    throw new Error(
      `store: not a credential store (no ${missing.join(', ')}); pass memoryStore(), await pgliteStore({ dataDir }) or await postgresStore({ connectionString }) — note the await.`,
    );
  }
  if (store.kind === 'memory') return;
  if (dataKeys === undefined) {
    throw new Error(
      `dataKeys: required with the ${store.kind} store, which keeps secrets across restarts: without it they would be sealed with a key that dies with the process. Pass dataKeys: { currentKeyId: '2026-01', keys: { '2026-01': process.env.CREDENTIALS_DATA_KEY } } — make a key with \`openssl rand -base64 32\` and keep it in your secret store.`,
    );
  }
  if (signingKey === undefined) {
    throw new Error(
      `signingKey: required with the ${store.kind} store: tokens must verify after a restart and on every instance. Pass signingKey: { privateKey: process.env.TOKEN_SIGNING_KEY_PEM } — make one with \`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048\`.`,
    );
  }
}

/** Each allowed origin exactly as a browser sends `Origin`: a trailing slash or a path would never match. */
function checkOrigins(origins: readonly string[] | undefined): void {
  if (origins === undefined) return;
  if (!Array.isArray(origins)) {
    throw new Error(
      'allowedOrigins: an array of origins such as ["https://admin.example.com"] (same-origin needs none).',
    );
  }
  origins.forEach((origin, index) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      // reported below
    }
    if (!parsed || parsed.origin !== origin || parsed.origin === 'null') {
      throw new Error(
        `allowedOrigins[${index}]: ${JSON.stringify(origin)} is not an origin; write scheme://host[:port] with no path or trailing slash, e.g. ${JSON.stringify(parsed && parsed.origin !== 'null' ? parsed.origin : 'https://admin.example.com')}.`,
      );
    }
  });
}

function checkRateLimits(limits: CredentialsServerOptions['rateLimits']): void {
  if (limits === undefined || limits === false) return;
  if (typeof limits !== 'object' || limits === null) {
    throw new Error('rateLimits: an object of { limit, windowSeconds } per action, or false to turn them off.');
  }
  for (const [action, limit] of Object.entries(limits)) {
    if (!Object.hasOwn(DEFAULT_RATE_LIMITS, action)) {
      throw new Error(
        `rateLimits.${action}: no such action; the actions are ${Object.keys(DEFAULT_RATE_LIMITS).join(', ')}.`,
      );
    }
    if (typeof limit !== 'object' || limit === null) {
      throw new Error(`rateLimits.${action}: an object { limit, windowSeconds }.`);
    }
    wholeNumber('limit', limit.limit, `rateLimits.${action as RateLimitedAction}.limit`, true);
    wholeNumber('windowSeconds', limit.windowSeconds, `rateLimits.${action}.windowSeconds`, true);
  }
}

function wholeNumber(
  option: keyof typeof NUMBER_OPTIONS,
  value: unknown,
  name: string = option,
  required = false,
): void {
  if (value === undefined && !required) return;
  const { min, max, unit } = NUMBER_OPTIONS[option];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}: a whole number of ${unit} from ${min} to ${max}; got ${JSON.stringify(value)}.`);
  }
}
