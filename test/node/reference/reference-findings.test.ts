/**
 * Regression tests of the review's server-side findings (6: bounded replay memory is in
 * reference-server.test.ts): each failed before its fix.
 */
import type { AddressInfo } from 'node:net';
import { createServer as createViteServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CLOCK_OFFSET_MS, createReferenceServer } from '../../../src/reference/index.js';
import { isoTime } from '../../../src/server/operations.js';
import { call, newSession } from '../../support/reference-helpers.js';

describe('finding 8: bad input never causes a 500', () => {
  const server = createReferenceServer();

  it('refuses a clock offset beyond ±10 years with 400, and the account keeps answering 2xx', async () => {
    const session = newSession();
    for (const clockOffsetMs of [9007199254740991, -9007199254740991, MAX_CLOCK_OFFSET_MS + 1]) {
      const refused = await call(server, 'PUT', '/__reference/session', { session, json: { clockOffsetMs } });
      expect([refused.status, refused.body.errorCode]).toEqual([400, 'INVALID_REQUEST']);
    }
    expect((await call(server, 'POST', '/credentials', { session })).status).toBe(201);
    expect((await call(server, 'GET', '/credentials', { session })).status).toBe(200);
  });

  it('answers at the largest allowed offsets, ahead and behind', async () => {
    for (const clockOffsetMs of [MAX_CLOCK_OFFSET_MS, -MAX_CLOCK_OFFSET_MS]) {
      const session = newSession();
      expect((await call(server, 'PUT', '/__reference/session', { session, json: { clockOffsetMs } })).status).toBe(
        200,
      );
      expect((await call(server, 'POST', '/credentials', { session })).status).toBe(201);
      expect((await call(server, 'POST', '/tokens', { session, json: { tpn: '139322815010' } })).status).toBe(201);
      expect((await call(server, 'GET', '/credentials', { session })).status).toBe(200);
    }
  });

  it("keeps other sessions' replays when one session's clock runs years ahead", async () => {
    const own = createReferenceServer();
    const [steady, ahead] = [newSession(), newSession()];
    const headers = { 'Idempotency-Key': 'steady-1' };
    const first = await call(own, 'POST', '/tokens', { session: steady, json: { tpn: '139322815010' }, headers });
    await call(own, 'PUT', '/__reference/session', { session: ahead, json: { clockOffsetMs: MAX_CLOCK_OFFSET_MS } });
    expect((await call(own, 'GET', '/credentials', { session: ahead })).status).toBe(200);
    const again = await call(own, 'POST', '/tokens', { session: steady, json: { tpn: '139322815010' }, headers });
    expect([again.headers.get('Idempotent-Replayed'), again.body.token]).toEqual(['true', first.body.token]);
  });

  it('formats any time without throwing', () => {
    for (const ms of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 8.64e15 + 1, NaN, Infinity, -Infinity]) {
      expect(isoTime(ms)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
  });

  it('refuses a fault body nested 7,000 deep with 400 and stores none of it', async () => {
    const session = newSession();
    const deep = '['.repeat(7000) + ']'.repeat(7000);
    const body = `{"faults":{"forcedStatus":{"/credentials":{"status":200,"body":${deep}}}}}`;
    const refused = await call(server, 'PUT', '/__reference/session', {
      session,
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect([refused.status, refused.body.errorCode]).toEqual([400, 'INVALID_REQUEST']);
    const settings = await call(server, 'GET', '/__reference/session', { session });
    expect(settings.body.faults.forcedStatus).toBeUndefined();
    expect((await call(server, 'GET', '/credentials', { session })).status).toBe(200);
  });

  it('answers methods named like Object.prototype members with 404 or 405, never 500', async () => {
    for (const method of ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty']) {
      for (const path of ['/credentials', '/__reference/session', '/tokens']) {
        const answer = await call(server, method === '__proto__' ? 'PROTO' : method.toUpperCase(), path);
        expect(answer.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(answer.status, `${method} ${path}`).toBeLessThan(500);
      }
      const response = await server.handle(new Request(`http://localhost/api/ipos/${method}`));
      expect(response.status).toBe(404);
    }
  });
});

describe('finding 7: the dev server refuses other origins', () => {
  let vite: ViteDevServer;
  let origin: string;
  beforeAll(async () => {
    // vite.config.ts as `npm start` runs it (memory store: IPOS_DEMO_STORE is unset here).
    vite = await createViteServer({ server: { port: 0, host: '127.0.0.1' }, logLevel: 'silent', clearScreen: false });
    await vite.listen();
    origin = `http://127.0.0.1:${(vite.httpServer!.address() as AddressInfo).port}`;
  });
  afterAll(() => vite.close());

  it('answers a preflight from http://localhost:3000 without CORS headers, and its POST gets no secret', async () => {
    const headers = { 'X-Ipos-Demo-Account': 'merchant', 'X-Ipos-Demo-Session': newSession() };
    expect((await fetch(`${origin}/api/ipos/credentials`, { method: 'POST', headers })).status).toBe(201);
    for (const foreign of ['http://localhost:3000', 'http://attacker.localhost:8080']) {
      const preflight = await fetch(`${origin}/api/ipos/credentials/secret/reveal`, {
        method: 'OPTIONS',
        headers: {
          Origin: foreign,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'x-ipos-demo-account',
        },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(preflight.ok).toBe(false);
      const post = await fetch(`${origin}/api/ipos/credentials/secret/reveal`, {
        method: 'POST',
        headers: { ...headers, Origin: foreign, 'Sec-Fetch-Site': 'cross-site' },
      });
      expect(post.status).toBe(403);
      expect(post.headers.get('access-control-allow-origin')).toBeNull();
      expect(await post.text()).not.toContain('dskey_');
    }
    // The control route too: another origin cannot make a session fail or its clock jump.
    const control = await fetch(`${origin}/api/ipos/__reference/session`, {
      method: 'PUT',
      headers: { ...headers, Origin: 'http://localhost:3000', 'Content-Type': 'application/json' },
      body: '{"clockOffsetMs":1000}',
    });
    expect(control.status).toBe(403);
    // The page's own origin still works.
    const own = await fetch(`${origin}/api/ipos/credentials/secret/reveal`, {
      method: 'POST',
      headers: { ...headers, Origin: origin, 'Sec-Fetch-Site': 'same-origin' },
    });
    expect((await own.json()).secretKey).toMatch(/^dskey_/);
  });
});

describe('the plain embed', () => {
  it('acts for the default account when the demo account header is absent', async () => {
    const server = createReferenceServer({ defaultAccount: 'iso' });
    expect((await call(server, 'GET', '/credentials', { account: null })).body.role).toBe('iso');
    expect((await call(createReferenceServer(), 'GET', '/credentials', { account: null })).status).toBe(401);
  });
});
