/**
 * # The credentials server
 *
 * The HTTP contract (`src/contract/routes.ts`) as a production server, written against the Fetch API
 * (`handle(request) → Response`): runs in Node (`./node.ts` adapts `http` and Express/Connect), Hono,
 * Next.js route handlers, Deno, Bun and Workers alike. The host says who is calling
 * (`resolveAccount`), which terminals an account has, which key signs tokens and which keys seal
 * secrets at rest; the server does the rest:
 *
 * - every contract operation, plus iPOSpays' `POST /authenticate-token` and `GET /.well-known/jwks.json`;
 * - state in a `CredentialStore` (memory, PGlite, PostgreSQL); each change in one transaction;
 * - secrets sealed with AES-256-GCM under a key id per row; API keys found through an HMAC index;
 * - `Idempotency-Key` replays kept in the store, sealed, bodies hashed, bounded by expiry and size;
 * - CSRF: state-changing requests from a foreign `Origin` (or `Sec-Fetch-Site: cross-site`) get 403,
 *   bodies other than JSON 415; per-account rate limits (429 + `Retry-After`) held in the store;
 * - `Cache-Control: no-store` on every answer; bounded bodies; an append-only audit log.
 */
import type { CryptoKey } from 'jose';
import { ROUTES, OPERATION_IDS, type OperationId, type RouteDefinition } from '../contract/routes.js';
import type { Terminal } from '../contract/schemas.js';
import { isUserRole, canGenerateTokens } from '../contract/roles.js';
import {
  Problem,
  parseJson,
  readJsonText,
  readOptionalJsonText,
  refuseUnexpectedBody,
  toResponse,
  type Answer,
} from './answers.js';
import { systemClock, type Clock } from './clock.js';
import { SecretBox, ephemeralKeyring, sha256, type DataKeyring } from './crypto.js';
import {
  OPERATIONS,
  authenticateToken,
  merchantOnlyProblem,
  type AccountOperationContext,
  type ServerAccount,
} from './operations.js';
import type { CredentialStore, StoredAuditEvent } from './store.js';
import { memoryStore } from './stores/memory.js';
import { TokenSigner, type SigningKeyInput } from './tokens.js';

export const DEFAULT_BASE_PATH = '/api/ipos';
/** iPOSpays' own token API, relative to the base path. */
export const AUTHENTICATE_TOKEN_PATH = '/authenticate-token';
/** Where verifiers fetch the public keys of the tokens, relative to the base path. */
export const JWKS_PATH = '/.well-known/jwks.json';
const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

/** `Idempotency-Key` values: printable ASCII, like Stripe's and the IETF draft's. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The actions with a per-account rate limit (`authenticate` is per source address). */
export type RateLimitedAction = 'reveal' | 'reset' | 'token' | 'authenticate';

export interface RateLimit {
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
}

export const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitedAction, RateLimit>> = {
  reveal: { limit: 30, windowSeconds: 60 },
  reset: { limit: 10, windowSeconds: 60 },
  token: { limit: 60, windowSeconds: 60 },
  authenticate: { limit: 120, windowSeconds: 60 },
};

const RATE_LIMITED: Partial<Record<OperationId, RateLimitedAction>> = {
  revealSecret: 'reveal',
  resetSecret: 'reset',
  revokePreviousSecret: 'reset',
  generateToken: 'token',
  refreshToken: 'token',
};

/** What the Node adapter (or any host) knows about a request beyond the `Request` itself. */
export interface RequestContext {
  /** The peer's address, for the audit log, `lastUsedFrom` and the `authenticate` rate limit. */
  sourceAddress?: string;
}

export interface CredentialsServerOptions {
  /** Who the request acts for, from the host's own session or auth; `null` answers 401. May throw a `Problem`. */
  resolveAccount(request: Request): ServerAccount | null | Promise<ServerAccount | null>;
  /** A merchant's terminals (TPNs); default none. */
  listTerminals?(account: ServerAccount, request: Request): readonly Terminal[] | Promise<readonly Terminal[]>;
  /** Where state lives; default a new `memoryStore()` (lost with the process). */
  store?: CredentialStore;
  /** The keys that seal secrets at rest, or a hook returning them (env, KMS). Default: an ephemeral key. */
  dataKeys?: DataKeyring | (() => DataKeyring | Promise<DataKeyring>);
  /** The RS256 key that signs Auth Tokens; default a key pair made on first use (tokens die with the process). */
  signingKey?: SigningKeyInput;
  /** Origins (`https://portal.example.com`) allowed to call state-changing routes cross-origin, with CORS. */
  allowedOrigins?: readonly string[];
  /** Where the routes live; default `/api/ipos`. `''` or `'/'` serves them at the root. */
  basePath?: string;
  /** Largest accepted JSON body, in bytes; default 16 KiB. */
  maxBodyBytes?: number;
  /** The time source; default the wall clock. */
  clock?: Clock;
  /**
   * This request's time (epoch ms) for tokens and records; default `clock.now()`. The demo shifts it per
   * session. Replay expiry, rate windows and sweeps always follow `clock`, so no request's time can expire
   * another's replays.
   */
  now?(request: Request): number;
  /** Per-action limits (merged over `DEFAULT_RATE_LIMITS`); `false` turns them off. */
  rateLimits?: Partial<Record<RateLimitedAction, RateLimit>> | false;
  /** How long replays are kept (default 24 h) and the largest answer kept (default 16 KiB). */
  idempotency?: { ttlSeconds?: number; maxAnswerBytes?: number };
  /** Which accounts `/authenticate-token` serves; default all. */
  acceptsAccount?(request: Request, accountId: string): boolean;
  /** The request's source for the audit log; default the adapter's `sourceAddress`. */
  sourceOf?(request: Request, context: RequestContext): string | null;
  /** Where unexpected failures are reported (never with a request body or a secret); default `console.error`. */
  logError?(message: string): void;
  /** Serve `POST /authenticate-token` (iPOSpays' token API); default true. */
  authenticateTokenRoute?: boolean;
}

export interface CredentialsServer {
  /** The base path, normalised: no trailing slash. */
  readonly basePath: string;
  readonly maxBodyBytes: number;
  readonly store: CredentialStore;
  /** Answers one request. Never rejects: failures are answered with an error body. */
  handle(request: Request, context?: RequestContext): Promise<Response>;
  /** The public key that verifies this server's tokens. */
  publicKey(): Promise<CryptoKey>;
  jwks(): Promise<{ keys: object[] }>;
  /** An account's audit events, newest first. */
  activity(accountId: string, options?: { beforeId?: number; limit?: number }): Promise<StoredAuditEvent[]>;
  /**
   * Re-seals every secret not yet sealed with the current data key (after a key rotation), in batches;
   * once it reports 0 left, old keys can be dropped from the keyring.
   */
  reencryptSecrets(options?: { batchSize?: number }): Promise<{ resealed: number }>;
  close(): Promise<void>;
}

/** Answers to be thrown out of a transaction so that it rolls back (a 5xx is never remembered). */
class Rollback extends Error {
  constructor(readonly answer: Answer) {
    super('rollback');
  }
}

type RouteEntry =
  { kind: 'operation'; id: OperationId; route: RouteDefinition } | { kind: 'authenticate' } | { kind: 'jwks' };

const CORS_ALLOWED_HEADERS = 'Content-Type, Idempotency-Key, Authorization, X-Requested-With';

export function createCredentialsServer(options: CredentialsServerOptions): CredentialsServer {
  const basePath = (options.basePath ?? DEFAULT_BASE_PATH).replace(/\/+$/, '');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const store = options.store ?? memoryStore();
  const clock = options.clock ?? systemClock;
  const signer = new TokenSigner(options.signingKey);
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const limits = options.rateLimits === false ? false : { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const replayTtlMs = (options.idempotency?.ttlSeconds ?? 24 * 60 * 60) * 1000;
  const maxAnswerBytes = options.idempotency?.maxAnswerBytes ?? 16 * 1024;
  const logError = options.logError ?? ((message: string) => console.error(message));
  let box: Promise<SecretBox> | undefined;
  let lastSweep = 0;

  const routes: Record<string, Record<string, RouteEntry>> = {};
  for (const id of OPERATION_IDS) {
    const route: RouteDefinition = ROUTES[id];
    (routes[route.path] ??= {})[route.method] = { kind: 'operation', id, route };
  }
  if (options.authenticateTokenRoute !== false) routes[AUTHENTICATE_TOKEN_PATH] = { POST: { kind: 'authenticate' } };
  routes[JWKS_PATH] = { GET: { kind: 'jwks' } };

  function secretBox(): Promise<SecretBox> {
    box ??= Promise.resolve(
      typeof options.dataKeys === 'function' ? options.dataKeys() : (options.dataKeys ?? ephemeralKeyring()),
    )
      .then((keyring) => new SecretBox(keyring))
      .catch((error: unknown) => {
        box = undefined;
        throw error;
      });
    return box;
  }

  function nowOf(request: Request): number {
    const now = options.now ? options.now(request) : clock.now();
    return Number.isFinite(now) ? now : clock.now();
  }

  const server: CredentialsServer = {
    basePath,
    maxBodyBytes,
    store,
    async handle(request, context = {}) {
      let cors: Record<string, string> = {};
      try {
        cors = corsHeaders(request);
        const response = await answer(request, context);
        for (const [name, value] of Object.entries(cors)) response.headers.set(name, value);
        return response;
      } catch (error) {
        const failure =
          error instanceof Problem ? error.toAnswer() : error instanceof Rollback ? error.answer : internalError(error);
        return toResponse({ ...failure, headers: { ...failure.headers, ...cors } });
      }
    },
    publicKey: () => signer.publicKey(),
    jwks: () => signer.jwks(),
    activity: (accountId, activityOptions) => store.transaction((tx) => tx.listAudit(accountId, activityOptions)),
    async reencryptSecrets({ batchSize = 100 } = {}) {
      const sealer = await secretBox();
      let resealed = 0;
      for (;;) {
        const batch = await store.transaction(async (tx) => {
          const rows = await tx.keysNotSealedWith(sealer.currentKeyId, batchSize);
          let done = 0;
          for (const row of rows) {
            if (row.secret.keyId !== sealer.currentKeyId) {
              const secret = await sealer.open(row.secret, row.accountId);
              const sealed = await sealer.seal(secret, row.accountId);
              if (await tx.resealSecret(row.accountId, row.secret, sealed, await sealer.index(row.apiKey))) done++;
            }
            // A grace window's previous secret too: it must still open once the old data key is dropped.
            if (row.previousSecret && row.previousSecret.keyId !== sealer.currentKeyId) {
              const previous = await sealer.open(row.previousSecret, row.accountId);
              const sealed = await sealer.seal(previous, row.accountId);
              if (await tx.resealPreviousSecret(row.accountId, row.previousSecret, sealed)) done++;
            }
          }
          return { rows: rows.length, done };
        });
        resealed += batch.done;
        if (batch.rows < batchSize) return { resealed };
      }
    },
    close: () => store.close(),
  };

  function internalError(error: unknown): Answer {
    // Name and message only: our errors never carry a body or a secret, and no stack reaches the client.
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
    logError(`ipos-credentials: unexpected failure (${detail})`);
    return {
      status: 500,
      body: { errorCode: 'INTERNAL_ERROR', errorMessage: 'The credentials server failed unexpectedly.' },
    };
  }

  /** CORS headers for an allowed foreign origin; none for anyone else (the browser then blocks the read). */
  function corsHeaders(request: Request): Record<string, string> {
    const origin = request.headers.get('Origin');
    if (origin === null || !allowedOrigins.has(origin)) return {};
    return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
  }

  async function answer(request: Request, context: RequestContext): Promise<Response> {
    const path = routePath(new URL(request.url).pathname);
    const methods = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!methods) throw new Problem(404, 'NOT_FOUND', `No route ${request.method} ${basePath}${path}.`);
    if (request.method === 'OPTIONS') return preflight(request, methods);
    const entry = Object.hasOwn(methods, request.method) ? methods[request.method] : undefined;
    if (!entry) {
      const allow = Object.keys(methods).join(', ');
      throw new Problem(405, 'METHOD_NOT_ALLOWED', `${basePath}${path} accepts ${allow}.`, { Allow: allow });
    }
    if (entry.kind === 'jwks') return toResponse({ status: 200, body: await signer.jwks() });
    if (request.method !== 'GET') refuseCrossSite(request);
    const key = request.headers.get('Idempotency-Key');
    // Checked on every route, not only where replays happen: a malformed header is the client's bug to hear about.
    if (key !== null && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new Problem(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1–255 printable ASCII characters.');
    }
    const now = nowOf(request);
    const source = options.sourceOf ? options.sourceOf(request, context) : (context.sourceAddress ?? null);
    const serverNow = clock.now();
    void sweep(serverNow);
    const sealer = await secretBox();
    const base = { request, now, source, signer, box: sealer };

    if (entry.kind === 'authenticate') {
      await refuseUnexpectedBody(request, maxBodyBytes);
      if (source !== null) await rateLimit('authenticate', `source:${source}`, serverNow);
      const accepts = (accountId: string) => options.acceptsAccount?.(request, accountId) ?? true;
      return toResponse(await settle(() => authenticateToken(base, store, accepts)));
    }

    const { id, route } = entry;
    if (route.request === undefined) await refuseUnexpectedBody(request, maxBodyBytes);
    const account = await resolveAccount(request);
    if ('merchantOnly' in route && route.merchantOnly && !canGenerateTokens(account.role)) {
      throw merchantOnlyProblem(account.role);
    }
    const text =
      route.request === undefined
        ? ''
        : route.requestOptional
          ? await readOptionalJsonText(request, maxBodyBytes)
          : await readJsonText(request, maxBodyBytes);
    const body = route.request === undefined || text === '' ? undefined : parseJson(text);
    const action = RATE_LIMITED[id];
    if (action) await rateLimit(action, `account:${account.accountId}`, serverNow);

    let terminals: Promise<readonly Terminal[]> | undefined;
    const work = (tx: AccountOperationContext['tx']) =>
      settle(() =>
        OPERATIONS[id]({
          ...base,
          tx,
          account,
          body,
          terminals: () => (terminals ??= Promise.resolve(options.listTerminals?.(account, request) ?? [])),
        }),
      );
    if (!('idempotent' in route && route.idempotent) || key === null) {
      return toResponse(await store.transaction(work));
    }
    return toResponse(
      await replayable(`${account.accountId} ${request.method} ${path}`, key, text, serverNow, sealer, work),
    );
  }

  /** Runs `work` once per scope + key, in the same transaction as the record of its answer. */
  async function replayable(
    scope: string,
    key: string,
    text: string,
    now: number,
    sealer: SecretBox,
    work: (tx: AccountOperationContext['tx']) => Promise<Answer>,
  ): Promise<Answer> {
    const requestHash = await sha256(text);
    const context = `replay\n${scope}\n${key}`;
    return store.transaction(async (tx) => {
      const claim = await tx.claimIdempotencyKey(scope, key, requestHash, now);
      if (!claim.claimed) {
        if (claim.requestHash !== requestHash) {
          throw new Problem(
            422,
            'IDEMPOTENCY_KEY_REUSED',
            'This Idempotency-Key was already used with a different body.',
          );
        }
        const recorded = JSON.parse(await sealer.open(claim.answer, context)) as Answer;
        return { ...recorded, headers: { ...recorded.headers, 'Idempotent-Replayed': 'true' } };
      }
      const answer = await work(tx);
      // Failures that are the server's are not remembered (a retry should do the work): roll it all back.
      if (answer.status >= 500) throw new Rollback(answer);
      const recorded = JSON.stringify(answer);
      if (recorded.length > maxAnswerBytes) await tx.releaseIdempotencyKey(scope, key);
      else {
        await tx.completeIdempotencyKey({
          scope,
          key,
          requestHash,
          answer: await sealer.seal(recorded, context),
          expiresAt: now + replayTtlMs,
        });
      }
      return answer;
    });
  }

  async function resolveAccount(request: Request): Promise<ServerAccount> {
    const account = await options.resolveAccount(request);
    if (account === null || account === undefined) {
      throw new Problem(401, 'UNAUTHENTICATED', 'Sign in to manage API credentials.');
    }
    if (typeof account.accountId !== 'string' || account.accountId === '' || !isUserRole(account.role)) {
      throw new Error(
        'resolveAccount() must return { accountId: non-empty string, role: merchant | iso | agent } or null.',
      );
    }
    return account;
  }

  async function rateLimit(action: RateLimitedAction, who: string, now: number): Promise<void> {
    if (!limits) return;
    const { limit, windowSeconds } = limits[action];
    const windowMs = windowSeconds * 1000;
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const hits = await store.transaction((tx) => tx.countHit(`${action} ${who}`, windowStart));
    if (hits > limit) {
      const retryAfter = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
      throw new Problem(
        429,
        'RATE_LIMITED',
        `Too many requests of this kind: at most ${limit} every ${windowSeconds} seconds. Try again in ${retryAfter} s.`,
        { 'Retry-After': String(retryAfter) },
      );
    }
  }

  /** Forgets expired replays and old rate windows, at most once a minute. */
  async function sweep(now: number): Promise<void> {
    if (now - lastSweep < 60_000 && now >= lastSweep) return;
    lastSweep = now;
    await store.sweep(now).catch((error: unknown) => internalError(error));
  }

  function refuseCrossSite(request: Request): void {
    const problem = crossSiteProblem(request, allowedOrigins);
    if (problem) throw problem;
  }

  function preflight(request: Request, methods: Record<string, RouteEntry>): Response {
    const origin = request.headers.get('Origin');
    if (origin === null || !allowedOrigins.has(origin)) {
      throw new Problem(
        403,
        'CROSS_ORIGIN_REFUSED',
        'Cross-origin requests are allowed only from the configured origins.',
      );
    }
    return toResponse({
      status: 204,
      headers: {
        'Access-Control-Allow-Methods': Object.keys(methods).join(', '),
        'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS,
        'Access-Control-Max-Age': '600',
      },
    });
  }

  /** The path after the base path, without a trailing slash; 404 outside the base path. */
  function routePath(pathname: string): string {
    const inside = pathname === basePath || pathname.startsWith(`${basePath}/`);
    if (!inside) throw new Problem(404, 'NOT_FOUND', `No route here: the credentials server serves ${basePath}/.`);
    return pathname.slice(basePath.length).replace(/\/+$/, '') || '/';
  }

  return server;
}

/**
 * CSRF: why a state-changing request is refused when a browser says it comes from another site — an
 * `Origin` neither this host nor allowed (an opaque `Origin: null` included), or `Sec-Fetch-Site:
 * cross-site`/`same-site` without an allowed `Origin`. Non-browser clients send neither header and pass.
 */
export function crossSiteProblem(request: Request, allowedOrigins: ReadonlySet<string>): Problem | null {
  const origin = request.headers.get('Origin');
  const site = request.headers.get('Sec-Fetch-Site');
  if (origin !== null && allowedOrigins.has(origin)) return null;
  const foreign = site === 'cross-site' || site === 'same-site' || (origin !== null && !sameHost(origin, request));
  return foreign
    ? new Problem(403, 'CROSS_ORIGIN_REFUSED', 'State-changing requests from another origin are refused.')
    : null;
}

function sameHost(origin: string, request: Request): boolean {
  try {
    return new URL(origin).host === (request.headers.get('Host') ?? new URL(request.url).host);
  } catch {
    return false;
  }
}

/** Runs an operation, turning its `Problem` into an answer (so refusals commit and are remembered too). */
async function settle(operation: () => Promise<Answer>): Promise<Answer> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof Problem) return error.toAnswer();
    throw error;
  }
}
