/**
 * Role-split loading (issue 16): the token generator's view (TokenSession, countdown, templates) is a module of
 * its own that an ISO or agent screen never requests; a merchant screen, or a switch to merchant, loads it;
 * a module that fails to arrive shows the error with Retry. The tests run in order: the module is requested
 * once per page, so the screens that must not request it come first.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../src/define.js';
import type { IposCredentials } from '../../../src/elements/credentials/ipos-credentials.js';
import type { PanelView } from '../../../src/elements/internal/lazy-view.js';
import { IposTokenGenerator } from '../../../src/elements/token-generator/ipos-token-generator.js';
import { IposKeyActivity } from '../../../src/elements/key-activity/ipos-key-activity.js';
import type { ActivityView } from '../../../src/elements/key-activity/key-activity-port.js';
import type { CredentialsBackend } from '../../../src/backend/credentials-backend.js';
import type { ErrorDetail } from '../../../src/elements/events.js';
import { en } from '../../../src/i18n/en.js';
import { allByPart, byPart } from '../../support/fixtures.js';
import { ReferenceSession } from '../../support/reference-session.js';
import { waitUntil } from '../../support/wait.js';

/** Every module request of the page, recorded by an observer (the resource timing buffer may be full already). */
const requested: string[] = [];
new PerformanceObserver((list) => requested.push(...list.getEntries().map((entry) => entry.name))).observe({
  type: 'resource',
  buffered: true,
});
const TOKEN_VIEW = 'token-generator-view';
const tokenViewRequests = () => requested.filter((url) => url.includes(TOKEN_VIEW));

/** Lets the observer catch up with requests made so far. */
const flushObserver = () => new Promise((resolve) => setTimeout(resolve));

async function screen(role: 'iso' | 'agent' | 'merchant') {
  const session = new ReferenceSession(role);
  await session.call('POST', '/credentials');
  const element = await fixture<IposCredentials>(
    html`<ipos-credentials user-role=${role} .backend=${session.backend()}></ipos-credentials>`,
  );
  await waitUntil(() => allByPart(element, 'api-key').length === 1, `the ${role} screen showed no keys`);
  return element;
}

describe('role-split loading', () => {
  it('an ISO and an agent screen show their keys and never request the token generator module', async () => {
    for (const role of ['iso', 'agent'] as const) {
      const element = await screen(role);
      expect(element.shadowRoot!.querySelector('ipos-token-generator')).to.equal(null);
    }
    await flushObserver();
    expect(requested.some((url) => url.includes('/credentials'))).to.equal(true, 'the recorder saw no request');
    expect(tokenViewRequests()).to.deep.equal([]);
    // The element is registered all the same, under its class: a page may still place one.
    expect(customElements.get('ipos-token-generator')).to.equal(IposTokenGenerator);
  });

  it('switching the provider from ISO to merchant at runtime loads the token generator and shows its terminals', async () => {
    const element = await screen('iso');
    const merchant = new ReferenceSession('merchant');
    element.backend = merchant.backend();
    element.userRole = 'merchant';
    await waitUntil(() => allByPart(element, 'tpn-select').length === 1, 'no terminals after the switch');
    await flushObserver();
    expect(tokenViewRequests()).to.have.length(1);
  });

  it('a merchant screen shows the token generator from the module already loaded, with no second request', async () => {
    const element = await screen('merchant');
    await waitUntil(() => allByPart(element, 'tpn-select').length === 1, 'no terminals on the merchant screen');
    await flushObserver();
    expect(tokenViewRequests()).to.have.length(1);
  });

  it('until its view arrives, the card shows its heading and the very skeleton the view shows while loading', async () => {
    let arrive!: () => void;
    const arrival = new Promise<void>((resolve) => (arrive = resolve));
    /** A token generator whose view arrives when the test says so. */
    class SlowTokenGenerator extends IposTokenGenerator {
      private arrived = false;
      protected override async importView(): Promise<unknown> {
        await arrival;
        this.arrived = true;
        return super.importView();
      }
      // As on a page that has not fetched the view yet, whatever earlier tests loaded.
      protected override readyView(): PanelView | undefined {
        return this.arrived ? super.readyView() : undefined;
      }
    }
    customElements.define('test-slow-token-generator', SlowTokenGenerator);
    // Terminals that never come: the view stays in its own loading state.
    const backend = { listTerminals: () => new Promise<never>(() => {}) } as unknown as CredentialsBackend;
    const element = document.createElement('test-slow-token-generator') as SlowTokenGenerator;
    element.setAttribute('user-role', 'merchant');
    element.backend = backend;
    // Not `fixture()`: it awaits `updateComplete`, which waits for the view.
    document.body.append(element);
    await waitUntil(() => allByPart(element, 'skeleton').length === 1, 'no placeholder while the view loads');
    const card = () => ({
      heading: element.shadowRoot!.querySelector('h2')!.textContent,
      label: byPart(element, 'skeleton').textContent!.trim(),
      bars: byPart(element, 'skeleton').querySelectorAll('.skeleton-bar').length,
    });
    const placeholder = card();

    arrive();
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('#tpn')).to.equal(null, 'the view showed terminals it never got');
    expect(card()).to.deep.equal(placeholder);
    expect(placeholder.heading).to.equal(en['tokens.heading']);
    element.remove();
  });

  it('a view module that fails to arrive shows the error with Retry, reports it, and Retry loads it', async () => {
    /** A token generator whose first import of its view fails, as a dropped connection would make it. */
    class FlakyTokenGenerator extends IposTokenGenerator {
      failuresLeft = 1;
      private arrived = false;
      protected override async importView(): Promise<unknown> {
        if (this.failuresLeft-- > 0) throw new TypeError('Failed to fetch dynamically imported module');
        this.arrived = true;
        return super.importView();
      }
      // As on a page that has not fetched the view yet, whatever earlier tests loaded.
      protected override readyView(): PanelView | undefined {
        return this.arrived ? super.readyView() : undefined;
      }
    }
    customElements.define('test-flaky-token-generator', FlakyTokenGenerator);
    const session = new ReferenceSession('merchant');
    const element = document.createElement('test-flaky-token-generator') as FlakyTokenGenerator;
    element.setAttribute('user-role', 'merchant');
    element.backend = session.backend();
    const reported = oneEvent(element, 'ipos-error');
    await fixture(element);
    await element.updateComplete;

    expect(((await reported) as CustomEvent<ErrorDetail>).detail).to.include({
      code: 'network',
      action: 'load-terminals',
    });
    expect(byPart(element, 'error').textContent).to.include('Couldn’t load your terminals.');
    expect(allByPart(element, 'skeleton')).to.have.length(0);

    byPart(element, 'retry-button').click();
    await waitUntil(() => allByPart(element, 'tpn-select').length === 1, 'Retry did not load the view');
    expect(allByPart(element, 'error')).to.have.length(0);
  });

  it('a panel moved in the page while its view loads shows its data once back, with the one request', async () => {
    let arrive!: () => void;
    const arrival = new Promise<void>((resolve) => (arrive = resolve));
    /** An activity trail whose view arrives when the test says so. */
    class SlowKeyActivity extends IposKeyActivity {
      private arrived = false;
      protected override async importView(): Promise<unknown> {
        await arrival;
        this.arrived = true;
        return super.importView();
      }
      protected override readyView(): ActivityView | undefined {
        return this.arrived ? super.readyView() : undefined;
      }
    }
    customElements.define('test-slow-key-activity', SlowKeyActivity);
    const session = new ReferenceSession('merchant');
    await session.call('POST', '/credentials');
    const element = document.createElement('test-slow-key-activity') as SlowKeyActivity;
    element.setAttribute('user-role', 'merchant');
    element.backend = session.backend();
    document.body.append(element);
    await waitUntil(() => allByPart(element, 'skeleton').length === 1, 'no placeholder while the view loads');
    // A framework moves it: out of the page when the view arrives, back in after.
    element.remove();
    arrive();
    await element.updateComplete;
    expect(session.requests).to.deep.equal([], 'a detached panel sent a request');
    document.body.append(element);
    await waitUntil(() => allByPart(element, 'event').length === 1, 'the trail stayed a skeleton once back');
    expect(session.requests).to.deep.equal(['GET /credentials/activity']);
    element.remove();
  });

  it('a view module that arrives but provides no view (another copy of the package) is a failure with Retry', async () => {
    /** As when the module that ran registered its view for another copy of the class (two bundles of the package). */
    class OrphanTokenGenerator extends IposTokenGenerator {
      protected override async importView(): Promise<unknown> {
        return {};
      }
      protected override readyView(): PanelView | undefined {
        return undefined;
      }
    }
    customElements.define('test-orphan-token-generator', OrphanTokenGenerator);
    const element = document.createElement('test-orphan-token-generator') as OrphanTokenGenerator;
    element.setAttribute('user-role', 'merchant');
    element.backend = new ReferenceSession('merchant').backend();
    const reported = oneEvent(element, 'ipos-error');
    document.body.append(element);
    // It settles (never rejects), and says so with Retry instead of a skeleton that loads forever.
    expect(await element.updateComplete).to.equal(true);
    expect(((await reported) as CustomEvent<ErrorDetail>).detail).to.include({ action: 'load-terminals' });
    expect(allByPart(element, 'skeleton')).to.have.length(0);
    expect(allByPart(element, 'retry-button')).to.have.length(1);
    element.remove();
  });
});
