/**
 * Rate limits hold however the host wires the server: without a source address (Hono, Next.js route handlers
 * calling `handle(request)` alone) the authenticate-token limit counts per API key.
 */
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../src/server/stores/memory.js';
import { call, testServer } from './harness.js';

const LIMIT = 20;

/** `handle(request)` with no context at all, as the Hono and Next.js wiring of docs/server.md does. */
function authenticateWithoutSource(server: ReturnType<typeof testServer>, apiKey: string, secretKey: string) {
  return server.handle(
    new Request('http://portal.example/api/ipos/authenticate-token', {
      method: 'POST',
      headers: { apiKey, secretKey },
    }),
  );
}

describe('authenticate-token with no source address', () => {
  it('is limited per API key: 200 wrong secrets get 429 past the limit, and another key is not held up', async () => {
    const store = memoryStore();
    const server = testServer(store, { rateLimits: { authenticate: { limit: LIMIT, windowSeconds: 3600 } } });
    const generated = await call(server, 'POST', '/credentials', { account: 'target' });
    const apiKey = generated.body.keys.apiKey as string;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 200; attempt++) {
      statuses.push(
        (await authenticateWithoutSource(server, apiKey, `dskey_${String(attempt).padStart(32, '0')}`)).status,
      );
    }
    expect(statuses.filter((status) => status === 401)).toHaveLength(LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(200 - LIMIT);
    const limited = await authenticateWithoutSource(server, apiKey, 'dskey_x');
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);

    await call(server, 'POST', '/credentials', { account: 'bystander' });
    const bystander = (await call(server, 'GET', '/credentials', { account: 'bystander' })).body.keys.apiKey;
    const secret = (await call(server, 'POST', '/credentials/secret/reveal', { account: 'bystander' })).body.secretKey;
    expect((await authenticateWithoutSource(server, bystander, secret)).status).toBe(200);
    // Rate windows are named by a hash of the key, never the key (or 8 KB of whatever a client sent).
    expect(store.dump()).not.toContain(`key:${apiKey}`);
    console.log(
      `[reliability] authenticate-token without a source address: 200 wrong secrets for one API key, ${statuses.filter((s) => s === 429).length} refused 429 past the limit of ${LIMIT}`,
    );
  });
});

describe('RateLimit headers', () => {
  it('every answer to a counted request tells the policy and what is left, refusals and the 429 included', async () => {
    const server = testServer(memoryStore(), { rateLimits: { reset: { limit: 3, windowSeconds: 60 } } });
    const notCounted = await call(server, 'POST', '/credentials/secret/reset', { account: null });
    expect(notCounted.status).toBe(401);
    expect(notCounted.headers.get('RateLimit')).toBeNull();

    const noKeys = await call(server, 'POST', '/credentials/secret/reset', { account: 'limited' });
    expect(noKeys.status).toBe(404);
    expect(noKeys.headers.get('RateLimit-Policy')).toBe('"reset";q=3;w=60');
    expect(noKeys.headers.get('RateLimit')).toMatch(/^"reset";r=2;t=([1-9]|[1-5]\d|60)$/);

    await call(server, 'POST', '/credentials', { account: 'limited' });
    const left = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = await call(server, 'POST', '/credentials/secret/reset', { account: 'limited' });
      left.push(`${answer.status} ${/;r=(\d+);/.exec(answer.headers.get('RateLimit') ?? '')?.[1]}`);
    }
    expect(left).toEqual(['200 1', '200 0', '429 0']);
    const reads = await call(server, 'GET', '/credentials', { account: 'limited' });
    expect(reads.headers.get('RateLimit')).toBeNull();
  });
});

describe('authenticate-token with source addresses', () => {
  const limited = () =>
    testServer(memoryStore(), { rateLimits: { authenticate: { limit: LIMIT, windowSeconds: 3600 } } });
  const attempt = (server: ReturnType<typeof testServer>, apiKey: string, source: string) =>
    call(server, 'POST', '/authenticate-token', {
      account: null,
      source,
      headers: { apiKey, secretKey: `dskey_${'0'.repeat(32)}` },
    });

  it('limits one API key however many addresses its attempts come from', async () => {
    const server = limited();
    const apiKey = (await call(server, 'POST', '/credentials', { account: 'spread' })).body.keys.apiKey as string;
    const statuses: number[] = [];
    for (let index = 0; index < 100; index++)
      statuses.push((await attempt(server, apiKey, `198.51.100.${index}`)).status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(100 - LIMIT);
  });

  it('counts IPv6 sources by their /64: rotating addresses within it gains nothing, another /64 is not held up', async () => {
    const server = limited();
    const statuses: number[] = [];
    for (let index = 0; index < 100; index++) {
      const unknownKey = `dakey_${String(index).padStart(32, 'v')}`;
      statuses.push((await attempt(server, unknownKey, `2001:db8:1:2:${index.toString(16)}::1`)).status);
    }
    expect(statuses.filter((status) => status === 401)).toHaveLength(LIMIT);
    expect((await attempt(server, `dakey_${'n'.repeat(32)}`, '2001:db8:1:3::1')).status).toBe(401);
  });
});
