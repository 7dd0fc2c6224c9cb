/**
 * A page whose `user-role` is not the role its backend answers for: the elements say so plainly, naming both roles,
 * show nothing of the other account and no card its role cannot use, ask nothing more of the backend, and tell the
 * host once with `ipos-error` `role-mismatch`.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/define.js';
import type { IposCredentials } from '../../../src/elements/credentials/ipos-credentials.js';
import type { ErrorDetail } from '../../../src/elements/events.js';
import { ar } from '../../../src/i18n/ar.js';
import { en } from '../../../src/i18n/en.js';
import { es } from '../../../src/i18n/es.js';
import { fr } from '../../../src/i18n/fr.js';
import type { UserRole } from '../../../src/contract/roles.js';
import { allByPart, settle } from '../../support/fixtures.js';
import { EventLog } from '../../support/leak-scan.js';
import { ReferenceSession } from '../../support/reference-session.js';
import { waitUntil } from '../../support/wait.js';

const events = EventLog.eachTest();

/** The one sentence each language says it in, with the two role titles of that language. */
function mismatchIn(catalog: typeof en | typeof es, expected: UserRole, actual: UserRole): string {
  return catalog['role.mismatch']
    .replace('{expected}', catalog[`role.${expected}`])
    .replace('{actual}', catalog[`role.${actual}`]);
}

const errorText = (root: Element) =>
  allByPart(root, 'error')
    .map((node) => node.textContent!.replace(/\s+/g, ' ').trim())
    .join(' | ');

/** Waits for the mismatch to show, then lets every element finish what it started. */
async function untilMismatchShown(root: Element, message: string): Promise<void> {
  await waitUntil(() => errorText(root).includes(message), `no role mismatch shown (errors: "${errorText(root)}")`);
  await settle(root);
}

/** Acts as a user would next, and gives every element a turn: anything that still calls the backend would now. */
async function actAfterwards(root: Element): Promise<void> {
  document.dispatchEvent(new CustomEvent('ipos-keys-generated', { detail: {} }));
  await new Promise((resolve) => setTimeout(resolve));
  await settle(root);
}

describe('role mismatch', () => {
  it('the provider’s merchant screen on an ISO backend says so, keeps no token generator or trail, and calls no more', async () => {
    const iso = new ReferenceSession('iso');
    await iso.call('POST', '/credentials');
    const element = await fixture<IposCredentials>(
      html`<ipos-credentials user-role="merchant" .backend=${iso.backend()}></ipos-credentials>`,
    );
    const message = mismatchIn(en, 'merchant', 'iso');
    expect(message).to.equal('This screen is for the Merchant Admin role, but you are signed in as ISO Admin.');
    await untilMismatchShown(element, message);
    const requestsWhenShown = [...iso.requests];
    await actAfterwards(element);

    const root = element.shadowRoot!;
    expect(root.querySelector('ipos-token-generator'), 'a token generator for an ISO account').to.equal(null);
    expect(root.querySelector('ipos-key-activity')).to.equal(null);
    expect(allByPart(element, 'api-key'), 'the ISO account’s keys were shown').to.deep.equal([]);
    expect(allByPart(element, 'generate-button')).to.deep.equal([]);
    expect(allByPart(element, 'retry-button')).to.deep.equal([]);
    expect(errorText(element)).to.equal(message);
    expect(iso.requests, 'a call after the mismatch was known').to.deep.equal(requestsWhenShown);
    expect(iso.requests.filter((request) => request === 'GET /credentials')).to.have.length(1);
    expect(events.of<ErrorDetail>('ipos-error')).to.deep.equal([
      { code: 'role-mismatch', message, action: 'load-credentials' },
    ]);
    await expect(element).to.be.accessible();
  });

  it('a merchant key panel on an ISO backend shows no keys, names both roles and reports it once', async () => {
    const iso = new ReferenceSession('iso');
    await iso.call('POST', '/credentials');
    const panel = await fixture(html`<ipos-key-panel user-role="merchant" .backend=${iso.backend()}></ipos-key-panel>`);
    const message = mismatchIn(en, 'merchant', 'iso');
    await untilMismatchShown(panel, message);
    await actAfterwards(panel);

    expect(allByPart(panel, 'api-key')).to.deep.equal([]);
    expect(allByPart(panel, 'scopes')).to.deep.equal([]);
    expect(allByPart(panel, 'retry-button')).to.deep.equal([]);
    expect(iso.requests).to.deep.equal(['GET /credentials']);
    expect(events.of<ErrorDetail>('ipos-error')).to.deep.equal([
      { code: 'role-mismatch', message, action: 'load-credentials' },
    ]);
  });

  it('an ISO screen on a merchant backend shows none of the merchant’s keys', async () => {
    const merchant = new ReferenceSession('merchant');
    await merchant.call('POST', '/credentials');
    const element = await fixture<IposCredentials>(
      html`<ipos-credentials user-role="iso" .backend=${merchant.backend()}></ipos-credentials>`,
    );
    const message = mismatchIn(en, 'iso', 'merchant');
    await untilMismatchShown(element, message);
    expect(allByPart(element, 'api-key')).to.deep.equal([]);
    expect(element.shadowRoot!.querySelector('ipos-token-generator')).to.equal(null);
    expect(events.of<ErrorDetail>('ipos-error').map(({ code }) => code)).to.deep.equal(['role-mismatch']);
  });

  it('a merchant token generator on an ISO backend says the roles, not "not allowed", and offers no Retry', async () => {
    const iso = new ReferenceSession('iso');
    const generator = await fixture(
      html`<ipos-token-generator user-role="merchant" .backend=${iso.backend()}></ipos-token-generator>`,
    );
    const message = mismatchIn(en, 'merchant', 'iso');
    await untilMismatchShown(generator, message);
    await actAfterwards(generator);

    expect(errorText(generator)).to.equal(message);
    expect(allByPart(generator, 'tpn-select')).to.deep.equal([]);
    expect(allByPart(generator, 'retry-button')).to.deep.equal([]);
    expect(iso.requests).to.deep.equal(['GET /terminals', 'GET /credentials']);
    expect(events.of<ErrorDetail>('ipos-error')).to.deep.equal([
      { code: 'role-mismatch', message, action: 'load-terminals' },
    ]);
  });

  for (const [locale, catalog] of [
    ['es', es],
    ['fr', fr],
    ['ar', ar],
  ] as const) {
    it(`says it in ${locale}, with that language’s role titles`, async () => {
      const agent = new ReferenceSession('agent');
      const element = await fixture<IposCredentials>(
        html`<ipos-credentials user-role="merchant" locale=${locale} .backend=${agent.backend()}></ipos-credentials>`,
      );
      const message = mismatchIn(catalog, 'merchant', 'agent');
      expect(message).not.to.contain('{');
      await untilMismatchShown(element, message);
      expect(events.of<ErrorDetail>('ipos-error')).to.deep.equal([
        { code: 'role-mismatch', message, action: 'load-credentials' },
      ]);
    });
  }
});
