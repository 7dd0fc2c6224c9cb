/** Preloaded data: the first render shows the keys and terminals with no GET, no skeleton and no secret. */
import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/define.js';
import type { ActivityPage, Credentials, Terminal } from '../../../src/contract/schemas.js';
import type { IposCredentials } from '../../../src/elements/credentials/ipos-credentials.js';
import type { IposKeyActivity } from '../../../src/elements/key-activity/ipos-key-activity.js';
import type { IposKeyPanel } from '../../../src/elements/key-panel/ipos-key-panel.js';
import { allByPart, byPart, settle } from '../../support/fixtures.js';
import { ConsoleLog, findInDom } from '../../support/leak-scan.js';
import { ReferenceSession } from '../../support/reference-session.js';
import { waitUntil } from '../../support/wait.js';

/** An account with keys, and what a host would render the page with. */
async function preloadedAccount(role: 'merchant' | 'iso') {
  const session = new ReferenceSession(role);
  await session.call('POST', '/credentials');
  const credentials = (await session.call('GET', '/credentials')) as Credentials;
  const terminals =
    role === 'merchant' ? ((await session.call('GET', '/terminals')) as { terminals: Terminal[] }).terminals : [];
  const { secretKey } = (await session.call('POST', '/credentials/secret/reveal')) as { secretKey: string };
  return { session, backend: session.backend(), credentials, terminals, secret: secretKey };
}

// Most tests here preload `{ credentials, terminals }` only: the activity trail loads its own and is left out.
const gets = (session: ReferenceSession) =>
  session.requests.filter((request) => request.startsWith('GET') && request !== 'GET /credentials/activity');

const consoleLog = ConsoleLog.eachTest();

/** A key panel of the account's role given `credentials` as its preload (`revalidate` when asked); its first paint. */
function preloadedPanel(
  account: { backend: unknown; credentials: Credentials },
  { credentials = account.credentials, revalidate = false } = {},
) {
  return fixture<IposKeyPanel>(
    html`<ipos-key-panel
      user-role="iso"
      ?revalidate=${revalidate}
      .backend=${account.backend}
      .initialCredentials=${credentials}
    ></ipos-key-panel>`,
  );
}

/** A merchant's default screen whose data is its `<script type="application/json" data-ipos-initial>` child. */
function screenWithPreloadScript(backend: unknown, preload: string) {
  return fixture<IposCredentials>(
    html`<ipos-credentials user-role="merchant" .backend=${backend}
      ><script type="application/json" data-ipos-initial>
        ${preload}
      </script></ipos-credentials
    >`,
  );
}

describe('preloaded data', () => {
  it('initialCredentials: the first render shows the keys, with no GET and no skeleton', async () => {
    const account = await preloadedAccount('iso');
    const element = await preloadedPanel(account);
    // fixture() resolves after the first update: what is on screen now is the first paint.
    expect(allByPart(element, 'skeleton')).to.have.length(0);
    expect(byPart(element, 'api-key').textContent).to.equal(account.credentials.keys!.apiKey);
    await settle(element);
    expect(gets(account.session)).to.deep.equal([]);
  });

  it('a <script data-ipos-initial> child: the merchant screen shows keys and terminals with no GET', async () => {
    const account = await preloadedAccount('merchant');
    const preload = JSON.stringify({ credentials: account.credentials, terminals: account.terminals });
    const element = await screenWithPreloadScript(account.backend, preload);
    await settle(element);
    for (const panel of element.shadowRoot!.querySelectorAll('ipos-key-panel, ipos-token-generator'))
      expect(allByPart(panel, 'skeleton')).to.have.length(0);
    expect(byPart(element, 'api-key').textContent).to.equal(account.credentials.keys!.apiKey);
    expect((byPart(element, 'tpn-select') as HTMLSelectElement).value).to.equal(account.terminals[0]!.tpn);
    expect(gets(account.session)).to.deep.equal([]);
  });

  it('a preloaded activity page: the trail shows it from the first paint, and the screen makes no GET at all', async () => {
    const account = await preloadedAccount('merchant');
    const activity = (await account.session.call('GET', '/credentials/activity?limit=20')) as ActivityPage;
    account.session.requests.length = 0;
    const preload = JSON.stringify({ credentials: account.credentials, terminals: account.terminals, activity });
    const element = await screenWithPreloadScript(account.backend, preload);
    const trail = element.shadowRoot!.querySelector<IposKeyActivity>('ipos-key-activity')!;
    await trail.updateComplete;
    expect(allByPart(trail, 'skeleton')).to.have.length(0);
    expect(activity.events.length).to.be.greaterThan(0);
    expect(allByPart(trail, 'event')).to.have.length(activity.events.length);
    await settle(element);
    expect(account.session.requests.filter((request) => request.startsWith('GET'))).to.deep.equal([]);
  });

  it('initialActivity on a lone trail: its first paint is the page, not a skeleton, and the page is not busy', async () => {
    const account = await preloadedAccount('iso');
    const activity = (await account.session.call('GET', '/credentials/activity?limit=20')) as ActivityPage;
    const element = await fixture<IposKeyActivity>(
      html`<ipos-key-activity
        user-role="iso"
        .backend=${account.backend}
        .initialActivity=${activity}
      ></ipos-key-activity>`,
    );
    expect(allByPart(element, 'skeleton')).to.have.length(0);
    expect(allByPart(element, 'event')).to.have.length(activity.events.length);
    expect(byPart(element, 'base').getAttribute('aria-busy')).to.equal('false');
  });

  it('drops a secret pasted into the preload: it never reaches the DOM', async () => {
    const account = await preloadedAccount('iso');
    const leaky = { ...account.credentials, keys: { ...account.credentials.keys!, secretKey: account.secret } };
    const element = await fixture<IposKeyPanel>(
      html`<ipos-key-panel user-role="iso" .backend=${account.backend} .initialCredentials=${leaky}></ipos-key-panel>`,
    );
    await settle(element);
    expect(findInDom(account.secret)).to.deep.equal([]);
  });

  it('a malformed script preload is warned about and the data is loaded instead', async () => {
    const account = await preloadedAccount('iso');
    const element = await fixture<IposCredentials>(
      html`<ipos-credentials user-role="iso" .backend=${account.backend}
        ><script type="application/json" data-ipos-initial>
          { "credentials": { "role": "iso" }
        </script></ipos-credentials
      >`,
    );
    await waitUntil(() => allByPart(element, 'api-key').length === 1, 'keys not loaded');
    expect(gets(account.session)).to.deep.equal(['GET /credentials']);
    expect(consoleLog.lines.some((line) => line.includes('preloaded script ignored'))).to.equal(true);
  });

  it('ignores a preload for another role, and uses a preload once: a reconnected panel loads afresh', async () => {
    const account = await preloadedAccount('iso');
    const merchant = await preloadedAccount('merchant');
    const element = await preloadedPanel(account, { credentials: merchant.credentials });
    await waitUntil(() => allByPart(element, 'api-key').length === 1);
    expect(byPart(element, 'api-key').textContent).to.equal(account.credentials.keys!.apiKey);
    expect(gets(account.session)).to.deep.equal(['GET /credentials']);

    element.initialCredentials = account.credentials;
    const parent = element.parentElement!;
    element.remove();
    parent.append(element);
    await waitUntil(() => gets(account.session).length === 2, 'a reconnected panel did not load again');
  });
});

describe('revalidate (stale-while-revalidate, opt-in)', () => {
  it('a panel paints the preload at once, then one GET, then the fresh answer replaces it', async () => {
    const account = await preloadedAccount('iso');
    // The page was cached: since it was rendered the secret was reset elsewhere.
    await account.session.call('POST', '/credentials/secret/reset');
    const fresh = (await account.session.call('GET', '/credentials')) as Credentials;
    account.session.requests.length = 0;
    const element = await preloadedPanel(account, { revalidate: true });
    expect(allByPart(element, 'skeleton')).to.have.length(0);
    expect(byPart(element, 'secret-key').textContent).to.include(account.credentials.keys!.secretKeyHint);

    await waitUntil(
      () => byPart(element, 'secret-key').textContent!.endsWith(fresh.keys!.secretKeyHint),
      'the fresh answer never replaced the preload',
    );
    await settle(element);
    expect(gets(account.session)).to.deep.equal(['GET /credentials']);
    expect(allByPart(element, 'skeleton')).to.have.length(0);
  });

  it("the provider's revalidate reaches its panels: one GET each for credentials and terminals, the TPN on screen kept", async () => {
    const account = await preloadedAccount('merchant');
    const preload = JSON.stringify({ credentials: account.credentials, terminals: account.terminals });
    expect(account.terminals.length).to.be.at.least(2);
    // Answers take a moment, so that the user picks another TPN while the terminals revalidate.
    await account.session.force({}, 150);
    const element = await fixture<IposCredentials>(
      html`<ipos-credentials user-role="merchant" revalidate .backend=${account.backend}
        ><script type="application/json" data-ipos-initial>
          ${preload}
        </script></ipos-credentials
      >`,
    );
    const select = byPart(element, 'tpn-select') as HTMLSelectElement;
    select.value = account.terminals[1]!.tpn;
    select.dispatchEvent(new Event('change'));
    // Revalidating shows as busy; wait for both answers to land.
    const busy = () =>
      [...element.shadowRoot!.querySelectorAll('ipos-key-panel, ipos-token-generator')].map((panel) =>
        panel.shadowRoot!.querySelector('[part~="base"]')!.getAttribute('aria-busy'),
      );
    await waitUntil(() => busy().includes('true'), 'the panels did not revalidate');
    await waitUntil(() => busy().every((value) => value === 'false'), 'the revalidation never ended');
    await settle(element);
    expect([...gets(account.session)].sort()).to.deep.equal(['GET /credentials', 'GET /terminals']);
    expect(byPart(element, 'api-key').textContent).to.equal(account.credentials.keys!.apiKey);
    expect((byPart(element, 'tpn-select') as HTMLSelectElement).value).to.equal(account.terminals[1]!.tpn);
  });

  it('a failed revalidation keeps the preload on screen, with the error and Retry, and while Retry runs', async () => {
    const account = await preloadedAccount('iso');
    await account.session.force({ 'GET /credentials': { status: 500, times: 1 } });
    const element = await preloadedPanel(account, { revalidate: true });
    const busy = () => element.shadowRoot!.querySelector('[part~="base"]')!.getAttribute('aria-busy') === 'true';
    await waitUntil(() => allByPart(element, 'retry-button').length === 1, 'no Retry after the failed revalidation');
    expect(byPart(element, 'api-key').textContent).to.equal(account.credentials.keys!.apiKey);
    byPart(element, 'retry-button').click();
    // The retried GET cannot answer within the render's microtasks: this is the screen while it runs.
    await settle(element);
    expect(busy(), 'Retry runs').to.equal(true);
    expect(allByPart(element, 'skeleton')).to.have.length(0);
    expect(byPart(element, 'api-key').textContent).to.equal(account.credentials.keys!.apiKey);
    await waitUntil(() => !busy() && allByPart(element, 'error').length === 0, 'Retry did not load');
    expect(byPart(element, 'api-key').textContent).to.equal(account.credentials.keys!.apiKey);
  });

  it('is off by default: a preloaded panel makes no GET', async () => {
    const account = await preloadedAccount('iso');
    const element = await preloadedPanel(account);
    await settle(element);
    expect(element.revalidate).to.equal(false);
    expect(gets(account.session)).to.deep.equal([]);
  });
});
