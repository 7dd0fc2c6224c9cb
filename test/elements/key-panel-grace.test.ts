/**
 * `<ipos-key-panel>` with grace windows: the reset dialog's choice (only with `reset-grace-options`), the countdown
 * of the previous secret and its "Revoke previous secret now", in every language, and nothing of it from a backend
 * that knows no grace windows.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import type { CredentialsBackend } from '../../src/backend/credentials-backend.js';
import type { IposKeyPanel } from '../../src/elements/key-panel/ipos-key-panel.js';
import type { PreviousSecretRevokedDetail, SecretResetDetail } from '../../src/events.js';
import { allByPart, byPart, settle } from '../support/fixtures.js';
import { ConsoleLog, EventLog, findInDom } from '../support/leak-scan.js';
import { API_BASE, ReferenceSession } from '../support/reference-session.js';
import { waitUntil } from '../support/wait.js';

const MINUTE = 60_000;

let events: EventLog;
let consoleLog: ConsoleLog;
beforeEach(() => {
  events = new EventLog();
  consoleLog = new ConsoleLog();
});
afterEach(() => {
  events.dispose();
  consoleLog.dispose();
});

interface Mount {
  graceOptions?: string;
  locale?: string;
  backend?: CredentialsBackend;
}

async function mountPanel(session: ReferenceSession, options: Mount = {}) {
  const element = await fixture<IposKeyPanel>(
    html`<ipos-key-panel
      user-role=${session.role}
      locale=${options.locale ?? 'en'}
      reset-grace-options=${options.graceOptions ?? (null as unknown as string)}
      .backend=${options.backend ?? session.backend()}
    ></ipos-key-panel>`,
  );
  await waitUntil(() => allByPart(element, 'api-key').length === 1, 'keys did not load');
  await settle(element);
  return element;
}

/** An account with keys; `graceMinutes` resets it with that window first, as another tab would. */
async function accountWithKeys(graceMinutes?: number) {
  const session = new ReferenceSession('merchant');
  await session.call('POST', '/credentials');
  const first = await currentSecret(session);
  if (graceMinutes !== undefined) await resetWithGrace(session, graceMinutes);
  return { session, first };
}

async function resetWithGrace(session: ReferenceSession, graceMinutes: number) {
  const response = await fetch(`${API_BASE}/credentials/secret/reset`, {
    method: 'POST',
    headers: { ...session.headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ graceMinutes }),
  });
  expect(response.status).to.equal(200);
}

async function currentSecret(session: ReferenceSession): Promise<string> {
  return ((await session.call('POST', '/credentials/secret/reveal')) as { secretKey: string }).secretKey;
}

const text = (element: Element, part: string) => byPart(element, part).textContent?.replace(/\s+/g, ' ').trim() ?? '';
const focusedPart = (element: IposKeyPanel) => element.shadowRoot!.activeElement?.getAttribute('part') ?? null;
const dialogOf = (element: IposKeyPanel, part: string) => byPart(element, part) as HTMLDialogElement;
const radios = (element: IposKeyPanel) =>
  [...byPart(element, 'grace-options').querySelectorAll('label')].map((label) => ({
    label: label.textContent!.replace(/\s+/g, ' ').trim(),
    checked: label.querySelector('input')!.checked,
  }));
async function click(element: IposKeyPanel, part: string) {
  byPart(element, part).click();
  await settle(element);
}

function expectNoSecret(...secrets: string[]) {
  for (const secret of secrets) {
    expect(findInDom(secret), 'a secret is in the DOM').to.deep.equal([]);
    expect(events.serialized()).not.to.contain(secret);
    expect(consoleLog.lines.join('\n')).not.to.contain(secret);
  }
}

describe('ipos-key-panel grace windows', () => {
  describe('the reset dialog', () => {
    it('offers no choice without reset-grace-options, and resets with no body as before', async () => {
      const { session, first } = await accountWithKeys();
      const element = await mountPanel(session);
      await click(element, 'reset-button');
      expect(allByPart(element, 'grace-options')).to.have.length(0);
      await click(element, 'confirm-button');
      await waitUntil(() => events.of('ipos-secret-reset').length === 1);
      await settle(element);
      expect(allByPart(element, 'previous-secret')).to.have.length(0);
      expect(await session.authenticate(text(element, 'api-key'), first)).to.deep.equal({
        status: 401,
        errorCode: 'AUTH_ERR_004',
      });
    });

    it('offers the choices in order, labelled and localised, the first chosen; the warning follows the choice', async () => {
      const { session } = await accountWithKeys();
      const element = await mountPanel(session, { graceOptions: '0,60,1440' });
      await click(element, 'reset-button');
      const group = byPart(element, 'grace-options');
      expect(group.tagName).to.equal('FIELDSET');
      expect(group.querySelector('legend')!.textContent!.trim()).to.equal(
        'When should the current secret key stop working?',
      );
      expect(radios(element)).to.deep.equal([
        { label: 'Immediately', checked: true },
        { label: 'In 1 hour', checked: false },
        { label: 'In 24 hours', checked: false },
      ]);
      expect(dialogOf(element, 'dialog').textContent).to.contain('stops working immediately');
      group.querySelectorAll('input')[1]!.click();
      await settle(element);
      expect(dialogOf(element, 'dialog').textContent).to.contain('keeps working for 1 hour, then stops');
      await expect(element).to.be.accessible();
    });

    it('leaves out malformed and out-of-range entries, warning once naming the attribute', async () => {
      const { session } = await accountWithKeys();
      const element = await mountPanel(session, { graceOptions: '60, 1h ,2000,60,abc,30' });
      await click(element, 'reset-button');
      expect(radios(element).map((radio) => radio.label)).to.deep.equal(['In 1 hour', 'In 30 minutes']);
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
      const element = await mountPanel(session, { graceOptions: '0,60,1440' });
      await click(element, 'reset-button');
      byPart(element, 'grace-options').querySelectorAll('input')[2]!.click();
      await settle(element);
      // The host narrows the options while the dialog is open: 24 hours is no longer a choice.
      element.resetGraceOptions = '0,60';
      await settle(element);
      expect(radios(element)).to.deep.equal([
        { label: 'Immediately', checked: true },
        { label: 'In 1 hour', checked: false },
      ]);
      expect(dialogOf(element, 'dialog').textContent).to.contain('stops working immediately');
      await click(element, 'confirm-button');
      await waitUntil(() => events.of('ipos-secret-reset').length === 1);
      await settle(element);
      expect(allByPart(element, 'previous-secret')).to.have.length(0);
      expect(await session.authenticate(text(element, 'api-key'), first)).to.deep.equal({
        status: 401,
        errorCode: 'AUTH_ERR_004',
      });
    });

    it('resets with 60 minutes: both secrets work, a countdown and a Revoke button show', async () => {
      const { session, first } = await accountWithKeys();
      const element = await mountPanel(session, { graceOptions: '0,60' });
      await click(element, 'reset-button');
      byPart(element, 'grace-options').querySelectorAll('input')[1]!.click();
      await settle(element);
      await click(element, 'confirm-button');
      await waitUntil(() => allByPart(element, 'previous-secret').length === 1, 'no grace line');
      const apiKey = text(element, 'api-key');
      const fresh = await currentSecret(session);
      expect(await session.authenticate(apiKey, first)).to.deep.equal({ status: 200, errorCode: undefined });
      expect(await session.authenticate(apiKey, fresh)).to.deep.equal({ status: 200, errorCode: undefined });
      expect(text(element, 'previous-secret')).to.match(/^The previous secret key stops working in (60|59) minutes \(/);
      expect(text(element, 'revoke-previous-button')).to.equal('Revoke previous secret now');
      expect(text(element, 'status')).to.contain('The previous secret key keeps working until');
      const [detail] = events.of<SecretResetDetail>('ipos-secret-reset');
      expect(detail!.secretKeyHint).to.equal(fresh.slice(-4));
      expectNoSecret(first, fresh);
      await expect(element).to.be.accessible();
    });
  });

  describe('revoking the previous secret', () => {
    it('asks first; Escape cancels, sends nothing and returns focus to the button', async () => {
      const { session } = await accountWithKeys(60);
      const element = await mountPanel(session);
      await click(element, 'revoke-previous-button');
      const dialog = dialogOf(element, 'revoke-dialog');
      expect(dialog.open).to.equal(true);
      expect(dialog.textContent).to.contain('Revoke the previous secret key?').and.contain('stops working immediately');
      expect(focusedPart(element)).to.equal('revoke-cancel-button');
      await expect(element).to.be.accessible();
      await sendKeys({ press: 'Escape' });
      await settle(element);
      expect(dialog.open).to.equal(false);
      expect(focusedPart(element)).to.equal('revoke-previous-button');
      expect(session.requests).not.to.include('POST /credentials/secret/previous/revoke');
    });

    it('revokes once on a double click: the old secret is refused, the new one works, one event, no secret', async () => {
      const { session, first } = await accountWithKeys(60);
      const element = await mountPanel(session);
      const apiKey = text(element, 'api-key');
      await click(element, 'revoke-previous-button');
      const confirm = byPart(element, 'revoke-confirm-button');
      confirm.click();
      confirm.click();
      await waitUntil(() => events.of('ipos-previous-secret-revoked').length === 1, 'no revoke event');
      await settle(element);
      expect(
        session.requests.filter((request) => request === 'POST /credentials/secret/previous/revoke'),
      ).to.have.length(1);
      expect(allByPart(element, 'previous-secret')).to.have.length(0);
      expect(allByPart(element, 'revoke-previous-button')).to.have.length(0);
      expect(focusedPart(element)).to.equal('reset-button');
      expect(text(element, 'status')).to.contain('Previous secret key revoked');
      const fresh = await currentSecret(session);
      expect(events.of<PreviousSecretRevokedDetail>('ipos-previous-secret-revoked')).to.deep.equal([
        { apiKey, secretKeyHint: fresh.slice(-4) },
      ]);
      expect(await session.authenticate(apiKey, first)).to.deep.equal({ status: 401, errorCode: 'AUTH_ERR_004' });
      expect(await session.authenticate(apiKey, fresh)).to.deep.equal({ status: 200, errorCode: undefined });
      expectNoSecret(first, fresh);
    });

    it('a reset confirmed while a revoke is on its way still happens, after the revoke', async () => {
      const { session, first } = await accountWithKeys(60);
      const element = await mountPanel(session);
      let answer!: (yes: boolean) => void;
      // The host asks its own question before the reset; the user revokes meanwhile.
      element.beforeReset = () => new Promise<boolean>((resolve) => (answer = resolve));
      await click(element, 'reset-button');
      await click(element, 'confirm-button');
      await click(element, 'revoke-previous-button');
      byPart(element, 'revoke-confirm-button').click();
      answer(true);
      await waitUntil(() => events.of('ipos-secret-reset').length === 1, 'the confirmed reset was dropped');
      await settle(element);
      expect(events.of('ipos-previous-secret-revoked')).to.have.length(1);
      expect(session.requests.filter((request) => /reset|revoke/.test(request))).to.deep.equal([
        'POST /credentials/secret/previous/revoke',
        'POST /credentials/secret/reset',
      ]);
      const fresh = await currentSecret(session);
      expect(text(element, 'secret-key')).to.contain(fresh.slice(-4));
      expect(await session.authenticate(text(element, 'api-key'), first)).to.deep.equal({
        status: 401,
        errorCode: 'AUTH_ERR_004',
      });
    });

    it('says what failed when a revoke fails, and Retry revokes', async () => {
      const { session, first } = await accountWithKeys(60);
      const element = await mountPanel(session);
      await session.force({ 'POST /credentials/secret/previous/revoke': { status: 503, times: 1 } });
      await click(element, 'revoke-previous-button');
      await click(element, 'revoke-confirm-button');
      await waitUntil(() => allByPart(element, 'error').length === 1, 'no error shown');
      expect(text(element, 'error')).to.contain('Couldn’t revoke the previous secret key.');
      expect(events.of<{ action: string }>('ipos-error').map((detail) => detail.action)).to.deep.equal([
        'revoke-previous-secret',
      ]);
      expect(allByPart(element, 'previous-secret')).to.have.length(1);
      await click(element, 'retry-button');
      await waitUntil(() => events.of('ipos-previous-secret-revoked').length === 1, 'Retry did not revoke');
      expect(await session.authenticate(text(element, 'api-key'), first)).to.deep.equal({
        status: 401,
        errorCode: 'AUTH_ERR_004',
      });
    });

    it('drops the answer of a revoke for the account left meanwhile: the new account keeps its window', async () => {
      const { session: left } = await accountWithKeys(60);
      const { session: joined, first: joinedOld } = await accountWithKeys(60);
      const element = await mountPanel(left);
      await left.force({}, 400);
      await click(element, 'revoke-previous-button');
      byPart(element, 'revoke-confirm-button').click();
      await waitUntil(() => left.requests.includes('POST /credentials/secret/previous/revoke'));
      element.backend = joined.backend();
      await waitUntil(() => joined.requests.includes('GET /credentials'), 'the new account did not load');
      await waitUntil(() => allByPart(element, 'previous-secret').length === 1, 'no window for the new account');
      // The left account's revoke has ended on the server by now (it is what the next GET waits behind).
      await waitUntil(
        async () =>
          ((await left.call('GET', '/credentials')) as { keys: { previousSecretValidUntil: unknown } }).keys
            .previousSecretValidUntil === null,
        'the revoke never finished',
      );
      await settle(element);
      expect(events.of('ipos-previous-secret-revoked')).to.deep.equal([]);
      expect(text(element, 'status')).not.to.contain('revoked');
      expect(allByPart(element, 'revoke-previous-button')).to.have.length(1);
      const apiKey = text(element, 'api-key');
      expect(await joined.authenticate(apiKey, joinedOld)).to.deep.equal({ status: 200, errorCode: undefined });
    });

    it('drops the line without a reload when the window ends by time', async () => {
      const session = new ReferenceSession('merchant');
      await session.call('POST', '/credentials');
      // The server runs 58.5 s behind the page: a 1-minute window ends 1.5 s from now in page time.
      await session.setClockOffset(-(MINUTE - 1500));
      await resetWithGrace(session, 1);
      const element = await mountPanel(session);
      expect(allByPart(element, 'previous-secret')).to.have.length(1);
      const requests = session.requests.length;
      await waitUntil(() => allByPart(element, 'previous-secret').length === 0, 'the line stayed');
      expect(allByPart(element, 'revoke-previous-button')).to.have.length(0);
      expect(session.requests.length).to.equal(requests);
    });

    it('closes the revoke confirmation when the window ends by time: nothing is left to revoke', async () => {
      const session = new ReferenceSession('merchant');
      await session.call('POST', '/credentials');
      // The server runs 58.5 s behind the page: a 1-minute window ends 1.5 s from now in page time.
      await session.setClockOffset(-(MINUTE - 1500));
      await resetWithGrace(session, 1);
      const element = await mountPanel(session);
      await click(element, 'revoke-previous-button');
      expect(dialogOf(element, 'revoke-dialog').open).to.equal(true);
      await waitUntil(() => allByPart(element, 'previous-secret').length === 0, 'the line stayed');
      await settle(element);
      expect(dialogOf(element, 'revoke-dialog').open).to.equal(false, 'the confirmation outlived its window');
      byPart(element, 'revoke-confirm-button').click();
      await settle(element);
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
      const element = await mountPanel(session, { backend: older });
      expect(allByPart(element, 'previous-secret')).to.have.length(0);
      expect(allByPart(element, 'revoke-previous-button')).to.have.length(0);
    });

    it('shows the countdown but no button from a backend that reports the window but cannot revoke', async () => {
      const { session } = await accountWithKeys(60);
      const http = session.backend();
      const element = await mountPanel(session, {
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
      expect(allByPart(element, 'previous-secret')).to.have.length(1);
      expect(allByPart(element, 'revoke-previous-button')).to.have.length(0);
    });
  });

  describe('languages', () => {
    const LANGUAGES = {
      en: {
        line: /^The previous secret key stops working in \d+ minutes/,
        button: 'Revoke previous secret now',
        immediately: 'Immediately',
      },
      es: {
        line: /^La clave secreta anterior deja de funcionar dentro de \d+ minutos/,
        button: 'Revocar ahora la clave anterior',
        immediately: 'De inmediato',
      },
      fr: {
        line: /^L’ancienne clé secrète cesse de fonctionner dans \d+ minutes/,
        button: 'Révoquer l’ancienne clé maintenant',
        immediately: 'Immédiatement',
      },
      ar: { line: /^يتوقف المفتاح السري السابق عن العمل/, button: 'إلغاء المفتاح السابق الآن', immediately: 'فورًا' },
    };
    for (const [locale, expected] of Object.entries(LANGUAGES)) {
      it(`says it in ${locale}${locale === 'ar' ? ', right to left' : ''}, the choices too`, async () => {
        const { session } = await accountWithKeys(60);
        const element = await mountPanel(session, { locale, graceOptions: '0,60' });
        await waitUntil(() => text(element, 'revoke-previous-button') === expected.button, 'not translated');
        expect(text(element, 'previous-secret')).to.match(expected.line);
        const base = element.shadowRoot!.querySelector('[part~="base"]')!;
        expect(base.getAttribute('dir')).to.equal(locale === 'ar' ? 'rtl' : 'ltr');
        await click(element, 'reset-button');
        const labels = radios(element).map((radio) => radio.label);
        const oneHour = new Intl.NumberFormat(locale, { style: 'unit', unit: 'hour', unitDisplay: 'long' }).format(1);
        expect(labels[0]).to.equal(expected.immediately);
        expect(labels[1]).to.contain(oneHour.replace(/\s+/g, ' '));
        await expect(element).to.be.accessible();
      });
    }
  });
});
