import { aTimeout, expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import type { IposKeyPanel } from '../../src/elements/key-panel/ipos-key-panel.js';
import type { CopyDetail, ErrorDetail, KeysGeneratedDetail, SecretResetDetail } from '../../src/events.js';
import type { UserRole } from '../../src/roles.js';
import { ClipboardStub } from '../support/clipboard-stub.js';
import { allByPart, byPart, settle } from '../support/fixtures.js';
import { ConsoleLog, EventLog, findInDom } from '../support/leak-scan.js';
import { RecordingBackend } from '../support/recording-backend.js';
import { ReferenceSession } from '../support/reference-session.js';
import { waitUntil } from '../support/wait.js';

const SECRET_PATTERN = /dskey_[A-Za-z0-9_-]{32}/;

let events: EventLog;
let consoleLog: ConsoleLog;
let clipboard: ClipboardStub | undefined;

beforeEach(() => {
  events = new EventLog();
  consoleLog = new ConsoleLog();
});
afterEach(() => {
  events.dispose();
  consoleLog.dispose();
  clipboard?.restore();
  clipboard = undefined;
});

async function mountPanel(session: ReferenceSession, attributes: Partial<IposKeyPanel> = {}) {
  const element = await fixture<IposKeyPanel>(
    html`<ipos-key-panel
      user-role=${session.role}
      .backend=${session.backend()}
      ?allow-reveal=${attributes.allowReveal}
      reveal-timeout=${attributes.revealTimeout ?? 30}
      feedback-duration=${attributes.feedbackDuration ?? 2000}
    ></ipos-key-panel>`,
  );
  await waitUntil(
    () => !allByPart(element, 'skeleton').length || allByPart(element, 'error').length,
    'credentials did not load',
  );
  await settle(element);
  return element;
}

async function panelWithKeys(role: UserRole = 'iso', attributes: Partial<IposKeyPanel> = {}) {
  const session = new ReferenceSession(role);
  await session.call('POST', '/credentials');
  const element = await mountPanel(session, attributes);
  return { session, element };
}

const text = (element: Element, part: string) => byPart(element, part).textContent?.replace(/\s+/g, ' ').trim() ?? '';
const click = async (element: IposKeyPanel, part: string) => {
  byPart(element, part).click();
  await settle(element);
};
/** The part name of what has focus inside the panel (names, not nodes, so failures report cleanly). */
const focusedPart = (element: IposKeyPanel) => element.shadowRoot!.activeElement?.getAttribute('part') ?? null;
const statusOf = (element: IposKeyPanel) => text(element, 'status');
async function waitForStatus(element: IposKeyPanel, expected: string) {
  await waitUntil(
    () => statusOf(element).includes(expected),
    `status never said "${expected}" (was "${statusOf(element)}")`,
  );
}

/** The secret the backend holds right now, fetched the way an integration would (never through the element). */
async function currentSecret(session: ReferenceSession): Promise<string> {
  const { secretKey } = (await session.call('POST', '/credentials/secret/reveal')) as { secretKey: string };
  return secretKey;
}

function expectNoSecretLeak(secret: string) {
  expect(findInDom(secret), 'secret found in the DOM').to.deep.equal([]);
  expect(events.serialized()).not.to.contain(secret);
  expect(consoleLog.lines.join('\n')).not.to.contain(secret);
  expect(location.href).not.to.contain(secret);
}

describe('ipos-key-panel', () => {
  describe('states', () => {
    it('shows a layout-stable skeleton while the credentials load', async () => {
      const session = new ReferenceSession('iso');
      await session.force({}, 400);
      const element = await fixture<IposKeyPanel>(
        html`<ipos-key-panel user-role="iso" .backend=${session.backend()}></ipos-key-panel>`,
      );
      const skeleton = byPart(element, 'skeleton');
      expect(skeleton.textContent).to.contain('Loading your API credentials');
      const base = element.shadowRoot!.querySelector('[part~="base"]')!;
      expect(base.getAttribute('aria-busy')).to.equal('true');
      await expect(element).to.be.accessible();
      await waitUntil(() => allByPart(element, 'generate-button').length === 1);
      expect(base.getAttribute('aria-busy')).to.equal('false');
    });

    it('offers Generate Keys when the account has none', async () => {
      const element = await mountPanel(new ReferenceSession('agent'));
      expect(text(element, 'generate-button')).to.equal('Generate Keys');
      expect(allByPart(element, 'api-key')).to.have.length(0);
      await expect(element).to.be.accessible();
    });

    it('shows the API key in full and the secret masked as prefix, bullets and its last 4', async () => {
      const { session, element } = await panelWithKeys('merchant');
      const secret = await currentSecret(session);
      expect(text(element, 'api-key')).to.match(/^dakey_[A-Za-z0-9_-]{32}$/);
      expect(text(element, 'secret-key')).to.equal(`dskey_${'•'.repeat(28)}${secret.slice(-4)}`);
      expect(byPart(element, 'secret-key').getAttribute('aria-label')).to.contain(secret.slice(-4));
      expectNoSecretLeak(secret);
      await expect(element).to.be.accessible();
    });

    it('lists the scopes the backend reports, labelled as what the keys can access', async () => {
      const { element } = await panelWithKeys('merchant');
      const scopes = byPart(element, 'scopes');
      expect(allByPart(scopes, 'scope-name').map((node) => node.textContent)).to.deep.equal([
        'PaymentTokenization',
        'Recurring',
        'BatchReport',
      ]);
      expect(text(scopes, 'heading')).to.equal('What these keys can access');
    });

    it('names what failed and offers Retry when loading fails, then recovers', async () => {
      const session = new ReferenceSession('iso');
      await session.force({ 'GET /credentials': { status: 500, times: 1 } });
      const element = await mountPanel(session);
      expect(text(element, 'error'))
        .to.contain('Couldn’t load your API credentials')
        .and.contain('server had a problem');
      expect(events.of<ErrorDetail>('ipos-error')).to.deep.include({
        code: 'server',
        action: 'load-credentials',
        message: text(element, 'error').replace(/ Retry$/, ''),
      });
      await expect(element).to.be.accessible();
      await click(element, 'retry-button');
      await waitUntil(() => allByPart(element, 'generate-button').length === 1, 'retry did not load');
      expect(allByPart(element, 'error')).to.have.length(0);
    });

    it('says the account cannot manage these keys on a 403, without Retry', async () => {
      const session = new ReferenceSession('agent');
      await session.force({ 'GET /credentials': 403 });
      const element = await mountPanel(session);
      expect(text(element, 'error')).to.equal('Your account cannot manage these keys.');
      expect(allByPart(element, 'retry-button')).to.have.length(0);
      expect(events.of<ErrorDetail>('ipos-error')[0].code).to.equal('forbidden');
      await expect(element).to.be.accessible();
    });

    it('shows a clear error and calls no backend for an unknown role', async () => {
      const backend = new RecordingBackend();
      const element = await fixture(html`<ipos-key-panel user-role="superuser" .backend=${backend}></ipos-key-panel>`);
      await settle(element);
      expect(text(element, 'error')).to.contain('merchant, iso or agent');
      expect(backend.calls).to.deep.equal([]);
      await expect(element).to.be.accessible();
    });

    it('says so when no backend is configured', async () => {
      const element = await fixture(html`<ipos-key-panel user-role="iso"></ipos-key-panel>`);
      expect(text(element, 'error')).to.contain('api-base');
    });
  });

  describe('generate', () => {
    it('creates the keys with one click, announces it and fires ipos-keys-generated without the secret', async () => {
      const session = new ReferenceSession('agent');
      const element = await mountPanel(session);
      await click(element, 'generate-button');
      await waitForStatus(element, 'API and Secret keys generated successfully.');
      const [detail] = events.of<KeysGeneratedDetail>('ipos-keys-generated');
      expect(detail.apiKey).to.equal(text(element, 'api-key'));
      expect(detail.scopes).to.deep.equal(['ExternalApi']);
      expect(Object.keys(detail).sort()).to.deep.equal(['apiKey', 'createdAt', 'scopes', 'secretKeyHint']);
      expect(byPart(element, 'status').getAttribute('role')).to.equal('status');
      expectNoSecretLeak(await currentSecret(session));
      await expect(element).to.be.accessible();
    });

    it('generates once however often the button is clicked', async () => {
      const session = new ReferenceSession('iso');
      await session.force({}, 150);
      const element = await mountPanel(session);
      const button = byPart(element, 'generate-button') as HTMLButtonElement;
      button.click();
      button.click();
      button.click();
      await element.updateComplete;
      expect(button.disabled).to.equal(true);
      expect(button.textContent?.trim()).to.equal('Generating…');
      await waitForStatus(element, 'generated successfully');
      expect(session.requests.filter((request) => request === 'POST /credentials')).to.have.length(1);
      expect(events.of('ipos-keys-generated')).to.have.length(1);
    });

    it('shows the keys generated elsewhere meanwhile instead of an error (409)', async () => {
      const session = new ReferenceSession('iso');
      const element = await mountPanel(session);
      await session.call('POST', '/credentials');
      await click(element, 'generate-button');
      await waitUntil(() => allByPart(element, 'api-key').length === 1, 'keys not shown after 409');
      expect(statusOf(element)).to.contain('changed in the meantime');
      expect(allByPart(element, 'error')).to.have.length(0);
    });

    it('keeps the screen and offers Retry when generating fails', async () => {
      const session = new ReferenceSession('merchant');
      const element = await mountPanel(session);
      await session.force({ 'POST /credentials': { status: 503, times: 1 } });
      await click(element, 'generate-button');
      await waitUntil(() => allByPart(element, 'error').length === 1);
      expect(text(element, 'error')).to.contain('Couldn’t generate the keys.');
      expect(allByPart(element, 'generate-button')).to.have.length(1);
      await click(element, 'retry-button');
      await waitForStatus(element, 'generated successfully');
      expect(allByPart(element, 'api-key')).to.have.length(1);
    });
  });

  describe('copy', () => {
    it('copies the API key, says so visibly and to screen readers, then returns to rest', async () => {
      const { element } = await panelWithKeys('iso', { feedbackDuration: 100 });
      clipboard = new ClipboardStub();
      await click(element, 'copy-api-key');
      await waitForStatus(element, 'API key copied.');
      expect(clipboard.written).to.deep.equal([text(element, 'api-key')]);
      expect(text(element, 'copy-api-key')).to.equal('Copied');
      expect(events.of<CopyDetail>('ipos-copy')).to.deep.equal([{ field: 'apiKey' }]);
      await waitUntil(() => text(element, 'copy-api-key') === 'Copy API Key', 'copy feedback never returned to rest');
    });

    it('copies the secret fetched inside the click (ClipboardItem path) and keeps it out of the DOM', async () => {
      const { session, element } = await panelWithKeys('merchant');
      clipboard = new ClipboardStub();
      await click(element, 'copy-secret-key');
      await waitForStatus(element, 'Secret key copied.');
      const [copied] = clipboard.written;
      expect(copied).to.match(SECRET_PATTERN);
      expect(copied).to.equal(await currentSecret(session));
      expect(statusOf(element)).not.to.contain(copied);
      expect(events.of<CopyDetail>('ipos-copy')).to.deep.equal([{ field: 'secretKey' }]);
      expect((await session.authenticate(text(element, 'api-key'), copied)).status).to.equal(200);
      expectNoSecretLeak(copied);
    });

    it('falls back to writeText where ClipboardItem does not exist', async () => {
      const { session, element } = await panelWithKeys('iso');
      clipboard = new ClipboardStub();
      const clipboardItem = window.ClipboardItem;
      // @ts-expect-error: simulating a browser without ClipboardItem
      delete window.ClipboardItem;
      try {
        await click(element, 'copy-secret-key');
        await waitForStatus(element, 'Secret key copied.');
      } finally {
        window.ClipboardItem = clipboardItem;
      }
      expect(clipboard.written).to.deep.equal([await currentSecret(session)]);
    });

    it('shows and announces a clear error when the browser denies the clipboard, keeping the keys', async () => {
      const { session, element } = await panelWithKeys('iso');
      clipboard = ClipboardStub.denied();
      await click(element, 'copy-secret-key');
      await waitUntil(() => allByPart(element, 'error').length === 1);
      const error = byPart(element, 'error');
      expect(error.getAttribute('role')).to.equal('alert');
      expect(error.textContent).to.contain('Couldn’t copy the secret key.').and.contain('Allow it for this site');
      expect(events.of<ErrorDetail>('ipos-error')[0]).to.include({ code: 'clipboard', action: 'copy-secret-key' });
      expect(allByPart(element, 'api-key')).to.have.length(1);
      expectNoSecretLeak(await currentSecret(session));
      await expect(element).to.be.accessible();
    });

    it('explains that copying needs a secure page when there is no clipboard API, and fetches no secret', async () => {
      const { session, element } = await panelWithKeys('iso');
      const missing = ClipboardStub.missing();
      try {
        await click(element, 'copy-api-key');
        await waitUntil(() => allByPart(element, 'error').length === 1);
        expect(text(element, 'error'))
          .to.contain('Couldn’t copy the API key.')
          .and.contain('needs a secure https page');
        await click(element, 'copy-secret-key');
        await waitUntil(() => text(element, 'error').includes('Couldn’t copy the secret key.'));
      } finally {
        missing.restore();
      }
      expect(text(element, 'error')).to.contain('needs a secure https page');
      // Nothing to copy into, so the secret is not even fetched.
      expect(session.requests).not.to.include('POST /credentials/secret/reveal');
    });

    it('reports a failed secret fetch as the backend’s failure, not the clipboard’s', async () => {
      const { session, element } = await panelWithKeys('iso');
      clipboard = new ClipboardStub();
      await session.force({ 'POST /credentials/secret/reveal': { status: 500, times: 1 } });
      await click(element, 'copy-secret-key');
      await waitUntil(() => allByPart(element, 'error').length === 1);
      expect(events.of<ErrorDetail>('ipos-error')[0]).to.include({ code: 'server', action: 'copy-secret-key' });
      expect(clipboard.written).to.deep.equal([]);
      await click(element, 'retry-button');
      await waitForStatus(element, 'Secret key copied.');
      expect(clipboard.written).to.have.length(1);
      expect(allByPart(element, 'error')).to.have.length(0);
    });
  });

  describe('reveal', () => {
    it('has no way to show the secret without allow-reveal', async () => {
      const { element } = await panelWithKeys('iso');
      expect(allByPart(element, 'reveal-button')).to.have.length(0);
    });

    it('shows the secret on demand and masks it again after reveal-timeout seconds', async () => {
      const { session, element } = await panelWithKeys('iso', { allowReveal: true, revealTimeout: 0.3 });
      const secret = await currentSecret(session);
      await click(element, 'reveal-button');
      await waitUntil(() => text(element, 'secret-key') === secret, 'secret not revealed');
      expect(text(element, 'reveal-button')).to.equal('Hide Secret Key');
      expect(statusOf(element)).not.to.contain(secret);
      await expect(element).to.be.accessible();
      await waitUntil(() => findInDom(secret).length === 0, 'secret did not mask itself again');
      expect(text(element, 'reveal-button')).to.equal('Show Secret Key');
    });

    it('masks the secret when the page loses focus and when the element is removed', async () => {
      const { session, element } = await panelWithKeys('iso', { allowReveal: true });
      const secret = await currentSecret(session);
      await click(element, 'reveal-button');
      await waitUntil(() => text(element, 'secret-key') === secret);
      window.dispatchEvent(new Event('blur'));
      await settle(element);
      expect(findInDom(secret)).to.deep.equal([]);

      await click(element, 'reveal-button');
      await waitUntil(() => text(element, 'secret-key') === secret);
      const parent = element.parentElement!;
      element.remove();
      parent.append(element);
      await settle(element);
      expect(findInDom(secret)).to.deep.equal([]);
    });

    it('hides it again with the toggle', async () => {
      const { session, element } = await panelWithKeys('iso', { allowReveal: true });
      const secret = await currentSecret(session);
      await click(element, 'reveal-button');
      await waitUntil(() => text(element, 'secret-key') === secret);
      await click(element, 'reveal-button');
      expect(findInDom(secret)).to.deep.equal([]);
    });
  });

  describe('reset', () => {
    it('asks for confirmation, saying what breaks, with focus inside the dialog', async () => {
      const { element } = await panelWithKeys('iso');
      await click(element, 'reset-button');
      const dialog = byPart(element, 'dialog') as HTMLDialogElement;
      expect(dialog.open).to.equal(true);
      expect(dialog.textContent).to.contain('stops working immediately').and.contain('will fail until you update them');
      expect(focusedPart(element)).to.equal('cancel-button');
      await expect(element).to.be.accessible();
    });

    it('keeps Tab inside the dialog and cancels with Escape, returning focus to Reset', async () => {
      const { session, element } = await panelWithKeys('iso');
      await click(element, 'reset-button');
      const dialog = byPart(element, 'dialog');
      for (let i = 0; i < 4; i++) {
        await sendKeys({ press: 'Tab' });
        // Between cycles Tab may visit the browser's own UI (Chromium, Firefox) or the dialog itself (WebKit),
        // but never the page behind the modal.
        const focused = element.shadowRoot!.activeElement;
        if (focused)
          expect(dialog.contains(focused), `focus left the dialog for ${focusedPart(element)}`).to.equal(true);
        expect(document.activeElement === document.body || document.activeElement === element).to.equal(true);
      }
      await sendKeys({ press: 'Escape' });
      await settle(element);
      expect((byPart(element, 'dialog') as HTMLDialogElement).open).to.equal(false);
      expect(focusedPart(element)).to.equal('reset-button');
      expect(session.requests).not.to.include('POST /credentials/secret/reset');
    });

    it('resets once on confirm: the old secret is refused, the new one accepted, the hint updated', async () => {
      const { session, element } = await panelWithKeys('merchant');
      const apiKey = text(element, 'api-key');
      const oldSecret = await currentSecret(session);
      await click(element, 'reset-button');
      const confirm = byPart(element, 'confirm-button');
      confirm.click();
      confirm.click();
      await waitForStatus(element, 'Secret key reset.');
      const newSecret = await currentSecret(session);
      expect(newSecret).not.to.equal(oldSecret);
      expect(session.requests.filter((request) => request === 'POST /credentials/secret/reset')).to.have.length(1);
      expect(text(element, 'secret-key').endsWith(newSecret.slice(-4))).to.equal(true);
      expect(await session.authenticate(apiKey, oldSecret)).to.deep.equal({ status: 401, errorCode: 'AUTH_ERR_004' });
      expect((await session.authenticate(apiKey, newSecret)).status).to.equal(200);
      const [detail] = events.of<SecretResetDetail>('ipos-secret-reset');
      expect(detail).to.include({ apiKey, secretKeyHint: newSecret.slice(-4) });
      expect(focusedPart(element)).to.equal('reset-button');
      expectNoSecretLeak(newSecret);
      expectNoSecretLeak(oldSecret);
    });

    it('retries a reset whose answer was lost without resetting twice', async () => {
      const { session, element } = await panelWithKeys('iso');
      await session.force({ 'POST /credentials/secret/reset': { status: 503, times: 1, afterWork: true } });
      await click(element, 'reset-button');
      await click(element, 'confirm-button');
      await waitUntil(() => allByPart(element, 'retry-button').length === 1, 'no retry offered');
      expect(text(element, 'error')).to.contain('Couldn’t reset the secret key.');
      const secretAfterFirst = await currentSecret(session);
      await click(element, 'retry-button');
      await waitForStatus(element, 'Secret key reset.');
      expect(await currentSecret(session)).to.equal(secretAfterFirst);
    });
  });

  describe('inside <ipos-credentials>', () => {
    it('loads with the provider’s backend and role, and reloads when the role changes', async () => {
      const iso = new ReferenceSession('iso');
      await iso.call('POST', '/credentials');
      const provider = await fixture<HTMLElement & { userRole?: string; backend?: unknown }>(
        html`<ipos-credentials user-role="iso" .backend=${iso.backend()}
          ><ipos-key-panel></ipos-key-panel
        ></ipos-credentials>`,
      );
      const panel = provider.querySelector('ipos-key-panel')!;
      await waitUntil(() => allByPart(panel, 'api-key').length === 1, 'provider backend not used');
      const isoKey = text(panel, 'api-key');

      const merchant = new ReferenceSession('merchant');
      provider.userRole = 'merchant';
      provider.backend = merchant.backend();
      await settle(provider);
      // The iso account's key must never be shown as the merchant's.
      expect(findInDom(isoKey)).to.deep.equal([]);
      await waitUntil(() => allByPart(panel, 'generate-button').length === 1, 'merchant credentials not loaded');
    });

    it('lets the panel’s own role win over the provider’s', async () => {
      const provider = await fixture(
        html`<ipos-credentials user-role="iso" .backend=${new ReferenceSession('merchant').backend()}>
          <ipos-key-panel user-role="merchant"></ipos-key-panel>
        </ipos-credentials>`,
      );
      const panel = provider.querySelector('ipos-key-panel')!;
      await waitUntil(() => allByPart(panel, 'scope-name').length === 3, 'merchant scopes not shown');
    });
  });

  it('emits typed events that bubble out of shadow roots and carry no secret', async () => {
    const session = new ReferenceSession('iso');
    const provider = await fixture(
      html`<ipos-credentials user-role="iso" .backend=${session.backend()}></ipos-credentials>`,
    );
    await waitUntil(() => allByPart(provider, 'generate-button').length === 1);
    setTimeout(() => byPart(provider, 'generate-button').click());
    const event = await oneEvent(provider, 'ipos-keys-generated');
    expect(event.bubbles && event.composed).to.equal(true);
    await aTimeout(0);
    expectNoSecretLeak(await currentSecret(session));
  });
});
