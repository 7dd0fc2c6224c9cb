/**
 * Two service processes behind one nginx on one throwaway PostgreSQL, callers identified by headers the
 * portal signs: a signature is good once (a replay on the other instance is refused too), stale or forged
 * ones are 401, and idempotency, rate limits, the grace window and reset invalidation hold across instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginx, type ThrowawayNginx } from '../support/nginx.js';
import { keysEnvironmentFile } from './keys.js';
import { SecretsSeen } from './leaks.js';
import { signedHeaders } from './portal.js';
import {
  freshDatabase,
  killServices,
  query,
  serviceOutput,
  startService,
  type ServiceProcess,
} from './service-process.js';

const SECRET = 'a-portal-secret-of-more-than-32-characters';
const secrets = new SecretsSeen();
let database: string;
let a: ServiceProcess;
let b: ServiceProcess;
let nginx: ThrowawayNginx;

beforeAll(async () => {
  const env = await keysEnvironmentFile(secrets);
  secrets.add(SECRET);
  database = await freshDatabase();
  const settings = {
    ...env,
    IPOS_DATABASE: database,
    IPOS_IDENTITY: 'signed-headers',
    IPOS_SIGNED_HEADERS_SECRET: SECRET,
    IPOS_TRUSTED_PROXIES: '127.0.0.1',
  };
  [a, b] = await Promise.all([startService(settings), startService(settings)]);
  nginx = await startNginx({ upstreams: [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`], proxyPath: '/api/ipos/' });
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await nginx?.stop();
  await killServices();
  secrets.expectAbsentFrom(serviceOutput.join(''));
});

const as = (accountId: string, role = 'merchant') =>
  signedHeaders(SECRET, { accountId, role, name: `Admin ${accountId}` });

async function call(base: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${base}/api/ipos${path}`, init);
  const body = await response.json().catch(() => undefined);
  if (typeof body?.secretKey === 'string') secrets.add(body.secretKey);
  if (typeof body?.token === 'string') secrets.addToken(body.token);
  return { status: response.status, body, headers: response.headers };
}
const post = (base: string, path: string, headers: Record<string, string>, json?: object) =>
  call(base, path, {
    method: 'POST',
    headers: json ? { ...headers, 'Content-Type': 'application/json' } : headers,
    body: json && JSON.stringify(json),
  });
const authenticate = async (base: string, apiKey: string, secretKey: string) =>
  (await post(base, '/authenticate-token', { apiKey, secretKey })).status;

describe('headers signed by the portal', () => {
  it('accepts a fresh signature once: the same headers again, on the other instance, are 401', async () => {
    const headers = as('once');
    expect((await call(a.url, '/credentials', { headers })).status).toBe(200);
    const replayed = await call(b.url, '/credentials', { headers });
    expect([replayed.status, replayed.body.errorMessage]).toEqual([
      401,
      "The portal's header signature was already used.",
    ]);
  });

  it('answers 401 to a stale timestamp, one from the future, a wrong secret and missing headers', async () => {
    const caller = { accountId: 'refused', role: 'iso' };
    const statuses = await Promise.all(
      [
        signedHeaders(SECRET, caller, { at: Date.now() - 120_000 }),
        signedHeaders(SECRET, caller, { at: Date.now() + 120_000 }),
        signedHeaders('another-secret-of-more-than-32-characters', caller),
        { 'X-Ipos-Account-Id': 'refused', 'X-Ipos-Role': 'iso' },
      ].map(async (headers) => (await call(nginx.url, '/credentials', { headers })).status),
    );
    expect(statuses).toEqual([401, 401, 401, 401]);
  });

  it("keeps the admin's display name, percent-encoded UTF-8, for the audit log", async () => {
    const headers = signedHeaders(SECRET, { accountId: 'named', role: 'agent', name: 'Zoë Ångström' });
    expect((await post(nginx.url, '/credentials', headers)).status).toBe(201);
    const [event] = await query<{ actor_name: string }>(
      database,
      "SELECT actor_name FROM ipos_audit_log WHERE account_id = 'named' AND type = 'keys-generated'",
    );
    expect(event?.actor_name).toBe('Zoë Ångström');
  });
});

describe('two instances on one PostgreSQL', () => {
  it('refuses on B, at once, the secret a reset on A replaced', async () => {
    const generated = await post(a.url, '/credentials', as('shared'));
    const apiKey = generated.body.keys.apiKey as string;
    const old = (await post(a.url, '/credentials/secret/reveal', as('shared'))).body.secretKey as string;
    expect(await authenticate(b.url, apiKey, old)).toBe(200);
    expect((await post(a.url, '/credentials/secret/reset', as('shared'))).status).toBe(200);
    expect(await authenticate(b.url, apiKey, old)).toBe(401);
    const fresh = (await post(b.url, '/credentials/secret/reveal', as('shared'))).body.secretKey as string;
    expect(await authenticate(a.url, apiKey, fresh)).toBe(200);
  });

  it('honours on B a grace window opened on A, and on A its revoke on B', async () => {
    const apiKey = (await post(a.url, '/credentials', as('grace'))).body.keys.apiKey as string;
    const old = (await post(a.url, '/credentials/secret/reveal', as('grace'))).body.secretKey as string;
    const reset = await post(a.url, '/credentials/secret/reset', as('grace'), { graceMinutes: 60 });
    expect(reset.body.keys.previousSecretValidUntil).not.toBeNull();
    expect(await authenticate(b.url, apiKey, old)).toBe(200);
    expect((await post(b.url, '/credentials/secret/previous/revoke', as('grace'))).status).toBe(200);
    expect(await authenticate(a.url, apiKey, old)).toBe(401);
  });

  it('replays on B the answer of an Idempotency-Key first used on A, and rotates once', async () => {
    await post(a.url, '/credentials', as('idem'));
    const key = { 'Idempotency-Key': 'reset-idem-1' };
    const first = await post(a.url, '/credentials/secret/reset', { ...as('idem'), ...key });
    const repeat = await post(b.url, '/credentials/secret/reset', { ...as('idem'), ...key });
    expect(repeat.headers.get('Idempotent-Replayed')).toBe('true');
    expect(repeat.body).toEqual(first.body);
    const [row] = await query<{ rotation: string }>(
      database,
      "SELECT rotation FROM ipos_credentials WHERE account_id = 'idem'",
    );
    expect(Number(row?.rotation)).toBe(1);
  });

  it('counts one rate limit across both instances behind nginx (10 resets a minute per account)', async () => {
    /** A metric's resetSecret series on one instance, summed over statuses. */
    const resets = async (instance: ServiceProcess, metric: string) => {
      const text = await (await fetch(`${instance.url}/metrics`)).text();
      const pattern = new RegExp(`^${metric}\\{[^}]*operation="resetSecret"[^}]*\\} (\\d+)`, 'gm');
      return [...text.matchAll(pattern)].reduce((sum, match) => sum + Number(match[1]), 0);
    };
    const refusals = async () =>
      (await resets(a, 'ipos_rate_limit_refusals_total')) + (await resets(b, 'ipos_rate_limit_refusals_total'));
    // Windows are whole clock minutes: a run that crosses into the next minute is done again with a fresh account.
    for (let attempt = 0; ; attempt++) {
      const account = `limited-${attempt}`;
      const minute = Math.floor(Date.now() / 60_000);
      await post(nginx.url, '/credentials', as(account));
      const refusedBefore = await refusals();
      const statuses: number[] = [];
      for (let index = 0; index < 12; index++) {
        statuses.push((await post(nginx.url, '/credentials/secret/reset', as(account))).status);
      }
      if (Math.floor(Date.now() / 60_000) !== minute && attempt < 2) continue;
      expect(statuses.filter((status) => status === 200)).toHaveLength(10);
      expect(statuses.filter((status) => status === 429)).toHaveLength(2);
      // nginx sent resets to both instances, and together they refused exactly the two over the limit.
      expect(await resets(a, 'ipos_http_requests_total')).toBeGreaterThan(0);
      expect(await resets(b, 'ipos_http_requests_total')).toBeGreaterThan(0);
      expect((await refusals()) - refusedBefore).toBe(2);
      return;
    }
  });
});
