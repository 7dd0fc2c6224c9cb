import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import { formatDuration, formatMoment } from '../../i18n/time.js';
import { graceOptions } from '../../options/grace-options.js';
import { dispatchIposEvent } from '../events.js';
import { isAbort } from '../internal/failure.js';
import { focusLost, handFocus } from '../internal/focus.js';
import { partOf, type DialogFlow, type KeyPanelPort, type ResetDialogOptions } from './key-panel-port.js';
import { previousSecretEnds } from './grace-window.js';

/**
 * The reset of the secret key: its confirmation (a native modal `<dialog>` that says what the reset breaks), the
 * choice of grace window, the typed phrase and the host's `beforeReset`; the request, sent once however often it is
 * clicked or retried (a retry reuses its `Idempotency-Key`); and focus back on Reset, then on to the new secret's
 * Copy. A module of its own, loaded with the key panel's other dialogs once the keys are on screen: the panel renders
 * the Reset button.
 */
export class ResetDialog implements ReactiveController, DialogFlow {
  /** `reset-grace-options`, checked: the minutes the dialog offers, in order. */
  private choices: number[] = [];
  /** The `reset-grace-options` the choices were read from. */
  private readFrom?: string | null = null;
  /** The grace window chosen in the open dialog, in minutes. */
  private minutes = 0;
  /** What the user typed into the confirm-phrase field. */
  private typed = '';

  constructor(
    private readonly port: KeyPanelPort,
    private readonly options: ResetDialogOptions,
  ) {
    port.host.addController(this);
  }

  /**
   * The dialog's controls show its state after every update, compared with what they show now, not with what was last
   * rendered (the user changes them between updates): `live()` in effect, without its 0.9 KB on every page.
   */
  hostUpdated(): void {
    const dialog = this.dialog;
    if (!dialog) return;
    for (const radio of dialog.querySelectorAll<HTMLInputElement>('input[type="radio"]'))
      radio.checked = Number(radio.value) === this.minutes;
    const phrase = partOf<HTMLInputElement>(this.port, 'confirm-phrase-input');
    if (phrase && phrase.value !== this.typed) phrase.value = this.typed;
  }

  hostUpdate(): void {
    const written = this.options.graceOptions();
    if (written === this.readFrom) return;
    this.readFrom = written;
    this.choices = graceOptions(written);
    // A window the dialog no longer offers is never sent: the first choice is taken, as on opening.
    if (!this.choices.includes(this.minutes)) this.minutes = this.choices[0] ?? 0;
  }

  render(): TemplateResult {
    const { t } = this.port;
    const phrase = this.options.confirmPhrase();
    return html`<dialog
      class="dialog"
      part="dialog"
      aria-labelledby="reset-title"
      aria-describedby="reset-warning"
      @close=${this.restoreFocus}
    >
      <h3 class="dialog-title" id="reset-title">${t('keys.resetTitle')}</h3>
      <p class="dialog-warning" id="reset-warning">
        ${
          this.choices.length && this.minutes > 0
            ? t('keys.resetWarningGrace', { duration: this.duration(this.minutes) })
            : t('keys.resetWarning')
        }
      </p>
      ${this.renderGraceChoice()}
      ${
        phrase
          ? html`<label class="field-label" for="confirm-phrase"> ${t('keys.confirmPhrase', { phrase })} </label>
              <input
                id="confirm-phrase"
                part="confirm-phrase-input"
                autocomplete="off"
                spellcheck="false"
                @input=${this.onPhraseInput}
              />`
          : nothing
      }
      <div class="actions">
        <button type="button" part="cancel-button" autofocus @click=${this.close}>${t('keys.resetCancel')}</button>
        <button
          type="button"
          class="danger primary"
          part="confirm-button"
          ?disabled=${this.port.session()?.state.mutation === 'reset' || !this.phraseMatches()}
          @click=${this.confirm}
        >
          ${t('keys.resetConfirm')}
        </button>
      </div>
    </dialog>`;
  }

  /** The dialog's choice of grace window, with `reset-grace-options` only. */
  private renderGraceChoice() {
    if (!this.choices.length) return nothing;
    const { t } = this.port;
    return html`<fieldset class="grace" part="grace-options">
      <legend class="field-label">${t('keys.graceLegend')}</legend>
      ${this.choices.map(
        (minutes) =>
          html`<label class="grace-option">
            <input type="radio" name="grace-minutes" .value=${String(minutes)} @change=${this.onGraceChange} />
            ${minutes === 0 ? t('keys.graceImmediately') : t('keys.graceIn', { duration: this.duration(minutes) })}
          </label>`,
      )}
    </fieldset>`;
  }

  private duration(minutes: number): string {
    return formatDuration(minutes, this.port.locale());
  }

  private get dialog(): HTMLDialogElement | null {
    return partOf(this.port, 'dialog');
  }

  readonly open = (): void => {
    if (this.port.session()?.state.mutation) return;
    this.typed = '';
    this.minutes = this.choices[0] ?? 0;
    this.port.host.requestUpdate();
    this.dialog?.showModal();
  };

  readonly close = (): void => {
    this.dialog?.close();
  };

  /** Back to Reset when the dialog closes, unless the reset's answer already moved focus on to its Copy. */
  private readonly restoreFocus = (): void => {
    if (focusLost()) partOf(this.port, 'reset-button')?.focus();
  };

  private readonly onGraceChange = (event: Event): void => {
    this.minutes = Number((event.target as HTMLInputElement).value);
    this.port.host.requestUpdate();
  };

  private readonly onPhraseInput = (event: Event): void => {
    this.typed = (event.target as HTMLInputElement).value;
    this.port.host.requestUpdate();
  };

  private phraseMatches(): boolean {
    const phrase = this.options.confirmPhrase();
    const normalise = (text: string) => text.normalize('NFC').trim();
    return !phrase || normalise(this.typed) === normalise(phrase);
  }

  private readonly confirm = async (): Promise<void> => {
    const session = this.port.session();
    // Only a confirmation the user saw counts: not a click on the closed dialog's button from a script.
    if (!this.dialog?.open || session?.state.mutation || !this.phraseMatches()) return;
    this.close();
    // Now, not at the dialog's `close` event a task later: the reset's answer may come first and move it on.
    this.restoreFocus();
    const hook = this.options.beforeReset();
    // A hook that throws, rejects or says anything but true cancels: a reset is only ever sent on a yes.
    const allowed =
      !hook ||
      (await Promise.resolve()
        .then(hook)
        .then(
          (answer) => answer === true,
          () => false,
        ));
    if (!allowed) {
      this.port.feedback.announce(this.port.t('keys.resetCancelled'));
      return;
    }
    // The account changed while the host asked: this confirmation was for the other one.
    if (session === this.port.session()) void this.reset(false);
  };

  /** A confirmed reset; `retry` repeats the last one with its key, so a retried reset happens once. */
  private async reset(retry: boolean): Promise<void> {
    const session = this.port.session();
    // A reset on its way is the one confirmed; a revoke on its way is waited for by the session, then this resets.
    if (!session || session.state.mutation === 'reset') return;
    const { feedback, t } = this.port;
    feedback.clearFailure();
    this.options.hideSecret();
    try {
      // Without reset-grace-options nothing changes: no window is asked for, and the request has no body.
      const graceMinutes = this.choices.length ? this.minutes : undefined;
      const credentials = await session.resetSecret({ retry, graceMinutes });
      const ends = previousSecretEnds(this.port.session()?.state.credentials);
      feedback.announce(
        ends === undefined
          ? t('keys.resetDone')
          : t('keys.resetDoneGrace', { time: formatMoment(new Date(ends).toISOString(), this.port.locale()) }),
      );
      if (credentials.keys) {
        const { apiKey, secretKeyHint, secretRotatedAt } = credentials.keys;
        dispatchIposEvent(this.port.host, 'ipos-secret-reset', { apiKey, secretKeyHint, secretRotatedAt });
      }
      // The new secret is what integrations need now: its Copy takes the focus Reset had.
      await this.port.host.updateComplete;
      const root = this.port.host.renderRoot;
      if (root) handFocus(root, 'reset-button', 'copy-secret-key');
    } catch (error) {
      // Cut short by a disconnect or an account change: nothing to say to this account.
      if (!isAbort(error)) feedback.fail('reset-secret', error, this.retry);
    }
  }

  private readonly retry = (): void => {
    void this.reset(true);
  };
}
