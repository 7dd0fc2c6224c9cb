import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import type { Credentials } from '../../contract/bodies.js';
import { formatMoment, formatRelative } from '../../i18n/time.js';
import { dispatchIposEvent } from '../events.js';
import { isAbort } from '../internal/failure.js';
import { focusLost, handFocus } from '../internal/focus.js';
import { Ticker } from '../internal/ticker.js';
import { partOf, type KeyPanelPort } from './key-panel-port.js';

/** When the previous secret stops working (epoch ms), while that is still ahead; a backend that does not say: never. */
export function previousSecretEnds(credentials: Credentials | undefined): number | undefined {
  const ends = Date.parse(credentials?.keys?.previousSecretValidUntil ?? '');
  return ends > Date.now() ? ends : undefined;
}

/**
 * The grace window after a reset: when the previous secret stops working, counting down once a second while it is on
 * screen, and its "Revoke previous secret now" button with its confirmation (a native modal `<dialog>`) that ends
 * the window at once; focus goes back to the button, or to Reset once the button has gone with the window.
 */
export class RevokeDialog implements ReactiveController {
  /** Counts down the window, once a second and only while it is open and on screen. */
  private readonly ticker: Ticker;

  constructor(private readonly port: KeyPanelPort) {
    port.host.addController(this);
    this.ticker = new Ticker(port.host);
  }

  hostUpdate(): void {
    const windowOpen = this.ends() !== undefined;
    this.ticker.running = windowOpen;
    // A window that ended (by time, or in another panel) leaves nothing to confirm a revoke of.
    if (!windowOpen && this.dialog?.open) this.dialog.close();
  }

  /** "The previous secret key stops working in 59 minutes (…)", and its Revoke button, during a grace window only. */
  renderWindow(): TemplateResult | typeof nothing {
    const { t, session } = this.port;
    let ends = this.ends();
    // Hydrating, the server's DOM decides: the page's clock may disagree with the server's, the page's backend may
    // have no revoke. The update after hydration follows the page.
    const shown = this.port.shows('[part~="previous-secret"]', ends !== undefined);
    if (shown !== (ends !== undefined)) ends = shown ? Date.now() : undefined;
    if (ends === undefined) return nothing;
    const canRevoke = this.port.shows('[part~="revoke-previous-button"]', session()?.canRevokePreviousSecret === true);
    const locale = this.port.locale();
    const revoking = session()?.state.mutation === 'revoke-previous';
    const line = t('keys.previousValidUntil', {
      relative: formatRelative(ends - Date.now(), locale),
      time: formatMoment(new Date(ends).toISOString(), locale),
    });
    return html`<div class="previous-secret">
      <p class="meta" part="previous-secret">${line}</p>
      ${
        canRevoke
          ? html`<button
              type="button"
              class="danger"
              part="revoke-previous-button"
              aria-disabled=${revoking ? 'true' : nothing}
              @click=${this.open}
            >
              ${revoking ? t('keys.revokingPrevious') : t('keys.revokePrevious')}
            </button>`
          : nothing
      }
    </div>`;
  }

  render(): TemplateResult {
    const { t } = this.port;
    return html`<dialog
      class="dialog"
      part="revoke-dialog"
      aria-labelledby="revoke-title"
      aria-describedby="revoke-warning"
      @close=${this.restoreFocus}
    >
      <h3 class="dialog-title" id="revoke-title">${t('keys.revokeTitle')}</h3>
      <p class="dialog-warning" id="revoke-warning">${t('keys.revokeWarning')}</p>
      <div class="actions">
        <button type="button" part="revoke-cancel-button" autofocus @click=${this.close}>
          ${t('keys.resetCancel')}
        </button>
        <button
          type="button"
          class="danger primary"
          part="revoke-confirm-button"
          ?disabled=${this.port.session()?.state.mutation === 'revoke-previous'}
          @click=${this.confirm}
        >
          ${t('keys.revokeConfirm')}
        </button>
      </div>
    </dialog>`;
  }

  private ends(): number | undefined {
    return previousSecretEnds(this.port.session()?.state.credentials);
  }

  private get dialog(): HTMLDialogElement | null {
    return partOf(this.port, 'revoke-dialog');
  }

  private readonly open = (): void => {
    if (this.port.session()?.state.mutation || this.dialog?.open) return;
    this.dialog?.showModal();
  };

  readonly close = (): void => {
    this.dialog?.close();
  };

  /** Back to the button that opened the dialog (or Reset, once that went with the window), unless focus moved on. */
  private readonly restoreFocus = (): void => {
    if (focusLost()) (partOf(this.port, 'revoke-previous-button') ?? partOf(this.port, 'reset-button'))?.focus();
  };

  private readonly confirm = async (): Promise<void> => {
    // Only a confirmation the user saw counts, and only once: the dialog closes on the first click.
    if (!this.dialog?.open || this.port.session()?.state.mutation) return;
    this.close();
    // Now, not at the dialog's `close` event a task later: the revoke's answer may come first and move it on.
    this.restoreFocus();
    await this.revoke();
  };

  /** Ends the grace window; an answer for an account left meanwhile is dropped by its session. */
  private readonly revoke = async (): Promise<void> => {
    const session = this.port.session();
    if (!session || session.state.mutation) return;
    const { feedback, host } = this.port;
    feedback.clearFailure();
    try {
      const credentials = await session.revokePreviousSecret();
      feedback.announce(this.port.t('keys.revokeDone'));
      if (credentials.keys) {
        const { apiKey, secretKeyHint } = credentials.keys;
        dispatchIposEvent(host, 'ipos-previous-secret-revoked', { apiKey, secretKeyHint });
      }
      // The button that had focus is gone with the window: focus goes to the next action, not to the page.
      await host.updateComplete;
      if (host.renderRoot) handFocus(host.renderRoot, 'revoke-previous-button', 'reset-button');
    } catch (error) {
      if (!isAbort(error)) feedback.fail('revoke-previous-secret', error, this.revoke);
    }
  };
}
