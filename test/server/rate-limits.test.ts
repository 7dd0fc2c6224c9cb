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
