import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { BackendError } from '../../backend/backend-error.js';
import type { Credentials, Keys } from '../../contract/bodies.js';
import { KeysSession } from '../../headless/keys-session.js';
import { formatAgo, formatMoment } from '../../i18n/time.js';
import { FEEDBACK_DURATION, REVEAL_TIMEOUT } from '../../options/ranges.js';
import { controlStyles } from '../../styles/controls.js';
import { panelStyles } from '../../styles/panel.js';
import { themeStyles } from '../../styles/theme.js';
import { dispatchIposEvent } from '../events.js';
import { AccountLoader, renderSkeleton, type Account } from '../internal/account-loader.js';
import { CopyFeedback } from '../internal/copy-feedback.js';
import { isAbort, roleMismatch } from '../internal/failure.js';
import { handFocus } from '../internal/focus.js';
import { IposElement } from '../internal/ipos-element.js';
import { moduleFailure, NOTHING_PROVIDED } from '../internal/lazy-view.js';
import { PanelFeedback } from '../internal/panel-feedback.js';
import { keyPanelStyles } from './ipos-key-panel.styles.js';
import { GraceWindow } from './grace-window.js';
import { keyPanelDialogs, type KeyPanelDialogs, type KeyPanelPort, type ResetDialogOptions } from './key-panel-port.js';
import { SecretReveal } from './secret-reveal.js';

type CopiedKey = 'apiKey' | 'secretKey';

/** The part of each confirmation's `<dialog>`. */
const DIALOG_PARTS: Record<keyof KeyPanelDialogs, string> = { reset: 'dialog', revoke: 'revoke-dialog' };

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
export class IposKeyPanel extends IposElement {
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

  /**
   * With preloaded data: show it at once, then load it again in the background and show the fresh answer
   * (stale-while-revalidate: one GET after the first paint). Off by default: a preload stands until the account
   * changes. Set it when the page may be served from a cache. The provider's `revalidate` applies to its panels.
   */
  @property({ type: Boolean }) revalidate = false;

  protected readonly feedback = new PanelFeedback(this, (key) => this.t(key));

  /** The account's keys, shared with every panel of the same account (backend and role); a new one per account. */
  private session?: KeysSession;
  private unsubscribe?: () => void;

  /** What the flows below are lent: the account's session, the feedback and the wording. */
  private readonly port: KeyPanelPort = {
    host: this,
    feedback: this.feedback,
    session: () => this.session,
    t: (key, params) => this.t(key, params),
    locale: () => this.activeLocale,
    shows: (selector, pageShows) => this.shows(selector, pageShows),
  };
  private readonly reveal = new SecretReveal(this.port, {
    allowed: () => this.allowReveal,
    seconds: () => this.numberSetting(this.revealTimeout, REVEAL_TIMEOUT),
  });
  private readonly resetOptions: ResetDialogOptions = {
    graceOptions: () => this.resetGraceOptions,
    confirmPhrase: () => this.confirmPhrase,
    beforeReset: () => this.beforeReset,
    hideSecret: () => this.reveal.hide(),
  };
  /**
   * The reset's and the revoke's confirmations: made at once when their module has run (`./hydrate`, a server render,
   * a later panel), else loaded once the keys are on screen, so that no page waits for them before its keys.
   */
  private dialogs?: KeyPanelDialogs = keyPanelDialogs.make?.(this.port, this.resetOptions);
  private loadingDialogs?: Promise<void>;
  /** A click on Reset or Revoke waiting for the dialogs' module: `updateComplete` waits for it too. */
  private opening?: Promise<void>;
  private readonly graceWindow = new GraceWindow(this.port, () => this.openDialog('revoke'));
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
    revalidate: () => this.revalidates(this.revalidate),
    action: 'load-credentials',
    forbiddenMessage: () => this.t('keys.forbidden'),
  });
  /** The secret copy in flight: further clicks meanwhile do not fetch the secret again. */
  private copyingSecret?: AbortController;

  /**
   * Runs the last failed action again — what the error's Retry button does — so that a host can
   * re-authenticate after an `ipos-error` with code `unauthenticated` (or wait after `rate-limited`)
   * and continue without asking the user to click again. A retried reset, generate or token request
   * reuses the failed attempt's `Idempotency-Key`, so it never happens twice. A retried copy runs
   * outside a user gesture when called from code, so the browser may refuse the clipboard write (then
   * the panel shows a clipboard error and the user's own Retry click works).
   * @returns whether there was a retryable failure to run again.
   */
  retry(): boolean {
    return this.feedback.retry();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Everything of the account goes; a reconnected panel loads it afresh.
    this.useSession(undefined);
    this.loader.reloadWhenConnected();
  }

  private get account(): Account | undefined {
    const backend = this.activeBackend;
    const role = this.activeRole;
    return backend && role ? { backend, role } : undefined;
  }

  /** The account's credentials, when they are of the panel's role: another role's keys are never shown. */
  private get credentials(): Credentials | undefined {
    const credentials = this.session?.state.credentials;
    return credentials?.role === this.activeRole ? credentials : undefined;
  }

  /** The backend answered for another role: said once, in the panel's error region, with nothing else to act on. */
  private checkRole(): void {
    const expected = this.activeRole;
    const actual = this.session?.state.credentials?.role;
    if (!expected || !actual || actual === expected || this.feedback.failure?.code === 'role-mismatch') return;
    this.feedback.fail(
      'load-credentials',
      roleMismatch(expected, actual, (key, params) => this.t(key, params)),
    );
  }

  /** Leaves the previous account's session — aborting its secret fetches, reveal and copy — and joins the new one's. */
  private useSession(account: Account | undefined): void {
    this.reveal.hide();
    this.copyingSecret?.abort();
    this.copyingSecret = undefined;
    // A modal left open would keep the rest of the page inert, and would act on the wrong account.
    this.dialogs?.reset.close();
    this.dialogs?.revoke.close();
    this.unsubscribe?.();
    this.session?.release();
    this.session = account && KeysSession.for(account.backend, account.role);
    let shown = this.session?.state;
    this.unsubscribe = this.session?.subscribe((state) => {
      const changed = state.credentials !== shown?.credentials || state.mutation !== shown?.mutation;
      shown = state;
      // What the panel shows changed, and no load of its own is on its way to bring it in one update with the rest.
      if (changed && !this.loader.pending) this.requestUpdate();
      this.checkRole();
    });
  }

  override render(): TemplateResult {
    return this.renderCard(
      {
        heading: this.t('keys.heading'),
        busy: this.loader.pending || this.session?.state.mutation !== undefined,
        problem: this.settingsProblem(),
      },
      () => this.renderBody(),
      html`${this.feedback.renderStatus()}
      ${this.dialogs?.reset.render() ?? nothing}${this.dialogs?.revoke.render() ?? nothing}`,
    );
  }

  private renderBody() {
    const credentials = this.credentials;
    if (!credentials) {
      if (this.loader.failed || this.feedback.failure?.code === 'role-mismatch') return this.feedback.renderFailure();
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
        <button
          type="button"
          class="primary"
          part="generate-button"
          aria-disabled=${generating ? 'true' : nothing}
          @click=${this.generate}
        >
          ${generating ? this.t('keys.generating') : this.t('keys.generate')}
        </button>
      </div>`;
  }

  private renderKeys(keys: Keys) {
    const copied = this.copyFeedback.copied;
    const formatTime = (iso: string) => formatMoment(iso, this.activeLocale);
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
            ${this.reveal.render(keys)}
            <button type="button" part="copy-secret-key" @click=${this.copySecretKey}>
              ${copied === 'secretKey' ? this.t('keys.copied') : this.t('keys.copySecretKey')}
            </button>
          </dd>
        </div>
      </dl>
      <p class="meta">
        ${this.t('keys.created', { date: formatTime(keys.createdAt) })}${
          // New keys' secret was never reset: no second date that says it was.
          Date.parse(keys.secretRotatedAt) === Date.parse(keys.createdAt)
            ? nothing
            : ` · ${this.t('keys.rotated', { date: formatTime(keys.secretRotatedAt) })}`
        }
      </p>
      ${this.renderLastUse(keys)} ${this.graceWindow.render()}
      <div class="actions">${this.renderResetButton()}</div>`;
  }

  /** The Reset button: `aria-disabled`, not `disabled`, so focus can return to it while the reset runs. */
  private renderResetButton() {
    const resetting = this.session?.state.mutation === 'reset';
    return html`<button
      type="button"
      class="danger"
      part="reset-button"
      aria-disabled=${resetting ? 'true' : nothing}
      @click=${this.openReset}
    >
      ${resetting ? this.t('keys.resetting') : this.t('keys.reset')}
    </button>`;
  }

  /**
   * Loads the dialogs' module once (again after a failure), and makes them; they render with the panel's next update
   * (a closed dialog shows nothing, so none is asked for now).
   */
  private loadDialogs(): Promise<void> {
    return (this.loadingDialogs ??= import('./dialogs.js').then(
      () => {
        this.dialogs ??= keyPanelDialogs.make?.(this.port, this.resetOptions);
        if (!this.dialogs) throw new Error(NOTHING_PROVIDED);
      },
      (error: unknown) => {
        this.loadingDialogs = undefined;
        throw error;
      },
    ));
  }

  private readonly openReset = (): void => this.openDialog('reset');

  /** Opens a confirmation: at once when it is on screen, else once its module is here and it has rendered. */
  private openDialog(which: keyof KeyPanelDialogs): void {
    if (this.session?.state.mutation) return;
    if (this.renderRoot.querySelector(`[part~="${DIALOG_PARTS[which]}"]`)) return this.dialogs![which].open();
    const opening = (this.opening = this.openWhenLoaded(which).finally(() => {
      if (this.opening === opening) this.opening = undefined;
    }));
  }

  private async openWhenLoaded(which: keyof KeyPanelDialogs): Promise<void> {
    try {
      await this.loadDialogs();
    } catch (error) {
      const action = which === 'reset' ? 'reset-secret' : 'revoke-previous-secret';
      return this.feedback.fail(action, moduleFailure(error), () => this.openDialog(which));
    }
    this.requestUpdate();
    await super.getUpdateComplete();
    // The panel may have left the page while the module came: a dialog out of the document cannot be shown.
    if (this.isConnected) this.dialogs?.[which].open();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // The keys are on screen: the dialogs load now, after them, so that Reset and Revoke open them at once.
    if (this.credentials?.keys && !this.dialogs) this.loadDialogs().catch(() => undefined);
  }

  /** Resolves once a click on Reset has opened the confirmation (or failed to), so tests and hosts can wait for it. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.opening;
    return super.getUpdateComplete();
  }

  /** "Last used 3 minutes ago from 203.0.113.7", "Never used", or nothing from a backend that does not say. */
  private renderLastUse({ lastUsedAt, lastUsedFrom }: Keys) {
    if (lastUsedAt === undefined) return nothing;
    const text =
      lastUsedAt === null
        ? this.t('keys.neverUsed')
        : this.t(lastUsedFrom ? 'keys.lastUsedFrom' : 'keys.lastUsed', {
            relative: formatAgo(Date.parse(lastUsedAt) - Date.now(), this.activeLocale, this.t('time.justNow')),
            from: lastUsedFrom ?? '',
          });
    return html`<p class="meta" part="last-used">${text}</p>`;
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
      // The button went with the state it belonged to: the keys' first action takes the focus it had.
      await this.updateComplete;
      handFocus(this.renderRoot, 'generate-button', 'copy-api-key');
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
    const revealed = this.reveal.secret;
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
}

declare global {
  interface HTMLElementTagNameMap {
    'ipos-key-panel': IposKeyPanel;
  }
}
