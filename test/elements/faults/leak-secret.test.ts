/**
 * Secret leak proof: over every flow of the key panel and the token generator — generate, copy, reveal
 * (with allow-reveal), reset, and the failure of each, including a hostile backend that echoes the
 * secret in its error body — no secret key the account ever had is in the DOM while masked, in an event
 * detail, the console, the URL, localStorage/sessionStorage, a cookie, or an uncaught error.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/define.js';
import type { IposKeyPanel } from '../../../src/elements/key-panel/ipos-key-panel.js';
import type { IposTokenGenerator } from '../../../src/elements/token-generator/ipos-token-generator.js';
import { en } from '../../../src/i18n/en.js';
import { ClipboardStub } from '../../support/clipboard-stub.js';
import { UncaughtLog } from '../../support/fault-kit.js';
import { allByPart, byPart, settle } from '../../support/fixtures.js';
import { ConsoleLog, EventLog, findInDom } from '../../support/leak-scan.js';
import { ReferenceSession } from '../../support/reference-session.js';
import { waitUntil } from '../../support/wait.js';

const events = EventLog.eachTest();
const consoleLog = ConsoleLog.eachTest();
const uncaught = UncaughtLog.eachTest();
const clipboards = ClipboardStub.eachTest();
const secrets = new Set<string>();
let checkpoints = 0;
let flows = 0;

after(() =>
  console.log(
    `[reliability] secret leak scan: ${checkpoints} checkpoints over ${flows} flows, ${secrets.size} secrets traced, 0 leaks found`,
  ),
);

/** The account's secret right now, read the way an integration would (never through the element). */
async function remember(session: ReferenceSession): Promise<string> {
  const { secretKey } = (await session.call('POST', '/credentials/secret/reveal')) as { secretKey: string };
  secrets.add(secretKey);
  return secretKey;
}

function storage(): string {
  const dump = (store: Storage) =>
    Array.from({ length: store.length }, (_, i) => `${store.key(i)}=${store.getItem(store.key(i)!)}`);
  return [...dump(localStorage), ...dump(sessionStorage), document.cookie].join('\n');
}

/** Every sink, for every secret seen so far. `shown`: the one secret the user revealed on purpose. */
function expectNoLeak(where: string, shown?: string) {
  expect(secrets.size, 'secrets to look for').to.be.greaterThan(0);
  for (const secret of secrets) {
    if (secret !== shown) expect(findInDom(secret), `${where}: DOM`).to.deep.equal([]);
    expect(events.serialized(), `${where}: events`).not.to.contain(secret);
    expect(consoleLog.lines.join('\n'), `${where}: console`).not.to.contain(secret);
    expect(location.href, `${where}: URL`).not.to.contain(secret);
    expect(storage(), `${where}: storage`).not.to.contain(secret);
    expect(uncaught.errors.join('\n'), `${where}: uncaught errors`).not.to.contain(secret);
  }
  checkpoints += 1;
}

const status = (element: HTMLElement) => byPart(element, 'status').textContent?.trim() ?? '';
const errors = () => events.of<{ message: string }>('ipos-error');

async function mountPanel(session: ReferenceSession): Promise<IposKeyPanel> {
  const element = await fixture<IposKeyPanel>(
    html`<ipos-key-panel user-role=${session.role} allow-reveal .backend=${session.backend()}></ipos-key-panel>`,
  );
  await waitUntil(() => !allByPart(element, 'skeleton').length, 'credentials did not load');
  await settle(element);
  return element;
}

describe('secret leak proof: key panel', () => {
  it('generate → copy → reveal → hide → reset', async () => {
    flows += 5;
    const session = new ReferenceSession('merchant');
    const element = await mountPanel(session);
    byPart(element, 'generate-button').click();
    await waitUntil(() => events.of('ipos-keys-generated').length === 1);
    await settle(element);
    const first = await remember(session);
    expectNoLeak('after generate');

    const clipboard = clipboards.stub();
    byPart(element, 'copy-secret-key').click();
    await waitUntil(() => status(element) === en['keys.secretKeyCopied']);
    expect(clipboard.written).to.deep.equal([first]);
    expectNoLeak('after copy');

    byPart(element, 'reveal-button').click();
    await waitUntil(() => byPart(element, 'secret-key').textContent === first, 'not revealed');
    expectNoLeak('while revealed', first);
    byPart(element, 'reveal-button').click();
    await settle(element);
    expectNoLeak('after hide');

    byPart(element, 'reset-button').click();
    await settle(element);
    byPart(element, 'confirm-button').click();
    await waitUntil(() => events.of('ipos-secret-reset').length === 1);
    await settle(element);
    await remember(session);
    expectNoLeak('after reset');
    expect(errors()).to.deep.equal([]);
  });

  it('reset with a grace window → countdown → revoke confirmation → revoked', async () => {
    flows += 3;
    const session = new ReferenceSession('merchant');
    await session.call('POST', '/credentials');
    await remember(session);
    const element = await fixture<IposKeyPanel>(
      html`<ipos-key-panel
        user-role="merchant"
        reset-grace-options="60,0"
        .backend=${session.backend()}
      ></ipos-key-panel>`,
    );
    await waitUntil(() => allByPart(element, 'reset-button').length === 1, 'keys did not load');
    byPart(element, 'reset-button').click();
    await settle(element);
    byPart(element, 'confirm-button').click();
    await waitUntil(() => allByPart(element, 'revoke-previous-button').length === 1, 'no grace window shown');
    await remember(session);
    expectNoLeak('during the grace window');
    byPart(element, 'revoke-previous-button').click();
    await settle(element);
    expectNoLeak('with the revoke confirmation open');
    byPart(element, 'revoke-confirm-button').click();
    await waitUntil(() => events.of('ipos-previous-secret-revoked').length === 1);
    await settle(element);
    expectNoLeak('after the revoke');
    expect(errors()).to.deep.equal([]);
  });

  it('failures of copy, reveal, reset and generate, and a backend that echoes the secret in its errors', async () => {
    flows += 6;
    const session = new ReferenceSession('iso');
    // The answer is lost after the keys were made: the secret exists, the panel never got keys.
    await session.force({ 'POST /credentials': { status: 500, times: 1, afterWork: true } });
    const element = await mountPanel(session);
    byPart(element, 'generate-button').click();
    await waitUntil(() => errors().length === 1);
    const secret = await remember(session);
    expectNoLeak('generate failed');
    byPart(element, 'retry-button').click();
    await waitUntil(() => allByPart(element, 'api-key').length === 1);
    expectNoLeak('generate retried');

    const echo = { status: 500, times: 1, body: { errorCode: 'ECHO', errorMessage: `secret is ${secret}` } };
    clipboards.stub();
    await session.force({ 'POST /credentials/secret/reveal': echo });
    byPart(element, 'copy-secret-key').click();
    await waitUntil(() => errors().length === 2);
    await settle(element);
    expectNoLeak('copy failed (secret echoed in the error body)');

    await session.force({
      'POST /credentials/secret/reveal': { ...echo, status: 200, body: { secretKey: 7, leaked: secret } },
    });
    byPart(element, 'reveal-button').click();
    await waitUntil(() => errors().length === 3);
    await settle(element);
    expectNoLeak('reveal got an invalid body carrying the secret');

    clipboards.denied();
    byPart(element, 'copy-secret-key').click();
    await waitUntil(() => errors().length === 4);
    await settle(element);
    expectNoLeak('clipboard denied');

    await session.force({ 'POST /credentials/secret/reset': { ...echo, status: 503 } });
    byPart(element, 'reset-button').click();
    await settle(element);
    byPart(element, 'confirm-button').click();
    await waitUntil(() => errors().length === 5);
    await settle(element);
    expectNoLeak('reset failed');
    byPart(element, 'retry-button').click();
    await waitUntil(() => events.of('ipos-secret-reset').length === 1);
    await settle(element);
    await remember(session);
    expectNoLeak('reset retried');
  });
});

describe('secret leak proof: token generator', () => {
  it('generate → copy token → copy TPN → refresh, and a failed refresh, never touch the key secret', async () => {
    flows += 5;
    const session = new ReferenceSession('merchant');
    await session.call('POST', '/credentials');
    await remember(session);
    const element = await fixture<IposTokenGenerator>(
      html`<ipos-token-generator
        user-role="merchant"
        .backend=${session.backend()}
        .channelName=${false}
      ></ipos-token-generator>`,
    );
    await waitUntil(() => allByPart(element, 'tpn-select').length === 1);
    byPart(element, 'generate-button').click();
    await waitUntil(() => events.of('ipos-token-generated').length === 1);
    await settle(element);
    expectNoLeak('token generated');
    const clipboard = clipboards.stub();
    byPart(element, 'copy-token').click();
    await waitUntil(() => clipboard.written.length === 1);
    byPart(element, 'copy-tpn').click();
    await waitUntil(() => clipboard.written.length === 2);
    expectNoLeak('token and TPN copied');
    byPart(element, 'refresh-button').click();
    await waitUntil(() => events.of('ipos-token-refreshed').length === 1);
    await settle(element);
    expectNoLeak('token refreshed');
    await session.force({ 'POST /tokens/refresh': { status: 500, times: 1 } });
    byPart(element, 'refresh-button').click();
    await waitUntil(() => errors().length === 1);
    await settle(element);
    expectNoLeak('refresh failed');
  });
});
