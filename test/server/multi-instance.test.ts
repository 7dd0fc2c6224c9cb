/**
 * Several server processes on one real PostgreSQL: a reset on one is seen by the other on the very next
 * request, concurrent resets through both lose no update, and a process killed (SIGKILL) in the middle
 * of resetting leaves the old or the new secret, never a broken row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OffsetClock } from '../../src/server/clock.js';
import { pgliteStore } from '../../src/server/stores/pglite.js';
import { postgresStore } from '../../src/server/stores/postgres.js';
import { call, freshDatabase, testServer } from './harness.js';
import { killInstances, startInstance } from './instances.js';

afterAll(killInstances);

describe('two server processes on one PostgreSQL', () => {
  let url: string;
  let a: string;
  let b: string;
  beforeAll(async () => {
    url = await freshDatabase();
    // Migrate once first: the instances then start on the same schema (they also migrate, idempotently).
    await (await postgresStore({ connectionString: url })).close();
    [a, b] = await Promise.all([startInstance(['serve', url]).baseUrl(), startInstance(['serve', url]).baseUrl()]);
  });

  const post = (base: string, path: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'X-Test-Account': 'shared', ...headers } });

  it('sees a reset on instance A from instance B on the very next request', async () => {
    const generated = await (await post(a, '/credentials')).json();
    const apiKey = generated.keys.apiKey as string;
    const old = (await (await post(a, '/credentials/secret/reveal')).json()).secretKey as string;
    expect((await post(b, '/authenticate-token', { apiKey, secretKey: old })).status).toBe(200);
    expect((await post(a, '/credentials/secret/reset')).status).toBe(200);
    const refused = await post(b, '/authenticate-token', { apiKey, secretKey: old });
    expect([refused.status, (await refused.json()).errorCode]).toEqual([401, 'AUTH_ERR_004']);
    const fresh = (await (await post(b, '/credentials/secret/reveal')).json()).secretKey as string;
    expect((await post(a, '/authenticate-token', { apiKey, secretKey: fresh })).status).toBe(200);
  });

  it('honours a grace window opened on A from B, and a revoke on A from B at once', async () => {
    const account = { 'X-Test-Account': 'grace' };
    const generated = await (await post(a, '/credentials', account)).json();
    const apiKey = generated.keys.apiKey as string;
    const old = (await (await post(a, '/credentials/secret/reveal', account)).json()).secretKey as string;
    const reset = await fetch(`${a}/credentials/secret/reset`, {
      method: 'POST',
      headers: { ...account, 'Content-Type': 'application/json' },
      body: JSON.stringify({ graceMinutes: 60 }),
    });
    expect((await reset.json()).keys.previousSecretValidUntil).not.toBeNull();
    const fresh = (await (await post(b, '/credentials/secret/reveal', account)).json()).secretKey as string;
    expect((await post(b, '/authenticate-token', { apiKey, secretKey: old })).status).toBe(200);
    expect((await post(b, '/authenticate-token', { apiKey, secretKey: fresh })).status).toBe(200);
    const revoked = await (await post(a, '/credentials/secret/previous/revoke', account)).json();
    expect(revoked.keys.previousSecretValidUntil).toBeNull();
    const refused = await post(b, '/authenticate-token', { apiKey, secretKey: old });
    expect([refused.status, (await refused.json()).errorCode]).toEqual([401, 'AUTH_ERR_004']);
    expect((await post(b, '/authenticate-token', { apiKey, secretKey: fresh })).status).toBe(200);
  });

  it('counts exactly 100 rotations for 100 concurrent resets through both instances', async () => {
    const before = await (await fetch(`${a}/credentials`, { headers: { 'X-Test-Account': 'shared' } })).json();
    const store = await postgresStore({ connectionString: url });
    const rotations = async () => store.transaction(async (tx) => (await tx.keys('shared'))?.rotation ?? 0);
    const start = await rotations();
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        post(index % 2 ? a : b, '/credentials/secret/reset', { 'Idempotency-Key': `concurrent-${index}` }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(100).fill(200));
    expect((await rotations()) - start).toBe(100);
    const final = (await (await post(b, '/credentials/secret/reveal')).json()).secretKey as string;
    expect((await post(a, '/authenticate-token', { apiKey: before.keys.apiKey, secretKey: final })).status).toBe(200);
    await store.close();
  });
});

describe('two servers on one PostgreSQL, each with its own pool and clock', () => {
  it('ends a grace window opened on A when B’s clock passes its end', async () => {
    const url = await freshDatabase();
    const start = Date.UTC(2026, 10, 24, 12);
    const clockA = new OffsetClock({ now: () => start });
    const clockB = new OffsetClock({ now: () => start });
    const [storeA, storeB] = [
      await postgresStore({ connectionString: url }),
      await postgresStore({ connectionString: url }),
    ];
    const [serverA, serverB] = [testServer(storeA, { clock: clockA }), testServer(storeB, { clock: clockB })];
    const generated = await call(serverA, 'POST', '/credentials', { account: 'expiry' });
    const apiKey = generated.body.keys.apiKey as string;
    const old = (await call(serverA, 'POST', '/credentials/secret/reveal', { account: 'expiry' })).body.secretKey;
    await call(serverA, 'POST', '/credentials/secret/reset', { account: 'expiry', json: { graceMinutes: 5 } });
    const authenticateOnB = async () =>
      (await call(serverB, 'POST', '/authenticate-token', { account: null, headers: { apiKey, secretKey: old } })).body
        .errorCode ?? 'ok';
    clockB.advance(5 * 60_000 - 1);
    expect(await authenticateOnB()).toBe('ok');
    clockB.advance(1);
    expect(await authenticateOnB()).toBe('AUTH_ERR_004');
    await Promise.all([storeA.close(), storeB.close()]);
  });
});

describe.each(['postgres', 'pglite'] as const)('a process killed in the middle of resetting (%s)', (kind) => {
  it('leaves the last committed secret or the next one, never a broken row', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ipos-crash-'));
    const target = kind === 'postgres' ? await freshDatabase() : `pglite:${join(folder, 'data')}`;
    const open = () =>
      kind === 'postgres'
        ? postgresStore({ connectionString: target })
        : pgliteStore({ dataDir: target.slice('pglite:'.length) });
    let store = await open();
    const generated = await call(testServer(store), 'POST', '/credentials', { account: 'crash' });
    // PGlite: one process per folder, so the parent lets go while the child resets.
    if (kind === 'pglite') await store.close();
    const looping = startInstance(['reset-loop', target, 'crash']);
    await looping.until('committed', 8);
    looping.child.kill('SIGKILL');
    await looping.exited;
    if (kind === 'pglite') store = await open();
    const server = testServer(store);
    // Lines printed after the 8th were committed too: the last one printed is the latest known.
    const [, lastRotation, lastSecret] = looping.lines
      .filter((line) => line.startsWith('committed'))
      .at(-1)!
      .split(' ');

    const row = await store.transaction(async (tx) => tx.keys('crash'));
    expect([Number(lastRotation), Number(lastRotation) + 1]).toContain(row!.rotation);
    const secret = (await call(server, 'POST', '/credentials/secret/reveal', { account: 'crash' })).body.secretKey;
    expect(secret).toMatch(/^dskey_[A-Za-z0-9_-]{32}$/);
    if (row!.rotation === Number(lastRotation)) expect(secret).toBe(lastSecret);
    const authenticated = await call(server, 'POST', '/authenticate-token', {
      account: null,
      headers: { apiKey: generated.body.keys.apiKey, secretKey: secret },
    });
    expect(authenticated.status).toBe(200);
    await store.close();
    rmSync(folder, { recursive: true, force: true });
    // PGlite is opened three times here (parent, child, parent again): on a loaded 2-core machine that alone nears a minute.
  }, 180_000);
});
