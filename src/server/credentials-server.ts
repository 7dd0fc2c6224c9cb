/**
 * # The credentials server
 *
 * The HTTP contract (`src/contract/routes.ts`) as a production server, written against the Fetch API
 * (`handle(request) → Response`): runs in Node (`./node.ts` adapts `http` and Express/Connect), Hono,
 * Next.js route handlers, Deno, Bun and Workers alike. The host says who is calling (`resolveAccount`),
 * which terminals an account has, which key signs tokens and which keys seal secrets at rest.
 *
 * A request meets the stages in this order, each a module of its own:
 * `parse.ts` (path, `Idempotency-Key`, body) → `route.ts` → `origin.ts` (CORS, CSRF) → `rate-limit.ts` →
 * `idempotency.ts` → `operations.ts` / `authenticate-token.ts` → `answer.ts`. Guide: docs/server.md.
 */
import type { CryptoKey } from 'jose';
import type { Terminal } from '../contract/schemas.js';
import { isUserRole, USER_ROLES, type UserRole } from '../contract/roles.js';
import { canonicalAddress, rateLimitGroup } from './addresses.js';
import { checkOptions } from './configuration.js';
import { checkDataKeysAgainstStore } from './data-key-checks.js';
import { failureAnswer, Problem, toResponse, type Answer } from './answer.js';
import { authenticateToken } from './authenticate-token.js';
import { systemClock, type Clock } from './clock.js';
import { SecretBox, ephemeralKeyring, sha256, type DataKeyring } from './crypto.js';
import { replayable } from './idempotency.js';
import { reencrypt, type ReencryptReport } from './key-rotation.js';
import { followRole, refuseRoleWithoutAccess, runOperation, settle, type ServerAccount } from './operations.js';
import { corsHeaders, preflightAnswer, refuseCrossSite } from './origin.js';
import { idempotencyKeyOf, pathUnder, readOperationBody, refuseUnexpectedBody } from './parse.js';
import {
  DEFAULT_RATE_LIMITS,
  RATE_LIMITED_OPERATIONS,
  RateLimiter,
  type RateLimit,
  type RateLimitedAction,
} from './rate-limit.js';
import { accountIdProblem, checkedAccount } from './resolved-account.js';
import { RouteTable } from './route.js';
import type { CredentialStore, StoreTransaction, StoredAuditEvent } from './store.js';
import { memoryStore } from './stores/memory.js';
import { TokenSigner, type SigningKeyInput } from './tokens.js';

export { AUTHENTICATE_TOKEN_PATH, JWKS_PATH } from './route.js';
export { IDEMPOTENCY_KEY_PATTERN } from './parse.js';
export { DEFAULT_RATE_LIMITS, type RateLimit, type RateLimitedAction } from './rate-limit.js';
export { crossSiteProblem } from './origin.js';
export type { ReencryptReport } from './key-rotation.js';

export const DEFAULT_BASE_PATH = '/api/ipos';
const DEFAULT_MAX_BODY_BYTES = 16 * 1024;
/** Replays one account keeps at most; with the rate limits, a day of a busy integration's retries. */
const DEFAULT_REPLAYS_PER_ACCOUNT = 1000;

/** What the Node adapter (or any host) knows about a request beyond the `Request` itself. */
export interface RequestContext {
  /**
   * The client's IP address, for the audit log, `lastUsedFrom` and the `authenticate` rate limit: the socket's
   * peer, or read past the host's own proxies (`clientAddress()`). Anything that is not an IP address is
   * recorded as no source.
   */
  sourceAddress?: string;
}

export interface CredentialsServerOptions {
  /**
   * Who the request acts for, from the host's own session or auth; `null` answers 401. May throw a `Problem`.
   * The `accountId` must be 1–200 characters of well-formed Unicode with no control characters (else the request
   * is answered 500 and logged naming resolveAccount: the host's bug); a `name` is cut to 200 characters.
   */
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
  /**
   * How long replays are kept (default 24 h), the largest answer kept (default 16 KiB) and how many replays one
   * account keeps at most (default 1,000; its oldest go first, never another account's).
   */
  idempotency?: { ttlSeconds?: number; maxAnswerBytes?: number; maxPerAccount?: number };
  /** Which accounts `/authenticate-token` serves; default all. */
  acceptsAccount?(request: Request, accountId: string): boolean;
  /** The request's source IP address; default the adapter's `sourceAddress`. Anything but an IP address is recorded as none. */
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
  /**
   * The one awaited start step: loads the data keys (calling a `dataKeys` function), imports them and the
   * signing key, and rejects with the option at fault. Requests work without it (the first one does the same
   * work), but a host that awaits it before listening learns of a bad key at start, not from its first customer.
   */
  ready(): Promise<void>;
  /** The public key that verifies this server's tokens. */
  publicKey(): Promise<CryptoKey>;
  jwks(): Promise<{ keys: object[] }>;
  /**
   * Tells the server an account's role changed (the host's own admin tools know first): from now on
   * `authenticate-token` signs the new role's scopes with the account's keys, and the change is audited once as
   * `role-changed`. `changed` is false when the keys already had that role, or when the account has no keys
   * (they will be generated with the role `resolveAccount` gives). The next request also learns it by itself.
   */
  accountRoleChanged(accountId: string, role: UserRole): Promise<{ changed: boolean }>;
  /** An account's audit events, newest first. */
  activity(accountId: string, options?: { beforeId?: number; limit?: number }): Promise<StoredAuditEvent[]>;
  /**
   * Re-seals every secret, previous secret and stored answer not yet sealed with the current data key (after a
   * key rotation), in batches; once a run reports 0 re-sealed and none unreadable, old keys can be dropped from
   * the keyring. A value no key of the keyring opens is left as it is and its account named in `unreadable`.
   */
  reencryptSecrets(options?: { batchSize?: number }): Promise<ReencryptReport>;
  close(): Promise<void>;
}

export function createCredentialsServer(options: CredentialsServerOptions): CredentialsServer {
  checkOptions(options);
  const basePath = (options.basePath ?? DEFAULT_BASE_PATH).replace(/\/+$/, '');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const store = options.store ?? memoryStore();
  const clock = options.clock ?? systemClock;
  const signer = new TokenSigner(options.signingKey);
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const routes = new RouteTable(basePath, { authenticateTokenRoute: options.authenticateTokenRoute !== false });
  const limiter = new RateLimiter(
    store,
    options.rateLimits === false ? false : { ...DEFAULT_RATE_LIMITS, ...options.rateLimits },
  );
  const replays = {
    ttlMs: (options.idempotency?.ttlSeconds ?? 24 * 60 * 60) * 1000,
    maxAnswerBytes: options.idempotency?.maxAnswerBytes ?? 16 * 1024,
    maxPerAccount: options.idempotency?.maxPerAccount ?? DEFAULT_REPLAYS_PER_ACCOUNT,
  };
  const logError = options.logError ?? ((message: string) => console.error(message));
  let box: Promise<SecretBox> | undefined;
  let lastSweep = 0;
  let toldOfBadSource = false;

  function secretBox(): Promise<SecretBox> {
    box ??= Promise.resolve()
      .then(() =>
        typeof options.dataKeys === 'function' ? options.dataKeys() : (options.dataKeys ?? ephemeralKeyring()),
      )
      .then(async (keyring) => {
        const sealer = new SecretBox(keyring);
        await sealer.imported(); // a key the platform refuses fails here, not in the middle of a request
        await checkDataKeysAgainstStore(store, sealer);
        return sealer;
      })
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
      // Once the request is counted against a rate limit, every answer tells the count, refusals included.
      const counted: Record<string, string> = {};
      let answer: Answer;
      try {
        cors = corsHeaders(request, allowedOrigins);
        answer = await answerRequest(request, context, counted);
      } catch (error) {
        answer = failureAnswer(error, logError);
      }
      return toResponse({ ...answer, headers: { ...counted, ...answer.headers, ...cors } });
    },
    async ready() {
      await Promise.all([secretBox(), signer.publicKey()]);
    },
    publicKey: () => signer.publicKey(),
    jwks: () => signer.jwks(),
    async accountRoleChanged(accountId, role) {
      const problem = accountIdProblem(accountId);
      if (problem !== null) {
        throw new Error(`accountRoleChanged(accountId, role): accountId, the id resolveAccount gives, ${problem}.`);
      }
      if (!isUserRole(role)) {
        throw new Error(
          `accountRoleChanged(accountId, role): role must be one of ${USER_ROLES.join(', ')}; got ${JSON.stringify(role)}.`,
        );
      }
      // The host said so, not a signed-in admin: no actor, no source.
      const told = { at: clock.now(), actorId: null, actorName: null, source: null };
      return { changed: await store.transaction((tx) => followRole(tx, accountId, role, told)) };
    },
    activity: (accountId, activityOptions) => store.transaction((tx) => tx.listAudit(accountId, activityOptions)),
    async reencryptSecrets({ batchSize = 100 } = {}) {
      return reencrypt(store, await secretBox(), batchSize);
    },
    close: () => store.close(),
  };

  /** The pipeline, stage by stage (see the module header). */
  async function answerRequest(
    request: Request,
    context: RequestContext,
    counted: Record<string, string>,
  ): Promise<Answer> {
    const path = pathUnder(basePath, request);
    const route = routes.find(request.method, path);
    if (route.kind === 'preflight') return preflightAnswer(request, route.methods, allowedOrigins);
    if (route.kind === 'jwks') return { status: 200, body: await signer.jwks() };
    if (request.method !== 'GET') refuseCrossSite(request, allowedOrigins);
    const idempotencyKey = idempotencyKeyOf(request);
    const now = nowOf(request);
    const source = sourceOf(request, context);
    const serverNow = clock.now();
    void sweep(serverNow);
    const sealer = await secretBox();
    const base = { request, now, source, signer, box: sealer };

    if (route.kind === 'authenticate') {
      await refuseUnexpectedBody(request, maxBodyBytes);
      Object.assign(counted, await limiter.hit('authenticate', await authenticateCallers(request, source), serverNow));
      const accepts = (accountId: string) => options.acceptsAccount?.(request, accountId) ?? true;
      return settle(() => authenticateToken(base, store, accepts));
    }

    const { id, route: definition } = route;
    // A route without a body refuses a stray one before anything else; a body is read once the caller may send it.
    if (definition.request === undefined) await refuseUnexpectedBody(request, maxBodyBytes);
    const account = await resolveAccount(request);
    // Learned before any refusal, in a transaction of its own: a request answered 403, 429 or 4xx still tells it.
    const actor = { at: now, actorId: account.accountId, actorName: account.name ?? null, source };
    await store.transaction((tx) => followRole(tx, account.accountId, account.role, actor));
    refuseRoleWithoutAccess(definition, account);
    const body = await readOperationBody(definition, request, maxBodyBytes);
    const action = RATE_LIMITED_OPERATIONS[id];
    if (action) Object.assign(counted, await limiter.hit(action, `account:${account.accountId}`, serverNow));

    let terminals: Promise<readonly Terminal[]> | undefined;
    const work = (tx: StoreTransaction) =>
      runOperation(id, {
        ...base,
        tx,
        account,
        body: body.value,
        terminals: () => (terminals ??= Promise.resolve(options.listTerminals?.(account, request) ?? [])),
      });
    if (!definition.idempotent || idempotencyKey === null) return store.transaction(work);
    const scope = `${account.accountId} ${request.method} ${route.path}`;
    const replay = { accountId: account.accountId, scope, key: idempotencyKey, bodyText: body.text, now: serverNow };
    return replayable(store, sealer, replays, replay, work);
  }

  /**
   * Who an authenticate-token attempt counts against, both limits applying: the API key it tries (hashed, so that
   * a bucket name stays short), whatever its source; and its source when known — an IPv6 source by its /64, the
   * share of one subscriber, so that rotating addresses within it gains nothing.
   */
  async function authenticateCallers(request: Request, source: string | null): Promise<string[]> {
    const key = `key:${await sha256(request.headers.get('apiKey') ?? '')}`;
    return source === null ? [key] : [`source:${rateLimitGroup(source)}`, key];
  }

  /** The request's source as stored: a validated address, or null (never what a client wrote). */
  function sourceOf(request: Request, context: RequestContext): string | null {
    const given = options.sourceOf ? options.sourceOf(request, context) : context.sourceAddress;
    if (given === null || given === undefined) return null;
    const address = canonicalAddress(given);
    if (address === null && !toldOfBadSource) {
      toldOfBadSource = true;
      logError(
        `ipos-credentials: the source ${JSON.stringify(String(given).slice(0, 64))} is not an IP address, so requests are recorded without one; pass the client's IP address as sourceAddress (docs/server.md).`,
      );
    }
    return address;
  }

  async function resolveAccount(request: Request): Promise<ServerAccount> {
    const account = await options.resolveAccount(request);
    if (account === null || account === undefined) {
      throw new Problem(401, 'UNAUTHENTICATED', 'Sign in to manage API credentials.');
    }
    return checkedAccount(account);
  }

  /**
   * Forgets expired replays, and rate windows older than the longest limit's (and than a minute: role changes are
   * counted per minute too), at most once a minute.
   */
  async function sweep(now: number): Promise<void> {
    if (now - lastSweep < 60_000 && now >= lastSweep) return;
    lastSweep = now;
    // A failed sweep is logged like a request's failure, and tried again a minute later.
    await store
      .sweep(now, now - Math.max(limiter.longestWindowMs, 60_000))
      .catch((error: unknown) => failureAnswer(error, logError));
  }

  return server;
}
