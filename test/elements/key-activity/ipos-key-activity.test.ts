import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/define.js';
import type { CredentialsBackend, ListActivityInput } from '../../../src/backend/credentials-backend.js';
import type { ActivityEvent, ActivityPage } from '../../../src/contract/bodies.js';
import type { IposCredentials } from '../../../src/elements/credentials/ipos-credentials.js';
import { KEY_ACTIVITY_PARTS, type IposKeyActivity } from '../../../src/elements/key-activity/ipos-key-activity.js';
import type { ErrorDetail } from '../../../src/elements/events.js';
import { ClipboardStub } from '../../support/clipboard-stub.js';
import { allByPart, byPart, settle } from '../../support/fixtures.js';
import { RecordingBackend } from '../../support/recording-backend.js';
import { ReferenceSession } from '../../support/reference-session.js';
import { waitUntil } from '../../support/wait.js';

async function mount<T extends Element>(template: ReturnType<typeof html>): Promise<T> {
  const element = await fixture<T>(template);
  await settle(element);
  return element;
}

const types = (root: Element) =>
  allByPart(root, 'event').map((node) => node.querySelector('.event-type')!.textContent!.trim());
const loaded = (root: Element) =>
  waitUntil(
    () => allByPart(root, 'skeleton').length === 0 && root.shadowRoot!.querySelector('[aria-busy="true"]') === null,
    'never finished loading',
  );

const event = (id: number, minutesAgo: number, extra: Partial<ActivityEvent> = {}): ActivityEvent => ({
  id: String(id),
  type: 'secret-revealed',
  at: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  ...extra,
});

/** A backend whose activity is a fixed list, paged like the server, recording each call's input. */
class ActivityBackend extends RecordingBackend implements CredentialsBackend {
  readonly pages: ListActivityInput[] = [];
  failNext = false;

  constructor(private readonly events: ActivityEvent[]) {
    super();
  }

  listActivity = async (input: ListActivityInput): Promise<ActivityPage> => {
    this.pages.push(input);
    if (this.failNext) {
      this.failNext = false;
      const { BackendError } = await import('../../../src/backend/backend-error.js');
      throw new BackendError('server', 'activity failed', { status: 503 });
    }
    const start = input.cursor ? this.events.findIndex((e) => e.id === input.cursor) + 1 : 0;
    const limit = input.limit ?? 20;
    const events = this.events.slice(start, start + limit);
    return { events, nextCursor: start + limit < this.events.length ? events.at(-1)!.id : null };
  };
}

const clipboards = ClipboardStub.eachTest();

describe('ipos-key-activity', () => {
  it('lists events newest first with a localized relative time, who, from where and which terminal', async () => {
    const backend = new ActivityBackend([
      event(3, 3, {
        type: 'token-generated',
        actor: { id: 'a', name: 'Ada' },
        from: '203.0.113.7',
        tpn: '139322815010',
      }),
      event(2, 60 * 5, { type: 'secret-reset' }),
      event(1, 60 * 24 * 3, { type: 'keys-generated' }),
    ]);
    const element = await mount<IposKeyActivity>(
      html`<ipos-key-activity user-role="merchant" .backend=${backend}></ipos-key-activity>`,
    );
    await loaded(element);
    expect(types(element)).to.deep.equal(['Auth Token generated', 'Secret key reset', 'API and Secret keys generated']);
    const first = allByPart(element, 'event')[0]!;
    expect(first.textContent).to.contain('3 minutes ago').and.contain('by Ada').and.contain('from 203.0.113.7');
    expect(first.textContent).to.contain('TPN 139322815010');
    expect(first.querySelector('time')!.getAttribute('datetime')).to.equal(backend['events'][0]!.at);
    expect(allByPart(element, 'event')[2]!.textContent).to.contain('3 days ago');
    expect(allByPart(element, 'more-button')).to.have.length(0);
    expect(backend.pages).to.deep.equal([{ limit: 20 }]);
    await expect(element).to.be.accessible();
  });

  it('shows more by cursor, appending the older page, until there is none', async () => {
    const backend = new ActivityBackend(Array.from({ length: 5 }, (_, index) => event(5 - index, index + 1)));
    const element = await mount<IposKeyActivity>(
      html`<ipos-key-activity user-role="iso" page-size="2" .backend=${backend}></ipos-key-activity>`,
    );
    await loaded(element);
    expect(allByPart(element, 'event')).to.have.length(2);
    byPart(element, 'more-button').click();
    await waitUntil(() => allByPart(element, 'event').length === 4, 'second page not appended');
    byPart(element, 'more-button').click();
    await waitUntil(() => allByPart(element, 'event').length === 5, 'last page not appended');
    await settle(element);
    expect(allByPart(element, 'more-button')).to.have.length(0);
    expect(backend.pages).to.deep.equal([{ limit: 2 }, { cursor: '4', limit: 2 }, { cursor: '2', limit: 2 }]);
  });

  it('shows an empty state when the account has no activity, promising only what the role can do', async () => {
    const emptyFor = async (role: string) => {
      const element = await mount<IposKeyActivity>(
        html`<ipos-key-activity user-role=${role} .backend=${new ActivityBackend([])}></ipos-key-activity>`,
      );
      await loaded(element);
      expect(allByPart(element, 'list')).to.have.length(0);
      await expect(element).to.be.accessible();
      return byPart(element, 'empty').textContent!.replace(/\s+/g, ' ').trim();
    };
    for (const role of ['agent', 'iso']) {
      expect(await emptyFor(role)).to.equal(
        'No activity yet. Generating the keys, and showing, copying or resetting the secret key will be listed here.',
      );
    }
    expect(await emptyFor('merchant'))
      .to.contain('No activity yet')
      .and.contain('each Auth Token issued');
  });

  it('says "just now" for what happened in the last minute, never "0 seconds ago"', async () => {
    const backend = new ActivityBackend([event(2, 0), event(1, 0.5)]);
    const element = await mount<IposKeyActivity>(
      html`<ipos-key-activity user-role="iso" .backend=${backend}></ipos-key-activity>`,
    );
    await loaded(element);
    const times = [...element.shadowRoot!.querySelectorAll('time')].map((time) => time.textContent);
    expect(times).to.deep.equal(['just now', 'just now']);
  });

  it('names the person for what people did, and for a sign-in with the keys only where it came from', async () => {
    const account = { id: 'iso-7', name: 'Acme ISO' };
    const backend = new ActivityBackend([
      event(3, 2, { type: 'authenticated', actor: { id: 'iso-7', name: 'iso-7' }, from: '203.0.113.7' }),
      event(2, 3, { type: 'authentication-failed', from: '198.51.100.4' }),
      event(1, 4, { type: 'secret-reset', actor: account }),
    ]);
    const element = await mount<IposKeyActivity>(
      html`<ipos-key-activity user-role="iso" .backend=${backend}></ipos-key-activity>`,
    );
    await loaded(element);
    const meta = allByPart(element, 'event').map((node) =>
      node.querySelector('.event-meta')!.textContent!.replace(/\s+/g, ' ').trim(),
    );
    expect(meta).to.deep.equal([
      '2 minutes ago · from 203.0.113.7',
      '3 minutes ago · from 198.51.100.4',
      '4 minutes ago · by Acme ISO',
    ]);
  });

  it('shows a failed load with Retry, reports ipos-error, and loads on Retry', async () => {
    const backend = new ActivityBackend([event(1, 1)]);
    backend.failNext = true;
    const errors: ErrorDetail[] = [];
    const element = await fixture<IposKeyActivity>(
      html`<ipos-key-activity
        user-role="merchant"
        .backend=${backend}
        @ipos-error=${(e: CustomEvent<ErrorDetail>) => errors.push(e.detail)}
      ></ipos-key-activity>`,
    );
    await waitUntil(() => allByPart(element, 'error').length === 1, 'failure not shown');
    expect(byPart(element, 'error').textContent).to.contain('Couldn’t load the activity.');
    expect(errors.map((error) => [error.action, error.code])).to.deep.equal([['load-activity', 'server']]);
    byPart(element, 'retry-button').click();
    await waitUntil(() => allByPart(element, 'event').length === 1, 'retry did not load');
    expect(allByPart(element, 'error')).to.have.length(0);
  });

  it('keeps the list when Show more fails, with a Retry that loads the same page', async () => {
    const backend = new ActivityBackend([event(3, 1), event(2, 2), event(1, 3)]);
    const element = await mount<IposKeyActivity>(
      html`<ipos-key-activity user-role="merchant" page-size="2" .backend=${backend}></ipos-key-activity>`,
    );
    await loaded(element);
    backend.failNext = true;
    byPart(element, 'more-button').click();
    await waitUntil(() => allByPart(element, 'retry-button').length === 1, 'failure not shown');
    expect(allByPart(element, 'event')).to.have.length(2);
    byPart(element, 'retry-button').click();
    await waitUntil(() => allByPart(element, 'event').length === 3, 'retry did not append');
    expect(backend.pages.slice(1)).to.deep.equal([
      { cursor: '2', limit: 2 },
      { cursor: '2', limit: 2 },
    ]);
  });

  it('is hidden and calls nothing when the backend has no listActivity', async () => {
    const backend = new RecordingBackend();
    const element = await mount<IposKeyActivity>(
      html`<ipos-key-activity user-role="merchant" .backend=${backend}></ipos-key-activity>`,
    );
    expect(element.hidden).to.equal(true);
    expect(element.shadowRoot!.querySelector('[part]')).to.equal(null);
    expect(backend.calls).to.deep.equal([]);
  });

  it('shows itself once the backend can list activity, and never clears a host’s own hidden', async () => {
    const element = await mount<IposKeyActivity>(
      html`<ipos-key-activity user-role="merchant" .backend=${new RecordingBackend()}></ipos-key-activity>`,
    );
    expect(element.hidden).to.equal(true);
    element.backend = new ActivityBackend([event(1, 1)]);
    await waitUntil(() => allByPart(element, 'event').length === 1, 'not shown for the new backend');
    expect(element.hidden).to.equal(false);
    const hiddenByHost = await mount<IposKeyActivity>(
      html`<ipos-key-activity hidden user-role="merchant" .backend=${new ActivityBackend([])}></ipos-key-activity>`,
    );
    await loaded(hiddenByHost);
    expect(hiddenByHost.hidden).to.equal(true);
  });

  it('speaks the page’s language and direction: Arabic, right to left', async () => {
    const element = await mount<IposKeyActivity>(
      html`<ipos-key-activity
        locale="ar"
        user-role="merchant"
        .backend=${new ActivityBackend([event(1, 5, { type: 'secret-reset' })])}
      ></ipos-key-activity>`,
    );
    await waitUntil(() => allByPart(element, 'event').length === 1, 'not loaded');
    await settle(element);
    expect(byPart(element, 'base').getAttribute('dir')).to.equal('rtl');
    expect(types(element)).to.deep.equal(['تمت إعادة تعيين المفتاح السري']);
    // In Latin digits in every engine (WebKit's own default for Arabic is Arabic-Indic): docs/languages.md says why.
    const when = element.shadowRoot!.querySelector('time')!.textContent!;
    expect(when).to.equal(new Intl.RelativeTimeFormat('ar-u-nu-latn', { numeric: 'always' }).format(-5, 'minute'));
    expect(when).to.include('5');
  });

  it('lists, over real HTTP, what the key panel did — generate, copy (a reveal) and reset — in order', async () => {
    const session = new ReferenceSession('merchant');
    const clipboard = clipboards.stub();
    const element = await mount<IposCredentials>(
      html`<ipos-credentials user-role="merchant" .backend=${session.backend()}>
        <ipos-key-panel></ipos-key-panel>
        <ipos-key-activity></ipos-key-activity>
      </ipos-credentials>`,
    );
    const activity = element.querySelector('ipos-key-activity')!;
    const panel = element.querySelector('ipos-key-panel')!;
    await waitUntil(() => allByPart(activity, 'empty').length === 1, 'empty trail not shown');
    byPart(panel, 'generate-button').click();
    await waitUntil(() => types(activity).length === 1, 'generate not listed');
    byPart(panel, 'copy-secret-key').click();
    await waitUntil(() => types(activity).length === 2, 'copy not listed');
    byPart(panel, 'reset-button').click();
    await settle(element);
    byPart(panel, 'confirm-button').click();
    await waitUntil(() => types(activity).length === 3, 'reset not listed');
    await settle(element);
    expect(types(activity)).to.deep.equal([
      'Secret key reset',
      'Secret key retrieved to show or copy it',
      'API and Secret keys generated',
    ]);
    const trail = (await session.call('GET', '/credentials/activity')) as ActivityPage;
    expect(trail.events.map((e) => e.type)).to.deep.equal(['secret-reset', 'secret-revealed', 'keys-generated']);
    expect(clipboard.written).to.have.length(1);
    expect(JSON.stringify(trail)).not.to.contain(clipboard.written[0]!.slice('dskey_'.length));
    await expect(activity).to.be.accessible();
  });
});

describe('ipos-credentials with the activity trail', () => {
  it('shows the trail last, below the keys and the token generator, when the backend can list activity', async () => {
    const merchant = await mount<IposCredentials>(
      html`<ipos-credentials
        user-role="merchant"
        .backend=${new ReferenceSession('merchant').backend()}
      ></ipos-credentials>`,
    );
    expect(
      [...merchant.shadowRoot!.querySelector('[part="screen"]')!.children].map((child) => child.localName),
    ).to.deep.equal(['ipos-key-panel', 'ipos-token-generator', 'ipos-key-activity']);
    const session = new ReferenceSession('iso');
    const element = await mount<IposCredentials>(
      html`<ipos-credentials user-role="iso" .backend=${session.backend()}></ipos-credentials>`,
    );
    const screen = element.shadowRoot!.querySelector('[part="screen"]')!;
    expect([...screen.children].map((child) => child.localName)).to.deep.equal(['ipos-key-panel', 'ipos-key-activity']);
    await waitUntil(() => session.requests.includes('GET /credentials/activity'), 'trail not loaded');
    const exported = screen.querySelector('ipos-key-activity')!.getAttribute('exportparts')!;
    for (const part of KEY_ACTIVITY_PARTS) expect(exported).to.contain(`${part}:key-activity__${part}`);
  });

  it('shows no trail and makes no activity request for a backend without listActivity', async () => {
    const session = new ReferenceSession('merchant');
    const http = session.backend();
    // The contract as it was before the trail: every method but listActivity.
    const older: CredentialsBackend = {
      getCredentials: (options) => http.getCredentials(options),
      generateKeys: (options) => http.generateKeys(options),
      revealSecret: (options) => http.revealSecret(options),
      resetSecret: (options) => http.resetSecret(options),
      listTerminals: (options) => http.listTerminals(options),
      generateToken: (input, options) => http.generateToken(input, options),
      refreshToken: (input, options) => http.refreshToken(input, options),
    };
    const element = await mount<IposCredentials>(
      html`<ipos-credentials user-role="merchant" .backend=${older}></ipos-credentials>`,
    );
    await waitUntil(() => allByPart(element, 'generate-button').length === 2, 'screen not loaded');
    byPart(element.shadowRoot!.querySelector('ipos-key-panel')!, 'generate-button').click();
    await waitUntil(() => allByPart(element, 'api-key').length === 1, 'keys not generated');
    await settle(element);
    expect(element.shadowRoot!.querySelector('ipos-key-activity')).to.equal(null);
    expect(session.requests.filter((request) => request.includes('activity'))).to.deep.equal([]);
  });
});
