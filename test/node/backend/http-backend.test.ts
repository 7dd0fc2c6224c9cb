import { EventEmitter, once } from 'node:events';
import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpBackend, parseRetryAfter, type HttpBackendOptions } from '../../../src/backend/http-backend.js';
import { createReferenceServer, type FaultSettings } from '../../../src/reference/index.js';
import { referenceMiddleware } from '../../../src/reference/node.js';
import { newSession } from '../../support/reference-helpers.js';
import { backendError } from '../../support/backend-error.js';
import { settlesBefore } from '../../support/race.js';

/** What the HTTP server saw of one request. */
interface Attempt {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  status?: number;
  replayed?: boolean;
}

const attempts = new Map<string, Attempt[]>();
/** Emits each request as the server receives it (event name: its session), so that a test can act while it is there. */
const arrivals = new EventEmitter<Record<string, [ServerResponse]>>();
/** Sessions whose requests the server keeps waiting and never answers: only the client can end them. */
const unanswered = new Set<string>();
let httpServer: Server;
let baseUrl: string;

beforeAll(async () => {
  const reference = createReferenceServer();
  await reference.publicKey();
  const middleware = referenceMiddleware(reference);
  httpServer = createServer((req, res) => {
    const session = String(req.headers['x-ipos-demo-session'] ?? '');
    const attempt: Attempt = {
      method: req.method ?? '',
      path: req.url ?? '',
      idempotencyKey: req.headers['idempotency-key'] as string | undefined,
    };
    if (!attempts.has(session)) attempts.set(session, []);
    attempts.get(session)!.push(attempt);
    res.on('finish', () => {
      attempt.status = res.statusCode;
      attempt.replayed = res.getHeader('idempotent-replayed') === 'true';
    });
    arrivals.emit(session, res);
    if (unanswered.has(session)) return;
    middleware(req, res, () => {
      res.statusCode = 404;
      res.end('outside the reference backend');
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/api/ipos`;
});

afterAll(async () => {
  httpServer.closeAllConnections();
  await new Promise((resolve) => httpServer.close(resolve));
});

function backendFor(session: string, options: Partial<HttpBackendOptions> = {}, account = 'merchant'): HttpBackend {
  return new HttpBackend({
    baseUrl,
    headers: { 'X-Ipos-Demo-Account': account, 'X-Ipos-Demo-Session': session },
    retryDelayMs: 1,
    ...options,
  });
}

/** Sets the session's faults through the control route, over HTTP. */
async function setFaults(session: string, faults: FaultSettings): Promise<void> {
  const response = await fetch(`${baseUrl}/__reference/session`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', 'X-Ipos-Demo-Session': session },
    body: JSON.stringify({ faults }),
  });
  expect(response.status).toBe(200);
}

/** A `fetch` that counts the attempts the client makes and announces each answer once it has all of it. */
function countingFetch() {
  const received = new EventEmitter<{ answer: [] }>();
  const counted = {
    attempts: 0,
    received,
    fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
      counted.attempts++;
      const response = await fetch(input, init);
      // Read here, so that what the client does with the answer takes no more I/O.
      const answer = new Response(await response.arrayBuffer(), response);
      received.emit('answer');
      return answer;
    },
  };
  return counted;
}

function attemptsOf(session: string, method: string, path: string): Attempt[] {
  return (attempts.get(session) ?? []).filter(
    (attempt) => attempt.method === method && attempt.path === `/api/ipos${path}`,
  );
}

describe('HttpBackend against the reference server over HTTP', () => {
  it('walks the whole merchant flow with validated answers', async () => {
    const backend = backendFor(newSession());
    expect((await backend.getCredentials()).keys).toBeNull();
    const generated = await backend.generateKeys();
    expect(generated.keys?.apiKey).toMatch(/^dakey_/);
    const { secretKey } = await backend.revealSecret();
    expect(secretKey.slice(-4)).toBe(generated.keys?.secretKeyHint);
    const reset = await backend.resetSecret();
    expect(reset.keys?.secretKeyHint).not.toBe(generated.keys?.secretKeyHint);
    const terminals = await backend.listTerminals();
    expect(terminals.map((terminal) => terminal.tpn)).toEqual(['139322815010', '139322815011', '139322815012']);
    const token = await backend.generateToken({ tpn: terminals[1]!.tpn, expiresInMinutes: 5 });
    expect(token.tpn).toBe('139322815011');
    const refreshed = await backend.refreshToken({ token: token.token });
    expect(refreshed.tpn).toBe('139322815011');
    expect(refreshed.token).not.toBe(token.token);
  });

  it("maps refusals to codes and keeps the server's errorCode and errorMessage", async () => {
    const session = newSession();
    const merchant = backendFor(session);
    expect(await backendError(merchant.revealSecret())).toMatchObject({
      code: 'not-found',
      status: 404,
      errorCode: 'KEYS_NOT_FOUND',
    });
    await merchant.generateKeys();
    const conflict = await backendError(merchant.generateKeys());
    expect(conflict).toMatchObject({ code: 'conflict', status: 409, errorCode: 'KEYS_EXIST' });
    expect(conflict.errorMessage).toContain('already has an API key');
    expect(await backendError(backendFor(session, {}, 'iso').listTerminals())).toMatchObject({
      code: 'forbidden',
      errorCode: 'ROLE_FORBIDDEN',
    });
    expect(await backendError(backendFor(session, {}, 'nobody').getCredentials())).toMatchObject({
      code: 'unauthenticated',
      errorCode: 'DEMO_ACCOUNT_REQUIRED',
    });
    expect(await backendError(merchant.generateToken({ tpn: '12' }))).toMatchObject({
      code: 'invalid-request',
      errorCode: 'INVALID_TPN',
    });
    expect(await backendError(merchant.generateToken({ tpn: '139322815010', expiresInMinutes: 1441 }))).toMatchObject({
      code: 'invalid-request',
      errorCode: 'INVALID_EXPIRY',
    });
  });

  it('retries a read on 503, honouring Retry-After, and succeeds', async () => {
    const session = newSession();
    await setFaults(session, { forcedStatus: { 'GET /credentials': { status: 503, retryAfter: 1, times: 1 } } });
    const started = performance.now();
    const credentials = await backendFor(session, { retryDelayMs: 5000 }).getCredentials();
    expect(credentials.role).toBe('merchant');
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(attemptsOf(session, 'GET', '/credentials').map((attempt) => attempt.status)).toEqual([503, 200]);
  });

  it('gives up after `retries` extra attempts with the last failure', async () => {
    const session = newSession();
    await setFaults(session, {
      forcedStatus: { 'GET /terminals': 502, 'GET /credentials': { status: 429, retryAfter: 0 } },
    });
    const error = await backendError(backendFor(session, { retries: 2 }).listTerminals());
    expect(error).toMatchObject({ code: 'server', status: 502, errorCode: 'INJECTED_FAULT' });
    expect(attemptsOf(session, 'GET', '/terminals')).toHaveLength(3);
    const limited = await backendError(backendFor(session, { retries: 1 }).getCredentials());
    expect(limited).toMatchObject({ code: 'rate-limited', status: 429, retryAfter: 0 });
    expect(attemptsOf(session, 'GET', '/credentials')).toHaveLength(2);
  });

  it('does not wait for a Retry-After past its cap: it surfaces it at once', async () => {
    const session = newSession();
    await setFaults(session, { forcedStatus: { 'GET /credentials': { status: 429, retryAfter: 60 } } });
    const call = backendError(backendFor(session).getCredentials());
    expect(await settlesBefore(call, 60_000 / 2), 'waited for a Retry-After past the cap').toBe(true);
    expect(await call).toMatchObject({ code: 'rate-limited', retryAfter: 60 });
    expect(attemptsOf(session, 'GET', '/credentials')).toHaveLength(1);
  });

  it('does not retry answers that another attempt cannot change (500, 4xx)', async () => {
    const session = newSession();
    await setFaults(session, { forcedStatus: { 'GET /credentials': 500, 'GET /terminals': 404 } });
    const backend = backendFor(session);
    expect(await backendError(backend.getCredentials())).toMatchObject({ code: 'server', status: 500 });
    expect(await backendError(backend.listTerminals())).toMatchObject({ code: 'not-found' });
    expect(attemptsOf(session, 'GET', '/credentials')).toHaveLength(1);
    expect(attemptsOf(session, 'GET', '/terminals')).toHaveLength(1);
  });

  it('sends one Idempotency-Key for every retry of a call, and a new one for the next call', async () => {
    const session = newSession();
    let counter = 0;
    const backend = backendFor(session, { idempotencyKey: () => `key-${++counter}` });
    await backend.generateKeys();
    await setFaults(session, { forcedStatus: { 'POST /credentials/secret/reset': { status: 503, times: 2 } } });
    await backend.resetSecret();
    await backend.resetSecret();
    const keys = attemptsOf(session, 'POST', '/credentials/secret/reset').map((attempt) => attempt.idempotencyKey);
    expect(keys).toEqual(['key-2', 'key-2', 'key-2', 'key-3']);
    expect(attemptsOf(session, 'GET', '/credentials').every((attempt) => attempt.idempotencyKey === undefined)).toBe(
      true,
    );
  });

  it("uses the caller's Idempotency-Key, so a user's Retry of the same reset does it once", async () => {
    const session = newSession();
    const backend = backendFor(session, { idempotencyKey: false });
    await backend.generateKeys();
    const first = await backend.resetSecret({ idempotencyKey: 'reset-click-1' });
    const retry = await backend.resetSecret({ idempotencyKey: 'reset-click-1' });
    expect(retry).toEqual(first);
    const tries = attemptsOf(session, 'POST', '/credentials/secret/reset');
    expect(tries.map((attempt) => [attempt.idempotencyKey, attempt.replayed])).toEqual([
      ['reset-click-1', false],
      ['reset-click-1', true],
    ]);
  });

  it('gets the remembered answer when a retry follows a lost answer, so the secret is reset once', async () => {
    const session = newSession();
    const backend = backendFor(session);
    await backend.generateKeys();
    await setFaults(session, {
      forcedStatus: { 'POST /credentials/secret/reset': { status: 504, afterWork: true, times: 1 } },
    });
    const reset = await backend.resetSecret();
    const tries = attemptsOf(session, 'POST', '/credentials/secret/reset');
    expect(tries.map((attempt) => [attempt.status, attempt.replayed])).toEqual([
      [504, false],
      [200, true],
    ]);
    expect((await backend.revealSecret()).secretKey.slice(-4)).toBe(reset.keys?.secretKeyHint);
  });

  it('never retries a write that carries no Idempotency-Key', async () => {
    const session = newSession();
    await setFaults(session, { forcedStatus: { 'POST /credentials': 503 } });
    const error = await backendError(backendFor(session, { idempotencyKey: false }).generateKeys());
    expect(error.code).toBe('server');
    const tries = attemptsOf(session, 'POST', '/credentials');
    expect(tries).toHaveLength(1);
    expect(tries[0]!.idempotencyKey).toBeUndefined();
  });

  it('times out a slow attempt, retries it, then rejects with timeout', async () => {
    const session = newSession();
    unanswered.add(session);
    const client = countingFetch();
    const error = await backendError(
      backendFor(session, { timeoutMs: 60, retries: 1, fetch: client.fetch }).getCredentials(),
    );
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('60 ms');
    // Counted where they start: on a busy machine an attempt may time out before the server has seen it.
    expect(client.attempts).toBe(2);
  });

  it('rejects with aborted at once when the caller aborts, and stops retrying', async () => {
    const session = newSession();
    unanswered.add(session);
    const client = countingFetch();
    const controller = new AbortController();
    const arrived = once(arrivals, session);
    const call = backendError(
      backendFor(session, { fetch: client.fetch }).getCredentials({ signal: controller.signal }),
    );
    // Aborted while the server holds the request (a timer could fire before the request got there).
    const [response] = (await arrived) as [ServerResponse];
    const closed = once(response, 'close');
    controller.abort();
    expect((await call).code).toBe('aborted');
    // The request itself is given up (the server sees the connection go), and no other attempt follows.
    await closed;
    expect(client.attempts).toBe(1);
    expect(attemptsOf(session, 'GET', '/credentials')).toHaveLength(1);
  });

  it('stops waiting for a retry when the caller aborts during the backoff', async () => {
    // A keyed write: a read's caller stops waiting at once anyway (reads in flight are shared, see above).
    const session = newSession();
    await setFaults(session, { forcedStatus: { 'POST /credentials': { status: 503, retryAfter: 5 } } });
    const client = countingFetch();
    const controller = new AbortController();
    const answered = once(client.received, 'answer');
    const call = backendError(backendFor(session, { fetch: client.fetch }).generateKeys({ signal: controller.signal }));
    await answered;
    // Started before the backoff it stands for, which the client enters within this turn of the event loop.
    const beforeRetryAfter = settlesBefore(call, 5000);
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await beforeRetryAfter, 'waited for Retry-After after the abort').toBe(true);
    expect((await call).code).toBe('aborted');
    expect(client.attempts).toBe(1);
  });

  it('makes no request when the signal is already aborted', async () => {
    const session = newSession();
    const error = await backendError(backendFor(session).getCredentials({ signal: AbortSignal.abort() }));
    expect(error.code).toBe('aborted');
    expect(attempts.get(session)).toBeUndefined();
  });

  it('maps a 2xx body that fails the schema to invalid-response, naming what is wrong but never a value', async () => {
    const session = newSession();
    const leaked = 'LEAKED-SECRET-0123456789';
    await setFaults(session, {
      forcedStatus: {
        'POST /credentials/secret/reveal': { status: 200, body: { secretKey: leaked } },
        'GET /credentials': {
          status: 200,
          body: { role: leaked, scopes: leaked, keys: { apiKey: `dakey_${leaked}!` } },
        },
        'GET /terminals': { status: 200, body: `{"terminals": [{"tpn": "${leaked}"` },
      },
    });
    const backend = backendFor(session);
    const reveal = await backendError(backend.revealSecret());
    expect(reveal.code).toBe('invalid-response');
    expect(reveal.message).toContain('secretKey expected to match /^dskey_[A-Za-z0-9_-]+$/');
    const credentials = await backendError(backend.getCredentials());
    expect(credentials.message).toContain('role expected one of "merchant", "iso", "agent"');
    expect(credentials.message).toContain('scopes expected array');
    expect(credentials.message).toContain('keys.apiKey expected to match');
    expect(credentials.message).toContain('keys.secretKeyHint expected string');
    const terminals = await backendError(backend.listTerminals());
    expect(terminals.message).toBe('GET /terminals answered with a body that is not JSON');
    for (const error of [reveal, credentials, terminals]) {
      expect(
        JSON.stringify({ ...error, message: error.message, stack: error.stack, cause: String(error.cause) }),
      ).not.toContain('LEAKED');
    }
    expect(attemptsOf(session, 'GET', '/credentials')).toHaveLength(1);
  });

  it('maps an error answer whose body is not the error schema by its status alone', async () => {
    const session = newSession();
    await setFaults(session, {
      forcedStatus: { 'GET /credentials': { status: 502, body: '<html>Bad gateway</html>' } },
    });
    const error = await backendError(backendFor(session, { retries: 0 }).getCredentials());
    expect(error).toMatchObject({ code: 'server', status: 502, errorCode: undefined, errorMessage: undefined });
  });

  it('maps an unreachable server to network, after retrying', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    let calls = 0;
    const backend = new HttpBackend({
      baseUrl: `http://127.0.0.1:${port}/api/ipos`,
      retries: 2,
      retryDelayMs: 1,
      fetch: (input, init) => {
        calls += 1;
        return fetch(input, init);
      },
    });
    const error = await backendError(backend.getCredentials());
    expect(error.code).toBe('network');
    expect(calls).toBe(3);
  });
});

describe('HttpBackend with a fake fetch', () => {
  function recordingFetch(answer: () => Response = () => Response.json({ terminals: [] })) {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetchImpl = async (input: RequestInfo | URL, init: RequestInit = {}) => {
      calls.push({ url: String(input), init });
      return answer();
    };
    return { calls, fetch: fetchImpl as typeof fetch };
  }

  it('joins relative and absolute base URLs with or without a trailing slash', async () => {
    for (const [baseUrl, expected] of [
      ['/api/ipos', '/api/ipos/terminals'],
      ['/api/ipos/', '/api/ipos/terminals'],
      ['https://portal.example/api/ipos//', 'https://portal.example/api/ipos/terminals'],
    ]) {
      const recorder = recordingFetch();
      await new HttpBackend({ baseUrl: baseUrl!, fetch: recorder.fetch }).listTerminals();
      expect(recorder.calls[0]!.url).toBe(expected);
    }
  });

  it("sends the credentials mode, JSON headers and the headers function's result", async () => {
    const recorder = recordingFetch();
    const backend = new HttpBackend({
      baseUrl: '/api',
      fetch: recorder.fetch,
      credentials: 'include',
      headers: async () => ({ 'X-CSRF-Token': 'csrf-1' }),
    });
    await backend.listTerminals();
    const { init } = recorder.calls[0]!;
    const headers = new Headers(init.headers);
    expect(init.credentials).toBe('include');
    expect(headers.get('X-CSRF-Token')).toBe('csrf-1');
    expect(headers.get('Accept')).toBe('application/json');
    expect(headers.get('Content-Type')).toBeNull();
  });

  it('sends token requests as JSON with an Idempotency-Key', async () => {
    const recorder = recordingFetch(() => Response.json({}, { status: 400 }));
    await backendError(
      new HttpBackend({ baseUrl: '/api', fetch: recorder.fetch }).generateToken({ tpn: '139322815010' }),
    );
    const { init } = recorder.calls[0]!;
    expect(init.method).toBe('POST');
    expect(init.body).toBe('{"tpn":"139322815010"}');
    const headers = new Headers(init.headers);
    expect(headers.get('Content-Type')).toBe('application/json');
    expect(headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{32,36}$/);
  });

  it('sends a reset with no body unless a grace window is asked for, and a revoke to its own route', async () => {
    const recorder = recordingFetch(() => Response.json({}, { status: 400 }));
    const backend = new HttpBackend({ baseUrl: '/api', fetch: recorder.fetch });
    await backendError(backend.resetSecret());
    await backendError(backend.resetSecret({ graceMinutes: 60 }));
    await backendError(backend.revokePreviousSecret());
    const sent = recorder.calls.map(({ url, init }) => [
      url,
      init.body,
      new Headers(init.headers).get('Content-Type'),
      /^[0-9a-f-]{32,36}$/.test(new Headers(init.headers).get('Idempotency-Key') ?? ''),
    ]);
    expect(sent).toEqual([
      ['/api/credentials/secret/reset', undefined, null, true],
      ['/api/credentials/secret/reset', '{"graceMinutes":60}', 'application/json', true],
      ['/api/credentials/secret/previous/revoke', undefined, null, true],
    ]);
  });

  it('rejects with a BackendError when the headers option throws', async () => {
    const backend = new HttpBackend({
      baseUrl: '/api',
      fetch: recordingFetch().fetch,
      headers: () => {
        throw new Error('no session');
      },
    });
    expect((await backendError(backend.getCredentials())).code).toBe('invalid-request');
  });

  it('times out and aborts even when fetch ignores the signal', async () => {
    const never = (() => new Promise<Response>(() => undefined)) as typeof fetch;
    const timedOut = await backendError(
      new HttpBackend({ baseUrl: '/api', fetch: never, timeoutMs: 20, retries: 0 }).getCredentials(),
    );
    expect(timedOut.code).toBe('timeout');
    const controller = new AbortController();
    const pending = new HttpBackend({ baseUrl: '/api', fetch: never }).getCredentials({ signal: controller.signal });
    controller.abort();
    expect((await backendError(pending)).code).toBe('aborted');
  });

  it('backs off exponentially between attempts', async () => {
    const times: number[] = [];
    const fetchImpl = (async () => {
      times.push(performance.now());
      return new Response(null, { status: 503 });
    }) as typeof fetch;
    await backendError(
      new HttpBackend({ baseUrl: '/api', fetch: fetchImpl, retries: 2, retryDelayMs: 40 }).getCredentials(),
    );
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(19); // [20, 40) ms
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(39); // [40, 80) ms
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.UTC(2030, 0, 1, 12, 0, 0);
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
