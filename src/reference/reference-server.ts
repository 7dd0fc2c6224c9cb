/**
 * # The reference backend
 *
 * The credentials server (`src/server/`) in one configuration: demo accounts chosen by a header,
 * isolated demo sessions, a per-session clock, fault injection and a control route. Written against
 * the Fetch API: `handle(request: Request): Promise<Response>`. It runs unchanged in Node (mounted in
 * Vite or @web/test-runner through `ipos-credential-elements/reference/node`) and in the browser
 * (`ReferenceBackend` calls `handle()` in-process). Real CSPRNG keys, real RS256 JWTs (jose), secrets
 * sealed at rest. State lives in the memory store by default (lost with the process); `npm start`
 * passes a PGlite store so the demo's keys survive a restart.
 *
 * ## Routes (under the base path, default `/api/ipos`)
 * | method and path | answer |
 * | --- | --- |
 * | `GET /credentials` | 200 `Credentials` (`keys: null` until generated) |
 * | `POST /credentials` | 201 `Credentials`; 409 `KEYS_EXIST` |
 * | `POST /credentials/secret/reveal` | 200 `{ secretKey }`; 404 `KEYS_NOT_FOUND` |
 * | `POST /credentials/secret/reset` | 200 `Credentials`, the old secret invalid at once; 404 `KEYS_NOT_FOUND` |
 * | `GET /terminals` | 200 `{ terminals: [{ tpn, label }] }` — merchant only |
 * | `POST /tokens` `{ tpn, expiresInMinutes? }` | 201 `AuthToken` — merchant only |
 * | `POST /tokens/refresh` `{ token }` | 200 `AuthToken`, same TPN and lifetime — merchant only |
 * | `POST /authenticate-token` | iPOSpays' token API: headers `apiKey`, `secretKey`, optional `jwtTokenExpiryMinutes` |
 * | `GET`/`PUT`/`DELETE /__reference/session` | test and demo control of one session (below) |
 *
 * ## Headers
 * - `X-Ipos-Demo-Account: merchant | iso | agent` — the demo account a contract route acts for;
 *   missing → the `defaultAccount` option if set, else (and when unknown) 401 `DEMO_ACCOUNT_REQUIRED`. Accounts: merchant "Sunrise Bakery" with TPNs
 *   139322815010 "Front desk", 139322815011 "Drive-through", 139322815012 "Online orders";
 *   ISO admin "Northwind Payments (ISO)"; agent office admin "Harbor Agent Office". No keys at start.
 *   `/authenticate-token` ignores it: there the keys say who is calling.
 * - `X-Ipos-Demo-Session: <1–64 of [A-Za-z0-9_-]>` — an isolated copy of all three accounts (and of
 *   replays, clock offset and faults), so parallel tests never share state. Without it: the default
 *   session. Malformed → 400 `INVALID_DEMO_SESSION`.
 * - `Idempotency-Key` on `POST /credentials`, `/credentials/secret/reset`, `/tokens`, `/tokens/refresh`:
 *   a repeat (same session, account, route and key) gets the first answer again — status and body, plus
 *   `Idempotent-Replayed: true` — without doing the work twice, even while the first is still running.
 *   The same key with another body → 422 `IDEMPOTENCY_KEY_REUSED`. 5xx answers are not remembered.
 *   Replays live in the store: sealed, with a hash of the request body (never the body), for 24 hours,
 *   at most 1,000 per account (its own oldest forgotten first), and the memory store at most `maxReplays` in
 *   all (default 100,000; the account with the most gives way). Sessions: at most
 *   1000 (least recently used forgotten, rows included).
 *   `/credentials/secret/reveal` is not replayed: a replay cache must not hold secrets.
 *
 * ## Rules and errors (every error is `{ errorCode, errorMessage }` JSON; every answer `Cache-Control: no-store`)
 * - State-changing requests (and the control route's PUT/DELETE) from another origin — an `Origin` that
 *   is not this host or `allowedOrigins`, or `Sec-Fetch-Site: cross-site` — → 403 `CROSS_ORIGIN_REFUSED`.
 * - Non-merchant on `/terminals`, `/tokens`, `/tokens/refresh` → 403 `ROLE_FORBIDDEN`.
 * - JSON bodies: other content type → 415 `UNSUPPORTED_MEDIA_TYPE`; over 16 KiB → 413 `BODY_TOO_LARGE`;
 *   malformed → 400 `INVALID_JSON`; nested over 32 levels or not the expected object → 400 `INVALID_REQUEST`. Routes that take
 *   no body accept none, an empty one or a JSON one (ignored), and refuse any other the same way.
 * - `Idempotency-Key` not 1–255 printable ASCII characters → 400 `INVALID_IDEMPOTENCY_KEY`, on every route.
 * - `POST /tokens`: `tpn` not 12 digits → 400 `INVALID_TPN`; a TPN that is not this merchant's →
 *   400 `UNKNOWN_TPN` (a bad reference inside the body, not a missing resource); `expiresInMinutes`
 *   not an integer 1–1440 (`0`, `1441`, `1.5`, `"10"`) → 400 `INVALID_EXPIRY`. Default lifetime 1440.
 * - Tokens: RS256 JWTs, header `{ alg: 'RS256', typ: 'JWT' }`, claims `sub` (account id), `scope`
 *   (the role's scopes, space-separated), `tpn`, `uniqueId`, `iat`, `exp`; the key pair is made once per
 *   server on first use (`server.publicKey()` verifies). `/authenticate-token` tokens carry no `tpn`.
 * - `POST /tokens/refresh` is accepted until 15 minutes after `exp`; later → 401 `TOKEN_GRACE_EXPIRED`;
 *   not signed by this server, altered or not a terminal token → 401 `TOKEN_INVALID`; issued to another
 *   account → 401 `TOKEN_WRONG_ACCOUNT`.
 * - `POST /authenticate-token`: no `apiKey` → 401 `AUTH_ERR_001` "API Key required"; no `secretKey` →
 *   401 `AUTH_ERR_002` "Secret Key required"; a wrong pair (an old secret after a reset included) →
 *   401 `AUTH_ERR_004`; `jwtTokenExpiryMinutes` not digits for 1–1440 → 400 `INVALID_EXPIRY`. Success 200
 *   `{ responseCode: '00', responseMessage: 'Success', createdDt, tokenExpiresInMinutes, token }`.
 * - Unknown path → 404 `NOT_FOUND`; known path, other method → 405 `METHOD_NOT_ALLOWED` with `Allow`.
 *   Bad input never causes a 500.
 *
 * ## Time
 * `createReferenceServer({ clock })` takes any `{ now(): number }` (epoch ms); `server.clock` is an
 * `OffsetClock` over it, so `server.clock.advance(ms)` jumps every session forward. A session can also
 * run ahead on its own with the control route's `clockOffsetMs` (at most ±10 years).
 *
 * ## Faults
 * `createReferenceServer({ faults })`, or later `server.faults = { ... }` (all sessions) and
 * `server.session(id).faults` / the control route (one session; it wins over the server's):
 * - `latencyMs` — delay before every answer;
 * - `failureRate` (0–1) with optional `random()` — 503 `INJECTED_FAILURE` before any work;
 * - `forcedStatus: { 'POST /tokens': 503, '/credentials': { status, retryAfter?, body?, times?, afterWork? } }` —
 *   a string `body` is sent verbatim (malformed JSON), any other value as JSON (schema-invalid 200s);
 *   `times` limits how often; `afterWork` does the work first, then answers the fault (a lost answer).
 *   A `body` nested over 32 levels is refused with 400 and not stored.
 *
 * ## Control route (tests and the demo; disable with `controlRoute: false`)
 * Scoped to the session named by `X-Ipos-Demo-Session` (or the default session):
 * - `GET {base}/__reference/session` → `{ session, clockOffsetMs, faults }`;
 * - `PUT {base}/__reference/session` `{ clockOffsetMs?, faults?: { latencyMs?, failureRate?, forcedStatus? } | null }`
 *   → sets what is given (`faults` replaces the session's faults) and answers like `GET`;
 * - `DELETE {base}/__reference/session` → 204; the session starts from the demo accounts again.
 *
 * @example
 * const server = createReferenceServer();
 * const response = await server.handle(
 *   new Request('http://localhost/api/ipos/credentials', { headers: { 'X-Ipos-Demo-Account': 'merchant' } }),
 * );
 */
import type { CryptoKey } from 'jose';
import * as z from 'zod/mini';
import { describeIssues } from '../contract/describe-issues.js';
import { ROUTES } from '../contract/routes.js';
import { isUserRole, USER_ROLES, type UserRole } from '../contract/roles.js';
import { BASE_HEADERS, Problem, toResponse, type Answer } from '../server/answer.js';
import { parseJson, readJsonText } from '../server/parse.js';
import { OffsetClock, systemClock, type Clock } from '../server/clock.js';
import {
  AUTHENTICATE_TOKEN_PATH,
  JWKS_PATH,
  createCredentialsServer,
  crossSiteProblem,
  type CredentialsServerOptions,
  type RateLimit,
  type RateLimitedAction,
  type RequestContext,
} from '../server/credentials-server.js';
import type { ServerAccount } from '../server/operations.js';
import type { CredentialStore } from '../server/store.js';
import { memoryStore } from '../server/stores/memory.js';
import { DEFAULT_SESSION_ID, DEMO_ACCOUNTS, SESSION_ID_PATTERN, SessionStore, type DemoSession } from './accounts.js';
import {
  faultResponse,
  faultSettingsSchema,
  latencyOf,
  randomFailureStrikes,
  takeForcedFault,
  type FaultSettings,
} from './faults.js';

export const DEFAULT_BASE_PATH = '/api/ipos';
export const DEMO_ACCOUNT_HEADER = 'X-Ipos-Demo-Account';
export const DEMO_SESSION_HEADER = 'X-Ipos-Demo-Session';
/** The control route's path, relative to the base path. */
export const CONTROL_PATH = '/__reference/session';
const DEFAULT_MAX_BODY_BYTES = 16 * 1024;
/** How far a session's clock may run ahead or behind: ten years, so every time stays a valid ISO 8601 date. */
export const MAX_CLOCK_OFFSET_MS = 10 * 366 * 24 * 60 * 60_000;

export interface ReferenceServerOptions {
  /** Where the routes live; default `/api/ipos`. `''` serves them at the root. */
  basePath?: string;
  /** The time source (epoch ms); default the wall clock. */
  clock?: Clock;
  /** Server-wide faults, for every session. */
  faults?: FaultSettings;
  /** Serve `{base}/__reference/session`; default `true`. */
  controlRoute?: boolean;
  /** Largest accepted JSON body, in bytes; default 16 KiB. */
  maxBodyBytes?: number;
  /** Sessions kept before the least recently used is forgotten; default 1000. */
  maxSessions?: number;
  /** The demo account of requests without `X-Ipos-Demo-Account` (so a plain embed works); default none: 401. */
  defaultAccount?: UserRole;
  /** Where keys, replays and the audit log live; default a new memory store. */
  store?: CredentialStore;
  /** Foreign origins allowed to call state-changing routes; default none. */
  allowedOrigins?: readonly string[];
  /** The keys that seal secrets at rest; default an ephemeral key (fine with the memory store). */
  dataKeys?: CredentialsServerOptions['dataKeys'];
  /** The RS256 key that signs tokens; default a key pair made on first use. */
  signingKey?: CredentialsServerOptions['signingKey'];
  /** Per-account rate limits of the server; default off (tests and demos click fast). */
  rateLimits?: Partial<Record<RateLimitedAction, RateLimit>> | false;
}

export interface ReferenceServer {
  /** The base path, normalised: no trailing slash. */
  readonly basePath: string;
  /** Largest accepted JSON body, in bytes (adapters stop buffering just past it). */
  readonly maxBodyBytes: number;
  /** The server's clock: `advance(ms)` moves every session's time. */
  readonly clock: OffsetClock;
  /** Where the demo's rows live. */
  readonly store: CredentialStore;
  /** Server-wide fault settings; assign or mutate at any time. */
  faults: FaultSettings;
  /** Answers one request. Never rejects: failures are answered with an error body. */
  handle(request: Request, context?: RequestContext): Promise<Response>;
  /** The public key that verifies this server's tokens. */
  publicKey(): Promise<CryptoKey>;
  /** A session's state (created on first use); no id: the default session. */
  session(id?: string): DemoSession;
  /** Forgets a session's state, keys included; no id: the default session. */
  resetSession(id?: string): Promise<void>;
}

/** The body of `PUT {base}/__reference/session`. */
export const sessionSettingsSchema = z.object({
  clockOffsetMs: z.optional(z.number().check(z.int(), z.minimum(-MAX_CLOCK_OFFSET_MS), z.maximum(MAX_CLOCK_OFFSET_MS))),
  faults: z.optional(z.nullable(faultSettingsSchema)),
});

/** The methods of each path the server answers besides the control route (what faults and sessions apply to). */
export const REFERENCE_ROUTES: Readonly<Record<string, readonly string[]>> = (() => {
  const served: Record<string, string[]> = {};
  for (const route of Object.values(ROUTES)) (served[route.path] ??= []).push(route.method);
  served[AUTHENTICATE_TOKEN_PATH] = ['POST'];
  served[JWKS_PATH] = ['GET'];
  return served;
})();

/** Creates a reference server with fresh state (see the module header for its behaviour). */
export function createReferenceServer(options: ReferenceServerOptions = {}): ReferenceServer {
  const basePath = (options.basePath ?? DEFAULT_BASE_PATH).replace(/\/+$/, '');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const store = options.store ?? memoryStore();
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const clock = new OffsetClock(options.clock ?? systemClock);
  const forgetRows = (session: DemoSession) =>
    store.transaction(async (tx) => {
      for (const account of Object.values(session.accounts)) await tx.deleteAccount(account.id);
    });
  const sessions = new SessionStore(options.maxSessions, (session) => void forgetRows(session).catch(() => {}));
  const sessionOf = (request: Request) => sessions.get(sessionIdOf(request));

  const core = createCredentialsServer({
    basePath,
    maxBodyBytes,
    store,
    clock,
    allowedOrigins: options.allowedOrigins,
    rateLimits: options.rateLimits ?? false,
    dataKeys: options.dataKeys,
    signingKey: options.signingKey,
    now: (request) => clock.now() + sessionOf(request).clockOffsetMs,
    resolveAccount: (request) => demoAccountOf(request, sessionOf(request), options.defaultAccount),
    listTerminals: (account) => DEMO_ACCOUNTS[account.role].terminals,
    acceptsAccount: (request, accountId) => sessionOf(request).owns(accountId),
  });

  const server: ReferenceServer = {
    basePath,
    maxBodyBytes,
    clock,
    store,
    faults: options.faults ?? {},
    publicKey: () => core.publicKey(),
    session: (id = DEFAULT_SESSION_ID) => sessions.get(id),
    async resetSession(id = DEFAULT_SESSION_ID) {
      const session = sessions.get(id);
      sessions.reset(id);
      await forgetRows(session);
    },
    async handle(request, context) {
      try {
        return await answer(request, context);
      } catch (error) {
        if (error instanceof Problem) return toResponse(error.toAnswer());
        return toResponse({
          status: 500,
          body: { errorCode: 'INTERNAL_ERROR', errorMessage: 'The reference backend failed unexpectedly.' },
        });
      }
    },
  };

  async function answer(request: Request, context: RequestContext | undefined): Promise<Response> {
    const path = routePathOf(new URL(request.url).pathname, basePath);
    if (path === CONTROL_PATH && options.controlRoute !== false) return control(request);
    // Unknown routes and methods: the server's 404 and 405, before any session or fault.
    const methods = path !== null && Object.hasOwn(REFERENCE_ROUTES, path) ? REFERENCE_ROUTES[path] : undefined;
    if (!methods?.includes(request.method)) return core.handle(request, context);

    const session = sessionOf(request);
    const faults = [session.faults, server.faults];
    const latency = latencyOf(faults);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    if (randomFailureStrikes(faults)) {
      throw new Problem(503, 'INJECTED_FAILURE', 'Random failure injected by the reference backend (failureRate).');
    }
    const fault = takeForcedFault(faults, request.method, path as string);
    if (fault && !fault.afterWork) return faultResponse(fault, BASE_HEADERS);
    const response = await core.handle(request, context);
    return fault ? faultResponse(fault, BASE_HEADERS) : response;
  }

  async function control(request: Request): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'PUT' && request.method !== 'DELETE') {
      throw new Problem(405, 'METHOD_NOT_ALLOWED', `${basePath}${CONTROL_PATH} accepts GET, PUT, DELETE.`, {
        Allow: 'GET, PUT, DELETE',
      });
    }
    if (request.method !== 'GET') {
      const problem = crossSiteProblem(request, allowedOrigins);
      if (problem) throw problem;
    }
    const session = sessionOf(request);
    if (request.method === 'DELETE') {
      await server.resetSession(session.id);
      return toResponse({ status: 204 });
    }
    if (request.method === 'PUT') {
      // parseJson refuses bodies nested too deeply, before anything is validated or stored.
      const parsed = sessionSettingsSchema.safeParse(parseJson(await readJsonText(request, maxBodyBytes)));
      if (!parsed.success)
        throw new Problem(400, 'INVALID_REQUEST', `Invalid session settings: ${describeIssues(parsed.error.issues)}.`);
      const { clockOffsetMs, faults } = parsed.data;
      if (clockOffsetMs !== undefined) session.clockOffsetMs = clockOffsetMs;
      if (faults !== undefined) session.faults = faults ?? {};
    }
    const { latencyMs, failureRate, forcedStatus } = session.faults;
    const answer: Answer = {
      status: 200,
      body: {
        session: session.id || null,
        clockOffsetMs: session.clockOffsetMs,
        faults: { latencyMs, failureRate, forcedStatus },
      },
    };
    return toResponse(answer);
  }

  return server;
}

/** The path after the base path, without a trailing slash; null outside the base path. */
function routePathOf(pathname: string, basePath: string): string | null {
  const inside = pathname === basePath || pathname.startsWith(`${basePath}/`);
  return inside ? pathname.slice(basePath.length).replace(/\/+$/, '') || '/' : null;
}

function sessionIdOf(request: Request): string {
  const id = request.headers.get(DEMO_SESSION_HEADER);
  if (id === null) return DEFAULT_SESSION_ID;
  if (!SESSION_ID_PATTERN.test(id)) {
    throw new Problem(
      400,
      'INVALID_DEMO_SESSION',
      `${DEMO_SESSION_HEADER} must be 1–64 characters of A–Z, a–z, 0–9, _ and -.`,
    );
  }
  return id;
}

function demoAccountOf(request: Request, session: DemoSession, defaultAccount: UserRole | undefined): ServerAccount {
  const role = request.headers.get(DEMO_ACCOUNT_HEADER) ?? defaultAccount ?? null;
  if (!isUserRole(role)) {
    throw new Problem(
      401,
      'DEMO_ACCOUNT_REQUIRED',
      `Send the header ${DEMO_ACCOUNT_HEADER} with one of ${USER_ROLES.join(', ')} to choose the demo account this request acts for.`,
    );
  }
  const account = session.accounts[role];
  return { accountId: account.id, role, name: account.name };
}
