/** The secret reveal flow on its own: Show, Hide, and every way a shown secret is masked again. */
import { expect } from '@open-wc/testing';
import { SecretReveal } from '../../../src/elements/key-panel/secret-reveal.js';
import { allByPart, byPart } from '../../support/fixtures.js';
import { mountFlow, unmountFlow, type Flow } from '../../support/flow-host.js';
import { findInDom } from '../../support/leak-scan.js';
import { waitUntil } from '../../support/wait.js';

let settings: { allowed: boolean; seconds: number };
let mounted: Flow<SecretReveal> | undefined;
afterEach(() => mounted && unmountFlow(mounted));

async function mountReveal(seconds = 30) {
  settings = { allowed: true, seconds };
  mounted = await mountFlow(
    (port) => new SecretReveal(port, { allowed: () => settings.allowed, seconds: () => settings.seconds }),
    (flow, host) => flow.render(host.session!.state.credentials!.keys!),
  );
  return mounted;
}

const secretPart = ({ host }: Flow<SecretReveal>) => byPart(host, 'secret-key').textContent!.trim();
const currentSecret = async ({ account }: Flow<SecretReveal>) =>
  ((await account.call('POST', '/credentials/secret/reveal')) as { secretKey: string }).secretKey;

async function show(flow: Flow<SecretReveal>) {
  byPart(flow.host, 'reveal-button').click();
  await waitUntil(() => flow.flow.secret !== undefined, 'the secret was never shown');
  await flow.host.updateComplete;
}

describe('SecretReveal', () => {
  it('shows the secret fetched on Show, and masks it on Hide: then it is nowhere in the DOM', async () => {
    const flow = await mountReveal();
    const secret = await currentSecret(flow);
    expect(findInDom(secret)).to.deep.equal([]);

    await show(flow);
    expect(secretPart(flow)).to.equal(secret);
    expect(byPart(flow.host, 'status').textContent).to.include('hidden again in 30 seconds');

    byPart(flow.host, 'reveal-button').click();
    await flow.host.updateComplete;
    expect(secretPart(flow)).to.match(/^dskey_•+.{4}$/);
    expect(findInDom(secret)).to.deep.equal([]);
  });

  it('a second click while the secret is on its way asks for nothing more', async () => {
    const flow = await mountReveal();
    flow.requests.length = 0;
    byPart(flow.host, 'reveal-button').click();
    byPart(flow.host, 'reveal-button').click();
    await waitUntil(() => flow.flow.secret !== undefined, 'the secret was never shown');
    expect(flow.requests).to.deep.equal(['POST /credentials/secret/reveal']);
  });

  for (const [why, lose] of [
    ['the window loses focus', () => window.dispatchEvent(new Event('blur'))],
    [
      'the page is hidden',
      () => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
        document.dispatchEvent(new Event('visibilitychange'));
        delete (document as { visibilityState?: string }).visibilityState;
      },
    ],
  ] as const) {
    it(`masks the secret when ${why}`, async () => {
      const flow = await mountReveal();
      await show(flow);
      lose();
      await flow.host.updateComplete;
      expect(flow.flow.secret).to.equal(undefined);
      expect(secretPart(flow)).to.match(/^dskey_•+/);
    });
  }

  it('masks the secret by itself after reveal-timeout', async () => {
    const flow = await mountReveal(0.1);
    await show(flow);
    await waitUntil(() => secretPart(flow).startsWith('dskey_•'), 'the secret stayed on screen');
  });

  it('masks it, and drops the button, when revealing is no longer allowed', async () => {
    const flow = await mountReveal();
    await show(flow);
    settings.allowed = false;
    flow.host.requestUpdate();
    await flow.host.updateComplete;
    expect(flow.flow.secret).to.equal(undefined);
    expect(allByPart(flow.host, 'reveal-button')).to.have.length(0);
  });

  it('a Show cut short by Hide shows nothing, and reports nothing', async () => {
    const flow = await mountReveal();
    byPart(flow.host, 'reveal-button').click();
    flow.flow.hide();
    await flow.account.call('GET', '/credentials');
    await flow.host.updateComplete;
    expect(flow.flow.secret).to.equal(undefined);
    expect(findInDom(await currentSecret(flow))).to.deep.equal([]);
    expect(allByPart(flow.host, 'error')).to.have.length(0);
  });

  it('stops listening for blur and page visibility once disconnected', async () => {
    const flow = await mountReveal();
    await show(flow);
    flow.host.remove();
    const shown = flow.flow.secret;
    window.dispatchEvent(new Event('blur'));
    expect(flow.flow.secret).to.equal(shown);
    flow.flow.hide();
  });
});
