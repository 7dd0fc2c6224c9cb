/**
 * Races found by an adversarial review, each first reproduced here against the released panel:
 * another account's secret after a role switch, a hidden secret coming back, two panels of one
 * account disagreeing after a reset, and numeric attributes that are not numbers.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/define.js';
import type { CredentialsBackend } from '../../../src/backend/credentials-backend.js';
import type { IposCredentials } from '../../../src/elements/credentials/ipos-credentials.js';
import type { IposKeyPanel } from '../../../src/elements/key-panel/ipos-key-panel.js';
import { ClipboardStub } from '../../support/clipboard-stub.js';
import { allByPart, byPart, escapeRegExp, settle } from '../../support/fixtures.js';
import { ConsoleLog, EventLog, findInDom } from '../../support/leak-scan.js';
import { ReferenceSession } from '../../support/reference-session.js';
import { waitUntil } from '../../support/wait.js';

const LATENCY_MS = 300;

const clipboards = ClipboardStub.eachTest();
const events = EventLog.eachTest();
const consoleLog = ConsoleLog.eachTest();

/** A session whose account has keys, and its secret. */
async function accountWithKeys(role: 'merchant' | 'iso') {
  const session = new ReferenceSession(role);
  const { keys } = (await session.call('POST', '/credentials')) as { keys: { apiKey: string } };
  const { secretKey } = (await session.call('POST', '/credentials/secret/reveal')) as { secretKey: string };
  return { session, apiKey: keys.apiKey, secret: secretKey, backend: session.backend() };
}

async function panelFor(backend: CredentialsBackend, role: 'merchant' | 'iso') {
  const element = await fixture<IposKeyPanel>(
    html`<ipos-key-panel user-role=${role} .backend=${backend} allow-reveal></ipos-key-panel>`,
  );
  await waitUntil(() => allByPart(element, 'api-key').length === 1, 'keys not shown');
  return element;
}

const text = (element: Element, part: string) => byPart(element, part).textContent?.replace(/\s+/g, ' ').trim() ?? '';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('key panel: account switches mid-request', () => {
  it('never shows the previous account’s secret when the role switches while Reveal is on its way', async () => {
    const merchant = await accountWithKeys('merchant');
    const iso = await accountWithKeys('iso');
    const element = await panelFor(merchant.backend, 'merchant');
    await merchant.session.force({}, LATENCY_MS);
    byPart(element, 'reveal-button').click();
    await merchant.session.sending();
    element.userRole = 'iso';
    element.backend = iso.backend;
    await waitUntil(() => allByPart(element, 'api-key')[0]?.textContent === iso.apiKey, 'the ISO’s keys not shown');
    await merchant.session.answered();
    await settle(element);
    expect(findInDom(merchant.secret)).to.deep.equal([]);
    expect(text(element, 'secret-key')).not.to.contain(merchant.secret);
  });

  it('neither copies nor announces the previous account’s secret when the role switches during Copy', async () => {
    const clipboard = clipboards.stub();
    const merchant = await accountWithKeys('merchant');
    const iso = await accountWithKeys('iso');
    const element = await panelFor(merchant.backend, 'merchant');
    await merchant.session.force({}, LATENCY_MS);
    byPart(element, 'copy-secret-key').click();
    await merchant.session.sending();
    element.userRole = 'iso';
    element.backend = iso.backend;
    await merchant.session.answered();
    await settle(element);
    expect(clipboard.written).not.to.include(merchant.secret);
    expect(text(element, 'status')).not.to.contain('copied');
    expect(allByPart(element, 'error')).to.have.length(0);
    expect(events.of('ipos-copy')).to.deep.equal([]);
  });

  it('does not reset the new account when the switch happens with the reset dialog open', async () => {
    const merchant = await accountWithKeys('merchant');
    const iso = await accountWithKeys('iso');
    const element = await panelFor(merchant.backend, 'merchant');
    byPart(element, 'reset-button').click();
    await settle(element);
    element.userRole = 'iso';
    element.backend = iso.backend;
    await settle(element);
    expect((byPart(element, 'dialog') as HTMLDialogElement).open).to.equal(false);
    expect(iso.session.requests.filter((request) => request.includes('reset'))).to.deep.equal([]);
  });
});

describe('key panel: one backend object whose account follows the role', () => {
  it('two panels switching role together never show the previous account’s keys from a shared load', async () => {
    const merchant = await accountWithKeys('merchant');
    const iso = await accountWithKeys('iso');
    let acting: 'merchant' | 'iso' = 'merchant';
    // One client for the portal: its session header says who is signed in, as a host's cookie would.
    const backend = merchant.session.backend({
      headers: () => (acting === 'merchant' ? merchant.session.headers : iso.session.headers),
    });
    const element = await fixture<IposCredentials>(
      html`<ipos-credentials user-role="merchant" .backend=${backend}>
        <ipos-key-panel></ipos-key-panel>
        <ipos-key-panel></ipos-key-panel>
      </ipos-credentials>`,
    );
    const panels = [...element.querySelectorAll('ipos-key-panel')];
    const apiKeys = () => panels.map((panel) => allByPart(panel, 'api-key')[0]?.textContent);
    await waitUntil(() => apiKeys().every(Boolean), 'keys not shown');
    await merchant.session.force({}, LATENCY_MS);
    // A reload of the merchant's keys is on its way (a panel was moved) when the portal signs in as the ISO.
    panels[0]!.parentElement!.append(panels[0]!);
    await merchant.session.sending();
    acting = 'iso';
    element.userRole = 'iso';
    await waitUntil(() => apiKeys().every((apiKey) => apiKey === iso.apiKey), 'the panels did not show the ISO’s keys');
    // The merchant's reload has come back too: what it did, if anything, is on screen now.
    await merchant.session.answered();
    await Promise.all(panels.map((panel) => settle(panel)));
    expect(apiKeys()).to.deep.equal([iso.apiKey, iso.apiKey]);
  });
});

describe('key panel: a hidden secret stays hidden', () => {
  it('sends one reveal request for a double click, and Hide is final', async () => {
    const account = await accountWithKeys('iso');
    const element = await panelFor(account.backend, 'iso');
    await account.session.force({}, LATENCY_MS);
    byPart(element, 'reveal-button').click();
    await account.session.sending();
    byPart(element, 'reveal-button').click();
    await waitUntil(() => text(element, 'secret-key') === account.secret, 'secret not revealed');
    byPart(element, 'reveal-button').click();
    await settle(element);
    expect(findInDom(account.secret)).to.deep.equal([]);
    await account.session.answered();
    await settle(element);
    expect(findInDom(account.secret)).to.deep.equal([]);
    expect(account.session.requests.filter((request) => request === 'POST /credentials/secret/reveal')).to.have.length(
      1,
    );
  });

  it('does not show a secret that arrives after the window lost focus', async () => {
    const account = await accountWithKeys('iso');
    const element = await panelFor(account.backend, 'iso');
    await account.session.force({}, LATENCY_MS);
    byPart(element, 'reveal-button').click();
    await account.session.sending();
    window.dispatchEvent(new Event('blur'));
    await account.session.answered();
    await settle(element);
    expect(findInDom(account.secret)).to.deep.equal([]);
    expect(text(element, 'reveal-button')).to.contain('Show');
  });
});

describe('key panel: panels of one account agree', () => {
  it('after a reset in one panel, the other panel in the same provider shows the new hint', async () => {
    const account = await accountWithKeys('iso');
    const element = await fixture<IposCredentials>(
      html`<ipos-credentials user-role="iso" .backend=${account.backend}>
        <ipos-key-panel id="first"></ipos-key-panel>
        <ipos-key-panel id="second"></ipos-key-panel>
      </ipos-credentials>`,
    );
    const [first, second] = [...element.querySelectorAll('ipos-key-panel')];
    await waitUntil(() => allByPart(first!, 'api-key').length === 1 && allByPart(second!, 'api-key').length === 1);
    byPart(first!, 'reset-button').click();
    await settle(first!);
    byPart(first!, 'confirm-button').click();
    await waitUntil(() => events.of('ipos-secret-reset').length === 1, 'no reset');
    const { secretKeyHint } = events.of<{ secretKeyHint: string }>('ipos-secret-reset')[0]!;
    await settle(second!);
    expect(byPart(second!, 'secret-key').textContent).to.match(new RegExp(`${escapeRegExp(secretKeyHint)}$`));
    expect(account.session.requests.filter((request) => request === 'GET /credentials')).to.have.length(1);
  });
});

describe('key panel: numeric attributes', () => {
  it('warns about a malformed reveal-timeout and feedback-duration and uses the defaults', async () => {
    const account = await accountWithKeys('iso');
    clipboards.stub();
    const element = await fixture<IposKeyPanel>(
      html`<ipos-key-panel
        user-role="iso"
        .backend=${account.backend}
        allow-reveal
        reveal-timeout="5m"
        feedback-duration="soon"
      ></ipos-key-panel>`,
    );
    await waitUntil(() => allByPart(element, 'api-key').length === 1);
    byPart(element, 'reveal-button').click();
    await waitUntil(() => text(element, 'secret-key') === account.secret);
    expect(text(element, 'status')).to.contain('30');
    byPart(element, 'copy-api-key').click();
    await waitUntil(() => text(element, 'copy-api-key') === 'Copied');
    await pause(100);
    // The defaults hold: 30 s until the secret masks itself, 2 s of "Copied".
    expect(text(element, 'secret-key')).to.equal(account.secret);
    expect(text(element, 'copy-api-key')).to.equal('Copied');
    const warnings = consoleLog.lines;
    expect(
      warnings.some((warning) => /reveal-timeout must be a number from 0\.1 to 86400.*"5m"/.test(warning)),
    ).to.equal(true);
    expect(
      warnings.some((warning) => /feedback-duration must be a number from 0 to 60000.*"soon"/.test(warning)),
    ).to.equal(true);
    byPart(element, 'reveal-button').click();
  });
});
