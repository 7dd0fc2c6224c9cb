// Issue 12, findings 4 and 5: this tab's own answers always win; tokens from other tabs are taken only when
// they are well-formed, plausible, newer, and for this account and TPN; channels are scoped to the account.
// Node's BroadcastChannel is the browser's: messages between channels of one name, in posting order.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountTag } from '../../../src/backend/account-key.js';
import { HttpBackend } from '../../../src/backend/http-backend.js';
import { FakeTokenBackend, issueToken, MINUTE, TPN } from '../../support/fake-token-backend.js';
import type { CredentialsBackend } from '../../../src/backend/credentials-backend.js';
import { TokenSession, tokenChannelName, type TokenSessionEvent } from '../../../src/headless/token-session.js';

const OTHER_TPN = '139322815011';

let opened: (TokenSession | BroadcastChannel)[];
beforeEach(() => {
  opened = [];
});
afterEach(() => {
  for (const thing of opened) thing instanceof TokenSession ? thing.dispose() : thing.close();
});

function open(backend: CredentialsBackend, options: { tpn?: string; channelName?: string; account?: string } = {}) {
  const session = new TokenSession({ backend, tpn: TPN, autoRefresh: false, ...options });
  const events: TokenSessionEvent[] = [];
  session.subscribe((event) => events.push(event));
  opened.push(session);
  return { session, events };
}

/** Another tab on `name`: posts, and waits for what sessions post back. */
function otherTab(name: string) {
  const channel = new BroadcastChannel(name);
  opened.push(channel);
  const heard: unknown[] = [];
  let waiter: (() => void) | undefined;
  channel.onmessage = (event: MessageEvent) => {
    heard.push(event.data);
    waiter?.();
  };
  return {
    heard,
    post: (message: unknown) => channel.postMessage(message),
    /** Resolves with the next message heard: the session handled everything posted before it asked. */
    next: () => new Promise<unknown>((resolve) => (waiter = () => resolve(heard.at(-1)))),
  };
}

describe('TokenSession: own answers always win (finding 4)', () => {
  for (const [action, event] of [
    ['generate', 'generated'],
    ['refresh', 'refreshed'],
  ] as const) {
    it(`${action}() answered by a backend whose clock stepped back 5 minutes replaces the token and emits ${event}`, async () => {
      const backend = new FakeTokenBackend();
      const { session, events } = open(backend, { channelName: false as never });
      await session.generate();
      backend.clockOffsetMs = -5 * MINUTE;

      const answer = await session[action]();

      expect(session.token).toEqual(answer);
      expect(events.map((event) => event.type)).toEqual(['generated', event]);
    });
  }
});

describe('TokenSession: what it takes from other tabs (findings 4, 5)', () => {
  const account = 'account-a';

  async function tabWithToken() {
    const backend = new FakeTokenBackend();
    const { session, events } = open(backend, { account });
    const tab = otherTab(tokenChannelName(account, TPN));
    const held = await session.generate();
    await tab.next(); // the session shared its token: the channel is live both ways
    return { session, events, tab, held };
  }

  /** Posts `message`, then asks who has a token: the reply proves the session handled `message` first. */
  async function deliver(tab: ReturnType<typeof otherTab>, message: unknown) {
    tab.post(message);
    const reply = tab.next();
    tab.post({ type: 'token-wanted', account: accountTag(account), tpn: TPN });
    return reply;
  }

  it('takes a well-formed newer token of its account and TPN (the control for the refusals below)', async () => {
    const { session, events, tab } = await tabWithToken();
    const newer = issueToken(TPN, Date.now() + 1000);

    await deliver(tab, { type: 'token', account: accountTag(account), tpn: TPN, token: newer });

    expect(session.token).toEqual(newer);
    expect(events.at(-1)).toEqual({ type: 'refreshed', token: newer, fromOtherTab: true });
  });

  it("takes another tab's newer token after the backend's clock, once behind, was put right", async () => {
    const backend = new FakeTokenBackend();
    backend.clockOffsetMs = -1440 * MINUTE + MINUTE; // this tab's own token: issued a day ago by the page's clock
    const { session } = open(backend, { account });
    const tab = otherTab(tokenChannelName(account, TPN));
    await session.generate();
    await tab.next();
    const current = issueToken(TPN, Date.now());

    await deliver(tab, { type: 'token', account: accountTag(account), tpn: TPN, token: current });

    expect(session.token).toEqual(current);
  });

  const now = Date.now();
  const refused: [string, (tag: string) => unknown][] = [
    [
      'a far-future forged token (issued in 2099)',
      (tag) => ({ type: 'token', account: tag, tpn: TPN, token: issueToken(TPN, Date.parse('2099-01-01T00:00:00Z')) }),
    ],
    [
      'a lifetime longer than 1440 minutes',
      (tag) => ({ type: 'token', account: tag, tpn: TPN, token: issueToken(TPN, now + 1000, 1441 * MINUTE) }),
    ],
    ['an older token', (tag) => ({ type: 'token', account: tag, tpn: TPN, token: issueToken(TPN, now - 60 * MINUTE) })],
    [
      'another account',
      () => ({ type: 'token', account: accountTag('account-b'), tpn: TPN, token: issueToken(TPN, now + 1000) }),
    ],
    ['no account', () => ({ type: 'token', tpn: TPN, token: issueToken(TPN, now + 1000) })],
    [
      'another TPN',
      (tag) => ({ type: 'token', account: tag, tpn: OTHER_TPN, token: issueToken(OTHER_TPN, now + 1000) }),
    ],
    [
      'a TPN that disagrees with the token',
      (tag) => ({ type: 'token', account: tag, tpn: TPN, token: issueToken(OTHER_TPN, now + 1000) }),
    ],
    [
      'a malformed token',
      (tag) => ({
        type: 'token',
        account: tag,
        tpn: TPN,
        token: { ...issueToken(TPN, now + 1000), issuedAt: '2026-02-30T00:00:00Z' },
      }),
    ],
    [
      'a token that is not a JWT',
      (tag) => ({
        type: 'token',
        account: tag,
        tpn: TPN,
        token: { ...issueToken(TPN, now + 1000), token: '<img src=x>' },
      }),
    ],
    [
      'a grace end before the expiry',
      (tag) => {
        const token = issueToken(TPN, now + 1000);
        return { type: 'token', account: tag, tpn: TPN, token: { ...token, graceEndsAt: token.issuedAt } };
      },
    ],
  ];
  for (const [what, message] of refused) {
    it(`refuses ${what}: the held token and the events stay as they were`, async () => {
      const { session, events, held } = await tabWithToken().then((t) => ({ ...t }));
      const { tab } = { tab: otherTab(tokenChannelName(account, TPN)) };

      const reply = await deliver(tab, message(accountTag(account)));

      expect(session.token).toEqual(held);
      expect(events.map((event) => event.type)).toEqual(['generated']);
      expect(reply).toMatchObject({ type: 'token', token: held });
    });
  }

  it('a forged token that got through is replaced by the next Generate of this tab', async () => {
    const { session, tab } = await tabWithToken();
    const forged = issueToken(TPN, Date.now() + 60_000); // plausible: one minute ahead
    await deliver(tab, { type: 'token', account: accountTag(account), tpn: TPN, token: forged });
    expect(session.token).toEqual(forged);

    const own = await session.generate();

    expect(session.token).toEqual(own);
  });

  it('answers "token-wanted" only for its own account and TPN', async () => {
    const { tab, held } = await tabWithToken();
    const heardBefore = tab.heard.length;
    tab.post({ type: 'token-wanted', account: accountTag('account-b'), tpn: TPN });
    tab.post({ type: 'token-wanted', account: accountTag(account), tpn: OTHER_TPN });
    tab.post({ type: 'token-wanted' });
    const reply = tab.next();
    tab.post({ type: 'token-wanted', account: accountTag(account), tpn: TPN });

    expect(await reply).toMatchObject({ token: held });
    expect(tab.heard.length - heardBefore).toBe(1);
  });
});

describe('TokenSession: channels scoped to the account (finding 5)', () => {
  it('two accounts sharing a TPN, default channel: neither adopts the other’s token; the same account does', async () => {
    const a = open(new FakeTokenBackend('account-a'));
    const sameAccount = open(new FakeTokenBackend('account-a'));
    const b = open(new FakeTokenBackend('account-b'));
    const tokenOfB = await b.session.generate();
    const tabOfB = otherTab(tokenChannelName('account-b', TPN));

    const adopted = new Promise((resolve) => sameAccount.session.subscribe(resolve));
    const tokenOfA = await a.session.generate();
    await adopted;
    const reply = tabOfB.next();
    tabOfB.post({ type: 'token-wanted', account: accountTag('account-b'), tpn: TPN });

    expect(sameAccount.session.token).toEqual(tokenOfA);
    expect(await reply).toMatchObject({ token: tokenOfB });
    expect(b.session.token).toEqual(tokenOfB);
    expect(b.events.map((event) => event.type)).toEqual(['generated']);
  });

  it('a backend with no account identity shares nothing between tabs (each session works alone)', async () => {
    const first = open(new FakeTokenBackend());
    const second = open(new FakeTokenBackend());
    await first.session.generate();
    const own = await second.session.generate();

    expect(second.session.token).toEqual(own);
    expect(second.events.map((event) => event.type)).toEqual(['generated']);
  });

  it('HttpBackend knows its account from its base URL and fixed headers; a headers function needs accountKey', () => {
    const merchant = new HttpBackend({ baseUrl: '/api/ipos', headers: { 'X-Ipos-Demo-Account': 'merchant' } });
    const iso = new HttpBackend({ baseUrl: '/api/ipos', headers: { 'X-Ipos-Demo-Account': 'iso' } });
    const merchantAgain = new HttpBackend({ baseUrl: '/api/ipos/', headers: [['x-ipos-demo-account', 'merchant']] });
    const dynamic = new HttpBackend({ baseUrl: '/api/ipos', headers: () => ({ 'X-CSRF': 'x' }) });
    const named = new HttpBackend({ baseUrl: '/api/ipos', headers: () => ({}), accountKey: 'tenant-7' });

    expect(merchant.accountKey).toBe(merchantAgain.accountKey);
    expect(merchant.accountKey).not.toBe(iso.accountKey);
    expect(merchant.accountKey).not.toContain('merchant');
    expect(dynamic.accountKey).toBeUndefined();
    expect(named.accountKey).toBe('tenant-7');
  });
});
