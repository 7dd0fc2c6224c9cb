/**
 * 401 re-authentication: the host hears `ipos-error` with code `unauthenticated`, signs in again
 * (here: swaps the bearer header its backend sends) and calls `retry()`; the action then completes,
 * with no second click and no second mutation.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/define.js';
import { HttpBackend } from '../../../src/backend/http-backend.js';
import type { IposCredentials } from '../../../src/elements/credentials/ipos-credentials.js';
import type { IposKeyPanel } from '../../../src/elements/key-panel/ipos-key-panel.js';
import type { IposTokenGenerator } from '../../../src/elements/token-generator/ipos-token-generator.js';
import type { ErrorDetail } from '../../../src/elements/events.js';
import { mutations, UncaughtLog } from '../../support/fault-kit.js';
import { allByPart, byPart, settle } from '../../support/fixtures.js';
import { EventLog } from '../../support/leak-scan.js';
import { API_BASE, ReferenceSession } from '../../support/reference-session.js';
import { waitUntil } from '../../support/wait.js';

const events = EventLog.eachTest();
UncaughtLog.eachTest({ expectNone: true });

/** A backend whose bearer "session" the host renews; it records which session each request carried. */
function signedInBackend(session: ReferenceSession) {
  const auth = { bearer: 'session-1', seen: [] as string[] };
  const backend = new HttpBackend({
    baseUrl: API_BASE,
    retries: 0,
    headers: () => ({ ...session.headers, Authorization: `Bearer ${auth.bearer}` }),
    fetch: (input, init) => {
      const url = new URL(String(input), location.href);
      session.requests.push(`${init?.method ?? 'GET'} ${url.pathname.slice(API_BASE.length)}`);
      auth.seen.push(new Headers(init?.headers).get('Authorization') ?? '');
      return fetch(input, init);
    },
  });
  return { backend, auth };
}

/** The host's handler: on `unauthenticated`, sign in again, then let the element continue. */
function reauthenticateOn401(auth: { bearer: string }) {
  const handled: ErrorDetail[] = [];
  const listener = (event: CustomEvent<ErrorDetail>) => {
    if (event.detail.code !== 'unauthenticated') return;
    handled.push(event.detail);
    auth.bearer = 'session-2';
    queueMicrotask(() => (event.target as unknown as { retry(): boolean }).retry());
  };
  document.addEventListener('ipos-error', listener);
  return { handled, dispose: () => document.removeEventListener('ipos-error', listener) };
}

describe('401 re-authentication through retry()', () => {
  it('key panel: a generate refused with 401 completes after the host re-authenticates, once', async () => {
    const session = new ReferenceSession('iso');
    const { backend, auth } = signedInBackend(session);
    const element = await fixture<IposKeyPanel>(
      html`<ipos-key-panel user-role="iso" .backend=${backend}></ipos-key-panel>`,
    );
    await waitUntil(() => allByPart(element, 'generate-button').length > 0);
    await session.force({ 'POST /credentials': { status: 401, times: 1 } });
    const host = reauthenticateOn401(auth);
    try {
      byPart(element, 'generate-button').click();
      await waitUntil(() => events.of('ipos-keys-generated').length === 1, 'keys were not generated after retry()');
      await settle(element);
      expect(host.handled.map((detail) => detail.action)).to.deep.equal(['generate-keys']);
      expect(allByPart(element, 'error')).to.have.length(0);
      expect(auth.seen.at(-1)).to.equal('Bearer session-2');
      expect(mutations(session.requests)).to.deep.equal({ 'POST /credentials': 2 });
      const state = (await session.call('GET', '/credentials')) as { keys: { apiKey: string } };
      expect(byPart(element, 'api-key').textContent).to.equal(state.keys.apiKey);
    } finally {
      host.dispose();
    }
  });

  it('token generator: a generate refused with 401 completes after retry()', async () => {
    const session = new ReferenceSession('merchant');
    const { backend, auth } = signedInBackend(session);
    const element = await fixture<IposTokenGenerator>(
      html`<ipos-token-generator
        user-role="merchant"
        .backend=${backend}
        .channelName=${false}
      ></ipos-token-generator>`,
    );
    await waitUntil(() => allByPart(element, 'tpn-select').length > 0);
    await session.force({ 'POST /tokens': { status: 401, times: 1 } });
    const host = reauthenticateOn401(auth);
    try {
      byPart(element, 'generate-button').click();
      await waitUntil(() => events.of('ipos-token-generated').length === 1, 'no token after retry()');
      expect(host.handled.map((detail) => detail.action)).to.deep.equal(['generate-token']);
      expect(auth.seen.at(-1)).to.equal('Bearer session-2');
    } finally {
      host.dispose();
    }
  });

  it('ipos-credentials: retry() forwards to its default screen (terminals refused with 401, then loaded)', async () => {
    const session = new ReferenceSession('merchant');
    const { backend, auth } = signedInBackend(session);
    await session.force({ 'GET /terminals': { status: 401, times: 1 } });
    const host = reauthenticateOn401(auth);
    try {
      const element = await fixture<IposCredentials>(
        html`<ipos-credentials user-role="merchant" .backend=${backend}></ipos-credentials>`,
      );
      await waitUntil(() => allByPart(element, 'tpn-select').length === 1, 'terminals never loaded after retry()');
      expect(host.handled.map((detail) => detail.action)).to.deep.equal(['load-terminals']);
      expect(element.retry(), 'nothing left to retry').to.equal(false);
    } finally {
      host.dispose();
    }
  });

  it('retry() is false when nothing failed, and for a 403 (retrying cannot help)', async () => {
    const session = new ReferenceSession('agent');
    await session.force({ 'GET /credentials': { status: 403, times: 1 } });
    const element = await fixture<IposKeyPanel>(
      html`<ipos-key-panel user-role="agent" .backend=${session.backend()}></ipos-key-panel>`,
    );
    await waitUntil(() => events.of('ipos-error').length === 1);
    expect(element.retry()).to.equal(false);
    expect(session.requests).to.deep.equal(['GET /credentials']);
  });
});

describe('a 401 says why', () => {
  it("shows the server's errorMessage, as text, after the localised reason", async () => {
    const session = new ReferenceSession('iso');
    const because = 'Send the header X-Ipos-Demo-Account <b>now</b>.';
    await session.force({
      'GET /credentials': { status: 401, times: 1, body: { errorCode: 'NO_SIGN_IN', errorMessage: because } },
    });
    const element = await fixture<IposKeyPanel>(
      html`<ipos-key-panel
        user-role="iso"
        .backend=${new HttpBackend({ baseUrl: API_BASE, retries: 0, headers: session.headers })}
      ></ipos-key-panel>`,
    );
    await waitUntil(() => allByPart(element, 'error').length > 0, 'no error shown');
    const shown = byPart(element, 'error').textContent ?? '';
    expect(shown).to.contain('Sign in again');
    expect(shown).to.contain(because);
    expect(byPart(element, 'error').querySelector('b')).to.equal(null);
    expect(events.of<ErrorDetail>('ipos-error')[0]!.message).to.contain(because);
  });
});
