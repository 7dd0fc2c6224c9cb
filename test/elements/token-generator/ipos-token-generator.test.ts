import { aTimeout, expect, fixture, html } from '@open-wc/testing';
import { decodeJwt } from 'jose';
import '../../../src/define.js';
import type { IposTokenGenerator } from '../../../src/elements/token-generator/ipos-token-generator.js';
import type { HttpBackend } from '../../../src/backend/http-backend.js';
import type { CopyDetail, ErrorDetail, TokenDetail, TokenExpiredDetail } from '../../../src/elements/events.js';
import { ClipboardStub } from '../../support/clipboard-stub.js';
import { allByPart, byPart, settle } from '../../support/fixtures.js';
import { EventLog } from '../../support/leak-scan.js';
import { RecordingBackend } from '../../support/recording-backend.js';
import { ReferenceSession, timeRefreshes } from '../../support/reference-session.js';
import { waitUntil } from '../../support/wait.js';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const TPNS = ['139322815010', '139322815011', '139322815012'];

const events = EventLog.eachTest();
const clipboards = ClipboardStub.eachTest();

interface Options {
  backend?: HttpBackend;
  expiresInMinutes?: string;
  autoRefresh?: boolean;
  refreshBefore?: number;
  tpn?: string;
}

async function mountGenerator(session: ReferenceSession, options: Options = {}) {
  const element = await fixture<IposTokenGenerator>(
    html`<ipos-token-generator
      user-role="merchant"
      .backend=${options.backend ?? session.backend()}
      .channelName=${`test-${session.id}`}
      expires-in-minutes=${options.expiresInMinutes ?? '1440'}
      ?auto-refresh=${options.autoRefresh}
      refresh-before=${options.refreshBefore ?? 300}
      tpn=${options.tpn ?? ''}
    ></ipos-token-generator>`,
  );
  await waitUntil(() => !allByPart(element, 'skeleton').length, 'terminals did not load');
  await settle(element);
  return element;
}

const text = (element: Element, part: string) => byPart(element, part).textContent?.replace(/\s+/g, ' ').trim() ?? '';
const select = (element: IposTokenGenerator) => byPart(element, 'tpn-select') as HTMLSelectElement;

async function generate(element: IposTokenGenerator): Promise<TokenDetail> {
  const before = events.of('ipos-token-generated').length;
  byPart(element, 'generate-button').click();
  await waitUntil(() => events.of('ipos-token-generated').length > before, 'no token generated');
  await settle(element);
  return events.of<TokenDetail>('ipos-token-generated').at(-1)!;
}

/** Generates a token that, in browser time, expires `msFromNow` from now (the server runs behind). */
async function generateExpiringIn(session: ReferenceSession, element: IposTokenGenerator, msFromNow: number) {
  await session.setClockOffset(msFromNow - DAY);
  const detail = await generate(element);
  await session.setClockOffset(0);
  return detail;
}

describe('ipos-token-generator', () => {
  describe('roles', () => {
    for (const role of ['iso', 'agent']) {
      it(`tells ${role} admins that tokens are for merchants and calls no backend`, async () => {
        const backend = new RecordingBackend();
        const element = await fixture(
          html`<ipos-token-generator user-role=${role} .backend=${backend}></ipos-token-generator>`,
        );
        await settle(element);
        expect(text(element, 'error')).to.equal('Token generation is for merchant accounts.');
        expect(backend.calls).to.deep.equal([]);
        await expect(element).to.be.accessible();
      });
    }

    it('names the allowed roles for an unknown role and calls no backend', async () => {
      const backend = new RecordingBackend();
      const element = await fixture(
        html`<ipos-token-generator user-role="cashier" .backend=${backend}></ipos-token-generator>`,
      );
      expect(text(element, 'error')).to.contain('merchant, iso or agent');
      expect(backend.calls).to.deep.equal([]);
    });
  });

  describe('terminals', () => {
    it('lists every TPN with its label, the first one selected', async () => {
      const element = await mountGenerator(new ReferenceSession('merchant'));
      const options = [...select(element).options];
      expect(options.map((option) => option.value)).to.deep.equal(TPNS);
      expect(options[0].textContent?.trim()).to.equal('Front desk — 139322815010');
      expect(select(element).value).to.equal(TPNS[0]);
      await expect(element).to.be.accessible();
    });

    it('selects the TPN named by the tpn attribute', async () => {
      const element = await mountGenerator(new ReferenceSession('merchant'), { tpn: TPNS[2] });
      expect(select(element).value).to.equal(TPNS[2]);
    });

    it('says so when the account has no terminals', async () => {
      const session = new ReferenceSession('merchant');
      await session.force({ 'GET /terminals': { status: 200, body: { terminals: [] } } });
      const element = await mountGenerator(session);
      expect(text(element, 'empty')).to.equal('There are no terminals (TPNs) on this account.');
      expect(allByPart(element, 'generate-button')).to.have.length(0);
    });

    it('offers Retry when the terminals fail to load, and recovers', async () => {
      const session = new ReferenceSession('merchant');
      await session.force({ 'GET /terminals': { status: 500, times: 1 } });
      const element = await mountGenerator(session);
      expect(text(element, 'error')).to.contain('Couldn’t load your terminals.');
      expect(events.of<ErrorDetail>('ipos-error')[0]).to.include({ code: 'server', action: 'load-terminals' });
      await expect(element).to.be.accessible();
      byPart(element, 'retry-button').click();
      await waitUntil(() => allByPart(element, 'tpn-select').length === 1, 'retry did not load terminals');
    });
  });

  describe('generate', () => {
    it('generates a signed token for the selected TPN, shown shortened, with its detail in an event', async () => {
      const session = new ReferenceSession('merchant');
      const element = await mountGenerator(session, { tpn: TPNS[1] });
      const detail = await generate(element);
      expect(detail.tpn).to.equal(TPNS[1]);
      expect(Object.keys(detail).sort()).to.deep.equal(['expiresAt', 'graceEndsAt', 'token', 'tpn']);
      const claims = decodeJwt(detail.token);
      expect(claims.tpn).to.equal(TPNS[1]);
      expect(claims.exp! - claims.iat!).to.equal(24 * 3600);
      expect(text(element, 'token')).to.equal(`${detail.token.slice(0, 16)}…${detail.token.slice(-8)}`);
      expect(text(element, 'status')).to.equal(`Auth Token generated for TPN ${TPNS[1]}.`);
      expect(text(element, 'expiry')).to.match(/^Expires in 24 hours\. Valid until /);
      expect(Date.parse(detail.graceEndsAt) - Date.parse(detail.expiresAt)).to.equal(15 * MINUTE);
      await expect(element).to.be.accessible();
    });

    it('asks the backend for the lifetime set by expires-in-minutes', async () => {
      const element = await mountGenerator(new ReferenceSession('merchant'), { expiresInMinutes: '30' });
      const claims = decodeJwt((await generate(element)).token);
      expect(claims.exp! - claims.iat!).to.equal(30 * 60);
    });

    it('applies a changed expires-in-minutes from the next generated token', async () => {
      const element = await mountGenerator(new ReferenceSession('merchant'));
      const first = decodeJwt((await generate(element)).token);
      expect(first.exp! - first.iat!).to.equal(24 * 3600);
      element.expiresInMinutes = 30;
      await element.updateComplete;
      const second = decodeJwt((await generate(element)).token);
      expect(second.exp! - second.iat!).to.equal(30 * 60);
    });

    for (const value of ['0', '1441', '1.5', 'soon']) {
      it(`refuses expires-in-minutes="${value}" with a clear message instead of clamping it`, async () => {
        const session = new ReferenceSession('merchant');
        const element = await mountGenerator(session, { expiresInMinutes: value });
        expect(text(element, 'error')).to.contain('from 1 to 1440').and.contain(`"${value}"`);
        expect((byPart(element, 'generate-button') as HTMLButtonElement).disabled).to.equal(true);
        byPart(element, 'generate-button').click();
        await aTimeout(50);
        expect(session.requests).not.to.include('POST /tokens');
      });
    }

    it('never shows a stale token when the TPN changes while generating', async () => {
      const session = new ReferenceSession('merchant');
      const element = await mountGenerator(session);
      await session.force({}, 300);
      byPart(element, 'generate-button').click();
      select(element).value = TPNS[2];
      select(element).dispatchEvent(new Event('change'));
      await aTimeout(500);
      await settle(element);
      expect(allByPart(element, 'token')).to.have.length(0);
      expect(events.of('ipos-token-generated')).to.have.length(0);
      expect(events.of('ipos-error')).to.have.length(0);
      await session.force({});
      const detail = await generate(element);
      expect(detail.tpn).to.equal(TPNS[2]);
    });
  });

  describe('copy', () => {
    it('copies the whole token and the TPN, announcing each', async () => {
      const element = await mountGenerator(new ReferenceSession('merchant'));
      const { token } = await generate(element);
      const clipboard = clipboards.stub();
      byPart(element, 'copy-token').click();
      await waitUntil(() => text(element, 'status') === 'Token copied.');
      expect(text(element, 'copy-token')).to.equal('Copied');
      byPart(element, 'copy-tpn').click();
      await waitUntil(() => text(element, 'status') === `TPN ${TPNS[0]} copied.`);
      expect(clipboard.written).to.deep.equal([token, TPNS[0]]);
      expect(events.of<CopyDetail>('ipos-copy')).to.deep.equal([{ field: 'token' }, { field: 'tpn' }]);
    });

    it('shows a clear error when the clipboard is denied', async () => {
      const element = await mountGenerator(new ReferenceSession('merchant'));
      clipboards.denied();
      byPart(element, 'copy-tpn').click();
      await waitUntil(() => allByPart(element, 'error').length === 1);
      expect(text(element, 'error')).to.contain('Couldn’t copy the TPN.');
      expect(events.of<ErrorDetail>('ipos-error')[0]).to.include({ code: 'clipboard', action: 'copy-tpn' });
    });
  });

  describe('expiry', () => {
    it('says "expiring soon" within refresh-before of expiry', async () => {
      const session = new ReferenceSession('merchant');
      const element = await mountGenerator(session);
      await generateExpiringIn(session, element, 4 * MINUTE);
      expect(byPart(element, 'expiry').dataset.state).to.equal('soon');
      expect(text(element, 'expiry')).to.match(/^Expiring soon: expires in 4 minutes\./);
      await expect(element).to.be.accessible();
    });

    it('shows the grace period after expiry, and refreshes within it', async () => {
      const session = new ReferenceSession('merchant');
      const element = await mountGenerator(session);
      await generateExpiringIn(session, element, -5 * MINUTE);
      expect(byPart(element, 'expiry').dataset.state).to.equal('grace');
      expect(text(element, 'expiry')).to.match(/^Expired — grace period ends in 10 minutes\./);
      await expect(element).to.be.accessible();
      byPart(element, 'refresh-button').click();
      await waitUntil(() => events.of('ipos-token-refreshed').length === 1, 'refresh within grace failed');
      await settle(element);
      expect(byPart(element, 'expiry').dataset.state).to.equal('valid');
      expect(text(element, 'status')).to.equal('Token refreshed.');
    });

    it('says expired after the grace period and offers a new token instead of a refresh', async () => {
      const session = new ReferenceSession('merchant');
      const element = await mountGenerator(session);
      await generateExpiringIn(session, element, -20 * MINUTE);
      expect(byPart(element, 'expiry').dataset.state).to.equal('expired');
      expect(text(element, 'expiry')).to.match(/^Expired\. Generate a new token\./);
      expect(byPart(element, 'refresh-button').getAttribute('aria-disabled')).to.equal('true');
      await expect(element).to.be.accessible();
    });

    it('turns a refresh the backend refuses after grace into an offer to generate a new token', async () => {
      const session = new ReferenceSession('merchant');
      const element = await mountGenerator(session);
      await generateExpiringIn(session, element, -14 * MINUTE);
      // The backend's clock is ahead of the page's: for it, grace is already over.
      await session.setClockOffset(2 * MINUTE);
      byPart(element, 'refresh-button').click();
      await waitUntil(() => allByPart(element, 'error').length === 1, 'refusal not shown');
      expect(text(element, 'error')).to.contain('can no longer be refreshed');
      expect(events.of<ErrorDetail>('ipos-error')[0]).to.include({ code: 'unauthenticated', action: 'refresh-token' });
      await session.setClockOffset(0);
      byPart(element, 'retry-button').click();
      await waitUntil(() => events.of('ipos-token-generated').length === 2, 'no new token generated');
    });

    it('fires ipos-token-expired once when the token expires', async () => {
      const session = new ReferenceSession('merchant');
      const element = await mountGenerator(session);
      const { token, tpn, expiresAt, graceEndsAt } = await generateExpiringIn(session, element, 700);
      await waitUntil(() => events.of('ipos-token-expired').length === 1, 'no expiry event');
      await aTimeout(1200);
      expect(events.of<TokenExpiredDetail>('ipos-token-expired')).to.deep.equal([{ tpn, expiresAt, graceEndsAt }]);
      expect(events.serialized().split(token).length - 1).to.equal(1);
      await settle(element);
      expect(byPart(element, 'expiry').dataset.state).to.equal('grace');
    });
  });

  describe('auto-refresh', () => {
    it('refreshes once, refresh-before seconds ahead of expiry', async () => {
      const session = new ReferenceSession('merchant');
      const backend = session.backend();
      const refreshStarts = timeRefreshes(backend);
      const element = await mountGenerator(session, { autoRefresh: true, refreshBefore: 300, backend });
      const first = await generateExpiringIn(session, element, 300_000 + 1500);
      await waitUntil(() => events.of('ipos-token-refreshed').length === 1, 'no auto-refresh');
      await aTimeout(800);
      // A lower bound only: a loaded machine runs the timer late (it was due before this test looked), never early.
      expect(refreshStarts).to.have.length(1);
      expect(refreshStarts[0]).to.be.at.least(Date.parse(first.expiresAt) - 300_000 - 5);
      expect(session.requests.filter((request) => request === 'POST /tokens/refresh')).to.have.length(1);
      const [refreshed] = events.of<TokenDetail>('ipos-token-refreshed');
      expect(refreshed.tpn).to.equal(first.tpn);
      expect(refreshed.token).not.to.equal(first.token);
      await settle(element);
      expect(text(element, 'token')).to.equal(`${refreshed.token.slice(0, 16)}…${refreshed.token.slice(-8)}`);
    });

    it('shows a failed refresh with Retry, and the retry works within grace', async () => {
      const session = new ReferenceSession('merchant');
      const element = await mountGenerator(session, { autoRefresh: true, refreshBefore: 300 });
      await session.force({ 'POST /tokens/refresh': { status: 503, times: 1 } });
      await generateExpiringIn(session, element, 300_000 + 300);
      await waitUntil(() => allByPart(element, 'retry-button').length === 1, 'failure not shown');
      expect(text(element, 'error')).to.contain('Couldn’t refresh the token.');
      byPart(element, 'retry-button').click();
      await waitUntil(() => events.of('ipos-token-refreshed').length === 1, 'retry did not refresh');
      await settle(element);
      expect(allByPart(element, 'error')).to.have.length(0);
    });

    it('moved in the page, drops its token but keeps the chosen TPN: Generate works again for it', async () => {
      const session = new ReferenceSession('merchant');
      const element = await mountGenerator(session);
      select(element).value = TPNS[1]!;
      select(element).dispatchEvent(new Event('change'));
      await settle(element);
      await generate(element);
      // A framework moves it (a tab, a re-parented layout): disconnected, then connected again.
      const elsewhere = document.createElement('div');
      document.body.append(elsewhere);
      elsewhere.append(element);
      await settle(element);
      expect(allByPart(element, 'token')).to.have.length(0);
      expect(select(element).value).to.equal(TPNS[1]);
      const again = await generate(element);
      expect(again.tpn).to.equal(TPNS[1]);
      elsewhere.remove();
    });

    it('stops every timer when removed: no refresh after disconnect', async () => {
      const session = new ReferenceSession('merchant');
      const element = await mountGenerator(session, { autoRefresh: true, refreshBefore: 300 });
      await generateExpiringIn(session, element, 300_000 + 1500);
      element.remove();
      await aTimeout(2000);
      expect(session.requests).not.to.include('POST /tokens/refresh');
      expect(events.of('ipos-token-refreshed')).to.have.length(0);
      expect(events.of('ipos-token-expired')).to.have.length(0);
    });
  });
});
