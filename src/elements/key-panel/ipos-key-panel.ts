import { Task, TaskStatus, initialState } from '@lit/task';
import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { BackendError } from '../../backend/backend-error.js';
import { newIdempotencyKey } from '../../backend/idempotency-key.js';
import type { Credentials, Keys } from '../../contract/schemas.js';
import { dispatchIposEvent } from '../../events.js';
import { formatMoment } from '../../i18n/time.js';
import { controlStyles } from '../../styles/controls.js';
import { panelStyles } from '../../styles/panel.js';
import { themeStyles } from '../../styles/theme.js';
import { CopyFeedback } from '../shared/copy-feedback.js';
import { isAbort } from '../shared/failure.js';
import { defineElement } from '../shared/ipos-configurable.js';
import { IposElement } from '../shared/ipos-element.js';
import { PanelFeedback } from '../shared/panel-feedback.js';
import { keyPanelStyles } from './ipos-key-panel.styles.js';

/** A mutation in flight; at most one at a time, so double clicks never repeat it. */
type Mutation = 'generate' | 'reset';
type CopiedKey = 'apiKey' | 'secretKey';

const MASK = '••••••••••••••••••••••••••••';

/**
 * API Key and Secret Key of the signed-in admin: generate, show, mask, copy, reset.
 * While masked, the secret is nowhere in the DOM: the masked view is built from `secretKeyHint`;
 * the secret itself is fetched only inside a copy (or reveal) click and dropped right after.
 *
 * @summary The "Generate API & Secret Key" section of the iPOSpays settings screen.
 * @tag ipos-key-panel
 *
 * @fires {CustomEvent<KeysGeneratedDetail>} ipos-keys-generated - Keys were generated. Carries no secret.
 * @fires {CustomEvent<SecretResetDetail>} ipos-secret-reset - The secret was reset; the old one no longer works. Carries no secret.
 * @fires {CustomEvent<CopyDetail>} ipos-copy - A key was copied: `detail.field` is `apiKey` or `secretKey`.
 * @fires {CustomEvent<ErrorDetail>} ipos-error - Loading, generating, copying, revealing or resetting failed.
 *
 * @csspart base - The card; carries the theme.
 * @csspart scopes - The `<ipos-scope-list>` of what the keys can access.
 * @csspart api-key - The API key, in full.
 * @csspart secret-key - The secret key: masked (prefix, bullets, last 4) unless revealed.
 * @csspart copy-api-key - Copies the API key.
 * @csspart copy-secret-key - Copies the secret key (fetched for the copy, never kept).
 * @csspart reveal-button - Shows or hides the secret (only with `allow-reveal`).
 * @csspart skeleton - The placeholder, the size of the keys, shown while they load.
 * @csspart generate-button - Generates the keys when there are none.
 * @csspart reset-button - Opens the reset confirmation.
 * @csspart status - Live region for success and info messages.
 * @csspart error - What failed and why, with a Retry button when retrying can help.
 * @csspart retry-button - Runs the failed action again.
 * @csspart dialog - The reset confirmation (a native modal `<dialog>`).
 * @csspart confirm-button - Confirms the reset.
 * @csspart cancel-button - Cancels the reset.
 *
 * @cssproperty --ipos-color-primary - Primary buttons.
 * @cssproperty --ipos-color-danger - Reset and errors.
 * @cssproperty --ipos-color-success - Success messages.
 * @cssproperty --ipos-color-border - Card, fields and buttons.
 * @cssproperty --ipos-color-surface - Card and dialog background.
 * @cssproperty --ipos-font-family-mono - The keys.
 * @cssproperty --ipos-radius - Corners.
 * @cssproperty --ipos-space - Spacing unit.
 * @cssproperty --ipos-focus-ring - Focus indicator.
 */
export class IposKeyPanel extends IposElement {
  static override styles = [themeStyles, panelStyles, controlStyles, keyPanelStyles];

  static define(tag = 'ipos-key-panel', registry?: CustomElementRegistry): void {
    defineElement(tag, this, registry);
  }

  /** Adds a Show/Hide toggle for the secret. Without it the secret is never on screen, only copied. */
  @property({ type: Boolean, attribute: 'allow-reveal' }) allowReveal = false;

  /** Seconds until a revealed secret masks itself again. */
  @property({ type: Number, attribute: 'reveal-timeout' }) revealTimeout = 30;

  /** Milliseconds a copy button says "Copied" before returning to rest. */
  @property({ type: Number, attribute: 'feedback-duration' }) feedbackDuration = 2000;

  @state() private credentials?: Credentials;
  @state() private mutation?: Mutation;
  /** Only while revealed; cleared on timeout, page blur, disconnect, reset and role change. */
  @state() private revealedSecret?: string;

  @query('dialog') private dialog?: HTMLDialogElement;
  @query('[part~="reset-button"]') private resetButton?: HTMLButtonElement;

  private readonly feedback = new PanelFeedback(this);
  private readonly copyFeedback = new CopyFeedback<CopiedKey>(this, this.feedback, () => this.feedbackDuration);
  private revealTimer?: ReturnType<typeof setTimeout>;
  /** The key of the reset the user confirmed, reused by Retry so that a retried reset happens once. */
  private pendingResetKey?: string;
  private pendingGenerateKey?: string;
  /** The secret copy in flight, if any: further clicks meanwhile do not fetch the secret again. */
  private copyingSecret?: Promise<void>;
  /** Aborted on disconnect: requests the panel no longer needs end, leaving no timer or listener behind. */
  private lifetime = new AbortController();
  /** The load was cut short by a disconnect: run it again when the panel is connected again. */
  private loadInterrupted = false;

  private readonly load = new Task(this, {
    args: () => [this.activeBackend, this.activeRole] as const,
    task: async ([backend, role], { signal }) => {
      // Never show one account's keys while another's load: drop what was shown first.
      this.credentials = undefined;
      this.hideSecret();
      this.feedback.clearFailure();
      if (!backend || !role) return initialState;
      const credentials = await backend.getCredentials({ signal });
      this.credentials = credentials;
      return credentials;
    },
    onError: (error) => {
      if (isAbort(error)) return;
      const forbidden = error instanceof BackendError && error.code === 'forbidden';
      this.feedback.fail('load-credentials', error, () => this.load.run(), {
        message: forbidden ? this.t('keys.forbidden') : undefined,
      });
    },
  });

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.lifetime.signal.aborted) this.lifetime = new AbortController();
    if (this.loadInterrupted) {
      this.loadInterrupted = false;
      void this.load.run();
    }
    window.addEventListener('blur', this.hideSecret);
    document.addEventListener('visibilitychange', this.hideWhenPageHidden);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('blur', this.hideSecret);
    document.removeEventListener('visibilitychange', this.hideWhenPageHidden);
    this.hideSecret();
    if (this.load.status === TaskStatus.PENDING) {
      this.loadInterrupted = true;
      this.load.abort();
    }
    this.lifetime.abort(new DOMException('The panel was disconnected.', 'AbortError'));
    // A modal left open would keep the rest of the page inert after the panel is gone.
    this.dialog?.close();
  }

  /**
   * Runs the last failed action again — what the error's Retry button does — so that a host can
   * re-authenticate after an `ipos-error` with code `unauthenticated` (or wait after `rate-limited`)
   * and continue without asking the user to click again. A retried reset or generate reuses the
   * failed attempt's `Idempotency-Key`, so it never happens twice. A retried copy runs outside a
   * user gesture when called from code, so the browser may refuse the clipboard write (then the
   * panel shows a clipboard error and the user's own Retry click works).
   * @returns whether there was a retryable failure to run again.
   */
  retry(): boolean {
    return this.feedback.retry();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('allowReveal') && !this.allowReveal) this.hideSecret();
  }

  override render() {
    const problem = this.roleProblem() ?? (this.activeBackend ? undefined : this.t('backend.missing'));
    return html`<section
      class=${this.baseClasses}
      part="base"
      lang=${this.activeLocale}
      dir=${this.direction}
      aria-labelledby="heading"
      aria-busy=${this.load.status === TaskStatus.PENDING || this.mutation ? 'true' : 'false'}
    >
      <h2 class="heading" id="heading">${this.t('keys.heading')}</h2>
      ${problem ? html`<p class="error" part="error" role="alert">${problem}</p>` : this.renderBody()}
      ${this.feedback.renderStatus()} ${this.renderDialog()}
    </section>`;
  }

  private renderBody() {
    const credentials = this.credentials;
    if (!credentials) {
      if (this.feedback.failure?.action === 'load-credentials') return this.feedback.renderFailure();
      return html`<div class="skeleton" part="skeleton">
        <span class="visually-hidden">${this.t('keys.loading')}</span>
        <span class="skeleton-bar" aria-hidden="true"></span>
        <span class="skeleton-bar" aria-hidden="true"></span>
        <span class="skeleton-bar" aria-hidden="true"></span>
      </div>`;
    }
    return html`<p class="intro">${this.t('keys.intro')}</p>
      ${credentials.keys ? this.renderKeys(credentials.keys) : this.renderNoKeys()} ${this.feedback.renderFailure()}
      <ipos-scope-list
        part="scopes"
        .scopes=${credentials.scopes}
        .userRole=${this.activeRole}
        .strings=${this.strings}
        .locale=${this.locale}
        .theme=${this.activeTheme}
      ></ipos-scope-list>`;
  }

  private renderNoKeys() {
    const generating = this.mutation === 'generate';
    return html`<p class="meta">${this.t('keys.none')}</p>
      <div class="actions">
        <button type="button" class="primary" part="generate-button" ?disabled=${generating} @click=${this.generate}>
          ${generating ? this.t('keys.generating') : this.t('keys.generate')}
        </button>
      </div>`;
  }

  private renderKeys(keys: Keys) {
    const copied = this.copyFeedback.copied;
    const resetting = this.mutation === 'reset';
    const revealed = this.revealedSecret;
    return html`<dl class="keys">
        <div class="key">
          <dt class="key-label" id="api-key-label">${this.t('keys.apiKey')}</dt>
          <dd class="key-value">
            <code class="key-text" part="api-key" dir="ltr" aria-labelledby="api-key-label">${keys.apiKey}</code>
            <button type="button" part="copy-api-key" @click=${this.copyApiKey}>
              ${copied === 'apiKey' ? this.t('keys.copied') : this.t('keys.copyApiKey')}
            </button>
          </dd>
        </div>
        <div class="key">
          <dt class="key-label" id="secret-key-label">${this.t('keys.secretKey')}</dt>
          <dd class="key-value">
            ${
              revealed
                ? html`<code class="key-text" part="secret-key" dir="ltr" aria-labelledby="secret-key-label"
                    >${revealed}</code
                  >`
                : html`<code
                    class="key-text masked"
                    part="secret-key"
                    dir="ltr"
                    role="img"
                    aria-label=${this.t('keys.secretMasked', { hint: keys.secretKeyHint })}
                    >dskey_${MASK}${keys.secretKeyHint}</code
                  >`
            }
            ${
              this.allowReveal
                ? html`<button type="button" part="reveal-button" @click=${this.toggleReveal}>
                    ${revealed ? this.t('keys.hide') : this.t('keys.reveal')}<span class="visually-hidden">
                      ${this.t('keys.secretKey')}</span
                    >
                  </button>`
                : nothing
            }
            <button type="button" part="copy-secret-key" @click=${this.copySecretKey}>
              ${copied === 'secretKey' ? this.t('keys.copied') : this.t('keys.copySecretKey')}
            </button>
          </dd>
        </div>
      </dl>
      <p class="meta">
        ${this.t('keys.created', { date: this.formatTime(keys.createdAt) })} ·
        ${this.t('keys.rotated', { date: this.formatTime(keys.secretRotatedAt) })}
      </p>
      <div class="actions">
        <!-- aria-disabled, not disabled: focus returns here when the dialog closes, while the reset runs. -->
        <button
          type="button"
          class="danger"
          part="reset-button"
          aria-disabled=${resetting ? 'true' : 'false'}
          @click=${this.openResetDialog}
        >
          ${resetting ? this.t('keys.resetting') : this.t('keys.reset')}
        </button>
      </div>`;
  }

  private renderDialog() {
    return html`<dialog
      class="dialog"
      part="dialog"
      aria-labelledby="reset-title"
      aria-describedby="reset-warning"
      @close=${this.restoreFocusAfterDialog}
    >
      <h3 class="dialog-title" id="reset-title">${this.t('keys.resetTitle')}</h3>
      <p class="dialog-warning" id="reset-warning">${this.t('keys.resetWarning')}</p>
      <div class="actions">
        <button type="button" part="cancel-button" autofocus @click=${this.closeResetDialog}>
          ${this.t('keys.resetCancel')}
        </button>
        <button
          type="button"
          class="danger primary"
          part="confirm-button"
          ?disabled=${this.mutation === 'reset'}
          @click=${this.confirmReset}
        >
          ${this.t('keys.resetConfirm')}
        </button>
      </div>
    </dialog>`;
  }

  private formatTime(iso: string): string {
    return formatMoment(iso, this.activeLocale);
  }

  private readonly generate = async (): Promise<void> => {
    const backend = this.activeBackend;
    if (!backend || this.mutation) return;
    this.mutation = 'generate';
    this.feedback.clearFailure();
    this.pendingGenerateKey ??= newIdempotencyKey();
    try {
      const credentials = await backend.generateKeys({
        idempotencyKey: this.pendingGenerateKey,
        signal: this.lifetime.signal,
      });
      this.pendingGenerateKey = undefined;
      this.credentials = credentials;
      this.feedback.announce(this.t('keys.generated'));
      if (credentials.keys) {
        const { apiKey, secretKeyHint, createdAt } = credentials.keys;
        dispatchIposEvent(this, 'ipos-keys-generated', {
          apiKey,
          secretKeyHint,
          createdAt,
          scopes: credentials.scopes,
        });
      }
    } catch (error) {
      if (error instanceof BackendError && error.code === 'conflict') {
        // Keys were generated elsewhere meanwhile: show them rather than an error.
        this.pendingGenerateKey = undefined;
        this.feedback.announce(this.t('reason.conflict'));
        void this.load.run();
      } else if (!(isAbort(error) && !this.isConnected)) {
        this.feedback.fail('generate-keys', error, this.generate);
      }
    } finally {
      this.mutation = undefined;
    }
  };

  private readonly copyApiKey = (): void => {
    const apiKey = this.credentials?.keys?.apiKey;
    if (!apiKey) return;
    void this.copyFeedback.copy({
      field: 'apiKey',
      action: 'copy-api-key',
      value: apiKey,
      copiedMessage: this.t('keys.apiKeyCopied'),
      retry: this.copyApiKey,
    });
  };

  private readonly copySecretKey = (): void => {
    const backend = this.activeBackend;
    // A double click copies once: the first click's write is still running, and it is the gesture that counts.
    if (!backend || !this.credentials?.keys || this.copyingSecret) return;
    // Fetched by copyText inside the click, only if the browser can copy: the write must begin within the gesture.
    const secret =
      this.revealedSecret ??
      (() => backend.revealSecret({ signal: this.lifetime.signal }).then(({ secretKey }) => secretKey));
    const copying = (this.copyingSecret = this.copyFeedback
      .copy({
        field: 'secretKey',
        action: 'copy-secret-key',
        value: secret,
        copiedMessage: this.t('keys.secretKeyCopied'),
        retry: this.copySecretKey,
      })
      .finally(() => {
        if (this.copyingSecret === copying) this.copyingSecret = undefined;
      }));
  };

  private readonly toggleReveal = async (): Promise<void> => {
    if (this.revealedSecret) {
      this.hideSecret();
      return;
    }
    const backend = this.activeBackend;
    if (!backend || !this.allowReveal) return;
    try {
      const { secretKey } = await backend.revealSecret({ signal: this.lifetime.signal });
      if (!this.isConnected || !this.allowReveal) return;
      this.revealedSecret = secretKey;
      this.feedback.announce(this.t('keys.revealed', { count: this.revealTimeout }));
      clearTimeout(this.revealTimer);
      this.revealTimer = setTimeout(this.hideSecret, this.revealTimeout * 1000);
    } catch (error) {
      if (isAbort(error) && !this.isConnected) return;
      this.feedback.fail('reveal-secret', error, this.toggleReveal);
    }
  };

  private readonly hideSecret = (): void => {
    clearTimeout(this.revealTimer);
    this.revealTimer = undefined;
    this.revealedSecret = undefined;
  };

  private readonly hideWhenPageHidden = (): void => {
    if (document.visibilityState === 'hidden') this.hideSecret();
  };

  private readonly openResetDialog = (): void => {
    if (this.mutation) return;
    this.dialog?.showModal();
  };

  private readonly closeResetDialog = (): void => {
    this.dialog?.close();
  };

  private readonly restoreFocusAfterDialog = (): void => {
    this.resetButton?.focus();
  };

  private readonly confirmReset = (): void => {
    if (this.mutation) return;
    this.pendingResetKey = newIdempotencyKey();
    this.closeResetDialog();
    void this.reset();
  };

  /** Reloads the keys without the loading state, keeping the message that explains why. */
  private async showLatestKeys(): Promise<void> {
    try {
      this.credentials = await this.activeBackend!.getCredentials({ signal: this.lifetime.signal });
    } catch {
      // The failure that led here is already shown; a failed reload changes nothing on screen.
    }
  }

  private readonly reset = async (): Promise<void> => {
    const backend = this.activeBackend;
    if (!backend || this.mutation || !this.pendingResetKey) return;
    this.mutation = 'reset';
    this.feedback.clearFailure();
    try {
      const credentials = await backend.resetSecret({
        idempotencyKey: this.pendingResetKey,
        signal: this.lifetime.signal,
      });
      this.pendingResetKey = undefined;
      this.hideSecret();
      this.credentials = credentials;
      this.feedback.announce(this.t('keys.resetDone'));
      if (credentials.keys) {
        const { apiKey, secretKeyHint, secretRotatedAt } = credentials.keys;
        dispatchIposEvent(this, 'ipos-secret-reset', { apiKey, secretKeyHint, secretRotatedAt });
      }
    } catch (error) {
      // Cut short by a disconnect: the confirmed key is kept, so a later Retry cannot reset twice.
      if (isAbort(error) && !this.isConnected) return;
      this.feedback.fail('reset-secret', error, this.reset);
      // The secret changed elsewhere meanwhile: show the latest keys, as the message says.
      if (error instanceof BackendError && error.code === 'conflict') void this.showLatestKeys();
    } finally {
      this.mutation = undefined;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'ipos-key-panel': IposKeyPanel;
  }
}
