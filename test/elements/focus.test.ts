/**
 * Keyboard focus after an action that replaces or leaves behind the control it was on (WCAG 2.4.3): Enter on
 * Generate Keys, Generate Token, a confirmed reset or revoke puts focus on the most useful control of the new state
 * (docs/embedding.md#focus), never on the page's body; Escape returns it to the control that opened a dialog.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/define.js';
import type { IposCredentials } from '../../src/elements/credentials/ipos-credentials.js';
import { allByPart, byPart, settle } from '../support/fixtures.js';
import { KeyPanelHarness, TokenGeneratorHarness, type Harness } from '../support/harness.js';
import { EventLog } from '../support/leak-scan.js';
import { ReferenceSession } from '../support/reference-session.js';
import { waitUntil } from '../support/wait.js';

const events = EventLog.eachTest();

/** Focuses a part as a keyboard user would reach it, and presses Enter on it. */
async function enterOn(harness: Harness, part: string): Promise<void> {
  harness.part(part).focus();
  expect(harness.focusedPart).to.equal(part);
  await sendKeys({ press: 'Enter' });
}

/** Whether the confirmation is open: false while its module is still on its way (it loads after the keys). */
function dialogOpen(harness: Harness, part: 'dialog' | 'revoke-dialog'): boolean {
  return harness.parts(part).some((dialog) => (dialog as HTMLDialogElement).open);
}

/** The part name of the focused element, through every shadow root; `body` when focus fell to the page. */
function focusedPart(): string {
  let focused = document.activeElement;
  while (focused?.shadowRoot?.activeElement) focused = focused.shadowRoot.activeElement;
  return focused === document.body ? 'body' : (focused?.getAttribute('part') ?? focused?.localName ?? 'nothing');
}

async function keysOf(role: 'merchant' | 'iso', graceMinutes?: number) {
  const session = new ReferenceSession(role);
  await session.call('POST', '/credentials');
  if (graceMinutes !== undefined) await session.resetSecret(graceMinutes);
  return session;
}

describe('focus after an action', () => {
  it('Enter on Generate Keys puts focus on Copy API Key', async () => {
    const panel = await KeyPanelHarness.mount(new ReferenceSession('merchant'));
    await enterOn(panel, 'generate-button');
    await waitUntil(() => events.of('ipos-keys-generated').length === 1, 'no keys generated');
    await waitUntil(() => panel.focusedPart === 'copy-api-key', `focus went to ${focusedPart()}`);
    expect(document.activeElement).to.equal(panel.element);
  });

  it('inside the provider’s screen too: Copy API Key, not the page', async () => {
    const session = new ReferenceSession('iso');
    const element = await fixture<IposCredentials>(
      html`<ipos-credentials user-role="iso" .backend=${session.backend()}></ipos-credentials>`,
    );
    // The keys load over HTTP after the first render: wait for what they bring, not for the renders.
    await waitUntil(() => allByPart(element, 'generate-button').length === 1, 'Generate Keys not shown');
    await settle(element);
    byPart(element, 'generate-button').focus();
    expect(focusedPart()).to.equal('generate-button');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focusedPart() === 'copy-api-key', `focus went to ${focusedPart()}`);
  });

  it('a confirmed reset puts focus on Copy Secret Key, for the new secret', async () => {
    const panel = await KeyPanelHarness.mount(await keysOf('iso'));
    await enterOn(panel, 'reset-button');
    await waitUntil(() => dialogOpen(panel, 'dialog'), 'the dialog did not open');
    await enterOn(panel, 'confirm-button');
    await waitUntil(() => events.of('ipos-secret-reset').length === 1, 'no reset');
    await waitUntil(() => panel.focusedPart === 'copy-secret-key', `focus went to ${focusedPart()}`);
  });

  it('Escape in the reset dialog returns focus to Reset, and nothing is reset', async () => {
    const session = await keysOf('iso');
    const panel = await KeyPanelHarness.mount(session);
    await enterOn(panel, 'reset-button');
    await waitUntil(() => dialogOpen(panel, 'dialog'), 'the dialog did not open');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => panel.focusedPart === 'reset-button', `focus went to ${focusedPart()}`);
    expect(session.requests).not.to.include('POST /credentials/secret/reset');
  });

  it('a confirmed revoke puts focus on Reset, the next control, once its own button went with the window', async () => {
    const panel = await KeyPanelHarness.mount(await keysOf('merchant', 60), { graceOptions: '0,60' });
    await enterOn(panel, 'revoke-previous-button');
    await waitUntil(() => dialogOpen(panel, 'revoke-dialog'), 'the dialog did not open');
    await enterOn(panel, 'revoke-confirm-button');
    await waitUntil(() => events.of('ipos-previous-secret-revoked').length === 1, 'no revoke');
    await waitUntil(() => panel.focusedPart === 'reset-button', `focus went to ${focusedPart()}`);
  });

  it('Enter on Generate Token puts focus on Copy Token, for the first token and for a new one', async () => {
    const generator = await TokenGeneratorHarness.mount(new ReferenceSession('merchant'));
    await enterOn(generator, 'generate-button');
    await waitUntil(() => generator.focusedPart === 'copy-token', `focus went to ${focusedPart()}`);
    await enterOn(generator, 'generate-button');
    await waitUntil(() => events.of('ipos-token-generated').length === 2, 'no second token');
    await waitUntil(() => generator.focusedPart === 'copy-token', `focus went to ${focusedPart()}`);
  });

  it('focus the user moved on while the answer came stays where the user put it', async () => {
    const session = await keysOf('iso');
    const backend = session.backend();
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const resetSecret = backend.resetSecret.bind(backend);
    backend.resetSecret = async (options) => {
      await answered;
      return resetSecret(options);
    };
    const panel = await KeyPanelHarness.mount(session, { backend });
    await enterOn(panel, 'reset-button');
    await enterOn(panel, 'confirm-button');
    panel.part('copy-api-key').focus();
    answer();
    await waitUntil(() => events.of('ipos-secret-reset').length === 1, 'no reset');
    await panel.settle();
    expect(panel.focusedPart).to.equal('copy-api-key');
  });
});
