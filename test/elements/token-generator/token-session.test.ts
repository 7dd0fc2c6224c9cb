import { aTimeout, expect } from '@open-wc/testing';
import { BackendError } from '../../../src/backend/backend-error.js';
import type { AuthToken } from '../../../src/contract/schemas.js';
import {
  TokenSession,
  tokenChannelName,
  type TokenSessionEvent,
  type TokenSessionOptions,
} from '../../../src/headless/token-session.js';
import { ReferenceSession, timeRefreshes } from '../../support/reference-session.js';
import { waitUntil } from '../../support/wait.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 1440 * MINUTE;
const TPN = '139322815010';
const OTHER_TPN = '139322815011';

let opened: TokenSession[] = [];
afterEach(() => {
  for (const tokens of opened) tokens.dispose();
  opened = [];
});

/** A session ("tab") on the reference backend; its own channel per test, so parallel test files never meet. */
function openTab(reference: ReferenceSession, options: Partial<TokenSessionOptions> = {}) {
  const tokens = new TokenSession({
    backend: reference.backend(),
    tpn: TPN,
    autoRefresh: false,
    channelName: `test:${reference.id}`,
    ...options,
  });
  const events: TokenSessionEvent[] = [];
  tokens.subscribe((event) => events.push(event));
  opened.push(tokens);
  return { tokens, events };
}

/** Generates a token that, in browser time, expires `msFromNow` from now (the server runs behind for a moment). */
async function generateExpiringIn(reference: ReferenceSession, tokens: TokenSession, msFromNow: number) {
  await reference.setClockOffset(msFromNow - DAY);
  const token = await tokens.generate();
  await reference.setClockOffset(0);
  return token;
}

/** Records when each refresh request starts. */
const count = (reference: ReferenceSession, request: string) => reference.requests.filter((r) => r === request).length;
const ofType = <T extends TokenSessionEvent['type']>(events: TokenSessionEvent[], type: T) =>
  events.filter((event): event is Extract<TokenSessionEvent, { type: T }> => event.type === type);
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error as BackendError,
  );
const lifetimeLeft = (token: AuthToken | undefined) => Date.parse(token!.expiresAt) - Date.now();

describe('TokenSession', () => {
  describe('getToken', () => {
    it('generates a token once, then returns the held token without a request', async () => {
      const reference = new ReferenceSession('merchant');
      const { tokens, events } = openTab(reference);

      const first = await tokens.getToken();
      const second = await tokens.getToken();

      expect(second).to.equal(first);
      expect(reference.requests).to.deep.equal(['POST /tokens']);
      expect(events.map((event) => event.type)).to.deep.equal(['generated']);
      expect(tokens.token).to.include({ token: first, tpn: TPN });
    });

    it('serves 10 concurrent callers without a token with one generate', async () => {
      const reference = new ReferenceSession('merchant');
      const { tokens } = openTab(reference);

      const results = await Promise.all(Array.from({ length: 10 }, () => tokens.getToken()));

      expect(new Set(results).size).to.equal(1);
      expect(reference.requests).to.deep.equal(['POST /tokens']);
    });

    it('serves 10 concurrent callers of a due token with one refresh', async () => {
      const reference = new ReferenceSession('merchant');
      const { tokens } = openTab(reference, { refreshBefore: 300 });
      // One minute left, refreshBefore 300 s: due.
      const old = (await generateExpiringIn(reference, tokens, MINUTE)).token;

      const results = await Promise.all(Array.from({ length: 10 }, () => tokens.getToken()));

      expect(new Set(results).size).to.equal(1);
      expect(results[0]).not.to.equal(old);
      expect(reference.requests).to.deep.equal(['POST /tokens', 'POST /tokens/refresh']);
    });

    it('refreshes an expired token that is still in grace', async () => {
      const reference = new ReferenceSession('merchant');
      const { tokens, events } = openTab(reference);
      const expired = await generateExpiringIn(reference, tokens, -5 * MINUTE);

      const fresh = await tokens.getToken();

      expect(fresh).not.to.equal(expired.token);
      expect(lifetimeLeft(tokens.token)).to.be.above(DAY - MINUTE);
      expect(reference.requests).to.deep.equal(['POST /tokens', 'POST /tokens/refresh']);
      expect(ofType(events, 'refreshed')).to.deep.equal([
        { type: 'refreshed', token: tokens.token, fromOtherTab: false },
      ]);
    });

    it('generates a new token once grace is over, without trying a refresh', async () => {
      const reference = new ReferenceSession('merchant');
      const { tokens } = openTab(reference);
      const dead = await generateExpiringIn(reference, tokens, -16 * MINUTE);

      const fresh = await tokens.getToken();

      expect(fresh).not.to.equal(dead.token);
      expect(reference.requests).to.deep.equal(['POST /tokens', 'POST /tokens']);
    });

    it('generates a new token when the backend, whose clock runs ahead, refuses the refresh', async () => {
      const reference = new ReferenceSession('merchant');
      // The page believes the token is 10 minutes into grace; the server puts it 16 minutes in.
      const { tokens, events } = openTab(reference, { now: () => Date.now() + DAY + 10 * MINUTE });
      const old = await tokens.getToken();
      await reference.setClockOffset(DAY + 16 * MINUTE);

      const fresh = await tokens.getToken();

      expect(fresh).not.to.equal(old);
      expect(reference.requests).to.deep.equal(['POST /tokens', 'POST /tokens/refresh', 'POST /tokens']);
      expect(ofType(events, 'refresh-failed')[0].error.errorCode).to.equal('TOKEN_GRACE_EXPIRED');
    });

    it('ends only the waiting of the caller whose signal aborts; the shared request goes on', async () => {
      const reference = new ReferenceSession('merchant');
      await reference.force({}, 200);
      const { tokens } = openTab(reference);
      const controller = new AbortController();

      const abandoned = tokens.getToken({ signal: controller.signal });
      const patient = tokens.getToken();
      controller.abort();

      expect((await rejection(abandoned)).code).to.equal('aborted');
      expect(await patient).to.equal(tokens.token?.token);
      expect(reference.requests).to.deep.equal(['POST /tokens']);
    });
  });

  describe('refresh', () => {
    it('refreshes a token within grace and emits refreshed', async () => {
      const reference = new ReferenceSession('merchant');
      const { tokens, events } = openTab(reference);
      const expired = await generateExpiringIn(reference, tokens, -14 * MINUTE);

      const refreshed = await tokens.refresh();

      expect(refreshed.token).not.to.equal(expired.token);
      expect(refreshed.tpn).to.equal(TPN);
      expect(tokens.token).to.equal(refreshed);
      expect(ofType(events, 'refreshed')).to.deep.equal([{ type: 'refreshed', token: refreshed, fromOtherTab: false }]);
    });

    it('after grace rejects with TOKEN_GRACE_EXPIRED, emits refresh-failed and generates nothing', async () => {
      const reference = new ReferenceSession('merchant');
      const { tokens, events } = openTab(reference);
      const dead = await generateExpiringIn(reference, tokens, -16 * MINUTE);

      const error = await rejection(tokens.refresh());

      expect(error).to.be.instanceOf(BackendError);
      expect(error).to.include({ code: 'unauthenticated', status: 401, errorCode: 'TOKEN_GRACE_EXPIRED' });
      expect(ofType(events, 'refresh-failed')).to.deep.equal([{ type: 'refresh-failed', error }]);
      expect(reference.requests).to.deep.equal(['POST /tokens', 'POST /tokens/refresh']);
      expect(tokens.token).to.equal(dead);
    });
  });

  describe('timers', () => {
    it('auto-refreshes once, refreshBefore seconds before expiry, and emits refreshed', async () => {
      const reference = new ReferenceSession('merchant');
      const backend = reference.backend();
      const refreshStarts = timeRefreshes(backend);
      const { tokens, events } = openTab(reference, { backend, autoRefresh: true, refreshBefore: 9 });
      // Due 0.2–1.2 s from now (the server's iat is whole seconds), after the server clock is back.
      const first = await generateExpiringIn(reference, tokens, 10.2 * SECOND);
      const dueAt = Date.parse(first.expiresAt) - 9 * SECOND;

      // Generous waits and lower bounds only: a loaded machine runs timers late, never early.
      await waitUntil(() => ofType(events, 'refreshed').length, 'no automatic refresh');
      await aTimeout(300);

      expect(refreshStarts).to.have.length(1);
      expect(refreshStarts[0]).to.be.at.least(dueAt - 5);
      expect(ofType(events, 'refreshed')).to.deep.equal([
        { type: 'refreshed', token: tokens.token, fromOtherTab: false },
      ]);
      expect(lifetimeLeft(tokens.token)).to.be.above(DAY - MINUTE);
    });

    it('retries a failed auto-refresh after retryDelayMs while grace lasts', async () => {
      const reference = new ReferenceSession('merchant');
      const backend = reference.backend();
      const refreshStarts = timeRefreshes(backend);
      await reference.force({ 'POST /tokens/refresh': { status: 503, times: 1 } });
      const { tokens, events } = openTab(reference, {
        backend,
        autoRefresh: true,
        refreshBefore: 60,
        retryDelayMs: 200,
      });
      // Expires in 30 s with refreshBefore 60: due the moment it arrives.
      await generateExpiringIn(reference, tokens, 30 * SECOND);

      await waitUntil(() => ofType(events, 'refreshed').length, 'no refresh after the failure');

      const kinds = events.map((event) => event.type);
      expect(kinds).to.deep.equal(['generated', 'refresh-failed', 'refreshed']);
      expect(ofType(events, 'refresh-failed')[0].error).to.include({ code: 'server', status: 503 });
      expect(refreshStarts).to.have.length(2);
      expect(refreshStarts[1] - refreshStarts[0]).to.be.at.least(200);
      expect(lifetimeLeft(tokens.token)).to.be.above(DAY - MINUTE);
    });

    it('emits expired exactly once, at expiresAt', async () => {
      const reference = new ReferenceSession('merchant');
      const { tokens, events } = openTab(reference);
      const token = await generateExpiringIn(reference, tokens, SECOND);

      await waitUntil(() => ofType(events, 'expired').length, 'no expired event');
      const expiredAt = Date.now();
      await aTimeout(300);

      expect(ofType(events, 'expired')).to.deep.equal([{ type: 'expired', token }]);
      expect(expiredAt).to.be.at.least(Date.parse(token.expiresAt) - 5);
      expect(reference.requests).to.deep.equal(['POST /tokens']);
    });
  });

  describe('tabs', () => {
    it('two tabs due at the same moment refresh once and end with the same token', async () => {
      const reference = new ReferenceSession('merchant');
      const tabs = [openTab(reference, { autoRefresh: true, refreshBefore: 9 })];
      tabs.push(openTab(reference, { autoRefresh: true, refreshBefore: 9 }));
      const refreshCalls = tabs.map(({ tokens }) => {
        const calls: number[] = [];
        const refresh = tokens.refresh.bind(tokens);
        tokens.refresh = (options) => (calls.push(Date.now()), refresh(options));
        return calls;
      });
      const [a, b] = tabs.map(({ tokens }) => tokens);
      const first = await generateExpiringIn(reference, a, 10.2 * SECOND);
      await waitUntil(() => b.token?.token === first.token, 'tab b never received the token');

      await waitUntil(
        () => a.token?.token !== first.token && a.token?.token === b.token?.token,
        'the tabs did not end with one new token',
      );
      await aTimeout(200);

      // Both tabs' timers fired; the lock let only one of them reach the backend.
      expect(refreshCalls.map((calls) => calls.length)).to.deep.equal([1, 1]);
      expect(count(reference, 'POST /tokens/refresh')).to.equal(1);
      const refreshed = tabs.flatMap(({ events }) => ofType(events, 'refreshed'));
      expect(refreshed.filter((event) => !event.fromOtherTab)).to.have.length(1);
      expect(refreshed.filter((event) => event.token.token === a.token?.token)).to.have.length(2);
      const stored = JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)]);
      expect(stored).not.to.contain(a.token!.token).and.not.to.contain(first.token);
    });

    it('a tab that opens later takes the token of an open tab without a request', async () => {
      const reference = new ReferenceSession('merchant');
      const a = openTab(reference);
      const token = await a.tokens.getToken();

      const b = openTab(reference);
      await waitUntil(() => b.tokens.token, 'the new tab got no token');

      expect(await b.tokens.getToken()).to.equal(token);
      expect(reference.requests).to.deep.equal(['POST /tokens']);
      expect(b.events).to.deep.equal([{ type: 'refreshed', token: a.tokens.token, fromOtherTab: true }]);
    });

    it('never hands a token to a session of another TPN on the same channel', async () => {
      const reference = new ReferenceSession('merchant');
      const otherTpn = openTab(reference, { tpn: OTHER_TPN });
      const sameTpn = openTab(reference);
      const a = openTab(reference);

      const token = await a.tokens.getToken();
      // The same-TPN tab getting it proves the message went out on the shared channel.
      await waitUntil(() => sameTpn.tokens.token?.token === token, 'the same-TPN tab got nothing');
      await aTimeout(50);

      expect(otherTpn.tokens.token).to.equal(undefined);
      expect(otherTpn.events).to.deep.equal([]);
    });

    it('uses one channel per account and TPN by default', async () => {
      const reference = new ReferenceSession('merchant');
      const account = reference.backend().accountKey!;
      const heard: Record<string, string[]> = { [TPN]: [], [OTHER_TPN]: [] };
      const listeners = [TPN, OTHER_TPN].map((tpn) => {
        const channel = new BroadcastChannel(tokenChannelName(account, tpn));
        channel.onmessage = (event: MessageEvent) => heard[tpn].push(JSON.stringify(event.data));
        return channel;
      });
      const { tokens } = openTab(reference, { channelName: undefined });

      try {
        const token = await tokens.getToken();
        await waitUntil(() => heard[TPN].some((message) => message.includes(token)), 'nothing on the TPN channel');
        await aTimeout(50);
        expect(heard[OTHER_TPN].some((message) => message.includes(token))).to.equal(false);
      } finally {
        for (const channel of listeners) channel.close();
      }
    });
  });

  describe('dispose', () => {
    it('stops every timer: no request and no event afterwards, and later calls reject with aborted', async () => {
      const reference = new ReferenceSession('merchant');
      const { tokens, events } = openTab(reference, { autoRefresh: true, refreshBefore: 0.5 });
      await reference.setClockOffset(SECOND - DAY);
      await tokens.generate();

      tokens.dispose(); // before any timer of the new token can run
      await aTimeout(1100); // past the refresh moment and the expiry

      expect(reference.requests).to.deep.equal(['POST /tokens']);
      expect(events.map((event) => event.type)).to.deep.equal(['generated']);
      expect((await rejection(tokens.getToken())).code).to.equal('aborted');
      expect((await rejection(tokens.refresh())).code).to.equal('aborted');
    });

    it('rejects waiting callers at once and drops an answer that arrives later', async () => {
      const reference = new ReferenceSession('merchant');
      await reference.force({}, 300);
      const backend = reference.backend();
      let lateAnswer: AuthToken | undefined;
      const generateToken = backend.generateToken.bind(backend);
      // A backend that ignores the abort signal: its answer comes anyway.
      backend.generateToken = (input) => generateToken(input).then((token) => (lateAnswer = token));
      const { tokens, events } = openTab(reference, { backend });

      const pending = tokens.getToken();
      // Disposed while the request is on its way (its answer is 300 ms out), however late this page's timers run.
      await reference.sending();
      tokens.dispose();

      expect((await rejection(pending)).code).to.equal('aborted');
      expect(lateAnswer).to.equal(undefined);
      await waitUntil(() => lateAnswer, 'the late answer never came');
      await aTimeout(0);
      expect(tokens.token).to.equal(undefined);
      expect(events).to.deep.equal([]);
    });
  });
});
