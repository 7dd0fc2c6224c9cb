import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { BackendError } from '../../backend/backend-error.js';
import type { Credentials, Keys } from '../../contract/bodies.js';
import { dispatchIposEvent } from '../events.js';
import { formatDuration, formatMoment, formatRelative } from '../../i18n/time.js';
import { KeysSession } from '../../headless/keys-session.js';
import { graceOptions } from '../../options/grace-options.js';
import { FEEDBACK_DURATION, REVEAL_TIMEOUT } from '../../options/ranges.js';
import { controlStyles } from '../../styles/controls.js';
import { panelStyles } from '../../styles/panel.js';
import { themeStyles } from '../../styles/theme.js';
import { AccountLoader, renderSkeleton, type Account } from '../internal/account-loader.js';
import { CopyFeedback } from '../internal/copy-feedback.js';
import { isAbort } from '../internal/failure.js';
import { IposPanel } from '../internal/ipos-panel.js';
import { Ticker } from '../internal/ticker.js';
import { keyPanelStyles } from './ipos-key-panel.styles.js';

type CopiedKey = 'apiKey' | 'secretKey';

/** The parts the key panel renders; the provider re-exports them prefixed `key-panel__`. */
export const KEY_PANEL_PARTS = [
  'base',
  'scopes',
  'api-key',
  'secret-key',
  'copy-api-key',
  'copy-secret-key',
  'reveal-button',
  'skeleton',
  'generate-button',
  'reset-button',
  'status',
  'error',
  'retry-button',
  'dialog',
  'confirm-button',
  'cancel-button',
  'confirm-phrase-input',
  'grace-options',
  'last-used',
  'previous-secret',
  'revoke-previous-button',
  'revoke-dialog',
  'revoke-confirm-button',
  'revoke-cancel-button',
] as const;

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
 * @fires {CustomEvent<PreviousSecretRevokedDetail>} ipos-previous-secret-revoked - The previous secret's grace window was ended; only the current secret works. Carries no secret.
 * @fires {CustomEvent<CopyDetail>} ipos-copy - A key was copied: `detail.field` is `apiKey` or `secretKey`.
 * @fires {CustomEvent<ErrorDetail>} ipos-error - Loading, generating, copying, revealing, resetting or revoking failed.
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
 * @csspart confirm-phrase-input - Where the user types the `confirm-phrase` (only with that attribute).
 * @csspart grace-options - The reset dialog's choice of how long the current secret keeps working (only with `reset-grace-options`).
 * @csspart last-used - "Last used … from …" or "Never used" (only from a backend that reports it).
 * @csspart previous-secret - When the previous secret stops working, counting down (only during a grace window).
 * @csspart revoke-previous-button - Opens the confirmation to end the grace window now (only from a backend that can).
 * @csspart revoke-dialog - The revoke confirmation (a native modal `<dialog>`).
 * @csspart revoke-confirm-button - Confirms the revoke.
 * @csspart revoke-cancel-button - Cancels the revoke.
 */
export class IposKeyPanel extends IposPanel {
  static override styles = [themeStyles, panelStyles, controlStyles, keyPanelStyles];
  static override defaultTag = 'ipos-key-panel';
  static readonly parts = KEY_PANEL_PARTS;

  /** Adds a Show/Hide toggle for the secret. Without it the secret is never on screen, only copied. */
  @property({ type: Boolean, attribute: 'allow-reveal' }) allowReveal = false;

  /** Seconds until a revealed secret masks itself again (0.1–86400; default 30). */
  @property({ type: Number, attribute: 'reveal-timeout' }) revealTimeout = REVEAL_TIMEOUT.fallback;

  /** Milliseconds a copy button says "Copied" before returning to rest (0–60000; default 2000). */
  @property({ type: Number, attribute: 'feedback-duration' }) feedbackDuration = FEEDBACK_DURATION.fallback;

  /**
   * The credentials the page was rendered with (e.g. by the server): the first render shows them with no
   * GET. They never contain the secret (only `secretKeyHint`). Used once, for a matching role.
   */
  @property({ attribute: false }) initialCredentials?: Credentials;

  /**
   * A phrase the user must type before Reset is enabled (e.g. `RESET`, or a word in the page's language);
   * compared after Unicode NFC normalisation and trimming, so it works however a keyboard composes it.
   */
  @property({ attribute: 'confirm-phrase' }) confirmPhrase?: string;

  /**
   * Asked after the user confirms a reset and before anything is sent: a host's step-up authentication.
   * Anything but `true` (`false`, a rejection, a throw) cancels the reset with no request.
   */
  @property({ attribute: false }) beforeReset?: () => boolean | Promise<boolean>;

  /**
   * Grace windows the reset dialog offers, as comma-separated whole minutes from 0 to 1440 (`0,60,1440`: Immediately,
   * In 1 hour, In 24 hours; the first is chosen by default). During a window the previous secret keeps working.
   * Absent: no choice, the old secret stops at once. Malformed entries are left out with a console warning.
   */
  @property({ attribute: 'reset-grace-options' }) resetGraceOptions?: string;

  /** The grace window chosen in the open reset dialog, in minutes. */
  @state() private graceMinutes = 0;

  /** What the user typed into the confirm-phrase field. */
  @state() private typedPhrase = '';

  /** Only while revealed; cleared on Hide, timeout, page blur, disconnect, reset and account change. */
  @state() private revealedSecret?: string;

  @query('dialog[part~="dialog"]') private dialog?: HTMLDialogElement;
  @query('dialog[part~="revoke-dialog"]') private revokeDialog?: HTMLDialogElement;
  @query('[part~="reset-button"]') private resetButton?: HTMLButtonElement;
  @query('[part~="revoke-previous-button"]') private revokeButton?: HTMLButtonElement;

  /** `reset-grace-options`, checked: the minutes the reset dialog offers, in order. */
  private graceChoices: number[] = [];
  /** Counts down the previous secret's window, once a second and only while it is open and on screen. */
  private readonly ticker = new Ticker(this);

  /** The account's keys, shared with every panel of the same account (backend and role); a new one per account. */
  private session?: KeysSession;
  private unsubscribe?: () => void;
  private readonly copyFeedback = new CopyFeedback<CopiedKey>(this, this.feedback, () =>
    this.numberSetting(this.feedbackDuration, FEEDBACK_DURATION),
  );
  private readonly loader = new AccountLoader<Credentials>(this, this.feedback, {
    account: () => this.account,
    switchAccount: (account) => this.useSession(account),
    load: (_account, signal) => this.session!.load(signal),
    preloaded: ({ role }) => {
      const initial = this.initialCredentials ?? this.inherited?.initialCredentials;
      if (initial?.role !== role) return undefined;
      this.session!.adopt(initial);
      return initial;
    },
    revalidate: () => this.activeRevalidate,
    action: 'load-credentials',
    forbiddenMessage: () => this.t('keys.forbidden'),
  });
  /** The reveal in flight: a second click waits for it; Hide, blur and an account change abort it. */
  private revealing?: AbortController;
  private revealTimer?: ReturnType<typeof setTimeout>;
  /** The secret copy in flight: further clicks meanwhile do not fetch the secret again. */
  private copyingSecret?: AbortController;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('blur', this.hideSecret);
    document.addEventListener('visibilitychange', this.hideWhenPageHidden);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('blur', this.hideSecret);
    document.removeEventListener('visibilitychange', this.hideWhenPageHidden);
    // Everything of the account goes; a reconnected panel loads it afresh.
    this.useSession(undefined);
    this.loader.reloadWhenConnected();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('allowReveal') && !this.allowReveal) this.hideSecret();
    if (changed.has('resetGraceOptions')) {
      this.graceChoices = graceOptions(this.resetGraceOptions);
      // A window the dialog no longer offers is never sent: the first choice is taken, as on opening.
      if (!this.graceChoices.includes(this.graceMinutes)) this.graceMinutes = this.graceChoices[0] ?? 0;
    }
    const windowOpen = this.previousSecretEnds() !== undefined;
    this.ticker.running = windowOpen;
    // A window that ended (by time, or in another panel) leaves nothing to confirm a revoke of.
    if (!windowOpen && this.revokeDialog?.open) this.revokeDialog.close();
  }

  /** When the previous secret stops working (epoch ms), while that is still ahead; a backend that does not say: never. */
  private previousSecretEnds(): number | undefined {
    const ends = Date.parse(this.credentials?.keys?.previousSecretValidUntil ?? '');
    return ends > Date.now() ? ends : undefined;
  }

  private get account(): Account | undefined {
    const backend = this.activeBackend;
    const role = this.activeRole;
    return backend && role ? { backend, role } : undefined;
  }

  private get credentials(): Credentials | undefined {
    return this.session?.state.credentials;
  }

  /** Leaves the previous account's session — aborting its secret fetches, reveal and copy — and joins the new one's. */
  private useSession(account: Account | undefined): void {
    this.hideSecret();
    this.copyingSecret?.abort();
    this.copyingSecret = undefined;
    // A modal left open would keep the rest of the page inert, and would act on the wrong account.
    this.dialog?.close();
    this.revokeDialog?.close();
    this.unsubscribe?.();
    this.session?.release();
    this.session = account && KeysSession.for(account.backend, account.role);
    this.unsubscribe = this.session?.subscribe(() => this.requestUpdate());
  }

  override render(): TemplateResult {
    return this.renderCard(
      {
        heading: this.t('keys.heading'),
        busy: this.loader.pending || this.session?.state.mutation !== undefined,
        problem: this.settingsProblem(),
      },
      () => this.renderBody(),
      html`${this.renderDialog()}${this.renderRevokeDialog()}`,
    );
  }

  private renderBody() {
    const credentials = this.credentials;
    if (!credentials) {
      if (this.loader.failed) return this.feedback.renderFailure();
      return renderSkeleton(this.t('keys.loading'), 3);
    }
    return html`<p class="intro">${this.t('keys.intro')}</p>
      ${credentials.keys ? this.renderKeys(credentials.keys) : this.renderNoKeys()} ${this.feedback.renderFailure()}
      <ipos-scope-list
        part="scopes"
        .scopes=${credentials.scopes}
        .userRole=${this.activeRole}
        .strings=${this.strings}
        .locale=${this.locale}
        .inherited=${this.inherited}
        .theme=${this.activeTheme}
      ></ipos-scope-list>`;
  }

  private renderNoKeys() {
    const generating = this.session?.state.mutation === 'generate';
    return html`<p class="meta">${this.t('keys.none')}</p>
      <div class="actions">
        <button type="button" class="primary" part="generate-button" ?disabled=${generating} @click=${this.generate}>
          ${generating ? this.t('keys.generating') : this.t('keys.generate')}
        </button>
      </div>`;
  }

  private renderKeys(keys: Keys) {
    const copied = this.copyFeedback.copied;
    const resetting = this.session?.state.mutation === 'reset';
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
      ${this.renderLastUse(keys)} ${this.renderPreviousSecret()}
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

  /** "Last used 3 minutes ago from 203.0.113.7", "Never used", or nothing from a backend that does not say. */
  private renderLastUse({ lastUsedAt, lastUsedFrom }: Keys) {
    if (lastUsedAt === undefined) return nothing;
    const text =
      lastUsedAt === null
        ? this.t('keys.neverUsed')
        : this.t(lastUsedFrom ? 'keys.lastUsedFrom' : 'keys.lastUsed', {
            relative: formatRelative(Date.parse(lastUsedAt) - Date.now(), this.activeLocale),
            from: lastUsedFrom ?? '',
          });
    return html`<p class="meta" part="last-used">${text}</p>`;
  }

  /** "The previous secret key stops working in 59 minutes (…)", and its Revoke button, during a grace window only. */
  private renderPreviousSecret() {
    let ends = this.previousSecretEnds();
    // Hydrating, the server's DOM decides: the page's clock may disagree with the server's, the page's backend may
    // have no revoke. The render after hydration follows the page.
    const rendered = this.serverRendered('[part~="previous-secret"]');
    if (rendered !== undefined && rendered !== (ends !== undefined)) ends = rendered ? Date.now() : undefined;
    const canRevoke = this.serverRendered('[part~="revoke-previous-button"]') ?? this.session?.canRevokePreviousSecret;
    if (ends === undefined) return nothing;
    const revoking = this.session?.state.mutation === 'revoke-previous';
    const line = this.t('keys.previousValidUntil', {
      relative: formatRelative(ends - Date.now(), this.activeLocale),
      time: this.formatTime(new Date(ends).toISOString()),
    });
    return html`<div class="previous-secret">
      <p class="meta" part="previous-secret">${line}</p>
      ${
        canRevoke
          ? html`<button
              type="button"
              class="danger"
              part="revoke-previous-button"
              aria-disabled=${revoking ? 'true' : 'false'}
              @click=${this.openRevokeDialog}
            >
              ${revoking ? this.t('keys.revokingPrevious') : this.t('keys.revokePrevious')}
            </button>`
          : nothing
      }
    </div>`;
  }

  /** The reset dialog's choice of grace window, with `reset-grace-options` only. */
  private renderGraceChoice() {
    if (!this.graceChoices.length) return nothing;
    return html`<fieldset class="grace" part="grace-options">
      <legend class="field-label">${this.t('keys.graceLegend')}</legend>
      ${this.graceChoices.map(
        (minutes) =>
          html`<label class="grace-option">
            <input
              type="radio"
              name="grace-minutes"
              .value=${String(minutes)}
              .checked=${minutes === this.graceMinutes}
              @change=${this.onGraceChange}
            />
            ${minutes === 0 ? this.t('keys.graceImmediately') : this.t('keys.graceIn', { duration: this.duration(minutes) })}
          </label>`,
      )}
    </fieldset>`;
  }

  private duration(minutes: number): string {
    return formatDuration(minutes, this.activeLocale);
  }

  private renderRevokeDialog() {
    return html`<dialog
      class="dialog"
      part="revoke-dialog"
      aria-labelledby="revoke-title"
      aria-describedby="revoke-warning"
      @close=${this.restoreFocusAfterRevokeDialog}
    >
      <h3 class="dialog-title" id="revoke-title">${this.t('keys.revokeTitle')}</h3>
      <p class="dialog-warning" id="revoke-warning">${this.t('keys.revokeWarning')}</p>
      <div class="actions">
        <button type="button" part="revoke-cancel-button" autofocus @click=${this.closeRevokeDialog}>
          ${this.t('keys.resetCancel')}
        </button>
        <button
          type="button"
          class="danger primary"
          part="revoke-confirm-button"
          ?disabled=${this.session?.state.mutation === 'revoke-previous'}
          @click=${this.confirmRevoke}
        >
          ${this.t('keys.revokeConfirm')}
        </button>
      </div>
    </dialog>`;
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
      <p class="dialog-warning" id="reset-warning">
        ${
          this.graceChoices.length && this.graceMinutes > 0
            ? this.t('keys.resetWarningGrace', { duration: this.duration(this.graceMinutes) })
            : this.t('keys.resetWarning')
        }
      </p>
      ${this.renderGraceChoice()}
      ${
        this.confirmPhrase
          ? html`<label class="field-label" for="confirm-phrase">
                ${this.t('keys.confirmPhrase', { phrase: this.confirmPhrase })}
              </label>
              <input
                id="confirm-phrase"
                part="confirm-phrase-input"
                autocomplete="off"
                spellcheck="false"
                .value=${this.typedPhrase}
                @input=${this.onPhraseInput}
              />`
          : nothing
      }
      <div class="actions">
        <button type="button" part="cancel-button" autofocus @click=${this.closeResetDialog}>
          ${this.t('keys.resetCancel')}
        </button>
        <button
          type="button"
          class="danger primary"
          part="confirm-button"
          ?disabled=${this.session?.state.mutation === 'reset' || !this.phraseMatches()}
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
    const session = this.session;
    if (!session || session.state.mutation) return;
    this.feedback.clearFailure();
    try {
      const credentials = await session.generateKeys();
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
      if (isAbort(error)) return;
      // Keys were generated elsewhere meanwhile: the session shows them; say so rather than fail.
      if (error instanceof BackendError && error.code === 'conflict') this.feedback.announce(this.t('reason.conflict'));
      else this.feedback.fail('generate-keys', error, this.generate);
    }
  };

  private readonly copyApiKey = this.copyFeedback.copyButton(
    'apiKey',
    'copy-api-key',
    () => this.credentials?.keys?.apiKey,
    () => this.t('keys.apiKeyCopied'),
  );

  private readonly copySecretKey = (): void => {
    const session = this.session;
    // A double click copies once: the first click's write is still running, and it is the gesture that counts.
    if (!session || !this.credentials?.keys || this.copyingSecret) return;
    const copying = (this.copyingSecret = new AbortController());
    const { signal } = copying;
    const revealed = this.revealedSecret;
    // Fetched by copyText inside the click, only if the browser can copy: the write must begin within the gesture.
    void this.copyFeedback
      .copy({
        field: 'secretKey',
        action: 'copy-secret-key',
        value: revealed ?? (() => session.fetchSecret(signal)),
        copiedMessage: this.t('keys.secretKeyCopied'),
        retry: this.copySecretKey,
        signal,
      })
      .finally(() => {
        if (this.copyingSecret === copying) this.copyingSecret = undefined;
      });
  };

  private readonly toggleReveal = async (): Promise<void> => {
    if (this.revealedSecret) return this.hideSecret();
    const session = this.session;
    // One reveal at a time: a second click while the first is on its way asks for nothing more.
    if (!session || !this.allowReveal || this.revealing) return;
    const revealing = (this.revealing = new AbortController());
    try {
      const secret = await session.fetchSecret(revealing.signal);
      // Hidden, blurred or switched meanwhile: the answer is not wanted any more.
      if (revealing.signal.aborted) return;
      const seconds = this.numberSetting(this.revealTimeout, REVEAL_TIMEOUT);
      this.revealedSecret = secret;
      this.feedback.announce(this.t('keys.revealed', { count: seconds }));
      this.revealTimer = setTimeout(this.hideSecret, seconds * 1000);
    } catch (error) {
      if (!isAbort(error)) this.feedback.fail('reveal-secret', error, this.toggleReveal);
    } finally {
      if (this.revealing === revealing) this.revealing = undefined;
    }
  };

  /** Masks the secret and cancels a reveal on its way: a hidden secret never comes back without a new Reveal. */
  private readonly hideSecret = (): void => {
    this.revealing?.abort();
    this.revealing = undefined;
    clearTimeout(this.revealTimer);
    this.revealTimer = undefined;
    this.revealedSecret = undefined;
  };

  private readonly hideWhenPageHidden = (): void => {
    if (document.visibilityState === 'hidden') this.hideSecret();
  };

  private readonly openResetDialog = (): void => {
    if (this.session?.state.mutation) return;
    this.typedPhrase = '';
    this.graceMinutes = this.graceChoices[0] ?? 0;
    this.dialog?.showModal();
  };

  private readonly onGraceChange = (event: Event): void => {
    this.graceMinutes = Number((event.target as HTMLInputElement).value);
  };

  private readonly onPhraseInput = (event: Event): void => {
    this.typedPhrase = (event.target as HTMLInputElement).value;
  };

  private phraseMatches(): boolean {
    const normalise = (text: string) => text.normalize('NFC').trim();
    return !this.confirmPhrase || normalise(this.typedPhrase) === normalise(this.confirmPhrase);
  }

  private readonly closeResetDialog = (): void => {
    this.dialog?.close();
  };

  private readonly restoreFocusAfterDialog = (): void => {
    this.resetButton?.focus();
  };

  private readonly confirmReset = async (): Promise<void> => {
    // Only a confirmation the user saw counts: not a click on the closed dialog's button from a script.
    if (!this.dialog?.open || this.session?.state.mutation || !this.phraseMatches()) return;
    const session = this.session;
    this.closeResetDialog();
    const hook = this.beforeReset;
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
      this.feedback.announce(this.t('keys.resetCancelled'));
      return;
    }
    // The account changed while the host asked: this confirmation was for the other one.
    if (session === this.session) void this.reset(false);
  };

  /** A confirmed reset; `retry` repeats the last one with its key, so a retried reset happens once. */
  private async reset(retry: boolean): Promise<void> {
    const session = this.session;
    // A reset on its way is the one confirmed; a revoke on its way is waited for by the session, then this resets.
    if (!session || session.state.mutation === 'reset') return;
    this.feedback.clearFailure();
    this.hideSecret();
    try {
      // Without reset-grace-options nothing changes: no window is asked for, and the request has no body.
      const graceMinutes = this.graceChoices.length ? this.graceMinutes : undefined;
      const credentials = await session.resetSecret({ retry, graceMinutes });
      const ends = this.previousSecretEnds();
      this.feedback.announce(
        ends === undefined
          ? this.t('keys.resetDone')
          : this.t('keys.resetDoneGrace', { time: this.formatTime(new Date(ends).toISOString()) }),
      );
      if (credentials.keys) {
        const { apiKey, secretKeyHint, secretRotatedAt } = credentials.keys;
        dispatchIposEvent(this, 'ipos-secret-reset', { apiKey, secretKeyHint, secretRotatedAt });
      }
    } catch (error) {
      // Cut short by a disconnect or an account change: nothing to say to this account.
      if (!isAbort(error)) this.feedback.fail('reset-secret', error, this.retryReset);
    }
  }

  private readonly retryReset = (): void => {
    void this.reset(true);
  };

  private readonly openRevokeDialog = (): void => {
    if (this.session?.state.mutation || this.revokeDialog?.open) return;
    this.revokeDialog?.showModal();
  };

  private readonly closeRevokeDialog = (): void => {
    this.revokeDialog?.close();
  };

  private readonly restoreFocusAfterRevokeDialog = (): void => {
    (this.revokeButton ?? this.resetButton)?.focus();
  };

  private readonly confirmRevoke = async (): Promise<void> => {
    // Only a confirmation the user saw counts, and only once: the dialog closes on the first click.
    if (!this.revokeDialog?.open || this.session?.state.mutation) return;
    this.closeRevokeDialog();
    await this.revokePrevious();
  };

  /** Ends the grace window; an answer for an account left meanwhile is dropped by its session. */
  private readonly revokePrevious = async (): Promise<void> => {
    const session = this.session;
    if (!session || session.state.mutation) return;
    this.feedback.clearFailure();
    try {
      const credentials = await session.revokePreviousSecret();
      this.feedback.announce(this.t('keys.revokeDone'));
      if (credentials.keys) {
        const { apiKey, secretKeyHint } = credentials.keys;
        dispatchIposEvent(this, 'ipos-previous-secret-revoked', { apiKey, secretKeyHint });
      }
      // The button that had focus is gone with the window: focus goes to the next action, not to the page.
      await this.updateComplete;
      if (!this.shadowRoot?.activeElement) this.resetButton?.focus();
    } catch (error) {
      if (!isAbort(error)) this.feedback.fail('revoke-previous-secret', error, this.revokePrevious);
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'ipos-key-panel': IposKeyPanel;
  }
}
