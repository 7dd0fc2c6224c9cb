/**
 * Races and repetition: bursts of clicks make one backend mutation each; switching role or TPN while a
 * request runs never shows the old account's or terminal's data; removing an element mid-request leaves
 * no timer and no window/document listener of the library behind.
 */
import { aTimeout, expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../src/define.js';
import type { IposKeyPanel } from '../../../src/elements/key-panel/ipos-key-panel.js';
import type { IposTokenGenerator } from '../../../src/elements/token-generator/ipos-token-generator.js';
import { ClipboardStub } from '../../support/clipboard-stub.js';
import { mutations, UncaughtLog } from '../../support/fault-kit.js';
import { allByPart, byPart, settle } from '../../support/fixtures.js';
import { EventLog, findInDom } from '../../support/leak-scan.js';
import { LiveResources } from '../../support/live-resources.js';
import { ReferenceSession } from '../../support/reference-session.js';
import { waitUntil } from '../../support/wait.js';

const TPNS = ['139322815010', '139322815011', '139322815012'];
const LATENCY_MS = 200;
const events = EventLog.eachTest();
UncaughtLog.eachTest({ expectNone: true });
const clipboards = ClipboardStub.eachTest();
let duplicateMutations = 0;
let bursts = 0;

after(() => console.log(`[reliability] races: ${bursts} click bursts, ${duplicateMutations} duplicate mutations`));

function clickTimes(element: HTMLElement, part: string, times = 3) {
  for (let i = 0; i < times; i++) byPart(element, part).click();
}

function expectOneMutation(session: ReferenceSession, route: string) {
  const counts = mutations(session.requests);
  duplicateMutations += Math.max(0, (counts[route] ?? 0) - 1);
  bursts += 1;
  expect(counts).to.deep.equal({ [route]: 1 });
}

async function panel(session: ReferenceSession) {
  const element = await fixture<IposKeyPanel>(
    html`<ipos-key-panel user-role=${session.role} .backend=${session.backend()}></ipos-key-panel>`,
  );
  await waitUntil(() => !allByPart(element, 'skeleton').length);
  await settle(element);
  return element;
}

async function generator(session: ReferenceSession, autoRefresh = false) {
  const element = await fixture<IposTokenGenerator>(
    html`<ipos-token-generator
      user-role="merchant"
      ?auto-refresh=${autoRefresh}
      .backend=${session.backend()}
      .channelName=${`race-${session.id}`}
    ></ipos-token-generator>`,
  );
  await waitUntil(() => allByPart(element, 'tpn-select').length === 1);
  await settle(element);
  return element;
}

describe('bursts of clicks: one mutation each', () => {
  it('Generate Keys ×3', async () => {
    const session = new ReferenceSession('iso');
    const element = await panel(session);
    await session.force({}, LATENCY_MS);
    clickTimes(element, 'generate-button');
    await waitUntil(() => events.of('ipos-keys-generated').length === 1);
    await session.answered();
    expectOneMutation(session, 'POST /credentials');
  });

  it('Reset confirm ×3 (and Reset again while resetting)', async () => {
    const session = new ReferenceSession('agent');
    await session.call('POST', '/credentials');
    const element = await panel(session);
    await session.force({}, LATENCY_MS);
    byPart(element, 'reset-button').click();
    await settle(element);
    clickTimes(element, 'confirm-button');
    await settle(element);
    clickTimes(element, 'reset-button', 2);
    await waitUntil(() => events.of('ipos-secret-reset').length === 1);
    await session.answered();
    expectOneMutation(session, 'POST /credentials/secret/reset');
  });

  it('Copy Secret Key ×3 fetches the secret once and copies it once', async () => {
    const session = new ReferenceSession('merchant');
    await session.call('POST', '/credentials');
    const element = await panel(session);
    const clipboard = clipboards.stub();
    await session.force({}, LATENCY_MS);
    clickTimes(element, 'copy-secret-key');
    await waitUntil(() => events.of('ipos-copy').length === 1);
    await session.answered();
    expect(session.requests.filter((r) => r === 'POST /credentials/secret/reveal')).to.have.length(1);
    expect(clipboard.written).to.have.length(1);
    expect(mutations(session.requests)).to.deep.equal({});
    bursts += 1;
  });

  it('Generate Token ×3 and Refresh Token ×3', async () => {
    const session = new ReferenceSession('merchant');
    const element = await generator(session);
    await session.force({}, LATENCY_MS);
    // Waits for the event, not for a deadline: a loaded machine may take longer than a second to answer.
    const generated = oneEvent(element, 'ipos-token-generated');
    clickTimes(element, 'generate-button');
    await generated;
    await settle(element);
    await session.answered();
    expectOneMutation(session, 'POST /tokens');
    expect(events.of('ipos-token-generated')).to.have.length(1);
    session.requests.length = 0;
    const refreshed = oneEvent(element, 'ipos-token-refreshed');
    clickTimes(element, 'refresh-button');
    await refreshed;
    await session.answered();
    expectOneMutation(session, 'POST /tokens/refresh');
    expect(events.of('ipos-token-refreshed')).to.have.length(1);
  });
});

describe('switching mid-request never shows stale data', () => {
  it('role switched while the first role’s credentials load: only the new role’s state ever shows', async () => {
    const iso = new ReferenceSession('iso');
    const isoKeys = (await iso.call('POST', '/credentials')) as { keys: { apiKey: string } };
    const agent = new ReferenceSession('agent');
    await iso.force({}, LATENCY_MS);
    const element = await fixture<IposKeyPanel>(
      html`<ipos-key-panel user-role="iso" .backend=${iso.backend()}></ipos-key-panel>`,
    );
    element.userRole = 'agent';
    element.backend = agent.backend();
    // Looked for every 20 ms until the agent's screen is up and the iso load's late answer is in.
    const seen: string[][] = [];
    const look = setInterval(() => seen.push(findInDom(isoKeys.keys.apiKey)), 20);
    try {
      await waitUntil(() => allByPart(element, 'generate-button').length === 1, 'the agent’s screen did not show');
      await iso.answered();
      await settle(element);
    } finally {
      clearInterval(look);
    }
    seen.push(findInDom(isoKeys.keys.apiKey));
    expect(seen.flat(), 'the iso account’s key appeared').to.deep.equal([]);
    expect(allByPart(element, 'generate-button')).to.have.length(1);
    expect(events.of('ipos-error')).to.deep.equal([]);
  });

  it('TPN switched while a token is generated: the old TPN’s token is dropped, the new TPN stays selected', async () => {
    const session = new ReferenceSession('merchant');
    const element = await generator(session);
    await session.force({}, LATENCY_MS);
    byPart(element, 'generate-button').click();
    const select = byPart(element, 'tpn-select') as HTMLSelectElement;
    select.value = TPNS[1];
    select.dispatchEvent(new Event('change'));
    await session.answered();
    await settle(element);
    expect((byPart(element, 'tpn-select') as HTMLSelectElement).value).to.equal(TPNS[1]);
    expect(allByPart(element, 'token')).to.have.length(0);
    expect(events.of('ipos-token-generated')).to.deep.equal([]);
    expect(events.of('ipos-error')).to.deep.equal([]);
    expect(byPart(element, 'generate-button').hasAttribute('disabled')).to.equal(false);
  });
});

describe('disconnect mid-request leaves nothing behind', () => {
  const cases: { name: string; run(session: ReferenceSession): Promise<HTMLElement> }[] = [
    {
      name: 'key panel while loading',
      run: async (session) => {
        await session.force({}, LATENCY_MS);
        return fixture<IposKeyPanel>(
          html`<ipos-key-panel user-role="iso" .backend=${session.backend()}></ipos-key-panel>`,
        );
      },
    },
    {
      name: 'key panel while generating',
      run: async (session) => {
        const element = await panel(session);
        await session.force({}, LATENCY_MS);
        byPart(element, 'generate-button').click();
        return element;
      },
    },
    {
      name: 'key panel while resetting, copying and with the secret revealed',
      run: async (session) => {
        await session.call('POST', '/credentials');
        const element = await fixture<IposKeyPanel>(
          html`<ipos-key-panel user-role="iso" allow-reveal .backend=${session.backend()}></ipos-key-panel>`,
        );
        await waitUntil(() => allByPart(element, 'reveal-button').length === 1);
        byPart(element, 'reveal-button').click();
        await waitUntil(() => !byPart(element, 'secret-key').textContent?.includes('•'));
        clipboards.stub();
        byPart(element, 'copy-api-key').click();
        await session.force({}, LATENCY_MS);
        byPart(element, 'reset-button').click();
        await settle(element);
        byPart(element, 'confirm-button').click();
        return element;
      },
    },
    {
      name: 'token generator while loading terminals',
      run: async (session) => {
        await session.force({}, LATENCY_MS);
        return fixture<IposTokenGenerator>(
          html`<ipos-token-generator user-role="merchant" .backend=${session.backend()}></ipos-token-generator>`,
        );
      },
    },
    {
      name: 'token generator while generating',
      run: async (session) => {
        const element = await generator(session, true);
        await session.force({}, LATENCY_MS);
        byPart(element, 'generate-button').click();
        return element;
      },
    },
    {
      name: 'token generator with an auto-refreshing token, while refreshing',
      run: async (session) => {
        const element = await generator(session, true);
        byPart(element, 'generate-button').click();
        await waitUntil(() => allByPart(element, 'refresh-button').length === 1);
        await settle(element);
        await session.force({}, LATENCY_MS);
        byPart(element, 'refresh-button').click();
        return element;
      },
    },
  ];
  let clean = 0;
  after(() =>
    console.log(`[reliability] disconnect mid-request: ${clean}/${cases.length} cases left 0 timers and 0 listeners`),
  );

  for (const { name, run } of cases) {
    it(name, async () => {
      const session = new ReferenceSession(name.startsWith('token') ? 'merchant' : 'iso');
      const live = new LiveResources();
      let left: string[] = [];
      try {
        const element = await run(session);
        await session.sending();
        element.remove();
        await aTimeout(30);
      } finally {
        left = live.finish();
      }
      expect(left, 'still live after removal').to.deep.equal([]);
      await session.answered();
      expect(events.of('ipos-error')).to.deep.equal([]);
      clean += 1;
    });
  }
});
