/**
 * The service behind a real nginx, callers identified by the portal's JWT (Bearer or cookie) verified against
 * a JWKS file or URL: the contract works end to end, tokens it signs verify against its JWKS with the key
 * `keys` made, and a forged, foreign-audience, expired or missing JWT is a 401.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginx, type ThrowawayNginx } from '../support/nginx.js';
import { madeKeys, type MadeKeys } from './keys.js';
import { SecretsSeen } from './leaks.js';
import { AUDIENCE, ISSUER, jwtSettings, makePortal, portalServer, type Portal } from './portal.js';
import { freshDatabase, killServices, serviceOutput, startService, type ServiceProcess } from './service-process.js';

const TERMINALS = [
  { tpn: '139322815010', label: 'Front desk' },
  { tpn: '139322815011', label: 'Drive-through' },
];
const secrets = new SecretsSeen();
let portal: Portal;
let folder: string;
let keys: MadeKeys;
let service: ServiceProcess;
let nginx: ThrowawayNginx;
let api: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'ipos-service-jwt-'));
  portal = await makePortal();
  keys = await madeKeys(secrets);
  service = await startService({
    IPOS_DATABASE: await freshDatabase(),
    ...keys.env,
    ...jwtSettings(folder, portal),
    IPOS_JWT_COOKIE: 'portal_jwt',
    IPOS_TRUSTED_PROXIES: '127.0.0.1',
  });
  nginx = await startNginx({ upstreams: [`127.0.0.1:${service.port}`], proxyPath: '/api/ipos/' });
  api = `${nginx.url}/api/ipos`;
});

afterAll(async () => {
  await service?.stop();
  await nginx?.stop();
  await killServices();
  rmSync(folder, { recursive: true, force: true });
  // The whole file's run: no secret key, token signature or key material in any log line.
  expect(secrets.size).toBeGreaterThan(10);
  secrets.expectAbsentFrom(serviceOutput.join(''));
});

async function signIn(accountId: string, role = 'merchant', extra: Record<string, unknown> = {}): Promise<string> {
  const token = await portal.token({
    sub: accountId,
    role,
    name: `Admin ${accountId}`,
    terminals: TERMINALS,
    ...extra,
  });
  secrets.addToken(token);
  return token;
}

async function call(path: string, token: string | null, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  const response = await fetch(`${api}${path}`, { ...init, headers });
  const text = await response.text();
  const body = text ? JSON.parse(text) : undefined;
  for (const value of [body?.secretKey, body?.token]) if (typeof value === 'string') secrets.add(value);
  if (typeof body?.token === 'string') secrets.addToken(body.token);
  return { status: response.status, body, headers: response.headers };
}

describe('a JWT verified against a JWKS file', () => {
  it('lets a merchant generate keys, reveal the secret and authenticate with them, through nginx', async () => {
    const token = await signIn('acme');
    const generated = await call('/credentials', token, { method: 'POST' });
    expect(generated.status).toBe(201);
    expect(generated.body.role).toBe('merchant');
    const { secretKey } = (await call('/credentials/secret/reveal', token, { method: 'POST' })).body;
    expect(secretKey).toMatch(/^dskey_/);
    const authenticated = await call('/authenticate-token', null, {
      method: 'POST',
      headers: { apiKey: generated.body.keys.apiKey, secretKey },
    });
    expect(authenticated.status).toBe(200);
    // Signed with the key `keys` made and the service was given: its kid, and its JWKS verifies it.
    const jwt = authenticated.body.token as string;
    expect(decodeProtectedHeader(jwt).kid).toBe(keys.signingKey.kid);
    const { payload } = await jwtVerify(jwt, createRemoteJWKSet(new URL(`${api}/.well-known/jwks.json`)));
    expect(payload.sub).toBe('acme');
  });

  it('reads the JWT from the configured cookie too', async () => {
    const token = await signIn('cookie-co', 'iso');
    const answer = await call('/credentials', null, { headers: { Cookie: `theme=dark; portal_jwt=${token}` } });
    expect([answer.status, answer.body.role]).toEqual([200, 'iso']);
  });

  it("lists a merchant's terminals from the token's claim and issues an Auth Token for one", async () => {
    const token = await signIn('terminals-co');
    expect((await call('/terminals', token)).body).toEqual({ terminals: TERMINALS });
    await call('/credentials', token, { method: 'POST' });
    const issued = await call('/tokens', token, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ tpn: TERMINALS[1]!.tpn, expiresInMinutes: 5 }),
    });
    expect([issued.status, issued.body.tpn]).toEqual([201, TERMINALS[1]!.tpn]);
  });

  it('accepts a token expired by less than the clock tolerance (30 s)', async () => {
    const token = await portal.token(
      { sub: 'skewed', role: 'agent' },
      { expiresIn: Math.floor(Date.now() / 1000) - 10 },
    );
    secrets.addToken(token);
    expect((await call('/credentials', token)).status).toBe(200);
  });

  it('answers 401 to a forged JWT, one for another audience, an expired one, and none', async () => {
    const claims = { sub: 'acme', role: 'merchant' };
    const refused = {
      forged: await portal.token(claims, { key: portal.forgerKey }),
      otherAudience: await portal.token(claims, { audience: 'another-service' }),
      expired: await portal.token(claims, { expiresIn: Math.floor(Date.now() / 1000) - 120 }),
      garbage: 'not.a.jwt',
      none: null,
    };
    for (const token of [refused.forged, refused.otherAudience, refused.expired]) secrets.addToken(token);
    const answers = Object.fromEntries(
      await Promise.all(
        Object.entries(refused).map(async ([name, token]) => {
          const answer = await call('/credentials/secret/reveal', token, { method: 'POST' });
          return [name, `${answer.status} ${answer.body.errorCode}`];
        }),
      ),
    );
    expect(answers).toEqual({
      forged: '401 UNAUTHENTICATED',
      otherAudience: '401 UNAUTHENTICATED',
      expired: '401 UNAUTHENTICATED',
      garbage: '401 UNAUTHENTICATED',
      none: '401 UNAUTHENTICATED',
    });
  });

  it('answers 401 naming the claim when the role claim holds no role', async () => {
    const answer = await call('/credentials', await signIn('odd', 'admin'));
    expect(answer.status).toBe(401);
    expect(answer.body.errorMessage).toContain('claim role');
  });

  it("logs one JSON line per request with nginx's request id and the account, never a header", async () => {
    const token = await signIn('logged');
    const answer = await call('/credentials', token);
    const requestId = answer.headers.get('X-Request-Id');
    expect(requestId).toMatch(/^[0-9a-f]{32}$/); // nginx's $request_id, passed through
    const line = await service.logLine((entry) => entry['requestId'] === requestId && entry.msg === 'request');
    expect(line).toMatchObject({
      method: 'GET',
      path: '/api/ipos/credentials',
      operation: 'getCredentials',
      status: 200,
      accountId: 'logged',
    });
    expect(JSON.stringify(line)).not.toContain('Bearer');
  });
});

describe('a JWT verified against a JWKS URL, terminals from a portal URL', () => {
  it('fetches the JWKS, asks the portal once per account for its terminals while cached, and answers 503 when the portal does not answer', async () => {
    let hang = false;
    const endpoints = await portalServer((req, res) => {
      if (req.url === '/jwks.json') return res.end(JSON.stringify(portal.jwks));
      if (hang) return; // never answers: the service's timeout must end the wait
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ terminals: req.url?.includes('account=tidy') ? TERMINALS.slice(0, 1) : [] }));
    });
    const second = await startService({
      IPOS_DATABASE: 'memory',
      IPOS_IDENTITY: 'jwt',
      IPOS_JWT_JWKS_URL: `${endpoints.url}/jwks.json`,
      IPOS_JWT_ISSUER: ISSUER,
      IPOS_JWT_AUDIENCE: AUDIENCE,
      IPOS_TERMINALS_URL: `${endpoints.url}/terminals?account={accountId}`,
      IPOS_TERMINALS_AUTHORIZATION: 'Bearer portal-to-service',
      IPOS_TERMINALS_TIMEOUT_MS: '300',
    });
    try {
      const token = await signIn('tidy');
      const get = async (who: string) => {
        const response = await fetch(`${second.url}/api/ipos/terminals`, {
          headers: { Authorization: `Bearer ${who}` },
        });
        return { status: response.status, body: await response.json() };
      };
      expect(await get(token)).toEqual({ status: 200, body: { terminals: TERMINALS.slice(0, 1) } });
      expect(await get(token)).toEqual({ status: 200, body: { terminals: TERMINALS.slice(0, 1) } });
      const asked = endpoints.requests.filter((req) => req.url?.startsWith('/terminals'));
      expect(asked.map((req) => [req.url, req.headers.authorization])).toEqual([
        ['/terminals?account=tidy', 'Bearer portal-to-service'],
      ]);
      hang = true;
      const slow = await get(await signIn('slow'));
      expect([slow.status, slow.body.errorCode]).toEqual([503, 'TERMINALS_UNAVAILABLE']);
    } finally {
      await second.stop();
      await endpoints.close();
    }
  });
});
