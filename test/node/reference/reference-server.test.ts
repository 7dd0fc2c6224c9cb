import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { authTokenSchema, credentialsSchema, terminalListSchema } from '../../../src/contract/schemas.js';
import { authenticateTokenResponseSchema } from '../../../src/contract/schemas.js';
import { createReferenceServer, type ReferenceServer } from '../../../src/reference/index.js';
import { SessionStore } from '../../../src/reference/accounts.js';
import { memoryStore } from '../../../src/server/stores/memory.js';
import { randomUrlSafe } from '../../../src/server/keys.js';
import { call, newSession } from '../../support/reference-helpers.js';

/** A whole second, so that `iat`/`exp` arithmetic is exact. */
const T0 = Date.UTC(2030, 0, 15, 9, 0, 0);
const MINUTE = 60_000;
const TPN = '139322815010';

let server: ReferenceServer;
beforeAll(async () => {
  server = createReferenceServer({ clock: { now: () => T0 } });
  await server.publicKey(); // make the key pair once, outside the timed tests
});

/** A session whose account (merchant by default) already has keys; returns the secret too. */
async function withKeys(account = 'merchant') {
  const session = newSession();
  const generated = await call(server, 'POST', '/credentials', { session, account });
  const revealed = await call(server, 'POST', '/credentials/secret/reveal', { session, account });
  return { session, apiKey: generated.body.keys.apiKey as string, secretKey: revealed.body.secretKey as string };
}

function authenticate(session: string, headers: Record<string, string>) {
  return call(server, 'POST', '/authenticate-token', { session, account: null, headers });
}

function generateToken(session: string, json: unknown, headers?: Record<string, string>) {
  return call(server, 'POST', '/tokens', { session, json, headers });
}

describe('credentials', () => {
  it("starts with no keys and the role's scopes, for every role", async () => {
    const session = newSession();
    const expected = {
      merchant: ['PaymentTokenization', 'Recurring', 'BatchReport'],
      iso: ['ExternalApi'],
      agent: ['ExternalApi'],
    };
    for (const [account, scopes] of Object.entries(expected)) {
      const answer = await call(server, 'GET', '/credentials', { session, account });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ role: account, scopes, keys: null });
      expect(answer.headers.get('Cache-Control')).toBe('no-store');
    }
  });

  it("generates keys in iPOSpays' format with a hint of the secret, then refuses to generate again", async () => {
    const session = newSession();
    const generated = await call(server, 'POST', '/credentials', { session });
    expect(generated.status).toBe(201);
    expect(credentialsSchema.safeParse(generated.body).success).toBe(true);
    expect(generated.body.keys.apiKey).toMatch(/^dakey_[A-Za-z0-9_-]{32}$/);
    expect(generated.body.keys.createdAt).toBe(new Date(T0).toISOString());
    expect(JSON.stringify(generated.body)).not.toContain('dskey_');

    const revealed = await call(server, 'POST', '/credentials/secret/reveal', { session });
    expect(revealed.status).toBe(200);
    expect(revealed.body.secretKey).toMatch(/^dskey_[A-Za-z0-9_-]{32}$/);
    expect(revealed.body.secretKey.slice(-4)).toBe(generated.body.keys.secretKeyHint);

    const again = await call(server, 'POST', '/credentials', { session });
    expect(again.status).toBe(409);
    expect(again.body.errorCode).toBe('KEYS_EXIST');
    expect((await call(server, 'GET', '/credentials', { session })).body.keys.apiKey).toBe(generated.body.keys.apiKey);
  });

  it('answers 404 KEYS_NOT_FOUND to reveal and reset before keys exist', async () => {
    const session = newSession();
    for (const path of ['/credentials/secret/reveal', '/credentials/secret/reset']) {
      const answer = await call(server, 'POST', path, { session, account: 'agent' });
      expect(answer.status).toBe(404);
      expect(answer.body.errorCode).toBe('KEYS_NOT_FOUND');
    }
  });

  it('reset replaces the secret at once: the old one gets AUTH_ERR_004, the new one a token', async () => {
    const { session, apiKey, secretKey: oldSecret } = await withKeys('iso');
    expect((await authenticate(session, { apiKey, secretKey: oldSecret })).status).toBe(200);
    server.session(session).clockOffsetMs = 5 * MINUTE;

    const reset = await call(server, 'POST', '/credentials/secret/reset', { session, account: 'iso' });
    expect(reset.status).toBe(200);
    expect(reset.body.keys.apiKey).toBe(apiKey);
    expect(reset.body.keys.secretRotatedAt).toBe(new Date(T0 + 5 * MINUTE).toISOString());
    expect(reset.body.keys.createdAt).toBe(new Date(T0).toISOString());
    const newSecret = (await call(server, 'POST', '/credentials/secret/reveal', { session, account: 'iso' })).body
      .secretKey;
    expect(newSecret).not.toBe(oldSecret);
    expect(newSecret.slice(-4)).toBe(reset.body.keys.secretKeyHint);

    const withOld = await authenticate(session, { apiKey, secretKey: oldSecret });
    expect(withOld.status).toBe(401);
    expect(withOld.body).toEqual({ errorCode: 'AUTH_ERR_004', errorMessage: 'Invalid API Key or Secret Key' });
    expect((await authenticate(session, { apiKey, secretKey: newSecret })).status).toBe(200);
  });

  it('draws key characters uniformly from all 64 URL-safe characters', () => {
    const counts = new Map<string, number>();
    for (const char of randomUrlSafe(64_000)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(64);
    // Expected 1000 each, standard deviation ≈ 31: ±200 fails only for a biased generator.
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(200);
  });
});

describe('POST /authenticate-token', () => {
  it("answers like iPOSpays: success body, default 1440 minutes, the caller's scopes and no TPN", async () => {
    const { session, apiKey, secretKey } = await withKeys('agent');
    const answer = await authenticate(session, { apiKey, secretKey });
    expect(answer.status).toBe(200);
    expect(authenticateTokenResponseSchema.safeParse(answer.body).success).toBe(true);
    expect(answer.body).toMatchObject({ responseCode: '00', responseMessage: 'Success', tokenExpiresInMinutes: 1440 });
    const { payload } = await jwtVerify(answer.body.token, await server.publicKey(), { currentDate: new Date(T0) });
    expect(payload).toMatchObject({ scope: 'ExternalApi', sub: `agent-harbor-office@${session}` });
    expect(payload.exp! - payload.iat!).toBe(1440 * 60);
    expect(payload['tpn']).toBeUndefined();
  });

  it('honours jwtTokenExpiryMinutes and refuses one out of range', async () => {
    const { session, apiKey, secretKey } = await withKeys();
    const short = await authenticate(session, { apiKey, secretKey, jwtTokenExpiryMinutes: '30' });
    expect(short.body.tokenExpiresInMinutes).toBe(30);
    const claims = decodeJwt(short.body.token);
    expect(claims.exp! - claims.iat!).toBe(30 * 60);
    for (const value of ['0', '1441', '1.5', 'ten']) {
      const refused = await authenticate(session, { apiKey, secretKey, jwtTokenExpiryMinutes: value });
      expect(refused.status).toBe(400);
      expect(refused.body.errorCode).toBe('INVALID_EXPIRY');
    }
  });

  it('answers AUTH_ERR_001, AUTH_ERR_002 and AUTH_ERR_004 for missing or wrong keys', async () => {
    const { session, apiKey, secretKey } = await withKeys();
    const cases: [Record<string, string>, string, string][] = [
      [{ secretKey }, 'AUTH_ERR_001', 'API Key required'],
      [{ apiKey }, 'AUTH_ERR_002', 'Secret Key required'],
      // Another last character (a fixed 'x' matched the real secret 1 time in 64).
      [
        { apiKey, secretKey: `${secretKey.slice(0, -1)}${secretKey.endsWith('x') ? 'y' : 'x'}` },
        'AUTH_ERR_004',
        'Invalid API Key or Secret Key',
      ],
      [{ apiKey: 'dakey_unknown', secretKey }, 'AUTH_ERR_004', 'Invalid API Key or Secret Key'],
    ];
    for (const [headers, errorCode, errorMessage] of cases) {
      const answer = await authenticate(session, headers);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ errorCode, errorMessage });
    }
  });

  it('knows the caller by the keys, not the demo header, within the demo session only', async () => {
    const { session, apiKey, secretKey } = await withKeys('iso');
    const answer = await call(server, 'POST', '/authenticate-token', {
      session,
      account: 'merchant',
      headers: { apiKey, secretKey },
    });
    expect(decodeJwt(answer.body.token).sub).toBe(`iso-northwind-payments@${session}`);
    const elsewhere = await authenticate(newSession(), { apiKey, secretKey });
    expect(elsewhere.body.errorCode).toBe('AUTH_ERR_004');
  });
});

describe('terminals and roles', () => {
  it("lists the merchant's 12-digit TPNs with labels", async () => {
    const answer = await call(server, 'GET', '/terminals', { session: newSession() });
    expect(answer.status).toBe(200);
    expect(terminalListSchema.safeParse(answer.body).success).toBe(true);
    expect(answer.body.terminals).toHaveLength(3);
    expect(answer.body.terminals[0]).toEqual({ tpn: TPN, label: 'Front desk' });
  });

  it('refuses terminals and tokens to ISO and agent admins with 403 ROLE_FORBIDDEN', async () => {
    const session = newSession();
    const requests: [string, string, unknown?][] = [
      ['GET', '/terminals'],
      ['POST', '/tokens', { tpn: TPN }],
      ['POST', '/tokens/refresh', { token: 'a.b.c' }],
    ];
    for (const account of ['iso', 'agent']) {
      for (const [method, path, json] of requests) {
        const answer = await call(server, method, path, { session, account, json });
        expect(answer.status).toBe(403);
        expect(answer.body.errorCode).toBe('ROLE_FORBIDDEN');
        expect(answer.body.errorMessage).toContain(account === 'iso' ? 'ISO Admin' : 'Agent Office Admin');
      }
    }
  });

  it('answers 401 DEMO_ACCOUNT_REQUIRED naming the header and its values when the account is missing or unknown', async () => {
    for (const account of [null, 'admin', 'Merchant']) {
      const answer = await call(server, 'GET', '/credentials', { account });
      expect(answer.status).toBe(401);
      expect(answer.body.errorCode).toBe('DEMO_ACCOUNT_REQUIRED');
      expect(answer.body.errorMessage).toContain('X-Ipos-Demo-Account');
      expect(answer.body.errorMessage).toContain('merchant, iso, agent');
    }
  });
});

describe('POST /tokens', () => {
  it("issues an RS256 JWT with scope, tpn, uniqueId, sub, iat and exp, verified by the server's public key", async () => {
    const session = newSession();
    const answer = await generateToken(session, { tpn: TPN });
    expect(answer.status).toBe(201);
    expect(authTokenSchema.safeParse(answer.body).success).toBe(true);
    expect(decodeProtectedHeader(answer.body.token).alg).toBe('RS256');
    const { payload } = await jwtVerify(answer.body.token, await server.publicKey(), {
      algorithms: ['RS256'],
      currentDate: new Date(T0),
    });
    expect(payload).toMatchObject({
      scope: 'PaymentTokenization Recurring BatchReport',
      tpn: TPN,
      sub: `merchant-sunrise-bakery@${session}`,
      iat: T0 / 1000,
      exp: T0 / 1000 + 1440 * 60,
    });
    expect(payload['uniqueId']).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(answer.body).toMatchObject({
      tpn: TPN,
      issuedAt: new Date(T0).toISOString(),
      expiresAt: new Date(T0 + 1440 * MINUTE).toISOString(),
      graceEndsAt: new Date(T0 + 1455 * MINUTE).toISOString(),
    });
  });

  it('uses the requested lifetime', async () => {
    const answer = await generateToken(newSession(), { tpn: TPN, expiresInMinutes: 1 });
    expect(answer.status).toBe(201);
    expect(answer.body.expiresAt).toBe(new Date(T0 + MINUTE).toISOString());
  });

  it.each([0, 1441, 1.5, '10', null, -5])(
    'refuses expiresInMinutes %j with 400 INVALID_EXPIRY',
    async (expiresInMinutes) => {
      const answer = await generateToken(newSession(), { tpn: TPN, expiresInMinutes });
      expect(answer.status).toBe(400);
      expect(answer.body.errorCode).toBe('INVALID_EXPIRY');
      expect(answer.body.errorMessage).toContain('1 to 1440');
    },
  );

  it.each([['123'], [139322815010], ['13932281501a'], [undefined]])(
    'refuses tpn %j with 400 INVALID_TPN',
    async (tpn) => {
      const answer = await generateToken(newSession(), { tpn });
      expect(answer.status).toBe(400);
      expect(answer.body.errorCode).toBe('INVALID_TPN');
      expect(answer.body.errorMessage).toContain('12 digits');
    },
  );

  it("refuses a well-formed TPN that is not the merchant's with 400 UNKNOWN_TPN", async () => {
    const answer = await generateToken(newSession(), { tpn: '999999999999' });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      errorCode: 'UNKNOWN_TPN',
      errorMessage: 'TPN 999999999999 is not a terminal of this merchant account.',
    });
  });

  it('refuses malformed JSON (400), a body that is not an object (400), the wrong content type (415) and an oversized body (413)', async () => {
    const session = newSession();
    const json = { 'Content-Type': 'application/json' };
    const cases: [Record<string, string>, string, number, string][] = [
      [json, '{"tpn": "139322815010"', 400, 'INVALID_JSON'],
      [json, '[]', 400, 'INVALID_REQUEST'],
      [{ 'Content-Type': 'text/plain' }, JSON.stringify({ tpn: TPN }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [{}, JSON.stringify({ tpn: TPN }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [json, JSON.stringify({ tpn: TPN, padding: 'x'.repeat(17 * 1024) }), 413, 'BODY_TOO_LARGE'],
    ];
    for (const [headers, body, status, errorCode] of cases) {
      const answer = await call(server, 'POST', '/tokens', { session, headers, body });
      expect([answer.status, answer.body.errorCode]).toEqual([status, errorCode]);
    }
    const withCharset = await call(server, 'POST', '/tokens', {
      session,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ tpn: TPN }),
    });
    expect(withCharset.status).toBe(201);
  });
});

describe('POST /tokens/refresh', () => {
  async function tokenFor(session: string, expiresInMinutes = 60): Promise<string> {
    return (await generateToken(session, { tpn: '139322815011', expiresInMinutes })).body.token;
  }

  function refresh(session: string, token: unknown) {
    return call(server, 'POST', '/tokens/refresh', { session, json: { token } });
  }

  it('issues a new token for the same TPN with the same lifetime', async () => {
    const session = newSession();
    const token = await tokenFor(session, 60);
    server.session(session).clockOffsetMs = 30 * MINUTE;
    const answer = await refresh(session, token);
    expect(answer.status).toBe(200);
    expect(answer.body.token).not.toBe(token);
    expect(answer.body).toMatchObject({
      tpn: '139322815011',
      issuedAt: new Date(T0 + 30 * MINUTE).toISOString(),
      expiresAt: new Date(T0 + 90 * MINUTE).toISOString(),
    });
  });

  it('accepts a refresh until 15 minutes after expiry and refuses it from then on with TOKEN_GRACE_EXPIRED', async () => {
    const session = newSession();
    const token = await tokenFor(session, 60);
    server.session(session).clockOffsetMs = (60 + 15) * MINUTE - 1000;
    expect((await refresh(session, token)).status).toBe(200);
    server.session(session).clockOffsetMs = (60 + 15) * MINUTE;
    const refused = await refresh(session, token);
    expect(refused.status).toBe(401);
    expect(refused.body.errorCode).toBe('TOKEN_GRACE_EXPIRED');
    expect(refused.body.errorMessage).toContain('15 minutes');
  });

  it('follows the server clock too', async () => {
    const own = createReferenceServer({ clock: { now: () => T0 } });
    const session = newSession();
    const token = (await call(own, 'POST', '/tokens', { session, json: { tpn: TPN, expiresInMinutes: 1 } })).body.token;
    own.clock.advance(17 * MINUTE);
    expect((await call(own, 'POST', '/tokens/refresh', { session, json: { token } })).body.errorCode).toBe(
      'TOKEN_GRACE_EXPIRED',
    );
    own.clock.reset();
    expect((await call(own, 'POST', '/tokens/refresh', { session, json: { token } })).status).toBe(200);
  });

  it('refuses tokens not signed by this server, altered, unsigned or without a TPN with TOKEN_INVALID', async () => {
    const session = newSession();
    const token = await tokenFor(session);
    const [header, payload, signature] = token.split('.');
    const foreignKey = (await generateKeyPair('RS256')).privateKey;
    const foreign = await new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: 'RS256' }).sign(foreignKey);
    const altered = `${header}.${Buffer.from(JSON.stringify({ ...decodeJwt(token), tpn: TPN })).toString('base64url')}.${signature}`;
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    const keys = await withKeys();
    const portalless = (await authenticate(keys.session, { apiKey: keys.apiKey, secretKey: keys.secretKey })).body
      .token;
    expect(portalless).toEqual(expect.any(String));
    for (const candidate of [foreign, altered, unsigned, 'not-a-jwt', portalless]) {
      const answer = await refresh(session, candidate);
      expect([answer.status, answer.body.errorCode]).toEqual([401, 'TOKEN_INVALID']);
    }
  });

  it('refuses a token issued to another account with TOKEN_WRONG_ACCOUNT', async () => {
    const token = await tokenFor(newSession());
    const answer = await refresh(newSession(), token);
    expect([answer.status, answer.body.errorCode]).toEqual([401, 'TOKEN_WRONG_ACCOUNT']);
  });

  it('refuses a body without a token with 400 INVALID_REQUEST', async () => {
    for (const json of [{}, { token: '' }, { token: 42 }]) {
      const answer = await call(server, 'POST', '/tokens/refresh', { session: newSession(), json });
      expect([answer.status, answer.body.errorCode]).toEqual([400, 'INVALID_REQUEST']);
    }
  });
});

describe('idempotency keys', () => {
  it('replays the first answer to a repeated key without generating keys again', async () => {
    const session = newSession();
    const headers = { 'Idempotency-Key': 'generate-1' };
    const first = await call(server, 'POST', '/credentials', { session, headers });
    const second = await call(server, 'POST', '/credentials', { session, headers });
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    const third = await call(server, 'POST', '/credentials', { session, headers: { 'Idempotency-Key': 'generate-2' } });
    expect(third.status).toBe(409);
  });

  it('resets the secret once for a repeated key, and again for a new key', async () => {
    const { session } = await withKeys();
    const reset = (key: string) =>
      call(server, 'POST', '/credentials/secret/reset', { session, headers: { 'Idempotency-Key': key } });
    const first = await reset('reset-a');
    const replay = await reset('reset-a');
    expect(replay.body.keys.secretKeyHint).toBe(first.body.keys.secretKeyHint);
    const secret = (await call(server, 'POST', '/credentials/secret/reveal', { session })).body.secretKey;
    expect(secret.slice(-4)).toBe(first.body.keys.secretKeyHint);
    const next = await reset('reset-b');
    expect(next.headers.get('Idempotent-Replayed')).toBeNull();
    const secretAfter = (await call(server, 'POST', '/credentials/secret/reveal', { session })).body.secretKey;
    expect(secretAfter).not.toBe(secret);
  });

  it('replays refusals too, but scopes keys by account and route', async () => {
    const session = newSession();
    const headers = { 'Idempotency-Key': 'shared' };
    expect((await call(server, 'POST', '/credentials/secret/reset', { session, headers })).status).toBe(404);
    await call(server, 'POST', '/credentials', { session });
    const replayed = await call(server, 'POST', '/credentials/secret/reset', { session, headers });
    expect([replayed.status, replayed.headers.get('Idempotent-Replayed')]).toEqual([404, 'true']);
    expect((await call(server, 'POST', '/credentials', { session, account: 'iso', headers })).status).toBe(201);
    expect((await call(server, 'POST', '/credentials', { session, account: 'agent', headers })).status).toBe(201);
  });

  it('does the work once for concurrent requests with the same key', async () => {
    const session = newSession();
    const headers = { 'Idempotency-Key': 'double-click' };
    const [a, b] = await Promise.all([
      generateToken(session, { tpn: TPN }, headers),
      generateToken(session, { tpn: TPN }, headers),
    ]);
    expect(a.body.token).toBe(b.body.token);
    expect([a.status, b.status]).toEqual([201, 201]);
  });

  it('refuses a key reused with another body (422) and a malformed key (400)', async () => {
    const session = newSession();
    const headers = { 'Idempotency-Key': 'token-1' };
    await generateToken(session, { tpn: TPN }, headers);
    const reused = await generateToken(session, { tpn: '139322815012' }, headers);
    expect([reused.status, reused.body.errorCode]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const malformed = await generateToken(session, { tpn: TPN }, { 'Idempotency-Key': 'x'.repeat(256) });
    expect([malformed.status, malformed.body.errorCode]).toEqual([400, 'INVALID_IDEMPOTENCY_KEY']);
  });

  it('never replays a reveal (no secret is kept for replays)', async () => {
    const { session } = await withKeys();
    const headers = { 'Idempotency-Key': 'reveal-1' };
    const before = await call(server, 'POST', '/credentials/secret/reveal', { session, headers });
    await call(server, 'POST', '/credentials/secret/reset', { session });
    const after = await call(server, 'POST', '/credentials/secret/reveal', { session, headers });
    expect(after.body.secretKey).not.toBe(before.body.secretKey);
    expect(after.headers.get('Idempotent-Replayed')).toBeNull();
  });

  it('keeps a bounded number of keys, forgetting the oldest', async () => {
    const own = createReferenceServer({ store: memoryStore({ maxReplays: 2 }) });
    const session = newSession();
    const tokens: string[] = [];
    for (const key of ['a', 'b', 'c']) {
      tokens.push(
        (await call(own, 'POST', '/tokens', { session, json: { tpn: TPN }, headers: { 'Idempotency-Key': key } })).body
          .token,
      );
    }
    const again = await call(own, 'POST', '/tokens', {
      session,
      json: { tpn: TPN },
      headers: { 'Idempotency-Key': 'a' },
    });
    expect(again.headers.get('Idempotent-Replayed')).toBeNull();
    const replayed = await call(own, 'POST', '/tokens', {
      session,
      json: { tpn: TPN },
      headers: { 'Idempotency-Key': 'c' },
    });
    expect([replayed.headers.get('Idempotent-Replayed'), replayed.body.token]).toEqual(['true', tokens[2]]);
  });

  // Finding: each remembered answer kept the raw request body (30,000 × 16 KiB bodies used 507 MB).
  it('remembers a hash of the request body, not the body: 1,000 replays of 15 KiB bodies keep under 2 KiB each', async () => {
    const store = memoryStore();
    const own = createReferenceServer({ store });
    const session = newSession();
    const padding = 'x'.repeat(15 * 1024);
    // 1,000: the replays one account keeps (the server's idempotency.maxPerAccount).
    for (let index = 0; index < 1000; index++) {
      const answer = await call(own, 'POST', '/tokens', {
        session,
        json: { tpn: TPN, padding },
        headers: { 'Idempotency-Key': `k-${index}` },
      });
      expect(answer.status).toBe(201);
    }
    const size = store.size();
    expect(size.replays).toBe(1000);
    // The bodies alone would be 15 MB; each replay keeps a 43-character hash and its sealed answer (a token).
    expect(size.replayBytes / size.replays).toBeLessThan(2048);
    const replay = await call(own, 'POST', '/tokens', {
      session,
      json: { tpn: TPN, padding },
      headers: { 'Idempotency-Key': 'k-0' },
    });
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    const reused = await call(own, 'POST', '/tokens', {
      session,
      json: { tpn: TPN, padding: `${padding}y` },
      headers: { 'Idempotency-Key': 'k-0' },
    });
    expect(reused.body.errorCode).toBe('IDEMPOTENCY_KEY_REUSED');
  }, 60_000); // 1,000 tokens signed: the 5 s default ran out on a loaded 2-core machine
});

describe('routing', () => {
  it('answers 404 NOT_FOUND for unknown paths, inside and outside the base path', async () => {
    for (const url of [
      'http://localhost/api/ipos/nope',
      'http://localhost/elsewhere',
      'http://localhost/api/iposx/credentials',
    ]) {
      const response = await server.handle(new Request(url, { headers: { 'X-Ipos-Demo-Account': 'merchant' } }));
      expect(response.status).toBe(404);
      expect((await response.json()).errorCode).toBe('NOT_FOUND');
    }
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    const deleteCredentials = await call(server, 'DELETE', '/credentials');
    expect([deleteCredentials.status, deleteCredentials.body.errorCode]).toEqual([405, 'METHOD_NOT_ALLOWED']);
    expect(deleteCredentials.headers.get('Allow')).toBe('GET, POST');
    expect((await call(server, 'GET', '/tokens')).headers.get('Allow')).toBe('POST');
  });

  it('accepts a trailing slash', async () => {
    expect((await call(server, 'GET', '/credentials/', { session: newSession() })).status).toBe(200);
  });

  it('refuses a malformed session header with 400 INVALID_DEMO_SESSION', async () => {
    for (const session of ['has space', 'x'.repeat(65), '']) {
      const answer = await call(server, 'GET', '/credentials', { session });
      expect([answer.status, answer.body.errorCode]).toEqual([400, 'INVALID_DEMO_SESSION']);
    }
  });

  it('never answers 500 to bad input', async () => {
    const bodies = [
      '',
      'null',
      '"x"',
      '1e999',
      '{"tpn":{"$gt":""}}',
      '{"token":null}',
      '\u0000',
      '{"__proto__":{"tpn":"139322815010"}}',
    ];
    for (const path of ['/tokens', '/tokens/refresh', '/__reference/session']) {
      for (const body of bodies) {
        const method = path === '/__reference/session' ? 'PUT' : 'POST';
        const answer = await call(server, method, path, {
          session: newSession(),
          headers: { 'Content-Type': 'application/json' },
          body,
        });
        expect(answer.status, `${path} ${body}`).toBeGreaterThanOrEqual(200);
        expect(answer.status, `${path} ${body}`).toBeLessThan(500);
        if (answer.status >= 400) expect(Object.keys(answer.body)).toEqual(['errorCode', 'errorMessage']);
      }
    }
  });

  it('serves at another base path, or at the root', async () => {
    const rooted = createReferenceServer({ basePath: '/' });
    expect(
      (await rooted.handle(new Request('http://x/credentials', { headers: { 'X-Ipos-Demo-Account': 'iso' } }))).status,
    ).toBe(200);
    const custom = createReferenceServer({ basePath: '/backend/v2/' });
    expect(custom.basePath).toBe('/backend/v2');
    expect((await call(custom, 'GET', '/credentials')).status).toBe(200);
  });
});

describe('sessions', () => {
  it('gives each session its own accounts, apart from the default session', async () => {
    const a = newSession();
    const b = newSession();
    await call(server, 'POST', '/credentials', { session: a });
    expect((await call(server, 'GET', '/credentials', { session: a })).body.keys).not.toBeNull();
    expect((await call(server, 'GET', '/credentials', { session: b })).body.keys).toBeNull();
    const isolated = createReferenceServer();
    await call(isolated, 'POST', '/credentials', { session: a });
    expect((await call(isolated, 'GET', '/credentials')).body.keys).toBeNull();
  });

  it('forgets a session on DELETE /__reference/session', async () => {
    const { session } = await withKeys();
    const deleted = await call(server, 'DELETE', '/__reference/session', { session, account: null });
    expect(deleted.status).toBe(204);
    expect((await call(server, 'GET', '/credentials', { session })).body.keys).toBeNull();
  });

  it("deletes a forgotten session's keys from the store", async () => {
    const store = memoryStore();
    const own = createReferenceServer({ store, maxSessions: 2 });
    for (const session of ['a', 'b', 'c']) await call(own, 'POST', '/credentials', { session });
    await call(own, 'GET', '/credentials', { session: 'c' }); // after the eviction's delete, in store order
    expect(store.size().accounts).toBe(2);
    await own.resetSession('c');
    expect(store.size().accounts).toBe(1);
    expect((await call(own, 'GET', '/credentials', { session: 'a' })).body.keys).toBeNull();
  });

  it('keeps a bounded number of sessions, forgetting the least recently used', () => {
    const store = new SessionStore(2);
    const a = store.get('a');
    const b = store.get('b');
    store.get('a'); // now b is the least recently used
    store.get('c');
    expect(store.get('a')).toBe(a);
    expect(store.get('b')).not.toBe(b);
  });
});

describe('control route and faults', () => {
  it("sets, shows and scopes a session's clock offset and faults", async () => {
    const session = newSession();
    const put = await call(server, 'PUT', '/__reference/session', {
      session,
      account: null,
      json: { clockOffsetMs: 10 * MINUTE, faults: { forcedStatus: { 'GET /terminals': 503 } } },
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      session,
      clockOffsetMs: 10 * MINUTE,
      faults: { forcedStatus: { 'GET /terminals': 503 } },
    });
    expect((await call(server, 'GET', '/__reference/session', { session, account: null })).body).toEqual(put.body);

    expect((await call(server, 'GET', '/terminals', { session })).status).toBe(503);
    expect((await call(server, 'GET', '/terminals', { session: newSession() })).status).toBe(200);
    const token = await generateToken(session, { tpn: TPN });
    expect(token.body.issuedAt).toBe(new Date(T0 + 10 * MINUTE).toISOString());

    await call(server, 'PUT', '/__reference/session', { session, account: null, json: { faults: null } });
    expect((await call(server, 'GET', '/terminals', { session })).status).toBe(200);
  });

  it('refuses invalid session settings with 400 and a message naming the field', async () => {
    const answer = await call(server, 'PUT', '/__reference/session', {
      session: newSession(),
      account: null,
      json: { faults: { failureRate: 2 } },
    });
    expect([answer.status, answer.body.errorCode]).toEqual([400, 'INVALID_REQUEST']);
    expect(answer.body.errorMessage).toContain('faults.failureRate');
  });

  it('forces a status with Retry-After on one route and method, a limited number of times', async () => {
    const session = newSession();
    server.session(session).faults = {
      forcedStatus: { 'POST /credentials': { status: 429, retryAfter: 3, times: 2 } },
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await call(server, 'POST', '/credentials', { session });
      expect([answer.status, answer.body.errorCode, answer.headers.get('Retry-After')]).toEqual([
        429,
        'INJECTED_FAULT',
        '3',
      ]);
    }
    expect((await call(server, 'GET', '/credentials', { session })).body.keys).toBeNull();
    expect((await call(server, 'POST', '/credentials', { session })).status).toBe(201);
  });

  it('forces malformed JSON and schema-invalid 200 bodies', async () => {
    const session = newSession();
    server.session(session).faults = {
      forcedStatus: {
        '/credentials': { status: 200, body: '{"role": "merch' },
        'GET /terminals': { status: 200, body: { terminals: [{ tpn: 1 }] } },
      },
    };
    expect((await call(server, 'GET', '/credentials', { session })).body).toBe('{"role": "merch');
    const terminals = await call(server, 'GET', '/terminals', { session });
    expect([terminals.status, terminals.body]).toEqual([200, { terminals: [{ tpn: 1 }] }]);
  });

  it('does the work before answering an afterWork fault, and a retry with the same key gets the remembered answer', async () => {
    const { session } = await withKeys();
    server.session(session).faults = {
      forcedStatus: { 'POST /credentials/secret/reset': { status: 503, afterWork: true, times: 1 } },
    };
    const headers = { 'Idempotency-Key': 'lost-answer' };
    const lost = await call(server, 'POST', '/credentials/secret/reset', { session, headers });
    expect(lost.status).toBe(503);
    const retried = await call(server, 'POST', '/credentials/secret/reset', { session, headers });
    expect([retried.status, retried.headers.get('Idempotent-Replayed')]).toEqual([200, 'true']);
    const secret = (await call(server, 'POST', '/credentials/secret/reveal', { session })).body.secretKey;
    expect(secret.slice(-4)).toBe(retried.body.keys.secretKeyHint);
  });

  it('fails at the failure rate with 503 INJECTED_FAILURE, using the injected random', async () => {
    const own = createReferenceServer({ faults: { failureRate: 0.5, random: () => 0.4 } });
    const failed = await call(own, 'GET', '/credentials');
    expect([failed.status, failed.body.errorCode]).toEqual([503, 'INJECTED_FAILURE']);
    own.faults.random = () => 0.6;
    expect((await call(own, 'GET', '/credentials')).status).toBe(200);
  });

  it('delays answers by latencyMs, server-wide or per session', async () => {
    const own = createReferenceServer({ faults: { latencyMs: 60 } });
    let started = performance.now();
    await call(own, 'GET', '/credentials');
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    own.faults = {};
    // Other sessions are not delayed: asked second, their answer still comes first (a margin for a busy machine).
    own.session('slow').faults = { latencyMs: 500 };
    const answered: string[] = [];
    started = performance.now();
    const slow = call(own, 'GET', '/credentials', { session: 'slow' }).then(() => answered.push('slow'));
    const other = call(own, 'GET', '/credentials').then(() => answered.push('other'));
    await Promise.all([slow, other]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(495);
    expect(answered).toEqual(['other', 'slow']);
  });

  it('can run without the control route', async () => {
    const own = createReferenceServer({ controlRoute: false });
    expect((await call(own, 'GET', '/__reference/session')).status).toBe(404);
  });
});
