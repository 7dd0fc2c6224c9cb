/**
 * The fault matrix: every action of both screens against every way the backend can fail, through the
 * reference backend's fault injection over real HTTP. For each: the specific localised message, what the
 * user had is kept, Retry where it can help (and it then works), `ipos-error` with the right code and
 * action, and nothing thrown uncaught.
 */
import { aTimeout, expect, fixture, html } from '@open-wc/testing';
import '../../../src/define.js';
import type { HttpBackend } from '../../../src/backend/http-backend.js';
import type { IposKeyPanel } from '../../../src/elements/key-panel/ipos-key-panel.js';
import type { IposTokenGenerator } from '../../../src/elements/token-generator/ipos-token-generator.js';
import type { ErrorAction, ErrorDetail } from '../../../src/elements/events.js';
import { en, type CatalogKey } from '../../../src/i18n/en.js';
import type { UserRole } from '../../../src/contract/roles.js';
import { ClipboardStub } from '../../support/clipboard-stub.js';
import { setTimeoutMs, switchableBackend, UncaughtLog, type Network } from '../../support/fault-kit.js';
import { allByPart, byPart, settle } from '../../support/fixtures.js';
import { EventLog } from '../../support/leak-scan.js';
import { ReferenceSession } from '../../support/reference-session.js';
import { waitUntil } from '../../support/wait.js';

type Code = ErrorDetail['code'];
const TPNS = ['139322815010', '139322815011', '139322815012'];
const LATENCY_MS = 250;
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

interface Context {
  session: ReferenceSession;
  backend: HttpBackend;
  network: Network;
  element?: HTMLElement;
  clipboard?: ClipboardStub;
  route: string;
}

interface ActionSpec {
  screen: 'key panel' | 'token generator';
  name: string;
  action: ErrorAction;
  route: string;
  role: UserRole;
  withKeys?: boolean;
  /** Mounts and gets the screen to where the action can start (load actions: nothing). */
  prepare(context: Context): Promise<void>;
  /** Starts the action (load actions: mounts the element). */
  start(context: Context): Promise<void>;
  /** What the user has on screen that a failure must not take away. */
  snapshot(element: HTMLElement): Record<string, string>;
  /** Whether the action has visibly succeeded. */
  succeeded(context: Context): boolean;
  /** The busy state shown while the action runs, if the action has one. */
  busy?(element: HTMLElement): boolean;
}

const events = EventLog.eachTest();
const uncaught = UncaughtLog.eachTest();
const clipboards = ClipboardStub.eachTest();

const text = (element: Element, part: string) =>
  allByPart(element, part)
    .map((node) => node.textContent?.replace(/\s+/g, ' ').trim())
    .join(' | ') || '(none)';
const has = (element: Element, part: string) => allByPart(element, part).length > 0;
const ariaBusy = (element: HTMLElement) =>
  element.shadowRoot?.querySelector('[part~="base"]')?.getAttribute('aria-busy') === 'true';

async function mountPanel(context: Context): Promise<void> {
  context.element = await fixture<IposKeyPanel>(
    html`<ipos-key-panel user-role=${context.session.role} .backend=${context.backend}></ipos-key-panel>`,
  );
}
async function mountGenerator(context: Context): Promise<void> {
  context.element = await fixture<IposTokenGenerator>(
    html`<ipos-token-generator
      user-role="merchant"
      .backend=${context.backend}
      .channelName=${`fault-${context.session.id}`}
    ></ipos-token-generator>`,
  );
}
async function loaded(element: HTMLElement): Promise<void> {
  await waitUntil(() => !has(element, 'skeleton'), 'did not load');
  await settle(element);
}
async function selectTpn(element: HTMLElement, tpn: string): Promise<void> {
  const select = byPart(element, 'tpn-select') as HTMLSelectElement;
  select.value = tpn;
  select.dispatchEvent(new Event('change'));
  await settle(element);
}

const ACTIONS: ActionSpec[] = [
  {
    screen: 'key panel',
    name: 'load',
    action: 'load-credentials',
    route: 'GET /credentials',
    role: 'iso',
    prepare: async () => undefined,
    start: mountPanel,
    snapshot: () => ({}),
    succeeded: ({ element }) => has(element!, 'generate-button'),
    busy: (element) => has(element, 'skeleton') && ariaBusy(element),
  },
  {
    screen: 'key panel',
    name: 'generate',
    action: 'generate-keys',
    route: 'POST /credentials',
    role: 'iso',
    prepare: async (context) => {
      await mountPanel(context);
      await loaded(context.element!);
    },
    start: async ({ element }) => byPart(element!, 'generate-button').click(),
    snapshot: (element) => ({ generate: String(has(element, 'generate-button')), scopes: text(element, 'scopes') }),
    succeeded: ({ element }) => has(element!, 'api-key'),
    busy: (element) => ariaBusy(element) && text(element, 'generate-button') === en['keys.generating'],
  },
  {
    screen: 'key panel',
    name: 'copy secret (reveal)',
    action: 'copy-secret-key',
    route: 'POST /credentials/secret/reveal',
    role: 'merchant',
    withKeys: true,
    prepare: async (context) => {
      await mountPanel(context);
      await loaded(context.element!);
      context.clipboard = clipboards.stub();
    },
    start: async ({ element }) => byPart(element!, 'copy-secret-key').click(),
    snapshot: (element) => ({ apiKey: text(element, 'api-key'), secretKey: text(element, 'secret-key') }),
    succeeded: ({ clipboard }) => (clipboard?.written.length ?? 0) > 0,
  },
  {
    screen: 'key panel',
    name: 'reset',
    action: 'reset-secret',
    route: 'POST /credentials/secret/reset',
    role: 'agent',
    withKeys: true,
    prepare: async (context) => {
      await mountPanel(context);
      await loaded(context.element!);
    },
    start: async ({ element }) => {
      byPart(element!, 'reset-button').click();
      await settle(element!);
      byPart(element!, 'confirm-button').click();
    },
    snapshot: (element) => ({ apiKey: text(element, 'api-key'), secretKey: text(element, 'secret-key') }),
    succeeded: () => events.of('ipos-secret-reset').length > 0,
    busy: (element) => ariaBusy(element) && text(element, 'reset-button') === en['keys.resetting'],
  },
  {
    screen: 'token generator',
    name: 'load terminals',
    action: 'load-terminals',
    route: 'GET /terminals',
    role: 'merchant',
    prepare: async () => undefined,
    start: mountGenerator,
    snapshot: () => ({}),
    succeeded: ({ element }) => has(element!, 'tpn-select'),
    busy: (element) => has(element, 'skeleton') && ariaBusy(element),
  },
  {
    screen: 'token generator',
    name: 'generate',
    action: 'generate-token',
    route: 'POST /tokens',
    role: 'merchant',
    prepare: async (context) => {
      await mountGenerator(context);
      await loaded(context.element!);
      await selectTpn(context.element!, TPNS[1]);
    },
    start: async ({ element }) => byPart(element!, 'generate-button').click(),
    snapshot: (element) => ({
      tpn: (byPart(element, 'tpn-select') as HTMLSelectElement).value,
      token: text(element, 'token'),
    }),
    succeeded: () => events.of('ipos-token-generated').length > 0,
    busy: (element) => ariaBusy(element) && text(element, 'generate-button') === en['tokens.generating'],
  },
  {
    screen: 'token generator',
    name: 'refresh',
    action: 'refresh-token',
    route: 'POST /tokens/refresh',
    role: 'merchant',
    prepare: async (context) => {
      await mountGenerator(context);
      await loaded(context.element!);
      await selectTpn(context.element!, TPNS[2]);
      byPart(context.element!, 'generate-button').click();
      await waitUntil(() => events.of('ipos-token-generated').length > 0, 'no token to refresh');
      await settle(context.element!);
    },
    start: async ({ element }) => byPart(element!, 'refresh-button').click(),
    snapshot: (element) => ({
      tpn: (byPart(element, 'tpn-select') as HTMLSelectElement).value,
      token: text(element, 'token'),
    }),
    succeeded: () => events.of('ipos-token-refreshed').length > 0,
    busy: (element) => ariaBusy(element) && text(element, 'refresh-button') === en['tokens.refreshing'],
  },
];

interface FaultSpec {
  name: string;
  /** The code the failure must be reported with; `undefined` for faults that end well (slow, aborted). */
  code?: Code;
  arm(context: Context): Promise<void>;
  /** Lifts the fault so that Retry can succeed (one-shot forced answers lift themselves). */
  disarm?(context: Context): Promise<void>;
}

const forced = (status: number, extra: { body?: unknown; retryAfter?: number } = {}) => ({
  arm: ({ session, route }: Context) => session.force({ [route]: { status, times: 1, ...extra } }),
});

const FAULTS: FaultSpec[] = [
  {
    name: 'offline',
    code: 'network',
    arm: async ({ network }) => void (network.offline = true),
    disarm: async ({ network }) => void (network.offline = false),
  },
  {
    name: 'timeout',
    code: 'timeout',
    arm: async ({ session, backend }) => {
      setTimeoutMs(backend, 300);
      await session.force({}, 700);
    },
    disarm: async ({ session, backend }) => {
      await session.clearFaults();
      setTimeoutMs(backend, 5000);
    },
  },
  { name: '401', code: 'unauthenticated', ...forced(401) },
  { name: '403', code: 'forbidden', ...forced(403) },
  { name: '404', code: 'not-found', ...forced(404) },
  { name: '409', code: 'conflict', ...forced(409) },
  { name: '429 with Retry-After', code: 'rate-limited', ...forced(429, { retryAfter: 2 }) },
  { name: '500', code: 'server', ...forced(500) },
  { name: '503', code: 'server', ...forced(503, { retryAfter: 1 }) },
  { name: 'malformed JSON', code: 'invalid-response', ...forced(200, { body: `{"keys": ${HOSTILE}` }) },
  {
    name: 'schema-invalid 200',
    code: 'invalid-response',
    ...forced(200, {
      body: {
        role: HOSTILE,
        scopes: 'everything',
        keys: { apiKey: 42 },
        terminals: [{ tpn: HOSTILE }],
        token: HOSTILE,
        secretKey: null,
      },
    }),
  },
  {
    name: 'very slow answer',
    arm: ({ session }) => session.force({}, LATENCY_MS),
  },
  {
    name: 'aborted (element removed mid-request)',
    arm: ({ session }) => session.force({}, LATENCY_MS),
  },
];

function expectedMessage(action: ErrorAction, code: Code): string {
  if (action === 'load-credentials' && code === 'forbidden') return en['keys.forbidden'];
  const shown = `${en[`failed.${action}` as CatalogKey]} ${en[`reason.${code}` as CatalogKey]}`;
  // A 401 also shows the server's own words (here the reference backend's injected-fault message).
  return code === 'unauthenticated' ? `${shown} Fault injected by the reference backend (HTTP 401).` : shown;
}

let cases = 0;

after(() => {
  console.log(
    `[reliability] fault matrix: ${FAULTS.length} fault kinds × ${ACTIONS.length} actions on 2 screens = ${cases} cases passed`,
  );
});

describe('fault matrix', () => {
  for (const spec of ACTIONS) {
    describe(`${spec.screen}: ${spec.name}`, () => {
      for (const fault of FAULTS) {
        it(fault.name, async () => {
          const session = new ReferenceSession(spec.role);
          if (spec.withKeys) await session.call('POST', '/credentials');
          const { backend, network } = switchableBackend(session, { timeoutMs: 5000 });
          const context: Context = { session, backend, network, route: spec.route };
          await spec.prepare(context);
          const before = context.element ? spec.snapshot(context.element) : {};
          await fault.arm(context);
          await spec.start(context);
          const element = context.element!;

          if (fault.name.startsWith('aborted')) {
            await aTimeout(40);
            element.remove();
            await aTimeout(LATENCY_MS + 100);
            expect(events.of('ipos-error'), 'a cancelled request is no failure').to.deep.equal([]);
          } else if (!fault.code) {
            await settle(element);
            // Busy while its answer is on its way: read together, since a stalled page may see the answer first.
            if (spec.busy && session.waiting)
              expect(spec.busy(element), 'busy while the answer is slow').to.equal(true);
            await waitUntil(() => spec.succeeded(context), 'a slow answer never succeeded');
            expect(events.of('ipos-error')).to.deep.equal([]);
          } else if (spec.action === 'generate-keys' && fault.code === 'conflict') {
            // Keys generated elsewhere meanwhile: the latest state is shown instead of an error.
            await waitUntil(() => text(element, 'status') === en['reason.conflict'], 'conflict not announced');
            await settle(element);
            expect(events.of('ipos-error')).to.deep.equal([]);
          } else {
            await waitUntil(() => events.of('ipos-error').length > 0, 'no ipos-error');
            await settle(element);
            const message = expectedMessage(spec.action, fault.code);
            expect(events.of<ErrorDetail>('ipos-error')).to.deep.equal([
              { code: fault.code, action: spec.action, message },
            ]);
            expect(text(element, 'error')).to.contain(message);
            expect(spec.snapshot(element), 'what the user had is kept').to.deep.equal(before);
            expect(findHostile(element), 'nothing from the body rendered').to.equal(false);
            const retryable = fault.code !== 'forbidden';
            expect(has(element, 'retry-button'), 'Retry offered').to.equal(retryable);
            if (retryable) {
              await fault.disarm?.(context);
              byPart(element, 'retry-button').click();
              await waitUntil(() => spec.succeeded(context), 'Retry did not succeed');
              await settle(element);
              expect(has(element, 'error'), 'the error is gone after a successful retry').to.equal(false);
            }
          }
          expect(uncaught.errors, 'uncaught errors').to.deep.equal([]);
          expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
          cases += 1;
        });
      }
    });
  }
});

function findHostile(element: Element): boolean {
  return (
    allByPart(element, 'base').some((base) => base.querySelector('img, script') !== null) ||
    (element.shadowRoot?.querySelector('img, script') ?? null) !== null
  );
}
