import { aTimeout, expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../../../src/define.js';
import type { IposKeyPanel } from '../../../src/elements/key-panel/ipos-key-panel.js';
import type { CopyDetail, ErrorDetail, KeysGeneratedDetail, SecretResetDetail } from '../../../src/elements/events.js';
import type { UserRole } from '../../../src/contract/roles.js';
import { ClipboardStub } from '../../support/clipboard-stub.js';
import { escapeRegExp, spokenText } from '../../support/fixtures.js';
import { Harness, KeyPanelHarness, type KeyPanelOptions } from '../../support/harness.js';
import { ConsoleLog, EventLog, findInDom } from '../../support/leak-scan.js';
import { RecordingBackend } from '../../support/recording-backend.js';
import { ReferenceSession } from '../../support/reference-session.js';
import { engine, skipIn } from '../../support/engine.js';
import { waitUntil } from '../../support/wait.js';

const SECRET_PATTERN = /dskey_[A-Za-z0-9_-]{32}/;

const events = EventLog.eachTest();
const consoleLog = ConsoleLog.eachTest();
const clipboards = ClipboardStub.eachTest();

async function panelWithKeys(role: UserRole = 'iso', options: KeyPanelOptions = {}) {
  const session = new ReferenceSession(role);
  await session.call('POST', '/credentials');
  const panel = await KeyPanelHarness.mount(session, options);
  return { session, panel, element: panel.element };
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
      const panel = new KeyPanelHarness(element);
      const skeleton = panel.part('skeleton');
      expect(skeleton.textContent).to.contain('Loading your API credentials');
      const base = element.shadowRoot!.querySelector('[part~="base"]')!;
      expect(base.getAttribute('aria-busy')).to.equal('true');
      await expect(element).to.be.accessible();
      await waitUntil(() => panel.parts('generate-button').length === 1);
      expect(base.getAttribute('aria-busy')).to.equal('false');
    });

    it('offers Generate Keys when the account has none', async () => {
      const panel = await KeyPanelHarness.mount(new ReferenceSession('agent'));
      const { element } = panel;
      expect(panel.text('generate-button')).to.equal('Generate Keys');
      expect(panel.parts('api-key')).to.have.length(0);
      await expect(element).to.be.accessible();
    });

    it('shows the API key in full and the secret masked as prefix, bullets and its last 4', async () => {
      const { session, panel, element } = await panelWithKeys('merchant');
      const secret = await session.currentSecret();
      expect(panel.text('api-key')).to.match(/^dakey_[A-Za-z0-9_-]{32}$/);
      expect(panel.text('secret-key')).to.equal(`dskey_${'•'.repeat(28)}${secret.slice(-4)}`);
      expect(spokenText(panel.part('secret-key').parentElement!)).to.match(
        new RegExp(`^Hidden, ending in ${escapeRegExp(secret.slice(-4))} Copy Secret Key$`),
      );
      expectNoSecretLeak(secret);
      await expect(element).to.be.accessible();
    });

    it('says when the keys were created, and when the secret was last reset only once it was', async () => {
      const { session, panel } = await panelWithKeys('merchant');
      const dates = () => panel.element.shadowRoot!.querySelector('.keys + .meta')!.textContent!.replace(/\s+/g, ' ');
      expect(dates()).to.match(/^ ?Created [^·]+$/);
      await panel.reset();
      await waitUntil(() => events.of('ipos-secret-reset').length === 1, 'no reset');
      await panel.settle();
      expect(dates()).to.match(/^ ?Created .+ · Secret last reset .+$/);
      expect(session.requests).to.include('POST /credentials/secret/reset');
    });

    it('lists the scopes the backend reports, labelled as what the keys can access', async () => {
      const { panel } = await panelWithKeys('merchant');
      const scopes = new Harness(panel.part('scopes'));
      expect(scopes.parts('scope-name').map((node) => node.textContent)).to.deep.equal([
        'PaymentTokenization',
        'Recurring',
        'BatchReport',
      ]);
      expect(scopes.text('heading')).to.equal('What these keys can access');
    });

    it('names what failed and offers Retry when loading fails, then recovers', async () => {
      const session = new ReferenceSession('iso');
      await session.force({ 'GET /credentials': { status: 500, times: 1 } });
      const panel = await KeyPanelHarness.mount(session);
      const { element } = panel;
      expect(panel.text('error')).to.contain('Couldn’t load your API credentials').and.contain('server had a problem');
      expect(events.of<ErrorDetail>('ipos-error')).to.deep.include({
        code: 'server',
        action: 'load-credentials',
        message: panel.text('error').replace(/ Retry$/, ''),
      });
      await expect(element).to.be.accessible();
      await panel.click('retry-button');
      await waitUntil(() => panel.parts('generate-button').length === 1, 'retry did not load');
      expect(panel.parts('error')).to.have.length(0);
    });

    it('says the account cannot manage these keys on a 403, without Retry', async () => {
      const session = new ReferenceSession('agent');
      await session.force({ 'GET /credentials': 403 });
      const panel = await KeyPanelHarness.mount(session);
      const { element } = panel;
      expect(panel.text('error')).to.equal('Your account cannot manage these keys.');
      expect(panel.parts('retry-button')).to.have.length(0);
      expect(events.of<ErrorDetail>('ipos-error')[0].code).to.equal('forbidden');
      await expect(element).to.be.accessible();
    });

    it('shows a clear error and calls no backend for an unknown role', async () => {
      const backend = new RecordingBackend();
      const element = await fixture<IposKeyPanel>(
        html`<ipos-key-panel user-role="superuser" .backend=${backend}></ipos-key-panel>`,
      );
      const panel = new KeyPanelHarness(element);
      await panel.settle();
      expect(panel.text('error')).to.contain('merchant, iso or agent');
      expect(backend.calls).to.deep.equal([]);
      await expect(element).to.be.accessible();
    });

    it('says so when no backend is configured', async () => {
      const panel = new KeyPanelHarness(
        await fixture<IposKeyPanel>(html`<ipos-key-panel user-role="iso"></ipos-key-panel>`),
      );
      expect(panel.text('error')).to.contain('api-base');
    });
  });

  describe('generate', () => {
    it('creates the keys with one click, announces it and fires ipos-keys-generated without the secret', async () => {
      const session = new ReferenceSession('agent');
      const panel = await KeyPanelHarness.mount(session);
      const { element } = panel;
      await panel.click('generate-button');
      await panel.waitForStatus('API and Secret keys generated successfully.');
      const [detail] = events.of<KeysGeneratedDetail>('ipos-keys-generated');
      expect(detail.apiKey).to.equal(panel.text('api-key'));
      expect(detail.scopes).to.deep.equal(['ExternalApi']);
      expect(Object.keys(detail).sort()).to.deep.equal(['apiKey', 'createdAt', 'scopes', 'secretKeyHint']);
      expect(panel.part('status').getAttribute('role')).to.equal('status');
      expectNoSecretLeak(await session.currentSecret());
      await expect(element).to.be.accessible();
    });

    it('generates once however often the button is clicked', async () => {
      const session = new ReferenceSession('iso');
      await session.force({}, 150);
      const panel = await KeyPanelHarness.mount(session);
      const { element } = panel;
      const button = panel.part('generate-button') as HTMLButtonElement;
      button.click();
      button.click();
      button.click();
      await element.updateComplete;
      // Busy, but still focusable: a keyboard user's focus stays on it until the keys replace it.
      expect(button.getAttribute('aria-disabled')).to.equal('true');
      expect(button.textContent?.trim()).to.equal('Generating…');
      await panel.waitForStatus('generated successfully');
      expect(session.requests.filter((request) => request === 'POST /credentials')).to.have.length(1);
      expect(events.of('ipos-keys-generated')).to.have.length(1);
    });

    it('shows the keys generated elsewhere meanwhile instead of an error (409)', async () => {
      const session = new ReferenceSession('iso');
      const panel = await KeyPanelHarness.mount(session);
      await session.call('POST', '/credentials');
      await panel.click('generate-button');
      await waitUntil(() => panel.parts('api-key').length === 1, 'keys not shown after 409');
      expect(panel.status).to.contain('changed in the meantime');
      expect(panel.parts('error')).to.have.length(0);
    });

    it('keeps the screen and offers Retry when generating fails', async () => {
      const session = new ReferenceSession('merchant');
      const panel = await KeyPanelHarness.mount(session);
      await session.force({ 'POST /credentials': { status: 503, times: 1 } });
      await panel.click('generate-button');
      await waitUntil(() => panel.parts('error').length === 1);
      expect(panel.text('error')).to.contain('Couldn’t generate the keys.');
      expect(panel.parts('generate-button')).to.have.length(1);
      await panel.click('retry-button');
      await panel.waitForStatus('generated successfully');
      expect(panel.parts('api-key')).to.have.length(1);
    });
  });

  describe('copy', () => {
    it('copies the API key, says so visibly and to screen readers, then returns to rest', async () => {
      const { panel } = await panelWithKeys('iso', { feedbackDuration: 100 });
      const clipboard = clipboards.stub();
      await panel.click('copy-api-key');
      await panel.waitForStatus('API key copied.');
      expect(clipboard.written).to.deep.equal([panel.text('api-key')]);
      expect(panel.text('copy-api-key')).to.equal('Copied');
      expect(events.of<CopyDetail>('ipos-copy')).to.deep.equal([{ field: 'apiKey' }]);
      await waitUntil(() => panel.text('copy-api-key') === 'Copy API Key', 'copy feedback never returned to rest');
    });

    it('copies the secret fetched inside the click (ClipboardItem path) and keeps it out of the DOM', async () => {
      const { session, panel } = await panelWithKeys('merchant');
      const clipboard = clipboards.stub();
      await panel.click('copy-secret-key');
      await panel.waitForStatus('Secret key copied.');
      const [copied] = clipboard.written;
      expect(copied).to.match(SECRET_PATTERN);
      expect(copied).to.equal(await session.currentSecret());
      expect(panel.status).not.to.contain(copied);
      expect(events.of<CopyDetail>('ipos-copy')).to.deep.equal([{ field: 'secretKey' }]);
      expect((await session.authenticate(panel.text('api-key'), copied)).status).to.equal(200);
      expectNoSecretLeak(copied);
    });

    it('falls back to writeText where ClipboardItem does not exist', async () => {
      const { session, panel } = await panelWithKeys('iso');
      const clipboard = clipboards.stub();
      const clipboardItem = window.ClipboardItem;
      // @ts-expect-error: simulating a browser without ClipboardItem
      delete window.ClipboardItem;
      try {
        await panel.click('copy-secret-key');
        await panel.waitForStatus('Secret key copied.');
      } finally {
        window.ClipboardItem = clipboardItem;
      }
      expect(clipboard.written).to.deep.equal([await session.currentSecret()]);
    });

    it('shows and announces a clear error when the browser denies the clipboard, keeping the keys', async () => {
      const { session, panel, element } = await panelWithKeys('iso');
      clipboards.denied();
      await panel.click('copy-secret-key');
      await waitUntil(() => panel.parts('error').length === 1);
      const error = panel.part('error');
      expect(error.getAttribute('role')).to.equal('alert');
      expect(error.textContent).to.contain('Couldn’t copy the secret key.').and.contain('Allow it for this site');
      expect(events.of<ErrorDetail>('ipos-error')[0]).to.include({ code: 'clipboard', action: 'copy-secret-key' });
      expect(panel.parts('api-key')).to.have.length(1);
      expectNoSecretLeak(await session.currentSecret());
      await expect(element).to.be.accessible();
    });

    it('explains that copying needs a secure page when there is no clipboard API, and fetches no secret', async () => {
      const { session, panel } = await panelWithKeys('iso');
      clipboards.missing();
      await panel.click('copy-api-key');
      await waitUntil(() => panel.parts('error').length === 1);
      expect(panel.text('error')).to.contain('Couldn’t copy the API key.').and.contain('needs a secure https page');
      await panel.click('copy-secret-key');
      await waitUntil(() => panel.text('error').includes('Couldn’t copy the secret key.'));
      clipboards.restore();
      expect(panel.text('error')).to.contain('needs a secure https page');
      // Nothing to copy into, so the secret is not even fetched.
      expect(session.requests).not.to.include('POST /credentials/secret/reveal');
    });

    it('reports a failed secret fetch as the backend’s failure, not the clipboard’s', async () => {
      const { session, panel } = await panelWithKeys('iso');
      const clipboard = clipboards.stub();
      await session.force({ 'POST /credentials/secret/reveal': { status: 500, times: 1 } });
      await panel.click('copy-secret-key');
      await waitUntil(() => panel.parts('error').length === 1);
      expect(events.of<ErrorDetail>('ipos-error')[0]).to.include({ code: 'server', action: 'copy-secret-key' });
      expect(clipboard.written).to.deep.equal([]);
      await panel.click('retry-button');
      await panel.waitForStatus('Secret key copied.');
      expect(clipboard.written).to.have.length(1);
      expect(panel.parts('error')).to.have.length(0);
    });
  });

  describe('reveal', () => {
    it('has no way to show the secret without allow-reveal', async () => {
      const { panel } = await panelWithKeys('iso');
      expect(panel.parts('reveal-button')).to.have.length(0);
    });

    it('shows the secret on demand and masks it again after reveal-timeout seconds', async () => {
      const { session, panel, element } = await panelWithKeys('iso', { allowReveal: true, revealTimeout: 0.3 });
      const secret = await session.currentSecret();
      await panel.click('reveal-button');
      await waitUntil(() => panel.text('secret-key') === secret, 'secret not revealed');
      expect(panel.text('reveal-button')).to.equal('Hide Secret Key');
      expect(panel.status).not.to.contain(secret);
      await expect(element).to.be.accessible();
      await waitUntil(() => findInDom(secret).length === 0, 'secret did not mask itself again');
      expect(panel.text('reveal-button')).to.equal('Show Secret Key');
    });

    it('masks the secret when the page loses focus and when the element is removed', async () => {
      const { session, panel, element } = await panelWithKeys('iso', { allowReveal: true });
      const secret = await session.currentSecret();
      await panel.click('reveal-button');
      await waitUntil(() => panel.text('secret-key') === secret);
      window.dispatchEvent(new Event('blur'));
      await panel.settle();
      expect(findInDom(secret)).to.deep.equal([]);

      await panel.click('reveal-button');
      await waitUntil(() => panel.text('secret-key') === secret);
      const parent = element.parentElement!;
      element.remove();
      parent.append(element);
      await panel.settle();
      expect(findInDom(secret)).to.deep.equal([]);
    });

    it('hides it again with the toggle', async () => {
      const { session, panel } = await panelWithKeys('iso', { allowReveal: true });
      const secret = await session.currentSecret();
      await panel.click('reveal-button');
      await waitUntil(() => panel.text('secret-key') === secret);
      await panel.click('reveal-button');
      expect(findInDom(secret)).to.deep.equal([]);
    });
  });

  describe('what a screen reader hears', () => {
    it('the secret as words, not an image, a prefix and 28 bullets; Reset with no "not disabled"', async () => {
      const { session, panel } = await panelWithKeys('iso', { allowReveal: true });
      const hint = (await session.currentSecret()).slice(-4);
      const apiKey = panel.text('api-key');
      const spoken = spokenText(panel.element.shadowRoot!.querySelector('.keys')!);
      expect(spoken).to.equal(
        `API Key ${apiKey} Copy API Key Secret Key Hidden, ending in ${hint} Show Secret Key Copy Secret Key`,
      );
      expect(spoken).not.to.match(/•|image|dskey_/);
      const reset = panel.part('reset-button');
      expect(reset.hasAttribute('aria-disabled'), 'aria-disabled="false" is read out').to.equal(false);
      expect(spokenText(reset)).to.equal('Reset Secret Key');
    });
  });

  describe('at 375 px', () => {
    /** web-test-runner sets the viewport through Playwright or Puppeteer only; WebKit runs over WebDriver classic. */
    const NO_VIEWPORT = ['webkit'] as const;
    const resizes = !(NO_VIEWPORT as readonly string[]).includes(engine);
    before(() => resizes && setViewport({ width: 375, height: 800 }));
    after(() => resizes && setViewport({ width: 800, height: 600 }));

    /** How many lines a part's text takes on screen. */
    const lines = (node: Element) => {
      const range = document.createRange();
      range.selectNodeContents(node);
      return new Set([...range.getClientRects()].map((rect) => Math.round(rect.bottom))).size;
    };

    it('keeps the API key and the masked secret each on one line, whole and unscrolled', async function () {
      skipIn(
        this,
        NO_VIEWPORT,
        "the test runner cannot set the viewport here (its setViewport needs Playwright or Puppeteer; WebKitGTK's WebDriver classic has neither)",
      );
      const { panel } = await panelWithKeys('merchant');
      for (const name of ['api-key', 'secret-key']) {
        const part = panel.part(name);
        expect(lines(part), `${name} wraps`).to.equal(1);
        expect(part.scrollWidth, `${name} is cut off`).to.be.at.most(part.clientWidth);
        expect(part.getBoundingClientRect().right).to.be.at.most(document.documentElement.clientWidth);
      }
    });
  });

  describe('reset', () => {
    it('asks for confirmation, saying what breaks, with focus inside the dialog', async () => {
      const { panel, element } = await panelWithKeys('iso');
      await panel.openReset();
      expect(panel.dialog.open).to.equal(true);
      expect(panel.dialog.textContent)
        .to.contain('stops working immediately')
        .and.contain('will fail until you update them');
      expect(panel.focusedPart).to.equal('cancel-button');
      await expect(element).to.be.accessible();
    });

    it('keeps Tab inside the dialog and cancels with Escape, returning focus to Reset', async () => {
      const { session, panel, element } = await panelWithKeys('iso');
      await panel.openReset();
      for (let i = 0; i < 4; i++) {
        await sendKeys({ press: 'Tab' });
        // Between cycles Tab may visit the browser's own UI (Chromium, Firefox) or the dialog itself (WebKit),
        // but never the page behind the modal.
        const focused = element.shadowRoot!.activeElement;
        if (focused)
          expect(panel.dialog.contains(focused), `focus left the dialog for ${panel.focusedPart}`).to.equal(true);
        expect(document.activeElement === document.body || document.activeElement === element).to.equal(true);
      }
      await panel.escape(panel.dialog);
      expect(panel.dialog.open).to.equal(false);
      expect(panel.focusedPart).to.equal('reset-button');
      expect(session.requests).not.to.include('POST /credentials/secret/reset');
    });

    it('resets once on confirm: the old secret is refused, the new one accepted, the hint updated', async () => {
      const { session, panel } = await panelWithKeys('merchant');
      const apiKey = panel.text('api-key');
      const oldSecret = await session.currentSecret();
      await panel.openReset();
      const confirm = panel.part('confirm-button');
      confirm.click();
      confirm.click();
      await panel.waitForStatus('Secret key reset.');
      const newSecret = await session.currentSecret();
      expect(newSecret).not.to.equal(oldSecret);
      expect(session.requests.filter((request) => request === 'POST /credentials/secret/reset')).to.have.length(1);
      expect(panel.text('secret-key').endsWith(newSecret.slice(-4))).to.equal(true);
      expect(await session.authenticate(apiKey, oldSecret)).to.deep.equal({ status: 401, errorCode: 'AUTH_ERR_004' });
      expect((await session.authenticate(apiKey, newSecret)).status).to.equal(200);
      const [detail] = events.of<SecretResetDetail>('ipos-secret-reset');
      expect(detail).to.include({ apiKey, secretKeyHint: newSecret.slice(-4) });
      expect(panel.focusedPart).to.equal('copy-secret-key');
      expectNoSecretLeak(newSecret);
      expectNoSecretLeak(oldSecret);
    });

    it('retries a reset whose answer was lost without resetting twice', async () => {
      const { session, panel } = await panelWithKeys('iso');
      await session.force({ 'POST /credentials/secret/reset': { status: 503, times: 1, afterWork: true } });
      await panel.reset();
      await waitUntil(() => panel.parts('retry-button').length === 1, 'no retry offered');
      expect(panel.text('error')).to.contain('Couldn’t reset the secret key.');
      const secretAfterFirst = await session.currentSecret();
      await panel.click('retry-button');
      await panel.waitForStatus('Secret key reset.');
      expect(await session.currentSecret()).to.equal(secretAfterFirst);
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
      const panel = new KeyPanelHarness(provider.querySelector('ipos-key-panel')!);
      await waitUntil(() => panel.has('api-key'), 'provider backend not used');
      const isoKey = panel.text('api-key');

      const merchant = new ReferenceSession('merchant');
      provider.userRole = 'merchant';
      provider.backend = merchant.backend();
      await new Harness(provider).settle();
      // The iso account's key must never be shown as the merchant's.
      expect(findInDom(isoKey)).to.deep.equal([]);
      await waitUntil(() => panel.has('generate-button'), 'merchant credentials not loaded');
    });

    it('lets the panel’s own role win over the provider’s', async () => {
      const provider = await fixture(
        html`<ipos-credentials user-role="iso" .backend=${new ReferenceSession('merchant').backend()}>
          <ipos-key-panel user-role="merchant"></ipos-key-panel>
        </ipos-credentials>`,
      );
      const panel = new KeyPanelHarness(provider.querySelector('ipos-key-panel')!);
      await waitUntil(() => panel.parts('scope-name').length === 3, 'merchant scopes not shown');
    });
  });

  it('emits typed events that bubble out of shadow roots and carry no secret', async () => {
    const session = new ReferenceSession('iso');
    const screen = new Harness(
      await fixture<HTMLElement>(
        html`<ipos-credentials user-role="iso" .backend=${session.backend()}></ipos-credentials>`,
      ),
    );
    await screen.waitFor('generate-button');
    setTimeout(() => screen.part('generate-button').click());
    const event = await oneEvent(screen.element, 'ipos-keys-generated');
    expect(event.bubbles && event.composed).to.equal(true);
    await aTimeout(0);
    expectNoSecretLeak(await session.currentSecret());
  });
});
