/**
 * Harnesses: a test drives an element by its parts as a user would (`keyPanel.reset({ phrase, grace })`) instead of
 * writing the clicks out, and reads it back by part. One per element; every action waits until the element and
 * everything it rendered has settled.
 */
import { fixture, html, oneEvent } from '@open-wc/testing';
import { nothing } from 'lit';
import { sendKeys } from '@web/test-runner-commands';
import type { CredentialsBackend } from '../../src/backend/credentials-backend.js';
import type { IposKeyPanel } from '../../src/elements/key-panel/ipos-key-panel.js';
import type { IposTokenGenerator } from '../../src/elements/token-generator/ipos-token-generator.js';
import { allByPart, byPart, settle } from './fixtures.js';
import type { ReferenceSession } from './reference-session.js';
import { waitUntil } from './wait.js';

/** What every ipos element offers a test: its parts, their text, clicks and the live region. */
export class Harness<E extends HTMLElement = HTMLElement> {
  constructor(readonly element: E) {}

  /** The one element with the part (through nested shadow roots); fails when there is none or more. */
  part<T extends HTMLElement = HTMLElement>(name: string): T {
    return byPart(this.element, name) as T;
  }

  parts(name: string): HTMLElement[] {
    return allByPart(this.element, name);
  }

  has(name: string): boolean {
    return this.parts(name).length > 0;
  }

  /** A part's text, white space folded. */
  text(name: string): string {
    return this.part(name).textContent?.replace(/\s+/g, ' ').trim() ?? '';
  }

  async click(name: string): Promise<void> {
    this.part(name).click();
    await this.settle();
  }

  /** What the live region says. */
  get status(): string {
    return this.text('status');
  }

  async waitForStatus(expected: string): Promise<void> {
    await waitUntil(() => this.status.includes(expected), `status never said "${expected}" (was "${this.status}")`);
  }

  /** Waits until the part is on screen. */
  async waitFor(name: string, message = `no ${name}`): Promise<void> {
    await waitUntil(() => this.has(name), message);
    await this.settle();
  }

  /** The part name of what has focus inside the element (names, not nodes, so failures report cleanly). */
  get focusedPart(): string | null {
    return this.element.shadowRoot!.activeElement?.getAttribute('part') ?? null;
  }

  settle(): Promise<void> {
    return settle(this.element);
  }
}

export interface KeyPanelOptions {
  backend?: CredentialsBackend;
  allowReveal?: boolean;
  revealTimeout?: number;
  feedbackDuration?: number;
  graceOptions?: string;
  confirmPhrase?: string;
  locale?: string;
}

/** `<ipos-key-panel>`. */
export class KeyPanelHarness extends Harness<IposKeyPanel> {
  /** A key panel acting for the session's account, once its credentials (or its error) are on screen. */
  static async mount(session: ReferenceSession, options: KeyPanelOptions = {}): Promise<KeyPanelHarness> {
    const element = await fixture<IposKeyPanel>(
      html`<ipos-key-panel
        user-role=${session.role}
        .backend=${options.backend ?? session.backend()}
        ?allow-reveal=${options.allowReveal}
        reveal-timeout=${options.revealTimeout ?? nothing}
        feedback-duration=${options.feedbackDuration ?? nothing}
        reset-grace-options=${options.graceOptions ?? nothing}
        confirm-phrase=${options.confirmPhrase ?? nothing}
        locale=${options.locale ?? nothing}
      ></ipos-key-panel>`,
    );
    const panel = new KeyPanelHarness(element);
    await waitUntil(() => !panel.has('skeleton') || panel.has('error'), 'credentials did not load');
    await panel.settle();
    return panel;
  }

  get dialog(): HTMLDialogElement {
    return this.part<HTMLDialogElement>('dialog');
  }

  get revokeDialog(): HTMLDialogElement {
    return this.part<HTMLDialogElement>('revoke-dialog');
  }

  /** The reset dialog's choices of grace window, as shown. */
  get graceChoices(): { label: string; checked: boolean }[] {
    return [...this.part('grace-options').querySelectorAll('label')].map((label) => ({
      label: label.textContent!.replace(/\s+/g, ' ').trim(),
      checked: label.querySelector('input')!.checked,
    }));
  }

  /** Opens the reset confirmation and, when given, picks the grace window of `grace` minutes and types `phrase`. */
  async openReset({ phrase, grace }: { phrase?: string; grace?: number } = {}): Promise<void> {
    await this.click('reset-button');
    if (grace !== undefined) {
      const choice = this.part('grace-options').querySelector<HTMLInputElement>(`input[value="${grace}"]`);
      if (!choice) throw new Error(`the reset dialog offers no ${grace}-minute window`);
      choice.click();
      await this.settle();
    }
    if (phrase !== undefined) {
      this.part('confirm-phrase-input').focus();
      await sendKeys({ type: phrase });
      await this.settle();
    }
  }

  /** Resets the secret as a user does: Reset, the window and the phrase if given, then the confirmation. */
  async reset(options: { phrase?: string; grace?: number } = {}): Promise<void> {
    await this.openReset(options);
    await this.click('confirm-button');
  }

  /**
   * Presses Escape in an open dialog and waits for its `close` event: the browser closes the dialog at once and
   * fires `close` a task later, which is when the panel hands focus back.
   */
  async escape(dialog: HTMLDialogElement): Promise<void> {
    const closed = oneEvent(dialog, 'close');
    await sendKeys({ press: 'Escape' });
    await closed;
    await this.settle();
  }

  /** Ends the grace window as a user does: its Revoke button, then the confirmation. */
  async revokePrevious(): Promise<void> {
    await this.click('revoke-previous-button');
    await this.click('revoke-confirm-button');
  }
}

export interface TokenGeneratorOptions {
  expiresInMinutes?: string;
  autoRefresh?: boolean;
  refreshBefore?: number;
  tpn?: string;
}

/** `<ipos-token-generator>`. */
export class TokenGeneratorHarness extends Harness<IposTokenGenerator> {
  /** A token generator acting for the session's merchant, on a channel of its own, once its terminals show. */
  static async mount(session: ReferenceSession, options: TokenGeneratorOptions = {}): Promise<TokenGeneratorHarness> {
    const element = await fixture<IposTokenGenerator>(
      html`<ipos-token-generator
        user-role="merchant"
        .backend=${session.backend()}
        .channelName=${`test-${session.id}`}
        expires-in-minutes=${options.expiresInMinutes ?? nothing}
        ?auto-refresh=${options.autoRefresh}
        refresh-before=${options.refreshBefore ?? nothing}
        tpn=${options.tpn ?? nothing}
      ></ipos-token-generator>`,
    );
    const generator = new TokenGeneratorHarness(element);
    await waitUntil(() => !generator.has('skeleton'), 'terminals did not load');
    await generator.settle();
    return generator;
  }

  get select(): HTMLSelectElement {
    return this.part<HTMLSelectElement>('tpn-select');
  }

  /** Picks a terminal as a user does. */
  async selectTpn(tpn: string): Promise<void> {
    this.select.value = tpn;
    this.select.dispatchEvent(new Event('change'));
    await this.settle();
  }
}
