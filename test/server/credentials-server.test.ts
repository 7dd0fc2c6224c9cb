/** The credentials server's HTTP behaviour: host hooks, keys, CSRF, caching, limits, logs and the Node adapters. */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import express from 'express';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { Problem } from '../../src/server/answer.js';
import { secretsMatch } from '../../src/server/crypto.js';
import type { CredentialsServer } from '../../src/server/credentials-server.js';
import { nodeListener, nodeMiddleware } from '../../src/server/node.js';
import { memoryStore } from '../../src/server/stores/memory.js';
import { call, loopbackServers, testServer } from './harness.js';

const TPN = '139322815010';
const { listen, closeAll } = loopbackServers();
afterEach(closeAll);

function request(
  server: CredentialsServer,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
) {
  return server.handle(
    new Request(`http://portal.example${server.basePath}${path}`, {
      method,
      headers: { 'X-Test-Account': 'csrf', ...headers },
      body,
    }),
  );
}

describe('who is calling', () => {
  it('answers 401 when resolveAccount returns null, and passes on a Problem it throws', async () => {
    const server = testServer(memoryStore());
    const anonymous = await call(server, 'GET', '/credentials', { account: null });
    expect([anonymous.status, anonymous.body.errorCode]).toEqual([401, 'UNAUTHENTICATED']);
    const refusing = testServer(memoryStore(), {
      resolveAccount: () => {
        throw new Problem(401, 'SESSION_EXPIRED', 'Your portal session expired.');
      },
    });
    expect((await call(refusing, 'GET', '/credentials')).body).toEqual({
      errorCode: 'SESSION_EXPIRED',
      errorMessage: 'Your portal session expired.',
    });
  });

  it("lists the host's terminals for merchants, refuses other roles with 403 and unknown TPNs with 400", async () => {
    const server = testServer(memoryStore());
    expect((await call(server, 'GET', '/terminals')).body.terminals[0].tpn).toBe(TPN);
    expect((await call(server, 'GET', '/terminals', { role: 'iso' })).status).toBe(403);
    const unknown = await call(server, 'POST', '/tokens', { json: { tpn: '999999999999' } });
    expect([unknown.status, unknown.body.errorCode]).toEqual([400, 'UNKNOWN_TPN']);
  });
});

describe('signing keys and JWKS', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const jwk = privateKey.export({ format: 'jwk' });

  it.each([
    ['a PKCS#8 PEM', { privateKey: pem }],
    ['a JWK with a kid', { privateKey: jwk, kid: 'portal-2026' }],
  ])('signs with the host key given as %s, verifiable through the JWKS route alone', async (_name, signingKey) => {
    const server = testServer(memoryStore(), { signingKey });
    const token = await call(server, 'POST', '/tokens', { json: { tpn: TPN } });
    const jwks = await call(server, 'GET', '/.well-known/jwks.json', { account: null });
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys[0]).not.toHaveProperty('d');
    const { payload } = await jwtVerify(token.body.token, createLocalJWKSet(jwks.body));
    expect(payload).toMatchObject({ sub: 'acct-1', tpn: TPN });
    expect(decodeProtectedHeader(token.body.token).kid).toBe(jwks.body.keys[0].kid);
    if ('kid' in signingKey) expect(jwks.body.keys[0].kid).toBe('portal-2026');
  });
});

describe('CSRF', () => {
  it('refuses state-changing requests from a foreign Origin or cross-site, before doing any work', async () => {
    const server = testServer(memoryStore());
    for (const headers of <Record<string, string>[]>[
      { Origin: 'http://localhost:3000' },
      { Origin: 'null' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site', Origin: 'https://evil.portal.example' },
    ]) {
      const response = await request(server, 'POST', '/credentials', headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect((await response.json()).errorCode).toBe('CROSS_ORIGIN_REFUSED');
    }
    expect((await call(server, 'GET', '/credentials', { account: 'csrf' })).body.keys).toBeNull();
    const own = await request(server, 'POST', '/credentials', {
      Origin: 'http://portal.example',
      'Sec-Fetch-Site': 'same-origin',
    });
    expect(own.status).toBe(201);
  });

  it('lets allowed origins in, with CORS headers and a preflight; others get no CORS header', async () => {
    const server = testServer(memoryStore(), { allowedOrigins: ['https://admin.example.com'] });
    const preflight = await request(server, 'OPTIONS', '/credentials/secret/reveal', {
      Origin: 'https://admin.example.com',
      'Access-Control-Request-Method': 'POST',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe('https://admin.example.com');
    expect(preflight.headers.get('Access-Control-Allow-Headers')).toContain('Idempotency-Key');
    const allowed = await request(server, 'POST', '/credentials', {
      Origin: 'https://admin.example.com',
      'Sec-Fetch-Site': 'cross-site',
    });
    expect(allowed.status).toBe(201);
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe('https://admin.example.com');
    const foreign = await request(server, 'OPTIONS', '/credentials/secret/reveal', { Origin: 'http://localhost:3000' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const read = await request(server, 'GET', '/credentials', { Origin: 'http://localhost:3000' });
    expect(read.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('refuses bodies that are not JSON (415), as a form post would send them', async () => {
    const server = testServer(memoryStore());
    await call(server, 'POST', '/credentials', { account: 'csrf' });
    for (const [path, type] of [
      ['/tokens', 'application/x-www-form-urlencoded'],
      ['/credentials/secret/reveal', 'text/plain'],
      ['/credentials/secret/reset', 'multipart/form-data; boundary=x'],
    ] as const) {
      const response = await request(server, 'POST', path, { 'Content-Type': type }, 'tpn=139322815010');
      expect(response.status, path).toBe(415);
    }
  });
});

describe('every answer', () => {
  it('carries Cache-Control: no-store, success, error, preflight and JWKS alike', async () => {
    const server = testServer(memoryStore());
    const answers = [
      await call(server, 'POST', '/credentials'),
      await call(server, 'POST', '/credentials/secret/reveal'),
      await call(server, 'GET', '/credentials', { account: null }),
      await call(server, 'GET', '/nope'),
      await call(server, 'DELETE', '/credentials'),
      await call(server, 'GET', '/.well-known/jwks.json'),
      await call(server, 'OPTIONS', '/credentials'),
    ];
    for (const answer of answers) expect(answer.headers.get('Cache-Control'), String(answer.status)).toBe('no-store');
  });

  it('never answers 500 to bad input, and logs no secret when something does fail', async () => {
    const logged: string[] = [];
    const store = memoryStore();
    const server = testServer(store, { logError: (line) => logged.push(line) });
    await call(server, 'POST', '/credentials');
    const secret = (await call(server, 'POST', '/credentials/secret/reveal')).body.secretKey as string;
    for (const method of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty']) {
      const response = await request(
        server,
        method === '__proto__' ? 'PATCH' : method.toUpperCase(),
        '/credentials',
        {},
      );
      expect(response.status).toBeLessThan(500);
    }
    for (const path of ['/constructor', '/__proto__', '/toString', '/credentials/__proto__']) {
      expect((await call(server, 'GET', path)).status).toBe(404);
    }
    for (const body of ['', 'null', '[]', '{"tpn":{"$gt":""}}', '"x"', '1e999', '\u0000', '['.repeat(5000)]) {
      const response = await request(server, 'POST', '/tokens', { 'Content-Type': 'application/json' }, body);
      expect(response.status, body.slice(0, 20)).toBeLessThan(500);
    }
    const failing = testServer(
      {
        ...store,
        transaction: () => Promise.reject(new Error('database unavailable')),
      },
      { logError: (line) => logged.push(line) },
    );
    const failed = await call(failing, 'POST', '/credentials/secret/reveal', { headers: { secretKey: secret } });
    expect(failed.status).toBe(500);
    expect(logged.join('\n')).toContain('database unavailable');
    expect(logged.join('\n')).not.toContain('dskey_');
  });
});

describe('Node adapters', () => {
  it('serves the contract from http.createServer, recording the socket address as the source', async () => {
    const server = testServer(memoryStore());
    const origin = await listen(createServer(nodeListener(server)));
    const headers = { 'X-Test-Account': 'node' };
    const generated = await fetch(`${origin}/api/ipos/credentials`, { method: 'POST', headers });
    expect(generated.status).toBe(201);
    expect(generated.headers.get('cache-control')).toBe('no-store');
    const token = await fetch(`${origin}/api/ipos/tokens`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ tpn: TPN }),
    });
    expect(token.status).toBe(201);
    expect((await server.activity('node'))[0]).toMatchObject({ type: 'token-generated', source: '127.0.0.1' });
    expect((await fetch(`${origin}/elsewhere`)).status).toBe(404);
    // A browser on this origin passes the CSRF check; one on another does not.
    const foreign = await fetch(`${origin}/api/ipos/credentials/secret/reset`, {
      method: 'POST',
      headers: { ...headers, Origin: 'http://localhost:3000' },
    });
    expect(foreign.status).toBe(403);
    const own = await fetch(`${origin}/api/ipos/credentials/secret/reset`, {
      method: 'POST',
      headers: { ...headers, Origin: origin },
    });
    expect(own.status).toBe(200);
  });

  it('mounts in Express under the base path and passes everything else on', async () => {
    const app = express();
    app.use(nodeMiddleware(testServer(memoryStore())));
    app.get('/health', (_req, res) => {
      res.send('ok');
    });
    const origin = await listen(createServer(app));
    const answer = await fetch(`${origin}/api/ipos/credentials`, { headers: { 'X-Test-Account': 'express' } });
    expect(answer.status).toBe(200);
    expect((await answer.json()).keys).toBeNull();
    expect(await (await fetch(`${origin}/health`)).text()).toBe('ok');
    const tooLarge = await fetch(`${origin}/api/ipos/tokens`, {
      method: 'POST',
      headers: { 'X-Test-Account': 'express', 'Content-Type': 'application/json' },
      body: JSON.stringify({ tpn: TPN, padding: 'x'.repeat(100_000) }),
    });
    expect(tooLarge.status).toBe(413);
  });
});

describe('secretsMatch', () => {
  it('matches only the same secret, whatever the candidate’s length', () => {
    const secret = 'dskey_abcdefghijklmnopqrstuvwxyz012345';
    expect(secretsMatch(secret, secret)).toBe(true);
    for (const candidate of [
      '',
      'dskey_',
      `${secret}x`,
      secret.slice(0, -1),
      `${secret.slice(0, -1)}6`,
      '\u0000'.repeat(38),
    ]) {
      expect(secretsMatch(secret, candidate), candidate).toBe(false);
    }
  });
});
