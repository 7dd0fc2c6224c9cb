import { html, type ReactiveController, type TemplateResult } from 'lit';
import { dispatchIposEvent } from '../events.js';
import { isAbort } from '../internal/failure.js';
import { focusLost, handFocus } from '../internal/focus.js';
import { previousSecretEnds } from './grace-window.js';
import { partOf, type DialogFlow, type KeyPanelPort } from './key-panel-port.js';

/**
 * The revoke of the previous secret: its confirmation (a native modal `<dialog>` that ends the grace window at once)
 * and the request; focus goes back to the Revoke button, or to Reset once the button has gone with the window. A
 * module of its own, loaded with the key panel's other dialogs once the keys are on screen.
 */
export class RevokeDialog implements ReactiveController, DialogFlow {
  constructor(private readonly port: KeyPanelPort) {
    port.host.addController(this);
  }

  hostUpdate(): void {
    // A window that ended (by time, or in another panel) leaves nothing to confirm a revoke of.
    if (previousSecretEnds(this.port.session()?.state.credentials) === undefined && this.dialog?.open) this.close();
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

  private get dialog(): HTMLDialogElement | null {
    return partOf(this.port, 'revoke-dialog');
  }

  readonly open = (): void => {
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
