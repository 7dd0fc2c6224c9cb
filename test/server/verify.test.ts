/** The conformance runner: green on every store and on the reference backend, red on exactly what a broken backend breaks. */
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReferenceServer } from '../../src/reference/index.js';
import type { CredentialsServer } from '../../src/server/credentials-server.js';
import { nodeListener, type FetchHandler } from '../../src/server/node.js';
import { memoryStore } from '../../src/server/stores/memory.js';
import { formatResults, parseVerifyArguments, verifyBackend, type CheckResult } from '../../src/server/verify.js';
import { STORE_KINDS, loopbackServers, openStore, testServer, type OpenedStore } from './harness.js';

const servers = loopbackServers();
afterAll(servers.closeAll);

/** The handler on loopback; resolves with its base URL. */
async function listen(handler: FetchHandler): Promise<string> {
  return `${await servers.listen(createServer(nodeListener(handler)))}${handler.basePath}`;
}

const failing = (results: CheckResult[]) =>
  results.filter((result) => result.status === 'fail').map((result) => result.id);

describe.each(STORE_KINDS)('against the server on the %s store', (kind) => {
  let opened: OpenedStore;
  let base: string;
  beforeAll(async () => {
    opened = await openStore(kind);
    base = await listen(testServer(opened.store));
  });
  afterAll(() => opened.store.close());

  it('passes every check for a merchant, twice in a row (keys existing the second time)', async () => {
    for (let run = 0; run < 2; run++) {
      const results = await verifyBackend({ baseUrl: base, headers: { 'X-Test-Account': `verify-${kind}` } });
      expect(failing(results), formatResults(results)).toEqual([]);
      expect(results.filter((result) => result.status === 'skip')).toEqual([]);
    }
  });

  it('passes for an ISO admin, skipping only the token checks', async () => {
    const results = await verifyBackend({
      baseUrl: base,
      headers: { 'X-Test-Account': `verify-iso-${kind}`, 'X-Test-Role': 'iso' },
    });
    expect(failing(results), formatResults(results)).toEqual([]);
    expect(results.filter((result) => result.status === 'skip').map((result) => result.id)).toEqual([
      'token-generate',
      'token-refresh',
    ]);
  });
});

it('passes against the reference backend', async () => {
  const base = await listen(createReferenceServer());
  const results = await verifyBackend({
    baseUrl: base,
    headers: { 'X-Ipos-Demo-Account': 'merchant', 'X-Ipos-Demo-Session': 'verify' },
  });
  expect(failing(results), formatResults(results)).toEqual([]);
});

/** A backend with one deliberate defect, wrapped around a correct server. */
function broken(defect: (request: Request, server: CredentialsServer) => Promise<Response>): FetchHandler {
  const server = testServer(memoryStore());
  return { basePath: server.basePath, maxBodyBytes: server.maxBodyBytes, handle: (request) => defect(request, server) };
}

function withHeaders(request: Request, change: (headers: Headers) => void): Request {
  const headers = new Headers(request.headers);
  change(headers);
  return new Request(request, { headers });
}

const revealedSecrets: string[] = [];
const DEFECTS: Record<string, [string | string[], (request: Request, server: CredentialsServer) => Promise<Response>]> =
  {
    'answers without no-store': [
      'no-store',
      async (request, server) => {
        const response = await server.handle(request);
        const headers = new Headers(response.headers);
        headers.delete('Cache-Control');
        return new Response(response.body, { status: response.status, headers });
      },
    ],
    // Old secrets that keep working are what a revoked grace window must prevent too.
    'lets an old secret authenticate after a reset': [
      ['reset-invalidates', 'grace-window'],
      async (request, server) => {
        const path = new URL(request.url).pathname;
        if (path.endsWith('/authenticate-token') && revealedSecrets.includes(request.headers.get('secretKey') ?? '')) {
          request = withHeaders(request, (headers) => headers.set('secretKey', revealedSecrets.at(-1)!));
        }
        const response = await server.handle(request);
        if (path.endsWith('/secret/reveal') && response.ok) {
          revealedSecrets.push(((await response.clone().json()) as { secretKey: string }).secretKey);
        }
        return response;
      },
    ],
    'accepts any activity page size': [
      'activity',
      (request, server) => {
        const url = new URL(request.url);
        if (url.pathname.endsWith('/credentials/activity') && url.searchParams.get('limit') === '0') {
          url.searchParams.delete('limit');
          return server.handle(new Request(url, request));
        }
        return server.handle(request);
      },
    ],
    'does not end the grace window on revoke': [
      'grace-window',
      (request, server) => {
        const url = new URL(request.url);
        if (!url.pathname.endsWith('/credentials/secret/previous/revoke')) return server.handle(request);
        url.pathname = url.pathname.replace('/secret/previous/revoke', '');
        return server.handle(new Request(url, { headers: request.headers }));
      },
    ],
    'ignores Idempotency-Key': [
      'idempotent-replay',
      (request, server) => server.handle(withHeaders(request, (headers) => headers.delete('Idempotency-Key'))),
    ],
    'answers 500 to malformed JSON': [
      'bad-input',
      async (request, server) => {
        const text = await request.clone().text();
        if (request.headers.get('Content-Type') === 'application/json' && !isJson(text)) {
          return Response.json(
            { errorCode: 'INTERNAL', errorMessage: 'parse failed' },
            { status: 500, headers: { 'Cache-Control': 'no-store' } },
          );
        }
        return server.handle(request);
      },
    ],
    'does not check the origin': [
      'csrf',
      (request, server) =>
        server.handle(
          withHeaders(request, (headers) => {
            headers.delete('Origin');
            headers.delete('Sec-Fetch-Site');
          }),
        ),
    ],
    'answers errors in its own shape': [
      'error-bodies',
      async (request, server) => {
        const response = await server.handle(request);
        if (response.status < 400) return response;
        return Response.json({ error: 'failed' }, { status: response.status, headers: response.headers });
      },
    ],
    'leaves scopes out of Credentials': [
      'credentials-schema',
      async (request, server) => {
        const response = await server.handle(request);
        if (request.method !== 'GET' || !new URL(request.url).pathname.endsWith('/credentials')) return response;
        const { scopes: _scopes, ...rest } = (await response.json()) as Record<string, unknown>;
        return Response.json(rest, { headers: { 'Cache-Control': 'no-store' } });
      },
    ],
  };

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('against deliberately broken backends', () => {
  it.each(Object.entries(DEFECTS))('a backend that %s fails exactly its check', async (_name, [check, defect]) => {
    const base = await listen(broken(defect));
    const results = await verifyBackend({ baseUrl: base, headers: { 'X-Test-Account': 'broken' } });
    expect(failing(results), formatResults(results)).toEqual([check].flat());
  });
});

it('skips the grace-window check, saying why, for a backend without grace windows', async () => {
  const base = await listen(
    broken((request, server) => {
      const path = new URL(request.url).pathname;
      if (path.endsWith('/secret/previous/revoke'))
        return Promise.resolve(Response.json({ errorCode: 'NOT_FOUND', errorMessage: 'No route.' }, { status: 404 }));
      return server.handle(request);
    }),
  );
  const results = await verifyBackend({ baseUrl: base, headers: { 'X-Test-Account': 'no-grace' } });
  expect(failing(results), formatResults(results)).toEqual([]);
  expect(results.find((result) => result.id === 'grace-window')).toMatchObject({
    status: 'skip',
    detail: 'the backend offers no grace window (optional)',
  });
});

describe('npx ipos-credential-elements verify', () => {
  const bin = fileURLToPath(new URL('../../bin/ipos-credential-elements.mjs', import.meta.url));
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, [bin, ...args], {
      env: { ...process.env, IPOS_VERIFY_FROM_SOURCE: '1' },
    }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        stdout: error.stdout + error.stderr,
      }),
    );

  it('prints every check and exits 0 on a conforming backend, 1 on a broken one', async () => {
    const good = await run(['verify', await listen(testServer(memoryStore())), '--header', 'X-Test-Account: cli']);
    expect(good.code, good.stdout).toBe(0);
    expect(good.stdout).toContain('15 passed, 0 failed, 0 skipped');
    const bad = await run([
      'verify',
      await listen(broken(DEFECTS['answers without no-store']![1])),
      '-H',
      'X-Test-Account: cli',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAIL {2}no-store/);
  });

  it('prints a hostile backend’s strings inert: no escape sequence or bidirectional override reaches the terminal', async () => {
    const hostile = '\u001b[2K\u001b[1A\u001b[2K\rok    everything    \u001b]0;pwned\u0007\u202e';
    const base = await servers.listen(
      createServer((req, res) => {
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Cache-Control', 'no-store');
        if (req.method === 'GET' && req.url === '/credentials') {
          return res.end(JSON.stringify({ role: hostile, scopes: [], keys: null }));
        }
        res.statusCode = 400;
        res.end(JSON.stringify({ errorCode: hostile, errorMessage: hostile }));
      }),
    );
    const printed = await run(['verify', base, '--header', 'X-Test-Account: cli']);
    expect(printed.code).toBe(1);
    expect(printed.stdout).toMatch(/FAIL/);
    expect(/[\p{Cc}\u202a-\u202e]/u.test(printed.stdout.replace(/\n/g, ''))).toBe(false);
    expect(printed.stdout).toContain('\\u{1b}');
  });

  it('refuses arguments it does not know', async () => {
    expect(() => parseVerifyArguments(['ftp://x'])).toThrow(/usage/);
    expect(() => parseVerifyArguments(['http://x', '--header', 'novalue'])).toThrow(/Name: value/);
    expect(parseVerifyArguments(['http://x/api', '--header', 'Cookie: a=b; c=d'])).toEqual({
      baseUrl: 'http://x/api',
      headers: { Cookie: 'a=b; c=d' },
    });
    expect((await run(['help'])).code).toBe(2);
  });
});

describe('a backend the runner cannot trust', () => {
  /** A raw HTTP server (no contract at all), closed after the test. */
  async function rawServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
    return servers.listen(createServer(handler));
  }

  it('gives up on a backend that never answers: a timeout per request, and the run ends after three silent requests', async () => {
    let requests = 0;
    const base = await rawServer(() => {
      requests++; // and never answer
    });
    const results = await verifyBackend({ baseUrl: `${base}/api/ipos`, timeoutMs: 200 });
    expect(results.find((result) => result.id === 'credentials-schema')).toMatchObject({
      status: 'fail',
      detail: 'GET /credentials: no answer within 0.2 s',
    });
    expect(results.filter((result) => result.status === 'pass')).toEqual([]);
    expect(results.at(-1)).toMatchObject({ status: 'skip', detail: expect.stringMatching(/stopped answering/) });
    expect(requests).toBe(3);
  });

  it('reads no more of an answer than its size cap, from a backend that never stops sending', async () => {
    let written = 0;
    const base = await rawServer((_req, res) => {
      let clientLeft = false;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 32);
      const more = () => {
        while (!clientLeft && res.write(chunk)) written += chunk.length;
        if (!clientLeft) res.once('drain', more);
      };
      res.on('close', () => (clientLeft = true));
      res.write('{"role":"merchant","pad":"');
      more();
    });
    const results = await verifyBackend({ baseUrl: `${base}/api/ipos`, maxAnswerBytes: 256 * 1024, timeoutMs: 30_000 });
    expect(results.find((result) => result.id === 'credentials-schema')).toMatchObject({
      status: 'fail',
      detail: 'GET /credentials: the answer is over 262144 bytes; not read further',
    });
    // What the sockets' buffers hold besides, at most: the runner stopped reading at its cap.
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  it('never follows a redirect to another origin, so the session headers stay with the base URL', async () => {
    const seenElsewhere: IncomingMessage['headers'][] = [];
    const elsewhere = await rawServer((req, res) => {
      seenElsewhere.push(req.headers);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
    const server = testServer(memoryStore());
    const redirecting = await listen({
      basePath: server.basePath,
      maxBodyBytes: server.maxBodyBytes,
      handle: async (request) => {
        const path = new URL(request.url).pathname;
        // A same-origin redirect is followed (with the headers); the reveal goes to another origin.
        if (path.endsWith('/credentials') && !new URL(request.url).searchParams.has('followed')) {
          return new Response(null, { status: 307, headers: { Location: `${path}?followed=1` } });
        }
        if (path.endsWith('/secret/reveal')) {
          return new Response(null, { status: 307, headers: { Location: `${elsewhere}/steal` } });
        }
        return server.handle(request);
      },
    });
    const results = await verifyBackend({ baseUrl: redirecting, headers: { 'X-Test-Account': 'redirected' } });
    expect(results.find((result) => result.id === 'credentials-schema')?.status).toBe('pass');
    expect(results.find((result) => result.id === 'reveal-secret')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(
        /^POST \/credentials\/secret\/reveal redirected to another origin \(http:\/\/127\.0\.0\.1:\d+\); not followed/,
      ),
    });
    expect(seenElsewhere).toEqual([]);
  });

  it('takes --timeout and --max-bytes on the command line', () => {
    expect(parseVerifyArguments(['http://x/api', '--timeout', '2.5', '--max-bytes', '65536'])).toMatchObject({
      timeoutMs: 2500,
      maxAnswerBytes: 65536,
    });
    expect(() => parseVerifyArguments(['http://x/api', '--timeout', '0'])).toThrow(/--timeout needs seconds/);
    expect(() => parseVerifyArguments(['http://x/api', '--max-bytes', 'lots'])).toThrow(/--max-bytes needs/);
  });
});
