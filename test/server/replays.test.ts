/**
 * Floods do not grow storage, and no account's flood touches another's safe retries: every state-changing route
 * is rate-limited, replays are bounded per account on every store (an account past its bound forgets its own
 * oldest), the memory store's overall bound takes from the busiest account, rate windows are forgotten once
 * no limit can count them, and forgetting an account forgets exactly its replays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OffsetClock } from '../../src/server/clock.js';
import type { CredentialsServer } from '../../src/server/credentials-server.js';
import { memoryStore } from '../../src/server/stores/memory.js';
import { STORE_KINDS, call, openStore, testServer, type OpenedStore } from './harness.js';

const TPN = '139322815010';

/** A token request with an `Idempotency-Key`: whether it was replayed, and its token. */
async function token(server: CredentialsServer, account: string, key: string) {
  const answer = await call(server, 'POST', '/tokens', {
    account,
    json: { tpn: TPN },
    headers: { 'Idempotency-Key': key },
  });
  expect(answer.status).toBe(201);
  return { replayed: answer.headers.get('Idempotent-Replayed') === 'true', token: answer.body.token as string };
}

describe.each(STORE_KINDS)('replays on the %s store', (kind) => {
  let opened: OpenedStore;
  beforeAll(async () => {
    opened = await openStore(kind);
  });
  afterAll(() => opened.store.close());

  it('keeps at most maxPerAccount replays per account: the flooder forgets its own oldest, never another’s', async () => {
    const server = testServer(opened.store, { idempotency: { maxPerAccount: 5 } });
    const others = [];
    for (let index = 0; index < 3; index++) others.push(await token(server, 'bounded-other', `other-${index}`));
    const flood = [];
    for (let index = 0; index < 20; index++) flood.push(await token(server, 'bounded-flooder', `flood-${index}`));
    for (let index = 0; index < 3; index++) {
      expect(await token(server, 'bounded-other', `other-${index}`)).toEqual({ ...others[index], replayed: true });
    }
    for (let index = 15; index < 20; index++) {
      expect(await token(server, 'bounded-flooder', `flood-${index}`)).toEqual({ ...flood[index], replayed: true });
    }
    expect((await token(server, 'bounded-flooder', 'flood-0')).replayed).toBe(false);
    if (opened.sql) {
      const rows = await opened.sql(
        `SELECT account_id, count(*)::int AS replays FROM ipos_idempotency
         WHERE account_id LIKE 'bounded-%' GROUP BY account_id ORDER BY account_id`,
      );
      expect(rows).toEqual([
        { account_id: 'bounded-flooder', replays: 5 },
        { account_id: 'bounded-other', replays: 3 },
      ]);
    }
  });

  it('forgets exactly the deleted account’s replays: "acme" is not a prefix of "acme corp"', async () => {
    const server = testServer(opened.store);
    const kept = await token(server, 'acme corp', 'shared-key');
    const dropped = await token(server, 'acme', 'shared-key');
    await opened.store.transaction((tx) => tx.deleteAccount('acme'));
    expect(await token(server, 'acme corp', 'shared-key')).toEqual({ ...kept, replayed: true });
    const after = await token(server, 'acme', 'shared-key');
    expect(after.replayed).toBe(false);
    expect(after.token).not.toBe(dropped.token);
  });
});

describe('the memory store', () => {
  it('takes from the busiest account when it is full, so one account’s flood never evicts another’s replays', async () => {
    const store = memoryStore({ maxReplays: 50 });
    const server = testServer(store);
    const others: Record<string, Awaited<ReturnType<typeof token>>> = {};
    for (const account of ['a', 'b', 'c']) {
      for (let index = 0; index < 5; index++) others[`${account}-${index}`] = await token(server, account, `k${index}`);
    }
    for (let index = 0; index < 200; index++) await token(server, 'flooder', `flood-${index}`);
    expect(store.size().replays).toBeLessThanOrEqual(50);
    for (const [name, first] of Object.entries(others)) {
      const [account, index] = name.split('-');
      expect(await token(server, account!, `k${index}`), name).toEqual({ ...first, replayed: true });
    }
  });

  it('forgets rate windows once the longest limit can no longer count them, not a day later', async () => {
    const clock = new OffsetClock();
    const store = memoryStore();
    const server = testServer(store, { clock, rateLimits: {} });
    for (let index = 0; index < 50; index++) {
      await call(server, 'POST', '/authenticate-token', { account: null, source: `198.51.100.${index}` });
    }
    // One window per source, and one for the API key they all try (none): both limits count.
    expect(store.size().rateWindows).toBe(51);
    clock.advance(2 * 60_000);
    await call(server, 'POST', '/authenticate-token', { account: null, source: '203.0.113.1' });
    expect(store.size().rateWindows).toBe(2);
  });
});

describe('POST /credentials', () => {
  it('is rate-limited per account like every state-changing route: 2,000 fresh keys store at most 10 replays', async () => {
    const store = memoryStore();
    const server = testServer(store, { rateLimits: {} });
    const statuses = new Map<number, number>();
    for (let index = 0; index < 2000; index++) {
      const answer = await call(server, 'POST', '/credentials', {
        account: 'generator',
        headers: { 'Idempotency-Key': `generate-${index}` },
      });
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 201: 1, 409: 9, 429: 1990 });
    expect(store.size().replays).toBe(10);
  });
});
