/**
 * The contract conformance runner: checks any backend (Node, Java, Go, …) against the HTTP contract over
 * real HTTP. `npx ipos-credential-elements verify <base-url> [--header K:V]…` prints one line per check.
 * It changes the account it acts for (generates keys if none, resets the secret, issues tokens): point it
 * at a test account. It does not trust the backend it checks: each request has a timeout, each answer a size
 * cap, and a redirect to another origin is not followed (the session headers never leave the base URL's origin).
 */
import * as z from 'zod/mini';
import {
  activityPageSchema,
  authTokenSchema,
  credentialsSchema,
  errorBodySchema,
  revealedSecretSchema,
  terminalListSchema,
} from '../contract/schemas.js';

export interface VerifyOptions {
  /** The contract's base URL, e.g. `http://127.0.0.1:8080/api/ipos`. */
  baseUrl: string;
  /** Headers every request carries: the test account's session cookie or bearer token. */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** How long one request may take, answer read included, in ms; default 10,000. */
  timeoutMs?: number;
  /** The largest answer read, in bytes; default 1 MiB (the contract's answers are a few KiB). */
  maxAnswerBytes?: number;
}

export const DEFAULT_VERIFY_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_ANSWER_BYTES = 1024 * 1024;
/** Same-origin redirects followed per request, at most. */
const MAX_REDIRECTS = 5;
/** Requests in a row without an answer before the run stops: a backend that is gone fails once, not 40 times. */
const MAX_SILENT_REQUESTS = 3;

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  /** Why it failed or was skipped. */
  detail?: string;
}

/** The checks, in the order they run. */
export const CHECKS = {
  'credentials-schema': 'GET /credentials answers a valid Credentials body',
  'generate-keys': 'POST /credentials answers 201 Credentials with keys, or 409 when keys exist',
  'reveal-secret': 'POST /credentials/secret/reveal answers the secret whose last 4 characters are the hint',
  'reset-secret': 'POST /credentials/secret/reset answers Credentials with a new secret',
  'idempotent-replay': 'a repeated Idempotency-Key replays the first answer and does not reset again',
  'reset-invalidates': 'after a reset, POST /authenticate-token refuses the old secret and accepts the new one',
  'grace-window':
    'a reset with graceMinutes keeps the old secret working until previousSecretValidUntil; revoking the previous secret ends that at once (AUTH_ERR_004), and again is harmless',
  'terminals-schema': 'GET /terminals answers a TerminalList, or 403 for roles without terminals',
  'token-generate': 'POST /tokens answers a valid AuthToken for the TPN and lifetime asked',
  'token-refresh': 'POST /tokens/refresh answers a new AuthToken for the same TPN',
  activity:
    'GET /credentials/activity lists this run’s events newest first, pages by cursor, refuses a bad limit or cursor, never shows a secret',
  'bad-input': 'malformed JSON, a bad TPN and an out-of-range lifetime get 4xx, never 5xx',
  'error-bodies': 'every error answer is { errorCode, errorMessage }',
  'no-store': 'answers that carry a secret or a token are Cache-Control: no-store',
  csrf: 'state-changing requests from a foreign origin or with a non-JSON body are refused, with no secret',
} as const;

export type CheckId = keyof typeof CHECKS;

interface Called {
  status: number;
  headers: Headers;
  body: unknown;
}

class CheckFailure extends Error {}

/** The backend stopped answering: the run ends, the checks not run yet are skipped. */
class BackendGone extends CheckFailure {}

function ensure(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailure(message);
}

function parse<T>(schema: z.ZodMiniType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  ensure(parsed.success, `${what} does not match the schema: ${JSON.stringify(body)?.slice(0, 200)}`);
  return parsed.data as T;
}

export async function verifyBackend(options: VerifyOptions): Promise<CheckResult[]> {
  const base = options.baseUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS;
  const maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
  let silentInARow = 0;
  let gone: string | undefined;
  const results = new Map<CheckId, CheckResult>();
  const errorAnswers: { what: string; body: unknown }[] = [];
  const secretAnswers: { what: string; headers: Headers }[] = [];
  let runs = 0;

  async function send(
    method: string,
    path: string,
    init: { json?: unknown; body?: string; headers?: Record<string, string>; idempotencyKey?: string } = {},
  ): Promise<Called> {
    const headers = new Headers(options.headers);
    for (const [name, value] of Object.entries(init.headers ?? {})) headers.set(name, value);
    if (init.json !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
    if (init.idempotencyKey) headers.set('Idempotency-Key', init.idempotencyKey);
    if (gone) throw new BackendGone(gone);
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetchWithinOrigin(`${base}${path}`, {
        method,
        headers,
        body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
        signal,
      });
      text = await readCapped(response, maxAnswerBytes, `${method} ${path}`);
      silentInARow = 0;
    } catch (error) {
      if (error instanceof CheckFailure) throw error;
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      const detail = `${method} ${path}: no answer ${signal.aborted ? `within ${timeoutMs / 1000} s` : `(${cause})`}`;
      if (++silentInARow >= MAX_SILENT_REQUESTS) gone = `the backend stopped answering (${detail})`;
      throw new CheckFailure(detail);
    }
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    if (response.status >= 400) errorAnswers.push({ what: `${method} ${path} (${response.status})`, body });
    return { status: response.status, headers: response.headers, body };
  }

  /**
   * `fetch` following redirects by hand: within the base URL's origin, with the same headers, up to
   * `MAX_REDIRECTS`; to another origin, never (it would carry the session headers there).
   */
  async function fetchWithinOrigin(url: string, init: RequestInit): Promise<Response> {
    for (let hop = 0; ; hop++) {
      const response = await doFetch(url, { ...init, redirect: 'manual' });
      const location = response.status >= 300 && response.status < 400 ? response.headers.get('Location') : null;
      if (location === null) return response;
      await response.body?.cancel();
      const next = new URL(location, url);
      if (next.origin !== origin) {
        throw new CheckFailure(
          `${init.method} ${url.slice(base.length)} redirected to another origin (${next.origin}); not followed, so your headers stayed with ${origin}`,
        );
      }
      if (hop === MAX_REDIRECTS)
        throw new CheckFailure(`${init.method} ${url.slice(base.length)}: more than ${MAX_REDIRECTS} redirects`);
      url = next.href;
    }
  }

  const key = (name: string) => `verify-${Date.now().toString(36)}-${++runs}-${name}`;

  async function check(id: CheckId, run: () => Promise<void | string>): Promise<boolean> {
    try {
      const skipped = await run();
      results.set(id, { id, title: CHECKS[id], status: skipped ? 'skip' : 'pass', detail: skipped || undefined });
      return !skipped;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      results.set(id, { id, title: CHECKS[id], status: error instanceof BackendGone ? 'skip' : 'fail', detail });
      return false;
    }
  }

  let role: string | undefined;
  let apiKey: string | undefined;
  let secret: string | undefined;
  let oldSecret: string | undefined;
  /** The secret a reset with a grace window replaced. */
  let graceSecret: string | undefined;
  let tpn: string | undefined;
  let token: string | undefined;

  await check('credentials-schema', async () => {
    const answer = await send('GET', '/credentials');
    ensure(answer.status === 200, `answered ${answer.status}, expected 200`);
    // Read leniently first, so that one schema failure does not hide what the later checks can still see.
    const loose = answer.body as { role?: string; keys?: { apiKey?: string } | null } | undefined;
    role = loose?.role;
    apiKey = loose?.keys?.apiKey;
    parse(credentialsSchema, answer.body, 'the body');
  });

  await check('generate-keys', async () => {
    const answer = await send('POST', '/credentials', { idempotencyKey: key('generate') });
    if (apiKey) {
      ensure(answer.status === 409, `keys existed; answered ${answer.status}, expected 409`);
      return;
    }
    ensure(answer.status === 201, `answered ${answer.status}, expected 201`);
    const credentials = parse(credentialsSchema, answer.body, 'the body');
    ensure(credentials.keys, 'keys is null after generating');
    apiKey = credentials.keys.apiKey;
    const again = await send('POST', '/credentials', { idempotencyKey: key('generate-again') });
    ensure(again.status === 409, `a second generate answered ${again.status}, expected 409`);
  });

  const revealed = async (what: string) => {
    const answer = await send('POST', '/credentials/secret/reveal');
    secretAnswers.push({ what, headers: answer.headers });
    ensure(answer.status === 200, `reveal answered ${answer.status}, expected 200`);
    return parse(revealedSecretSchema, answer.body, 'the reveal body').secretKey;
  };

  await check('reveal-secret', async () => {
    secret = await revealed('POST /credentials/secret/reveal');
    const current = (await send('GET', '/credentials')).body as { keys?: { secretKeyHint?: string } } | undefined;
    ensure(current?.keys?.secretKeyHint === secret.slice(-4), 'the hint is not the secret’s last 4 characters');
  });

  const resetKey = key('reset');
  let resetBody: unknown;
  await check('reset-secret', async () => {
    ensure(secret, 'no secret to reset (reveal failed)');
    oldSecret = secret;
    const answer = await send('POST', '/credentials/secret/reset', { idempotencyKey: resetKey });
    ensure(answer.status === 200, `answered ${answer.status}, expected 200`);
    const credentials = parse(credentialsSchema, answer.body, 'the body');
    resetBody = answer.body;
    secret = await revealed('POST /credentials/secret/reveal after a reset');
    ensure(secret !== oldSecret, 'the secret did not change');
    ensure(credentials.keys?.secretKeyHint === secret.slice(-4), 'the answer’s hint is not the new secret’s');
  });

  await check('idempotent-replay', async () => {
    ensure(resetBody !== undefined, 'no first reset to replay');
    const answer = await send('POST', '/credentials/secret/reset', { idempotencyKey: resetKey });
    const after = await revealed('POST /credentials/secret/reveal after a replay');
    const before = secret;
    secret = after; // the current secret, whatever the repeat did, for the checks after this one
    ensure(answer.status === 200, `the repeat answered ${answer.status}, expected the first answer's 200`);
    ensure(after === before, 'the repeated key reset the secret again');
    ensure(JSON.stringify(answer.body) === JSON.stringify(resetBody), 'the repeat answered another body');
  });

  await check('reset-invalidates', async () => {
    ensure(apiKey && secret && oldSecret, 'no reset to check');
    const authenticate = (secretKey: string) =>
      send('POST', '/authenticate-token', { headers: { apiKey: apiKey as string, secretKey } });
    const fresh = await authenticate(secret);
    if (fresh.status === 404 || fresh.status === 405) return 'the backend offers no /authenticate-token';
    ensure(fresh.status === 200, `the new secret got ${fresh.status}, expected 200`);
    const stale = await authenticate(oldSecret);
    ensure(stale.status === 401, `the old secret got ${stale.status}, expected 401`);
  });

  await check('grace-window', async () => {
    ensure(apiKey && secret, 'no keys to check');
    const revoke = () => send('POST', '/credentials/secret/previous/revoke', { idempotencyKey: key('revoke') });
    const probe = await revoke();
    if (probe.status === 404 || probe.status === 405) return 'the backend offers no grace window (optional)';
    ensure(probe.status === 200, `a revoke with no window open answered ${probe.status}, expected 200`);
    const tooLong = await send('POST', '/credentials/secret/reset', { json: { graceMinutes: 1441 } });
    ensure(tooLong.status === 400, `graceMinutes 1441 got ${tooLong.status}, expected 400`);
    const previous = secret;
    const answer = await send('POST', '/credentials/secret/reset', {
      json: { graceMinutes: 60 },
      idempotencyKey: key('reset-grace'),
    });
    ensure(answer.status === 200, `a reset with graceMinutes 60 answered ${answer.status}, expected 200`);
    const keys = parse(credentialsSchema, answer.body, 'the body').keys;
    const until = Date.parse(keys?.previousSecretValidUntil ?? '');
    const window = until - Date.parse(keys?.secretRotatedAt ?? '');
    ensure(
      Math.abs(window - 60 * 60_000) <= 1000,
      `previousSecretValidUntil is ${window} ms after the reset, not 60 min`,
    );
    secret = await revealed('POST /credentials/secret/reveal after a reset with a grace window');
    graceSecret = previous;
    const authenticate = (secretKey: string) =>
      send('POST', '/authenticate-token', { headers: { apiKey: apiKey as string, secretKey } });
    const offered = (await authenticate(secret)).status;
    ensure(offered === 200 || offered === 404 || offered === 405, `the new secret got ${offered}, expected 200`);
    const canAuthenticate = offered === 200;
    if (canAuthenticate) {
      const during = await authenticate(previous);
      ensure(during.status === 200, `the previous secret got ${during.status} during its window, expected 200`);
    }
    const revoked = await revoke();
    ensure(revoked.status === 200, `the revoke answered ${revoked.status}, expected 200`);
    const after = parse(credentialsSchema, revoked.body, 'the revoke body').keys;
    ensure(!after?.previousSecretValidUntil, 'previousSecretValidUntil is still set after the revoke');
    if (canAuthenticate) {
      const refused = await authenticate(previous);
      // The body's shape is the error-bodies check's to judge; its code is this one's.
      const error = errorBodySchema.safeParse(refused.body);
      const code = error.success ? error.data.errorCode : 'AUTH_ERR_004';
      ensure(
        refused.status === 401 && code === 'AUTH_ERR_004',
        `after the revoke the old secret got ${refused.status} ${code}, expected 401 AUTH_ERR_004`,
      );
      ensure((await authenticate(secret)).status === 200, 'after the revoke the new secret no longer authenticates');
    }
    const again = await revoke();
    ensure(again.status === 200, `a second revoke answered ${again.status}, expected 200`);
    parse(credentialsSchema, again.body, 'the second revoke body');
  });

  await check('terminals-schema', async () => {
    const answer = await send('GET', '/terminals');
    if (role !== 'merchant') {
      ensure(answer.status === 403, `a ${role} got ${answer.status}, expected 403`);
      return;
    }
    ensure(answer.status === 200, `answered ${answer.status}, expected 200`);
    tpn = parse(terminalListSchema, answer.body, 'the body').terminals[0]?.tpn;
  });

  const minutes = 5;
  await check('token-generate', async () => {
    if (!tpn) return role === 'merchant' ? 'the merchant has no terminal' : `a ${role} has no tokens`;
    const answer = await send('POST', '/tokens', {
      json: { tpn, expiresInMinutes: minutes },
      idempotencyKey: key('token'),
    });
    secretAnswers.push({ what: 'POST /tokens', headers: answer.headers });
    ensure(answer.status === 201, `answered ${answer.status}, expected 201`);
    const body = parse(authTokenSchema, answer.body, 'the body');
    ensure(body.tpn === tpn, 'the token is for another TPN');
    const lifetime = Date.parse(body.expiresAt) - Date.parse(body.issuedAt);
    ensure(Math.abs(lifetime - minutes * 60_000) <= 1000, `lifetime ${lifetime} ms, asked ${minutes} minutes`);
    const grace = Date.parse(body.graceEndsAt) - Date.parse(body.expiresAt);
    ensure(grace === 15 * 60_000, `grace ${grace} ms, expected 15 minutes`);
    token = body.token;
  });

  await check('token-refresh', async () => {
    if (!token) return 'no token to refresh';
    const answer = await send('POST', '/tokens/refresh', { json: { token }, idempotencyKey: key('refresh') });
    secretAnswers.push({ what: 'POST /tokens/refresh', headers: answer.headers });
    ensure(answer.status === 200, `answered ${answer.status}, expected 200`);
    ensure(parse(authTokenSchema, answer.body, 'the body').tpn === tpn, 'the refreshed token is for another TPN');
  });

  await check('activity', async () => {
    const page = async (query: string) => {
      const answer = await send('GET', `/credentials/activity${query}`);
      ensure(answer.status === 200, `GET /credentials/activity${query} answered ${answer.status}, expected 200`);
      return parse(activityPageSchema, answer.body, `the body of ${query || 'the first page'}`);
    };
    const probe = await send('GET', '/credentials/activity');
    if (probe.status === 404 || probe.status === 405) return 'the backend offers no activity trail (optional)';
    const first = await page('');
    const types = first.events.map((event) => event.type);
    ensure(
      types.includes('secret-reset') && types.includes('secret-revealed'),
      `this run's reset and reveals are missing: ${types.join(', ')}`,
    );
    const times = first.events.map((event) => Date.parse(event.at));
    ensure(
      times.every((time, index) => index === 0 || time <= times[index - 1]!),
      'the events are not newest first',
    );
    const text = JSON.stringify(first);
    ensure(
      ![secret, oldSecret, graceSecret, token].some((value) => value && text.includes(value)),
      'an event carries a secret or a token',
    );
    const one = await page('?limit=1');
    ensure(one.events.length === 1 && one.nextCursor, 'limit=1 did not answer one event and a nextCursor');
    const next = await page(`?limit=1&cursor=${encodeURIComponent(one.nextCursor)}`);
    ensure(next.events[0]?.id === first.events[1]?.id, 'the second page does not continue where the first ended');
    for (const query of ['?limit=0', '?limit=101', '?limit=x', '?cursor=not-a-cursor']) {
      const answer = await send('GET', `/credentials/activity${query}`);
      ensure(answer.status === 400, `${query} got ${answer.status}, expected 400`);
    }
  });

  await check('bad-input', async () => {
    const cases: [string, Parameters<typeof send>[2]][] = [
      ['malformed JSON', { body: '{"tpn":', headers: { 'Content-Type': 'application/json' } }],
      ['a TPN that is not 12 digits', { json: { tpn: 'abc' } }],
      ['a lifetime of 0 minutes', { json: { tpn: tpn ?? '139322815010', expiresInMinutes: 0 } }],
      ['a lifetime of 1441 minutes', { json: { tpn: tpn ?? '139322815010', expiresInMinutes: 1441 } }],
      ['a body that is not an object', { json: ['x'] }],
    ];
    for (const [what, init] of cases) {
      const answer = await send('POST', '/tokens', init);
      const expected = role === 'merchant' ? answer.status === 400 : answer.status === 403 || answer.status === 400;
      ensure(expected, `${what} got ${answer.status}, expected 400${role === 'merchant' ? '' : ' or 403'}`);
    }
    const refresh = await send('POST', '/tokens/refresh', { json: { token: 'not.a.token' } });
    ensure(refresh.status >= 400 && refresh.status < 500, `a forged token got ${refresh.status}, expected 4xx`);
    const missing = await send('GET', '/no-such-route');
    ensure(missing.status === 404, `an unknown route got ${missing.status}, expected 404`);
  });

  await check('csrf', async () => {
    const foreign = await send('POST', '/credentials/secret/reveal', {
      headers: { Origin: 'https://conformance.invalid', 'Sec-Fetch-Site': 'cross-site' },
    });
    ensure(foreign.status === 403, `a cross-site reveal got ${foreign.status}, expected 403`);
    ensure(!JSON.stringify(foreign.body ?? '').includes('dskey_'), 'a cross-site reveal got the secret');
    const form = await send('POST', '/credentials/secret/reset', {
      body: 'graceMinutes=0',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    ensure(form.status === 415 || form.status === 403, `a form-encoded reset got ${form.status}, expected 415`);
  });

  await check('error-bodies', async () => {
    ensure(errorAnswers.length > 0, 'no error answer was seen');
    for (const { what, body } of errorAnswers) {
      ensure(errorBodySchema.safeParse(body).success, `${what} answered ${JSON.stringify(body)?.slice(0, 120)}`);
    }
  });

  await check('no-store', async () => {
    ensure(secretAnswers.length > 0, 'no answer with a secret or a token was seen');
    for (const { what, headers } of secretAnswers) {
      const cache = headers.get('Cache-Control') ?? '';
      ensure(/(^|,)\s*no-store\s*(,|$)/i.test(cache), `${what} has Cache-Control "${cache}"`);
    }
  });

  return (Object.keys(CHECKS) as CheckId[]).map(
    (id) => results.get(id) ?? { id, title: CHECKS[id], status: 'skip' as const, detail: 'not run' },
  );
}

/** The answer's text, read up to `maxBytes`: a backend that sends more (or never stops) fails the check. */
async function readCapped(response: Response, maxBytes: number, what: string): Promise<string> {
  const declared = Number(response.headers.get('Content-Length'));
  const tooLarge = () => new CheckFailure(`${what}: the answer is over ${maxBytes} bytes; not read further`);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    length += chunk.value.byteLength;
    if (length > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(chunk.value);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** What a terminal acts on instead of printing: control characters (escape sequences) and bidirectional overrides. */
const UNPRINTABLE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;

/** Text from the backend made inert for a terminal: each control character written as `\u{…}`. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (character) => `\\u{${character.codePointAt(0)!.toString(16)}}`);
}

/**
 * The runner's report: one line per check, then `N passed, N failed, N skipped`. Details quote the backend, so
 * every piece is made printable: a hostile backend cannot move the cursor, rewrite lines or retitle the terminal.
 */
export function formatResults(results: readonly CheckResult[]): string {
  const lines = results.map((result) => {
    const mark = result.status === 'pass' ? 'ok  ' : result.status === 'fail' ? 'FAIL' : 'skip';
    const detail = result.detail ? `\n      ${printable(result.detail)}` : '';
    return `${mark}  ${printable(result.id).padEnd(20)} ${printable(result.title)}${detail}`;
  });
  const count = (status: CheckStatus) => results.filter((result) => result.status === status).length;
  lines.push('', `${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
  return lines.join('\n');
}

export const VERIFY_USAGE =
  'usage: ipos-credential-elements verify <base-url> [--header "Name: value"]… [--timeout <seconds>] [--max-bytes <bytes>]';

/** Parses `verify <base-url> [--header K:V]… [--timeout s] [--max-bytes n]`; throws with the usage on anything else. */
export function parseVerifyArguments(args: readonly string[]): VerifyOptions {
  const usage = VERIFY_USAGE;
  const headers: Record<string, string> = {};
  let baseUrl: string | undefined;
  let timeoutMs: number | undefined;
  let maxAnswerBytes: number | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === '--timeout') {
      const seconds = Number(args[++index]);
      if (!(seconds > 0 && seconds <= 600)) throw new Error(`--timeout needs seconds from 0.001 to 600. ${usage}`);
      timeoutMs = Math.round(seconds * 1000);
    } else if (arg === '--max-bytes') {
      const bytes = Number(args[++index]);
      if (!Number.isInteger(bytes) || bytes < 1024)
        throw new Error(`--max-bytes needs a whole number ≥ 1024. ${usage}`);
      maxAnswerBytes = bytes;
    } else if (arg === '--header' || arg === '-H') {
      const header = args[++index];
      const colon = header?.indexOf(':') ?? -1;
      if (!header || colon < 1) throw new Error(`--header needs "Name: value". ${usage}`);
      headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
    } else if (!baseUrl && /^https?:\/\//.test(arg)) baseUrl = arg;
    else throw new Error(`Unexpected argument ${JSON.stringify(arg)}. ${usage}`);
  }
  if (!baseUrl) throw new Error(`The base URL is missing. ${usage}`);
  return { baseUrl, headers, timeoutMs, maxAnswerBytes };
}
