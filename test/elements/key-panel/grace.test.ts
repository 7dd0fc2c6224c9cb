/**
 * `<ipos-key-panel>` with grace windows: the reset dialog's choice (only with `reset-grace-options`), the countdown
 * of the previous secret and its "Revoke previous secret now", in every language, and nothing of it from a backend
 * that knows no grace windows.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/define.js';
import type { CredentialsBackend } from '../../../src/backend/credentials-backend.js';
import type { PreviousSecretRevokedDetail, SecretResetDetail } from '../../../src/elements/events.js';
import { KeyPanelHarness } from '../../support/harness.js';
import { ConsoleLog, EventLog, findInDom } from '../../support/leak-scan.js';
import { ReferenceSession } from '../../support/reference-session.js';
import { waitUntil } from '../../support/wait.js';

const MINUTE = 60_000;

const events = EventLog.eachTest();
const consoleLog = ConsoleLog.eachTest();

/** An account with keys; `graceMinutes` resets it with that window first, as another tab would. */
async function accountWithKeys(graceMinutes?: number) {
  const session = new ReferenceSession('merchant');
  await session.call('POST', '/credentials');
  const first = await session.currentSecret();
  if (graceMinutes !== undefined) await session.resetSecret(graceMinutes);
  return { session, first };
}

function expectNoSecret(...secrets: string[]) {
  for (const secret of secrets) {
    expect(findInDom(secret), 'a secret is in the DOM').to.deep.equal([]);
    expect(events.serialized()).not.to.contain(secret);
    expect(consoleLog.lines.join('\n')).not.to.contain(secret);
  }
}

/** An account whose grace window ends 1.5 s from now in page time: its server runs 58.5 s behind the page. */
async function accountWithEndingWindow() {
  const session = new ReferenceSession('merchant');
  await session.call('POST', '/credentials');
  await session.setClockOffset(-(MINUTE - 1500));
  await session.resetSecret(1);
  return session;
}

/** A confirmed reset with no window: no countdown, and the first secret refused at once. */
async function expectImmediateReset(panel: KeyPanelHarness, session: ReferenceSession, first: string) {
  await waitUntil(() => events.of('ipos-secret-reset').length === 1);
  await panel.settle();
  expect(panel.parts('previous-secret')).to.have.length(0);
  expect(await session.authenticate(panel.text('api-key'), first)).to.deep.equal({
    status: 401,
    errorCode: 'AUTH_ERR_004',
  });
}

describe('ipos-key-panel grace windows', () => {
  describe('the reset dialog', () => {
    it('offers no choice without reset-grace-options, and resets with no body as before', async () => {
      const { session, first } = await accountWithKeys();
      const panel = await KeyPanelHarness.mount(session);
      await panel.openReset();
      expect(panel.parts('grace-options')).to.have.length(0);
      await panel.click('confirm-button');
      await expectImmediateReset(panel, session, first);
    });

    it('offers the choices in order, labelled and localised, the first chosen; the warning follows the choice', async () => {
      const { session } = await accountWithKeys();
      const panel = await KeyPanelHarness.mount(session, { graceOptions: '0,60,1440' });
      const { element } = panel;
      await panel.openReset();
      const group = panel.part('grace-options');
      expect(group.tagName).to.equal('FIELDSET');
      expect(group.querySelector('legend')!.textContent!.trim()).to.equal(
        'When should the current secret key stop working?',
      );
      expect(panel.graceChoices).to.deep.equal([
        { label: 'Immediately', checked: true },
        { label: 'In 1 hour', checked: false },
        { label: 'In 24 hours', checked: false },
      ]);
      expect(panel.dialog.textContent).to.contain('stops working immediately');
      group.querySelectorAll('input')[1]!.click();
      await panel.settle();
      expect(panel.dialog.textContent).to.contain('keeps working for 1 hour, then stops');
      await expect(element).to.be.accessible();
    });

    it('re-opened after a choice (clicked or by arrow key), checks its first choice again and sends that one', async () => {
      const { session, first } = await accountWithKeys();
      const panel = await KeyPanelHarness.mount(session, { graceOptions: '0,60,1440' });
      await panel.openReset({ grace: 1440 });
      await panel.click('cancel-button');
      await panel.openReset();
      panel.part('grace-options').querySelector('input')!.focus();
      await sendKeys({ press: 'ArrowDown' });
      await panel.settle();
      expect(panel.graceChoices.map(({ checked }) => checked)).to.deep.equal([false, true, false]);
      await sendKeys({ press: 'Escape' });
      await panel.openReset();
      expect(panel.graceChoices.map(({ checked }) => checked)).to.deep.equal([true, false, false]);
      expect(panel.dialog.textContent).to.contain('stops working immediately');
      await panel.click('confirm-button');
      await expectImmediateReset(panel, session, first);
    });

    it('leaves out malformed and out-of-range entries, warning once naming the attribute', async () => {
      const { session } = await accountWithKeys();
      const panel = await KeyPanelHarness.mount(session, { graceOptions: '60, 1h ,2000,60,abc,30' });
      await panel.openReset();
      expect(panel.graceChoices.map((radio) => radio.label)).to.deep.equal(['In 1 hour', 'In 30 minutes']);
      const warnings = consoleLog.lines.filter((line) => line.includes('reset-grace-options'));
      for (const entry of ['"1h"', '"2000"', '"abc"']) {
        expect(
          warnings.filter((line) => line.endsWith(`ignoring ${entry}.`)),
          entry,
        ).to.have.length(1);
      }
      expect(consoleLog.lines.join('\n')).not.to.contain('NaN');
    });

    it('never sends a window the dialog no longer offers: new options while it is open choose their first', async () => {
      const { session, first } = await accountWithKeys();
      const panel = await KeyPanelHarness.mount(session, { graceOptions: '0,60,1440' });
      const { element } = panel;
      await panel.openReset({ grace: 1440 });
      // The host narrows the options while the dialog is open: 24 hours is no longer a choice.
      element.resetGraceOptions = '0,60';
      await panel.settle();
      expect(panel.graceChoices).to.deep.equal([
        { label: 'Immediately', checked: true },
        { label: 'In 1 hour', checked: false },
      ]);
      expect(panel.dialog.textContent).to.contain('stops working immediately');
      await panel.click('confirm-button');
      await expectImmediateReset(panel, session, first);
    });

    it('resets with 60 minutes: both secrets work, a countdown and a Revoke button show', async () => {
      const { session, first } = await accountWithKeys();
      const panel = await KeyPanelHarness.mount(session, { graceOptions: '0,60' });
      const { element } = panel;
      await panel.reset({ grace: 60 });
      await waitUntil(() => panel.parts('previous-secret').length === 1, 'no grace line');
      const apiKey = panel.text('api-key');
      const fresh = await session.currentSecret();
      expect(await session.authenticate(apiKey, first)).to.deep.equal({ status: 200, errorCode: undefined });
      expect(await session.authenticate(apiKey, fresh)).to.deep.equal({ status: 200, errorCode: undefined });
      // As the choice said it: "In 1 hour", then "in 1 hour" (59 minutes only if the test took half a minute).
      expect(panel.text('previous-secret')).to.match(
        /^The previous secret key stops working in (1 hour|59 minutes) \(/,
      );
      expect(panel.text('revoke-previous-button')).to.equal('Revoke previous secret now');
      expect(panel.text('status')).to.contain('The previous secret key keeps working until');
      const [detail] = events.of<SecretResetDetail>('ipos-secret-reset');
      expect(detail!.secretKeyHint).to.equal(fresh.slice(-4));
      expectNoSecret(first, fresh);
      await expect(element).to.be.accessible();
    });
  });

  describe('revoking the previous secret', () => {
    it('asks first; Escape cancels, sends nothing and returns focus to the button', async () => {
      const { session } = await accountWithKeys(60);
      const panel = await KeyPanelHarness.mount(session);
      await panel.click('revoke-previous-button');
      const dialog = panel.revokeDialog;
      expect(dialog.open).to.equal(true);
      expect(dialog.textContent).to.contain('Revoke the previous secret key?').and.contain('stops working immediately');
      expect(panel.focusedPart).to.equal('revoke-cancel-button');
      await expect(panel.element).to.be.accessible();
      await panel.escape(dialog);
      expect(dialog.open).to.equal(false);
      expect(panel.focusedPart).to.equal('revoke-previous-button');
      expect(session.requests).not.to.include('POST /credentials/secret/previous/revoke');
    });

    it('revokes once on a double click: the old secret is refused, the new one works, one event, no secret', async () => {
      const { session, first } = await accountWithKeys(60);
      const panel = await KeyPanelHarness.mount(session);
      const apiKey = panel.text('api-key');
      await panel.click('revoke-previous-button');
      const confirm = panel.part('revoke-confirm-button');
      confirm.click();
      confirm.click();
      await waitUntil(() => events.of('ipos-previous-secret-revoked').length === 1, 'no revoke event');
      await panel.settle();
      expect(
        session.requests.filter((request) => request === 'POST /credentials/secret/previous/revoke'),
      ).to.have.length(1);
      expect(panel.parts('previous-secret')).to.have.length(0);
      expect(panel.parts('revoke-previous-button')).to.have.length(0);
      expect(panel.focusedPart).to.equal('reset-button');
      expect(panel.text('status')).to.contain('Previous secret key revoked');
      const fresh = await session.currentSecret();
      expect(events.of<PreviousSecretRevokedDetail>('ipos-previous-secret-revoked')).to.deep.equal([
        { apiKey, secretKeyHint: fresh.slice(-4) },
      ]);
      expect(await session.authenticate(apiKey, first)).to.deep.equal({ status: 401, errorCode: 'AUTH_ERR_004' });
      expect(await session.authenticate(apiKey, fresh)).to.deep.equal({ status: 200, errorCode: undefined });
      expectNoSecret(first, fresh);
    });

    it('a reset confirmed while a revoke is on its way still happens, after the revoke', async () => {
      const { session, first } = await accountWithKeys(60);
      const panel = await KeyPanelHarness.mount(session);
      const { element } = panel;
      let answer!: (yes: boolean) => void;
      // The host asks its own question before the reset; the user revokes meanwhile.
      element.beforeReset = () => new Promise<boolean>((resolve) => (answer = resolve));
      await panel.reset();
      await panel.click('revoke-previous-button');
      panel.part('revoke-confirm-button').click();
      answer(true);
      await waitUntil(() => events.of('ipos-secret-reset').length === 1, 'the confirmed reset was dropped');
      await panel.settle();
      expect(events.of('ipos-previous-secret-revoked')).to.have.length(1);
      expect(session.requests.filter((request) => /reset|revoke/.test(request))).to.deep.equal([
        'POST /credentials/secret/previous/revoke',
        'POST /credentials/secret/reset',
      ]);
      const fresh = await session.currentSecret();
      expect(panel.text('secret-key')).to.contain(fresh.slice(-4));
      expect(await session.authenticate(panel.text('api-key'), first)).to.deep.equal({
        status: 401,
        errorCode: 'AUTH_ERR_004',
      });
    });

    it('says what failed when a revoke fails, and Retry revokes', async () => {
      const { session, first } = await accountWithKeys(60);
      const panel = await KeyPanelHarness.mount(session);
      await session.force({ 'POST /credentials/secret/previous/revoke': { status: 503, times: 1 } });
      await panel.revokePrevious();
      await waitUntil(() => panel.parts('error').length === 1, 'no error shown');
      expect(panel.text('error')).to.contain('Couldn’t revoke the previous secret key.');
      expect(events.of<{ action: string }>('ipos-error').map((detail) => detail.action)).to.deep.equal([
        'revoke-previous-secret',
      ]);
      expect(panel.parts('previous-secret')).to.have.length(1);
      await panel.click('retry-button');
      await waitUntil(() => events.of('ipos-previous-secret-revoked').length === 1, 'Retry did not revoke');
      expect(await session.authenticate(panel.text('api-key'), first)).to.deep.equal({
        status: 401,
        errorCode: 'AUTH_ERR_004',
      });
    });

    it('drops the answer of a revoke for the account left meanwhile: the new account keeps its window', async () => {
      const { session: left } = await accountWithKeys(60);
      const { session: joined, first: joinedOld } = await accountWithKeys(60);
      const panel = await KeyPanelHarness.mount(left);
      const { element } = panel;
      await left.force({}, 400);
      await panel.click('revoke-previous-button');
      panel.part('revoke-confirm-button').click();
      await waitUntil(() => left.requests.includes('POST /credentials/secret/previous/revoke'));
      element.backend = joined.backend();
      await waitUntil(() => joined.requests.includes('GET /credentials'), 'the new account did not load');
      await waitUntil(() => panel.parts('previous-secret').length === 1, 'no window for the new account');
      // The left account's revoke has ended on the server by now (it is what the next GET waits behind).
      await waitUntil(
        async () =>
          ((await left.call('GET', '/credentials')) as { keys: { previousSecretValidUntil: unknown } }).keys
            .previousSecretValidUntil === null,
        'the revoke never finished',
      );
      await panel.settle();
      expect(events.of('ipos-previous-secret-revoked')).to.deep.equal([]);
      expect(panel.text('status')).not.to.contain('revoked');
      expect(panel.parts('revoke-previous-button')).to.have.length(1);
      const apiKey = panel.text('api-key');
      expect(await joined.authenticate(apiKey, joinedOld)).to.deep.equal({ status: 200, errorCode: undefined });
    });

    it('drops the line without a reload when the window ends by time', async () => {
      const session = await accountWithEndingWindow();
      const panel = await KeyPanelHarness.mount(session);
      expect(panel.parts('previous-secret')).to.have.length(1);
      const requests = session.requests.length;
      await waitUntil(() => panel.parts('previous-secret').length === 0, 'the line stayed');
      expect(panel.parts('revoke-previous-button')).to.have.length(0);
      expect(session.requests.length).to.equal(requests);
    });

    it('closes the revoke confirmation when the window ends by time: nothing is left to revoke', async () => {
      const session = await accountWithEndingWindow();
      const panel = await KeyPanelHarness.mount(session);
      await panel.click('revoke-previous-button');
      expect(panel.revokeDialog.open).to.equal(true);
      await waitUntil(() => panel.parts('previous-secret').length === 0, 'the line stayed');
      await panel.settle();
      expect(panel.revokeDialog.open).to.equal(false, 'the confirmation outlived its window');
      panel.part('revoke-confirm-button').click();
      await panel.settle();
      expect(session.requests).not.to.include('POST /credentials/secret/previous/revoke');
      expect(events.of('ipos-previous-secret-revoked')).to.have.length(0);
    });

    it('shows neither the line nor the button from a backend that knows no grace windows', async () => {
      const { session } = await accountWithKeys(60);
      const http = session.backend();
      // Today's answers and adapter: no previousSecretValidUntil, no revokePreviousSecret.
      const older: CredentialsBackend = {
        getCredentials: async (options) => {
          const credentials = await http.getCredentials(options);
          const { previousSecretValidUntil: _dropped, ...keys } = credentials.keys!;
          return { ...credentials, keys };
        },
        generateKeys: (options) => http.generateKeys(options),
        revealSecret: (options) => http.revealSecret(options),
        resetSecret: (options) => http.resetSecret(options),
        listTerminals: (options) => http.listTerminals(options),
        generateToken: (input, options) => http.generateToken(input, options),
        refreshToken: (input, options) => http.refreshToken(input, options),
      };
      const panel = await KeyPanelHarness.mount(session, { backend: older });
      expect(panel.parts('previous-secret')).to.have.length(0);
      expect(panel.parts('revoke-previous-button')).to.have.length(0);
    });

    it('shows the countdown but no button from a backend that reports the window but cannot revoke', async () => {
      const { session } = await accountWithKeys(60);
      const http = session.backend();
      const panel = await KeyPanelHarness.mount(session, {
        backend: {
          getCredentials: (options) => http.getCredentials(options),
          generateKeys: (options) => http.generateKeys(options),
          revealSecret: (options) => http.revealSecret(options),
          resetSecret: (options) => http.resetSecret(options),
          listTerminals: (options) => http.listTerminals(options),
          generateToken: (input, options) => http.generateToken(input, options),
          refreshToken: (input, options) => http.refreshToken(input, options),
        },
      });
      expect(panel.parts('previous-secret')).to.have.length(1);
      expect(panel.parts('revoke-previous-button')).to.have.length(0);
    });
  });

  describe('languages', () => {
    const LANGUAGES = {
      en: {
        line: /^The previous secret key stops working in (1 hour|59 minutes)/,
        button: 'Revoke previous secret now',
        immediately: 'Immediately',
      },
      es: {
        line: /^La clave secreta anterior deja de funcionar dentro de (1 hora|59 minutos)/,
        button: 'Revocar ahora la clave anterior',
        immediately: 'De inmediato',
      },
      fr: {
        line: /^L’ancienne clé secrète cesse de fonctionner dans (1 heure|59 minutes)/,
        button: 'Révoquer l’ancienne clé maintenant',
        immediately: 'Immédiatement',
      },
      ar: { line: /^يتوقف المفتاح السري السابق عن العمل/, button: 'إلغاء المفتاح السابق الآن', immediately: 'فورًا' },
    };
    for (const [locale, expected] of Object.entries(LANGUAGES)) {
      it(`says it in ${locale}${locale === 'ar' ? ', right to left' : ''}, the choices too`, async () => {
        const { session } = await accountWithKeys(60);
        const panel = await KeyPanelHarness.mount(session, { locale, graceOptions: '0,60' });
        const { element } = panel;
        await waitUntil(() => panel.text('revoke-previous-button') === expected.button, 'not translated');
        expect(panel.text('previous-secret')).to.match(expected.line);
        const base = element.shadowRoot!.querySelector('[part~="base"]')!;
        expect(base.getAttribute('dir')).to.equal(locale === 'ar' ? 'rtl' : 'ltr');
        await panel.openReset();
        const labels = panel.graceChoices.map((radio) => radio.label);
        const oneHour = new Intl.NumberFormat(locale, { style: 'unit', unit: 'hour', unitDisplay: 'long' }).format(1);
        expect(labels[0]).to.equal(expected.immediately);
        expect(labels[1]).to.contain(oneHour.replace(/\s+/g, ' '));
        await expect(element).to.be.accessible();
      });
    }
  });
});
