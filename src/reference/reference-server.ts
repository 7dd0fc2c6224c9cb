/**
 * # The reference backend
 *
 * One in-memory implementation of the HTTP contract (`src/contract/`) that models iPOSpays, written
 * against the Fetch API: `handle(request: Request): Promise<Response>`. It runs unchanged in Node
 * (mounted in Vite or @web/test-runner through `ipos-credential-elements/reference/node`) and in the
 * browser (`ReferenceBackend` calls `handle()` in-process). Real CSPRNG keys, real RS256 JWTs (jose).
 * State lives in memory only and is lost with the process.
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
 *   missing or unknown → 401 `DEMO_ACCOUNT_REQUIRED`. Accounts: merchant "Sunrise Bakery" with TPNs
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
 *   Memory is bounded (500 keys per session, 1000 sessions; least recently used go first).
 *   `/credentials/secret/reveal` is not replayed: a replay cache must not hold secrets.
 *
 * ## Rules and errors (every error is `{ errorCode, errorMessage }` JSON; every answer `Cache-Control: no-store`)
 * - Non-merchant on `/terminals`, `/tokens`, `/tokens/refresh` → 403 `ROLE_FORBIDDEN`.
 * - JSON bodies: other content type → 415 `UNSUPPORTED_MEDIA_TYPE`; over 16 KiB → 413 `BODY_TOO_LARGE`;
 *   malformed → 400 `INVALID_JSON`; not the expected object → 400 `INVALID_REQUEST`. Routes that take
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
 * run ahead on its own with the control route's `clockOffsetMs`.
 *
 * ## Faults
 * `createReferenceServer({ faults })`, or later `server.faults = { ... }` (all sessions) and
 * `server.session(id).faults` / the control route (one session; it wins over the server's):
 * - `latencyMs` — delay before every answer;
 * - `failureRate` (0–1) with optional `random()` — 503 `INJECTED_FAILURE` before any work;
 * - `forcedStatus: { 'POST /tokens': 503, '/credentials': { status, retryAfter?, body?, times?, afterWork? } }` —
 *   a string `body` is sent verbatim (malformed JSON), any other value as JSON (schema-invalid 200s);
 *   `times` limits how often; `afterWork` does the work first, then answers the fault (a lost answer).
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
import { isUserRole, canGenerateTokens, USER_ROLES } from '../roles.js';
import {
  DEFAULT_SESSION_ID,
  SESSION_ID_PATTERN,
  SessionStore,
  type DemoAccount,
  type DemoSession,
} from './accounts.js';
import {
  BASE_HEADERS,
  Problem,
  parseJson,
  readJsonText,
  refuseUnexpectedBody,
  toResponse,
  type Answer,
} from './answers.js';
import { OffsetClock, systemClock, type Clock } from './clock.js';
import {
  faultResponse,
  faultSettingsSchema,
  latencyOf,
  randomFailureStrikes,
  takeForcedFault,
  type FaultSettings,
} from './faults.js';
import { IDEMPOTENCY_KEY_PATTERN } from './idempotency.js';
import { REFERENCE_ROUTES, merchantOnlyProblem, type RouteSpec } from './routes.js';
import { TokenSigner } from './tokens.js';

export const DEFAULT_BASE_PATH = '/api/ipos';
export const DEMO_ACCOUNT_HEADER = 'X-Ipos-Demo-Account';
export const DEMO_SESSION_HEADER = 'X-Ipos-Demo-Session';
/** The control route's path, relative to the base path. */
export const CONTROL_PATH = '/__reference/session';
const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

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
  /** Sessions kept in memory before the least recently used is forgotten; default 1000. */
  maxSessions?: number;
}

export interface ReferenceServer {
  /** The base path, normalised: no trailing slash. */
  readonly basePath: string;
  /** Largest accepted JSON body, in bytes (adapters stop buffering just past it). */
  readonly maxBodyBytes: number;
  /** The server's clock: `advance(ms)` moves every session's time. */
  readonly clock: OffsetClock;
  /** Server-wide fault settings; assign or mutate at any time. */
  faults: FaultSettings;
  /** Answers one request. Never rejects: failures are answered with an error body. */
  handle(request: Request): Promise<Response>;
  /** The public key that verifies this server's tokens. */
  publicKey(): Promise<CryptoKey>;
  /** A session's state (created on first use); no id: the default session. */
  session(id?: string): DemoSession;
  /** Forgets a session's state; no id: the default session. */
  resetSession(id?: string): void;
}

/** The body of `PUT {base}/__reference/session`. */
export const sessionSettingsSchema = z.object({
  clockOffsetMs: z.optional(z.number().check(z.int())),
  faults: z.optional(z.nullable(faultSettingsSchema)),
});

/** Creates a reference server with fresh in-memory state (see the module header for its behaviour). */
export function createReferenceServer(options: ReferenceServerOptions = {}): ReferenceServer {
  const basePath = (options.basePath ?? DEFAULT_BASE_PATH).replace(/\/+$/, '');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const routes: Record<string, Readonly<Record<string, RouteSpec | 'control'>>> = { ...REFERENCE_ROUTES };
  if (options.controlRoute !== false) routes[CONTROL_PATH] = { GET: 'control', PUT: 'control', DELETE: 'control' };
  const sessions = new SessionStore(options.maxSessions);
  const signer = new TokenSigner();

  const server: ReferenceServer = {
    basePath,
    maxBodyBytes,
    clock: new OffsetClock(options.clock ?? systemClock),
    faults: options.faults ?? {},
    publicKey: () => signer.publicKey(),
    session: (id = DEFAULT_SESSION_ID) => sessions.get(id),
    resetSession: (id = DEFAULT_SESSION_ID) => sessions.reset(id),
    async handle(request) {
      try {
        return await answer(request);
      } catch (error) {
        if (error instanceof Problem) return toResponse(error.toAnswer());
        return toResponse({
          status: 500,
          body: { errorCode: 'INTERNAL_ERROR', errorMessage: 'The reference backend failed unexpectedly.' },
        });
      }
    },
  };

  async function answer(request: Request): Promise<Response> {
    const path = routePath(new URL(request.url).pathname);
    // Own properties only: `/constructor` or a `toString` method must be a 404 or a 405, not a prototype's function.
    const methods = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!methods) throw new Problem(404, 'NOT_FOUND', `No route ${request.method} ${basePath}${path}.`);
    const spec = Object.hasOwn(methods, request.method) ? methods[request.method] : undefined;
    if (!spec) {
      const allow = Object.keys(methods).join(', ');
      throw new Problem(405, 'METHOD_NOT_ALLOWED', `${basePath}${path} accepts ${allow}.`, { Allow: allow });
    }
    const session = sessions.get(sessionIdOf(request));
    if (spec === 'control') return toResponse(await control(request, session));

    const faults = [session.faults, server.faults];
    const latency = latencyOf(faults);
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    if (randomFailureStrikes(faults)) {
      throw new Problem(503, 'INJECTED_FAILURE', 'Random failure injected by the reference backend (failureRate).');
    }
    const fault = takeForcedFault(faults, request.method, path);
    if (fault && !fault.afterWork) return faultResponse(fault, BASE_HEADERS);
    const result = await run(spec, request, path, session);
    return fault ? faultResponse(fault, BASE_HEADERS) : toResponse(result);
  }

  /** The path after the base path, without a trailing slash; 404 outside the base path. */
  function routePath(pathname: string): string {
    const inside = pathname === basePath || pathname.startsWith(`${basePath}/`);
    if (!inside) throw new Problem(404, 'NOT_FOUND', `No route here: the reference backend serves ${basePath}/.`);
    return pathname.slice(basePath.length).replace(/\/+$/, '') || '/';
  }

  async function run(spec: RouteSpec, request: Request, path: string, session: DemoSession): Promise<Answer> {
    const now = server.clock.now() + session.clockOffsetMs;
    const key = request.headers.get('Idempotency-Key');
    // Checked on every route, not only where replays happen: a malformed header is the client's bug to hear about.
    if (key !== null && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new Problem(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1–255 printable ASCII characters.');
    }
    if (spec.actor === 'keys' || !spec.jsonBody) await refuseUnexpectedBody(request, maxBodyBytes);
    if (spec.actor === 'keys') return settle(() => spec.handle({ request, session, now, signer }));

    const account = demoAccountOf(request, session);
    if (spec.merchantOnly && !canGenerateTokens(account.role)) throw merchantOnlyProblem(account);
    const text = spec.jsonBody ? await readJsonText(request, maxBodyBytes) : '';
    const body = spec.jsonBody ? parseJson(text) : undefined;
    const work = () => settle(() => spec.handle({ request, session, now, signer, account, body }));

    if (!spec.replayable || key === null) return work();
    const replay = session.idempotency.run(`${account.id} ${request.method} ${path}`, key, text, work);
    if (replay.outcome === 'mismatch') {
      throw new Problem(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different body.');
    }
    const recorded = await replay.answer;
    return replay.outcome === 'replayed'
      ? { ...recorded, headers: { ...recorded.headers, 'Idempotent-Replayed': 'true' } }
      : recorded;
  }

  async function control(request: Request, session: DemoSession): Promise<Answer> {
    if (request.method === 'DELETE') {
      sessions.reset(session.id);
      return { status: 204 };
    }
    if (request.method === 'PUT') {
      const parsed = sessionSettingsSchema.safeParse(parseJson(await readJsonText(request, maxBodyBytes)));
      if (!parsed.success)
        throw new Problem(400, 'INVALID_REQUEST', `Invalid session settings: ${describeIssues(parsed.error.issues)}.`);
      const { clockOffsetMs, faults } = parsed.data;
      if (clockOffsetMs !== undefined) session.clockOffsetMs = clockOffsetMs;
      if (faults !== undefined) session.faults = faults ?? {};
    }
    const { latencyMs, failureRate, forcedStatus } = session.faults;
    return {
      status: 200,
      body: {
        session: session.id || null,
        clockOffsetMs: session.clockOffsetMs,
        faults: { latencyMs, failureRate, forcedStatus },
      },
    };
  }

  return server;
}

/** Runs a handler, turning its `Problem` into an answer (so refusals are remembered for replays too). */
async function settle(handler: () => Answer | Promise<Answer>): Promise<Answer> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof Problem) return error.toAnswer();
    throw error;
  }
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

function demoAccountOf(request: Request, session: DemoSession): DemoAccount {
  const role = request.headers.get(DEMO_ACCOUNT_HEADER);
  if (!isUserRole(role)) {
    throw new Problem(
      401,
      'DEMO_ACCOUNT_REQUIRED',
      `Send the header ${DEMO_ACCOUNT_HEADER} with one of ${USER_ROLES.join(', ')} to choose the demo account this request acts for.`,
    );
  }
  return session.accounts[role];
}
