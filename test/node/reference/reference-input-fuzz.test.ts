/**
 * Reference backend input validation, table-driven over every route: oversized bodies, wrong content
 * types, malformed JSON and UTF-8, malformed `Idempotency-Key`, `X-Ipos-Demo-Session`, demo account
 * and `jwtTokenExpiryMinutes` headers each get a clear 4xx `{ errorCode, errorMessage }`, never a 500;
 * then fast-check throws random headers and bodies at every route, and the Node adapter is hit over
 * real HTTP with a 1 MiB body.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReferenceServer, type ReferenceServer } from '../../../src/reference/index.js';
import { referenceMiddleware } from '../../../src/reference/node.js';
import { call, newSession, type Answer } from '../../support/reference-helpers.js';

interface Route {
  method: string;
  path: string;
  /** A body the route accepts, for the routes that take one. */
  json?: unknown;
  account?: 'merchant' | null;
}
const ROUTES: Route[] = [
  { method: 'GET', path: '/credentials' },
  { method: 'POST', path: '/credentials' },
  { method: 'POST', path: '/credentials/secret/reveal' },
  { method: 'POST', path: '/credentials/secret/reset' },
  { method: 'GET', path: '/terminals' },
  { method: 'POST', path: '/tokens', json: { tpn: '139322815010' } },
  { method: 'POST', path: '/tokens/refresh', json: { token: 'a.b.c' } },
  { method: 'POST', path: '/authenticate-token', account: null },
  { method: 'GET', path: '/__reference/session' },
  { method: 'PUT', path: '/__reference/session', json: {} },
  { method: 'DELETE', path: '/__reference/session' },
];
/** Routes where a body can be sent at all (the Fetch API refuses a body on GET). */
const WITH_BODY = ROUTES.filter((route) => route.method === 'POST' || route.method === 'PUT');
const CONTRACT = ROUTES.filter((route) => !route.path.startsWith('/__reference'));

const big = JSON.stringify({ tpn: '139322815010', padding: 'x'.repeat(17 * 1024) });
const BODY_CASES: { name: string; body: string | Uint8Array; contentType?: string; status: number; code: string }[] = [
  { name: 'oversized JSON (17 KiB)', body: big, contentType: 'application/json', status: 413, code: 'BODY_TOO_LARGE' },
  {
    name: 'text/plain',
    body: '{"tpn":"139322815010"}',
    contentType: 'text/plain',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'form-urlencoded',
    body: 'tpn=139322815010',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  { name: 'no content type', body: '{"tpn":"139322815010"}', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'malformed JSON', body: '{"tpn": 1393', contentType: 'application/json', status: 400, code: 'INVALID_JSON' },
  {
    name: 'invalid UTF-8',
    body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
    contentType: 'application/json',
    status: 400,
    code: 'INVALID_JSON',
  },
];
const BAD_IDEMPOTENCY_KEYS = ['', 'has space', 'x'.repeat(256), 'caf\u00e9', 'tab\there'];
const BAD_SESSIONS = ['', 'bad session', 'x'.repeat(65), '../etc', 'a;b'];
const BAD_EXPIRIES = ['0', '1441', '1.5', 'abc', '0x10', '1e2', '', '1 0', '-5', '99999999999999999999'];

let server: ReferenceServer;
let checked = 0;
beforeAll(() => {
  server = createReferenceServer();
});
afterAll(() => {
  console.log(
    `[reliability] reference backend input validation: ${checked} bad requests over ${ROUTES.length} routes, 0 answered 5xx`,
  );
});

async function send(
  route: Route,
  init: { headers?: Record<string, string>; body?: string | Uint8Array; session?: string },
) {
  const headers = new Headers(init.headers);
  const account = route.account === undefined ? 'merchant' : route.account;
  if (account && !headers.has('X-Ipos-Demo-Account')) headers.set('X-Ipos-Demo-Account', account);
  if (!headers.has('X-Ipos-Demo-Session')) headers.set('X-Ipos-Demo-Session', init.session ?? newSession());
  const response = await server.handle(
    new Request(`http://localhost${server.basePath}${route.path}`, {
      method: route.method,
      headers,
      body: init.body as BodyInit | undefined,
    }),
  );
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, headers: response.headers, body } as Answer;
}

function expectClear4xx(answer: Answer, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(answer.body).toMatchObject({ errorCode: code });
  expect(typeof answer.body.errorMessage).toBe('string');
  expect(answer.body.errorMessage.length).toBeGreaterThan(10);
  checked += 1;
}

describe('reference backend refuses bad input with a clear 4xx on every route', () => {
  for (const route of WITH_BODY) {
    for (const bad of BODY_CASES) {
      it(`${route.method} ${route.path}: ${bad.name} → ${bad.status}`, async () => {
        const headers: Record<string, string> = bad.contentType ? { 'Content-Type': bad.contentType } : {};
        const answer = await send(route, { headers, body: bad.body });
        expectClear4xx(answer, bad.status, bad.code);
      });
    }
  }

  for (const route of CONTRACT) {
    it(`${route.method} ${route.path}: malformed Idempotency-Key → 400`, async () => {
      for (const key of BAD_IDEMPOTENCY_KEYS) {
        const answer = await send(route, {
          headers: { 'Idempotency-Key': key, ...(route.json ? { 'Content-Type': 'application/json' } : {}) },
          body: route.json ? JSON.stringify(route.json) : undefined,
        });
        expectClear4xx(answer, 400, 'INVALID_IDEMPOTENCY_KEY');
      }
    });
  }

  for (const route of ROUTES) {
    it(`${route.method} ${route.path}: malformed X-Ipos-Demo-Session → 400`, async () => {
      for (const session of BAD_SESSIONS) {
        const answer = await send(route, { headers: { 'X-Ipos-Demo-Session': session } });
        expectClear4xx(answer, 400, 'INVALID_DEMO_SESSION');
      }
    });
  }

  for (const route of CONTRACT.filter((r) => r.account !== null)) {
    it(`${route.method} ${route.path}: unknown demo account → 401`, async () => {
      const answer = await send(route, {
        headers: { 'X-Ipos-Demo-Account': 'root', ...(route.json ? { 'Content-Type': 'application/json' } : {}) },
        body: route.json ? JSON.stringify(route.json) : undefined,
      });
      expectClear4xx(answer, 401, 'DEMO_ACCOUNT_REQUIRED');
    });
  }

  it('POST /authenticate-token: malformed jwtTokenExpiryMinutes → 400 (with a valid key pair)', async () => {
    const session = newSession();
    const generated = await call(server, 'POST', '/credentials', { session });
    const revealed = await call(server, 'POST', '/credentials/secret/reveal', { session });
    const keys = { apiKey: generated.body.keys.apiKey, secretKey: revealed.body.secretKey };
    for (const minutes of BAD_EXPIRIES) {
      const answer = await send(
        ROUTES.find((r) => r.path === '/authenticate-token')!,
        {
          session,
          headers: { ...keys, jwtTokenExpiryMinutes: minutes },
        },
      );
      expectClear4xx(answer, 400, 'INVALID_EXPIRY');
    }
    const fine = await send(
      ROUTES.find((r) => r.path === '/authenticate-token')!,
      {
        session,
        headers: { ...keys, jwtTokenExpiryMinutes: '60' },
      },
    );
    expect(fine.body).toMatchObject({ responseCode: '00', tokenExpiresInMinutes: 60 });
  });

  it('routes without a body still accept none, an empty one, or JSON (ignored)', async () => {
    const route = ROUTES.find((r) => r.path === '/credentials/secret/reveal')!;
    const session = newSession();
    await call(server, 'POST', '/credentials', { session });
    for (const init of [{}, { body: '' }, { body: '{}', headers: { 'Content-Type': 'application/json' } }]) {
      expect((await send(route, { session, ...init })).status).toBe(200);
    }
  });
});

describe('random headers and bodies never make a 5xx', () => {
  it('fast-check: 400 random requests over every route', async () => {
    const header = fc.string({
      unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)),
      maxLength: 300,
    });
    const arbitrary = fc.record({
      route: fc.constantFrom(...ROUTES),
      idempotencyKey: fc.option(header, { nil: undefined }),
      session: fc.option(header, { nil: undefined }),
      account: fc.option(fc.oneof(header, fc.constantFrom('merchant', 'iso', 'agent')), { nil: undefined }),
      expiry: fc.option(header, { nil: undefined }),
      contentType: fc.option(fc.oneof(header, fc.constantFrom('application/json', 'application/json; charset=utf-8')), {
        nil: undefined,
      }),
      body: fc.option(fc.oneof(fc.json(), fc.string({ maxLength: 200 }), fc.constant('x'.repeat(20_000))), {
        nil: undefined,
      }),
    });
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(arbitrary, async (input) => {
        const headers: Record<string, string> = {};
        if (input.idempotencyKey !== undefined) headers['Idempotency-Key'] = input.idempotencyKey;
        if (input.session !== undefined) headers['X-Ipos-Demo-Session'] = input.session;
        if (input.account !== undefined) headers['X-Ipos-Demo-Account'] = input.account;
        if (input.expiry !== undefined) headers.jwtTokenExpiryMinutes = input.expiry;
        if (input.contentType !== undefined) headers['Content-Type'] = input.contentType;
        const canHaveBody = input.route.method === 'POST' || input.route.method === 'PUT';
        const answer = await send(input.route, { headers, body: canHaveBody ? input.body : undefined });
        expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
        if (answer.status >= 400)
          expect(answer.body).toMatchObject({ errorCode: expect.any(String), errorMessage: expect.any(String) });
        runs += 1;
      }),
      { seed: 7_777, numRuns: 400 },
    );
    checked += runs;
  });
});

describe('the Node adapter over real HTTP', () => {
  let http: Server;
  let port: number;
  beforeAll(async () => {
    const middleware = referenceMiddleware(createReferenceServer());
    http = createServer((req, res) => middleware(req, res, () => ((res.statusCode = 404), res.end())));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    port = (http.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())));

  function post(
    path: string,
    headers: Record<string, string>,
    chunks: Buffer[],
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: `/api/ipos${path}`, method: 'POST', headers }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });
  }

  it('a 1 MiB streamed body gets 413 and the server keeps answering', async () => {
    const headers = { 'Content-Type': 'application/json', 'X-Ipos-Demo-Account': 'merchant' };
    const chunks = Array.from({ length: 16 }, () => Buffer.alloc(64 * 1024, 0x20));
    for (const path of ['/tokens', '/credentials']) {
      const answer = await post(path, headers, chunks);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ errorCode: 'BODY_TOO_LARGE' });
      checked += 1;
    }
    const after = await post('/credentials/secret/reveal', { 'X-Ipos-Demo-Account': 'iso' }, []);
    expect(after.status).toBe(404);
  });
});
