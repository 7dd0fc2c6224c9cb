/**
 * A bounded flood from one signed-in account over loopback: 10,000 requests to the state-changing routes and
 * authenticate-token, each with a fresh `Idempotency-Key` and forged forwarding headers (8,000-character
 * `X-Forwarded-For` among them), against a server process with the default options on the memory store.
 * What it may leave behind is bounded, and docs/server.md states the same bounds:
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killInstances, startInstance, type Instance } from './instances.js';

const REQUESTS = 10_000;
/** Memory is compared from here on: by then the heap's young generation and the allocator have grown to their working size. */
const WARM_UP = 1_000;
const CONCURRENCY = 16;
const MiB = 1024 * 1024;
const LOAD_BOUNDS = {
  /** The default `idempotency.maxPerAccount`; the rate limits keep it far lower in a test this short. */
  flooderReplays: 1000,
  /**
   * Per minute the flood spans: one window per limited action and caller — the flooder's generate, reset and
   * token, the source address's and the API key's authenticate, the bystanders' 3 × 3 — however many requests and
   * forged headers.
   */
  rateWindowsPerMinute: 14,
  /** Per minute spanned: only what the limits let through is audited (10 resets, 60 tokens, 120 authentications). */
  flooderAuditEventsPerMinute: 200,
  /** Heap after a full collection, and resident memory, from the 1,000th request to the 10,000th. */
  heapGrowth: 16 * MiB,
  rssGrowth: 32 * MiB,
};

let instance: Instance;
let base: string;
beforeAll(async () => {
  instance = startInstance(['serve', 'memory', JSON.stringify({ rateLimits: {} })], ['--expose-gc']);
  base = await instance.baseUrl();
});
afterAll(killInstances);

const forged = (index: number): Record<string, string> => ({
  'X-Forwarded-For':
    index % 7 === 0 ? `${'9'.repeat(7990)}, 1.2.3.4` : `203.0.113.${index % 250}, 198.51.100.${index % 199}`,
  'X-Real-IP': `192.0.2.${index % 250}`,
  Forwarded: `for=192.0.2.${index % 250};proto=https`,
  'X-Forwarded-Proto': 'https',
});

async function send(path: string, account: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'X-Test-Account': account,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: response.status,
    replayed: response.headers.get('Idempotent-Replayed'),
    body: await response.json(),
  };
}

describe('10,000 requests from one account, with forged forwarding headers and fresh idempotency keys', () => {
  it('keeps replays, rate windows, audit events and memory within their bounds, and other accounts’ replays intact', async () => {
    // Other accounts' safe retries, made before the flood.
    const others: { account: string; path: string; key: string; body?: unknown; first: unknown }[] = [];
    for (const account of ['bystander-1', 'bystander-2', 'bystander-3']) {
      await send('/credentials', account, {});
      for (const [path, body] of [
        ['/credentials/secret/reset', undefined],
        ['/tokens', { tpn: '139322815010' }],
      ] as const) {
        const key = `${account}-${path}`;
        const first = await send(path, account, { 'Idempotency-Key': key }, body);
        expect(first.status).toBeLessThan(300);
        others.push({ account, path, key, body, first: first.body });
      }
    }
    const generated = await send('/credentials', 'flooder', {});
    const apiKey = generated.body.keys.apiKey as string;
    const before = await instance.stats();
    const firstMinute = Math.floor(Date.now() / 60_000);

    const statuses = new Map<number, number>();
    let next = 0;
    const routes = [
      (index: number) => send('/credentials', 'flooder', { 'Idempotency-Key': `g-${index}`, ...forged(index) }),
      (index: number) =>
        send('/credentials/secret/reset', 'flooder', { 'Idempotency-Key': `r-${index}`, ...forged(index) }),
      (index: number) =>
        send('/tokens', 'flooder', { 'Idempotency-Key': `t-${index}`, ...forged(index) }, { tpn: '139322815011' }),
      (index: number) =>
        send('/authenticate-token', 'flooder', { apiKey, secretKey: `dskey_${'0'.repeat(32)}`, ...forged(index) }),
    ];
    const flood = (until: number) =>
      Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let index = next++; index < until; index = next++) {
            const { status } = await routes[index % routes.length]!(index);
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
          }
        }),
      );
    await flood(WARM_UP);
    next = WARM_UP;
    const warm = await instance.stats();
    await flood(REQUESTS);
    const after = await instance.stats();
    const minutes = Math.floor(Date.now() / 60_000) - firstMinute + 1;

    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
    const refused = statuses.get(429) ?? 0;
    expect(refused).toBeGreaterThan(REQUESTS * 0.9);
    const store = after.store!;
    const flooderReplays = store.replays - others.length;
    expect(flooderReplays).toBeLessThanOrEqual(LOAD_BOUNDS.flooderReplays);
    expect(flooderReplays).toBeLessThanOrEqual(REQUESTS - refused);
    expect(store.rateWindows).toBeLessThanOrEqual(LOAD_BOUNDS.rateWindowsPerMinute * minutes);
    expect(store.auditEvents - before.store!.auditEvents).toBeLessThanOrEqual(
      LOAD_BOUNDS.flooderAuditEventsPerMinute * minutes,
    );
    expect(after.heapUsed - warm.heapUsed).toBeLessThanOrEqual(LOAD_BOUNDS.heapGrowth);
    expect(after.rss - warm.rss).toBeLessThanOrEqual(LOAD_BOUNDS.rssGrowth);

    for (const { account, path, key, body, first } of others) {
      const again = await send(path, account, { 'Idempotency-Key': key }, body);
      expect(again.replayed, `${account} ${path}`).toBe('true');
      expect(again.body).toEqual(first);
    }
    const mib = (bytes: number) => (bytes / MiB).toFixed(1);
    console.log(
      `[reliability] flood of ${REQUESTS} requests from one account (forged forwarding headers, fresh idempotency keys): ${refused} answered 429, 0 answered 5xx; after it ${flooderReplays} replays (bound ${LOAD_BOUNDS.flooderReplays}), ${store.rateWindows} rate windows over ${minutes} minutes (bound ${LOAD_BOUNDS.rateWindowsPerMinute} a minute), ${store.auditEvents - before.store!.auditEvents} audit events (bound ${LOAD_BOUNDS.flooderAuditEventsPerMinute} a minute), heap ${mib(after.heapUsed - warm.heapUsed)} MiB and RSS ${mib(after.rss - warm.rss)} MiB more from the ${WARM_UP}th request on (bounds ${mib(LOAD_BOUNDS.heapGrowth)} and ${mib(LOAD_BOUNDS.rssGrowth)}); ${others.length} replays of 3 other accounts intact`,
    );
  }, 300_000); // 10,000 requests over loopback: about 20 s alone, over a minute beside three browsers on two cores
});
