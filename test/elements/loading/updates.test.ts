/**
 * One update per element for each thing it shows: a preloaded first paint is its last (each element updates once,
 * with the data and not busy); a screen that loads its data paints its placeholders once, then the data once. A
 * second update of the same thing (a load's bookkeeping settling after the paint) is work the page pays for nothing.
 * The token generator and the activity trail load their code on demand (`./define`): on a page that has not fetched
 * it yet they paint their placeholder first. A hydrated screen is counted in test/e2e/dev-mode.spec.ts.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { ReactiveElement } from 'lit';
import '../../../src/define.js';
import type { ActivityPage, Credentials, Terminal } from '../../../src/contract/schemas.js';
import type { IposCredentials } from '../../../src/elements/credentials/ipos-credentials.js';
import { allByPart, byPart, settle } from '../../support/fixtures.js';
import { ReferenceSession } from '../../support/reference-session.js';
import { waitUntil } from '../../support/wait.js';

/** What an element shows: its shadow DOM's elements, attributes and text (Lit's marker comments left out). */
function shown(element: HTMLElement): string {
  const parts: string[] = [];
  const visit = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
    if (node instanceof Element) {
      parts.push(`<${node.localName}${[...node.attributes].map((a) => ` ${a.name}="${a.value}"`).join('')}>`);
    }
    for (const child of node.childNodes) visit(child);
  };
  if (element.shadowRoot) visit(element.shadowRoot);
  return parts.join('');
}

/**
 * Counts the updates of every element by tag while `work` runs, and lists those that changed nothing on screen.
 */
async function countUpdates(work: () => Promise<void>): Promise<{ updates: Record<string, number>; idle: string[] }> {
  const updates: Record<string, number> = {};
  const idle: string[] = [];
  const prototype = ReactiveElement.prototype as unknown as { performUpdate(): void };
  const performUpdate = prototype.performUpdate;
  prototype.performUpdate = function (this: HTMLElement) {
    updates[this.localName] = (updates[this.localName] ?? 0) + 1;
    const before = shown(this);
    const result = performUpdate.call(this);
    if (shown(this) === before) idle.push(`${this.localName} #${updates[this.localName]}`);
    return result;
  };
  try {
    await work();
  } finally {
    prototype.performUpdate = performUpdate;
  }
  return { updates, idle };
}

/** The merchant screen from a preload script, mounted while counting every element's updates. */
async function preloadedScreen() {
  const session = new ReferenceSession('merchant');
  await session.call('POST', '/credentials');
  const credentials = (await session.call('GET', '/credentials')) as Credentials;
  const { terminals } = (await session.call('GET', '/terminals')) as { terminals: Terminal[] };
  const activity = (await session.call('GET', '/credentials/activity?limit=20')) as ActivityPage;
  const preload = JSON.stringify({ credentials, terminals, activity });
  const backend = session.backend();
  session.requests.length = 0;
  let element!: IposCredentials;
  const { updates, idle } = await countUpdates(async () => {
    element = await fixture<IposCredentials>(
      html`<ipos-credentials user-role="merchant" .backend=${backend}
        ><script type="application/json" data-ipos-initial>
          ${preload}
        </script></ipos-credentials
      >`,
    );
    await settle(element);
  });
  return { element, updates, idle, credentials, requests: session.requests };
}

/** Every panel shows its data, not busy, with no skeleton left; the keys are the preload's; nothing was requested. */
function expectDataShown({ element, credentials, requests }: Awaited<ReturnType<typeof preloadedScreen>>) {
  const panels = [...element.shadowRoot!.querySelectorAll('ipos-key-panel, ipos-token-generator, ipos-key-activity')];
  for (const panel of panels) {
    expect(allByPart(panel, 'skeleton'), panel.localName).to.have.length(0);
    const card = panel.shadowRoot!.querySelector('[part~="base"]')!;
    expect(card.getAttribute('aria-busy'), panel.localName).to.equal('false');
  }
  expect(byPart(element, 'api-key').textContent).to.equal(credentials.keys!.apiKey);
  expect(requests).to.deep.equal([]);
}

// In this order: the first test runs before the page has fetched the lazy panels' modules, the second after.
describe('a preloaded first paint', () => {
  it('paints the keys in one update; the lazy panels paint their placeholder, then their data once their module is here', async () => {
    const screen = await preloadedScreen();
    expect(screen.updates).to.deep.equal({
      'ipos-credentials': 1,
      'ipos-key-panel': 1,
      'ipos-scope-list': 1,
      'ipos-key-activity': 2,
      'ipos-token-generator': 2,
    });
    expectDataShown(screen);
    expect(screen.idle).to.deep.equal([]);
  });

  it('updates each element of the merchant screen once when the modules are here (./hydrate, or a later screen)', async () => {
    const screen = await preloadedScreen();
    expect(screen.updates).to.deep.equal({
      'ipos-credentials': 1,
      'ipos-key-panel': 1,
      'ipos-scope-list': 1,
      'ipos-key-activity': 1,
      'ipos-token-generator': 1,
    });
    expectDataShown(screen);
    expect(screen.idle).to.deep.equal([]);
  });
});

describe('a loaded first paint', () => {
  it('paints each placeholder once, then each panel’s data once: no update repeats what is on screen', async () => {
    const session = new ReferenceSession('merchant');
    await session.call('POST', '/credentials');
    let element!: IposCredentials;
    const { updates, idle } = await countUpdates(async () => {
      element = await fixture<IposCredentials>(
        html`<ipos-credentials user-role="merchant" .backend=${session.backend()}></ipos-credentials>`,
      );
      await waitUntil(
        () => allByPart(element, 'tpn-select').length === 1 && allByPart(element, 'event').length > 0,
        'the screen did not load',
      );
      await settle(element);
    });
    expect(updates).to.deep.equal({
      'ipos-credentials': 1,
      'ipos-key-panel': 2,
      'ipos-scope-list': 1,
      'ipos-key-activity': 2,
      'ipos-token-generator': 2,
    });
    expect(idle).to.deep.equal([]);
    expect(byPart(element, 'api-key').textContent).to.match(/^dakey_/);
  });
});
