/**
 * Fuzzed bad answers through the elements, over real HTTP: the reference backend answers a forced 200
 * with a generated invalid body; the element shows its invalid-response error, renders nothing of the
 * body (no markup, no value), and nothing crashes. Deterministic: a fixed seed.
 */
import { expect, fixture, html } from '@open-wc/testing';
import fc from 'fast-check';
import '../../../src/define.js';
import type { IposKeyPanel } from '../../../src/elements/key-panel/ipos-key-panel.js';
import type { ErrorDetail } from '../../../src/elements/events.js';
import { en } from '../../../src/i18n/en.js';
import { badBody, valuesIn } from '../../support/bad-bodies.js';
import { UncaughtLog } from '../../support/fault-kit.js';
import { allByPart, settle } from '../../support/fixtures.js';
import { EventLog, findInDom } from '../../support/leak-scan.js';
import { ReferenceSession } from '../../support/reference-session.js';
import { engineLabel } from '../../support/engine.js';
import { waitUntil } from '../../support/wait.js';

const SEED = 424_242;
const RUNS = 60;

const TARGETS = [
  { name: 'key panel: load', kind: 'credentials', route: 'GET /credentials', action: 'load-credentials' },
  { name: 'key panel: reveal', kind: 'secret', route: 'POST /credentials/secret/reveal', action: 'reveal-secret' },
  { name: 'token generator: load', kind: 'terminals', route: 'GET /terminals', action: 'load-terminals' },
] as const;

let tried = 0;
after(() =>
  console.log(`[reliability] fuzz (elements, ${engineLabel}): ${tried} invalid bodies rendered, none as markup`),
);

describe('elements with fuzzed invalid answers', () => {
  it(`show an invalid-response error for ${RUNS} generated bodies and render none of them`, async function () {
    this.timeout(60_000);
    const session = new ReferenceSession('merchant');
    await session.call('POST', '/credentials');
    const backend = session.backend();
    const arbitrary = fc.oneof(
      ...TARGETS.map((target) =>
        badBody(target.kind)
          // The control route takes at most 16 KiB; the Node fuzz covers the huge bodies.
          .filter((text) => text.length < 12_000)
          .map((text) => ({ target, text })),
      ),
    );
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ target, text }) => {
        const events = new EventLog();
        const uncaught = new UncaughtLog();
        try {
          let element: HTMLElement;
          if (target.action === 'reveal-secret') {
            element = await fixture<IposKeyPanel>(
              html`<ipos-key-panel user-role="merchant" allow-reveal .backend=${backend}></ipos-key-panel>`,
            );
            await waitUntil(() => allByPart(element, 'reveal-button').length === 1, 'keys did not load');
            await session.force({ [target.route]: { status: 200, body: text, times: 1 } });
            allByPart(element, 'reveal-button')[0].click();
          } else {
            await session.force({ [target.route]: { status: 200, body: text, times: 1 } });
            element = await fixture(
              target.action === 'load-credentials'
                ? html`<ipos-key-panel user-role="merchant" .backend=${backend}></ipos-key-panel>`
                : html`<ipos-token-generator
                    user-role="merchant"
                    .backend=${backend}
                    .channelName=${false}
                  ></ipos-token-generator>`,
            );
          }
          await waitUntil(() => events.of('ipos-error').length > 0, `${target.name}: no ipos-error`);
          await settle(element);
          const message = `${en[`failed.${target.action}`]} ${en['reason.invalid-response']}`;
          expect(events.of<ErrorDetail>('ipos-error')).to.deep.equal([
            { code: 'invalid-response', action: target.action, message },
          ]);
          expect(allByPart(element, 'error').map((node) => node.textContent)).to.satisfy((texts: string[]) =>
            texts.some((t) => t.includes(message)),
          );
          expect(element.shadowRoot!.querySelector('img, script, svg')).to.equal(null);
          for (const value of valuesIn(text))
            expect(findInDom(value), `rendered ${value.slice(0, 40)}`).to.deep.equal([]);
          expect((window as { __pwned?: unknown }).__pwned).to.equal(undefined);
          expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
          expect(uncaught.errors).to.deep.equal([]);
          element.remove();
          tried += 1;
        } finally {
          events.dispose();
          uncaught.dispose();
          await session.clearFaults();
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
