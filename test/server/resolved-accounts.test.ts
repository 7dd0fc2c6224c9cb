/**
 * What resolveAccount answers is checked before anything is stored under it, alike on every store: an account id
 * with an unpaired surrogate, a control character (NUL) or over 200 characters is the host's bug — answered 500
 * INTERNAL_ERROR with a log line naming resolveAccount, nothing stored, never two ids collapsed into one row —
 * and a display name is kept safe and at most 200 characters, whatever the host passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerAccount } from '../../src/server/operations.js';
import { STORE_KINDS, call, openStore, testServer, type OpenedStore } from './harness.js';

/** The accounts a test names by a short header value (headers cannot carry NUL or lone surrogates). */
const ACCOUNTS: Record<string, ServerAccount> = {
  'high-half': { accountId: 'acct-\uD800', role: 'merchant' },
  'low-half': { accountId: 'acct-\uDC00', role: 'merchant' },
  nul: { accountId: 'acct\u0000b', role: 'merchant' },
  'line-break': { accountId: 'acct\nb', role: 'merchant' },
  long: { accountId: 'x'.repeat(10_000), role: 'merchant' },
  longest: { accountId: 'y'.repeat(200), role: 'merchant' },
  emoji: { accountId: 'acct-😀', role: 'merchant', name: `Ad\u0000min\n${'é'.repeat(1_000_000)}\uD800` },
};

describe.each(STORE_KINDS)('resolveAccount answers on the %s store', (kind) => {
  let opened: OpenedStore;
  const logged: string[] = [];
  let server: ReturnType<typeof testServer>;
  beforeAll(async () => {
    opened = await openStore(kind);
    server = testServer(opened.store, {
      logError: (line) => logged.push(line),
      resolveAccount: (request) => ACCOUNTS[request.headers.get('X-Test-Account') ?? ''] ?? null,
    });
  });
  afterAll(() => opened.store.close());
  /** How many accounts have keys (read past the server: an id with NUL cannot even be asked for in SQL). */
  const storedAccounts = async () =>
    opened.sql
      ? Number(((await opened.sql('SELECT count(*)::int AS n FROM ipos_credentials')) as { n: number }[])[0]!.n)
      : (JSON.parse(await opened.dump()) as { keys: unknown[] }).keys.length;

  it.each(['high-half', 'low-half', 'nul', 'line-break', 'long'])(
    'answers an account id with %s 500 naming resolveAccount in the log, and stores nothing',
    async (account) => {
      logged.length = 0;
      const before = await storedAccounts();
      const generated = await call(server, 'POST', '/credentials', { account });
      expect([generated.status, generated.body.errorCode]).toEqual([500, 'INTERNAL_ERROR']);
      expect(logged.join('\n')).toMatch(/resolveAccount\(\) must return .*its accountId must/);
      expect(await storedAccounts()).toBe(before);
    },
  );

  it('never lets two ids that differ in an unpaired surrogate share keys', async () => {
    await call(server, 'POST', '/credentials', { account: 'high-half' });
    const other = await call(server, 'GET', '/credentials', { account: 'low-half' });
    expect(other.status).toBe(500);
    expect(JSON.stringify(other.body)).not.toContain('dakey_');
  });

  it('keeps an id of 200 characters, and one with paired surrogates, as they are', async () => {
    expect((await call(server, 'POST', '/credentials', { account: 'longest' })).status).toBe(201);
    expect((await call(server, 'POST', '/credentials', { account: 'emoji' })).status).toBe(201);
    expect((await server.activity('y'.repeat(200))).map((event) => event.type)).toEqual(['keys-generated']);
  });

  it('stores a display name without control characters or unpaired surrogates, cut to 200 characters', async () => {
    const [event] = await server.activity('acct-😀');
    const name = event!.actorName!;
    expect([...name]).toHaveLength(200);
    expect(name.startsWith('Ad min é')).toBe(true);
    expect(/\p{Cc}/u.test(name)).toBe(false);
  });
});
