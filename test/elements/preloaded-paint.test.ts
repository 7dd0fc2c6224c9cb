/**
 * A preloaded screen's first paint is its last: each element updates once, with the data and not busy. A second
 * update of the same data (a load's bookkeeping settling after the paint) is work a server-rendered or preloaded
 * page pays for nothing, before the keys are interactive.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { ReactiveElement } from 'lit';
import '../../src/define.js';
import type { ActivityPage, Credentials, Terminal } from '../../src/contract/schemas.js';
import type { IposCredentials } from '../../src/elements/credentials/ipos-credentials.js';
import { allByPart, byPart, settle } from '../support/fixtures.js';
import { ReferenceSession } from '../support/reference-session.js';

/** Counts the updates of every element by tag while `work` runs. */
async function countUpdates(work: () => Promise<void>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const prototype = ReactiveElement.prototype as unknown as { performUpdate(): void };
  const performUpdate = prototype.performUpdate;
  prototype.performUpdate = function (this: HTMLElement) {
    counts[this.localName] = (counts[this.localName] ?? 0) + 1;
    return performUpdate.call(this);
  };
  try {
    await work();
  } finally {
    prototype.performUpdate = performUpdate;
  }
  return counts;
}

describe('a preloaded first paint', () => {
  it('updates each element of the merchant screen once, showing the data, not busy, with no request', async () => {
    const session = new ReferenceSession('merchant');
    await session.call('POST', '/credentials');
    const credentials = (await session.call('GET', '/credentials')) as Credentials;
    const { terminals } = (await session.call('GET', '/terminals')) as { terminals: Terminal[] };
    const activity = (await session.call('GET', '/credentials/activity?limit=20')) as ActivityPage;
    const preload = JSON.stringify({ credentials, terminals, activity });
    const backend = session.backend();
    session.requests.length = 0;
    let element!: IposCredentials;

    const updates = await countUpdates(async () => {
      element = await fixture<IposCredentials>(
        html`<ipos-credentials user-role="merchant" .backend=${backend}
          ><script type="application/json" data-ipos-initial>
            ${preload}
          </script></ipos-credentials
        >`,
      );
      await settle(element);
    });

    expect(updates).to.deep.equal({
      'ipos-credentials': 1,
      'ipos-key-panel': 1,
      'ipos-scope-list': 1,
      'ipos-key-activity': 1,
      'ipos-token-generator': 1,
    });
    const panels = [...element.shadowRoot!.querySelectorAll('ipos-key-panel, ipos-token-generator, ipos-key-activity')];
    for (const panel of panels) {
      expect(allByPart(panel, 'skeleton'), panel.localName).to.have.length(0);
      const card = panel.shadowRoot!.querySelector('[part~="base"]')!;
      expect(card.getAttribute('aria-busy'), panel.localName).to.equal('false');
    }
    expect(byPart(element, 'api-key').textContent).to.equal(credentials.keys!.apiKey);
    expect(session.requests).to.deep.equal([]);
  });
});
