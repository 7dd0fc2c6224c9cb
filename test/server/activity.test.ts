/** `GET /credentials/activity` on every store: the account's audit log, newest first, paged by cursor, its own only. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityPageSchema, type ActivityPage } from '../../src/contract/schemas.js';
import type { CredentialsServer } from '../../src/server/credentials-server.js';
import { STORE_KINDS, call, openStore, testServer, type OpenedStore } from './harness.js';

const TPN = '139322815010';

describe.each(STORE_KINDS)('activity on the %s store', (kind) => {
  let opened: OpenedStore;
  let server: CredentialsServer;
  let accounts = 0;
  const account = () => `${kind}-activity-${++accounts}`;

  beforeAll(async () => {
    opened = await openStore(kind);
    server = testServer(opened.store);
  });
  afterAll(() => opened.store.close());

  async function page(id: string, query = ''): Promise<ActivityPage> {
    const answer = await call(server, 'GET', `/credentials/activity${query}`, { account: id });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.headers.get('Cache-Control')).toBe('no-store');
    return activityPageSchema.parse(answer.body);
  }

  /** Generate, reveal, reset, a token and a refresh: five events, whose secrets and token are returned. */
  async function history(id: string): Promise<string[]> {
    await call(server, 'POST', '/credentials', { account: id });
    const first = await call(server, 'POST', '/credentials/secret/reveal', { account: id });
    await call(server, 'POST', '/credentials/secret/reset', { account: id, source: '203.0.113.7' });
    const second = await call(server, 'POST', '/credentials/secret/reveal', { account: id });
    const token = await call(server, 'POST', '/tokens', { account: id, json: { tpn: TPN } });
    return [first.body.secretKey, second.body.secretKey, token.body.token];
  }

  it('lists the account’s events newest first, with who, from where and which terminal', async () => {
    const id = account();
    expect(await page(id)).toEqual({ events: [], nextCursor: null });
    await history(id);
    const { events, nextCursor } = await page(id);
    expect(nextCursor).toBeNull();
    expect(events.map((event) => event.type)).toEqual([
      'token-generated',
      'secret-revealed',
      'secret-reset',
      'secret-revealed',
      'keys-generated',
    ]);
    expect(events[0]).toMatchObject({ actor: { id, name: `Admin of ${id}` }, from: '127.0.0.1', tpn: TPN });
    expect(events[2]).toMatchObject({ from: '203.0.113.7' });
    expect(events[2]).not.toHaveProperty('tpn');
    const times = events.map((event) => Date.parse(event.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('pages by cursor: every event once, in order, the last page with nextCursor null', async () => {
    const id = account();
    await history(id);
    const all = (await page(id)).events.map((event) => event.id);
    const paged: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const next: ActivityPage = await page(id, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(next.events.length).toBeLessThanOrEqual(2);
      paged.push(...next.events.map((event) => event.id));
      cursor = next.nextCursor;
      pages++;
    } while (cursor);
    expect(paged).toEqual(all);
    expect(pages).toBe(3);
    expect((await page(id, '?limit=5')).nextCursor).toBeNull();
  });

  it('shows an account only its own events, whatever cursor it sends', async () => {
    const mine = account();
    const theirs = account();
    await call(server, 'POST', '/credentials', { account: mine });
    await history(theirs);
    const own = await page(mine);
    expect(own.events.map((event) => event.type)).toEqual(['keys-generated']);
    const theirIds = (await page(theirs)).events.map((event) => event.id);
    const borrowed = await page(mine, `?cursor=${Number(theirIds[0]) + 1}`);
    expect(borrowed.events.map((event) => event.id)).toEqual(own.events.map((event) => event.id));
    expect(borrowed.events.some((event) => theirIds.includes(event.id))).toBe(false);
  });

  it('carries no secret and no token in any event', async () => {
    const id = account();
    const values = await history(id);
    await call(server, 'POST', '/authenticate-token', {
      account: null,
      headers: { apiKey: 'dakey_unknown', secretKey: 'dskey_wrong' },
    });
    const text = JSON.stringify(await page(id, '?limit=100'));
    expect(values.every((value) => typeof value === 'string' && value.length > 20)).toBe(true);
    for (const value of values) expect(text).not.toContain(value);
    expect(text).not.toMatch(/dskey_|eyJ/);
  });

  it.each([
    ['limit=0', 'INVALID_LIMIT'],
    ['limit=101', 'INVALID_LIMIT'],
    ['limit=2.5', 'INVALID_LIMIT'],
    ['limit=', 'INVALID_LIMIT'],
    ['limit=ten', 'INVALID_LIMIT'],
    ['cursor=', 'INVALID_CURSOR'],
    ['cursor=abc', 'INVALID_CURSOR'],
    ['cursor=-1', 'INVALID_CURSOR'],
    ['cursor=99999999999999999999', 'INVALID_CURSOR'],
  ])('refuses %s with 400 %s and a message that says what is accepted', async (query, code) => {
    const answer = await call(server, 'GET', `/credentials/activity?${query}`, { account: account() });
    expect([answer.status, answer.body.errorCode]).toEqual([400, code]);
    expect(answer.body.errorMessage).toMatch(code === 'INVALID_LIMIT' ? /1 to 100/ : /nextCursor/);
  });

  it('defaults to 20 events and accepts up to 100', async () => {
    const id = account();
    await call(server, 'POST', '/credentials', { account: id });
    for (let index = 0; index < 24; index++) await call(server, 'POST', '/credentials/secret/reveal', { account: id });
    const first = await page(id);
    expect(first.events).toHaveLength(20);
    expect(first.nextCursor).not.toBeNull();
    expect((await page(id, `?cursor=${first.nextCursor}`)).events).toHaveLength(5);
    expect((await page(id, '?limit=100')).events).toHaveLength(25);
  });

  it('answers 401 to no signed-in caller, and every role its own trail', async () => {
    expect((await call(server, 'GET', '/credentials/activity', { account: null })).status).toBe(401);
    const iso = account();
    await call(server, 'POST', '/credentials', { account: iso, role: 'iso' });
    const answer = await call(server, 'GET', '/credentials/activity', { account: iso, role: 'iso' });
    expect(answer.body.events.map((event: { type: string }) => event.type)).toEqual(['keys-generated']);
  });
});
