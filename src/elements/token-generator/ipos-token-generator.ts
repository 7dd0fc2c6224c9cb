import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { BackendError } from '../../backend/backend-error.js';
import type { AuthToken, Terminal } from '../../contract/bodies.js';
import { dispatchIposEvent, type CopyField } from '../../events.js';
import { formatMoment, formatRelative } from '../../i18n/time.js';
import { canGenerateTokens } from '../../roles.js';
import { controlStyles } from '../../styles/controls.js';
import { panelStyles } from '../../styles/panel.js';
import { themeStyles } from '../../styles/theme.js';
import { TokenSession, type TokenSessionEvent, type TokenSessionOptions } from '../../token-session.js';
import { tokenPhase, type TokenPhase } from '../../token-timing.js';
import { AccountLoader, type Account } from '../shared/account-loader.js';
import { CopyFeedback, FEEDBACK_DURATION } from '../shared/copy-feedback.js';
import { isAbort } from '../shared/failure.js';
import { IposPanel } from '../shared/ipos-panel.js';
import { Ticker } from '../shared/ticker.js';
import { tokenGeneratorStyles } from './ipos-token-generator.styles.js';

type Busy = 'generate' | 'refresh';
type CopiedValue = Extract<CopyField, 'token' | 'tpn'>;
/** Where a token stands in its life, as the `expiry` part's `data-state` shows it. */
export type ExpiryState = 'valid' | 'soon' | 'grace' | 'expired';

const EXPIRY_STATE: Readonly<Record<TokenPhase, ExpiryState>> = {
  fresh: 'valid',
  due: 'soon',
  grace: 'grace',
  over: 'expired',
};

const MAX_LIFETIME_MINUTES = 1440;

/** `refresh-before`: seconds, default 300 (iPOSpays' tokens live at most a day). */
const REFRESH_BEFORE = { name: 'refresh-before', min: 0, max: 86_400, fallback: 300 };

/** The parts the token generator renders; the provider re-exports them prefixed `token-generator__`. */
export const TOKEN_GENERATOR_PARTS = [
  'base',
  'skeleton',
  'empty',
  'tpn-select',
  'generate-button',
  'token',
  'copy-token',
  'copy-tpn',
  'expiry',
  'refresh-button',
  'status',
  'error',
  'retry-button',
] as const;

/**
 * The merchant's Auth Token for a terminal (TPN): pick the TPN, generate, copy, and refresh
 * before it expires (by hand, or with `auto-refresh` once, `refresh-before` seconds ahead).
 *
 * @summary The "Token Generation" section of the iPOSpays merchant settings screen.
 * @tag ipos-token-generator
 *
 * @fires {CustomEvent<TokenDetail>} ipos-token-generated - A token was generated: `{ token, tpn, expiresAt, graceEndsAt }`.
 * @fires {CustomEvent<TokenDetail>} ipos-token-refreshed - The token was refreshed (here, automatically, or by another tab).
 * @fires {CustomEvent<TokenExpiredDetail>} ipos-token-expired - The token passed its expiry; it can be refreshed until `graceEndsAt`.
 * @fires {CustomEvent<CopyDetail>} ipos-copy - The token or the TPN was copied: `detail.field` is `token` or `tpn`.
 * @fires {CustomEvent<ErrorDetail>} ipos-error - Loading terminals, generating, refreshing or copying failed.
 *
 * @csspart base - The card; carries the theme.
 * @csspart skeleton - The placeholder shown while the terminals load.
 * @csspart empty - Says the account has no terminals.
 * @csspart tpn-select - The terminal (TPN) dropdown.
 * @csspart generate-button - Generates a token for the selected TPN.
 * @csspart token - The token, shortened to its start and end.
 * @csspart copy-token - Copies the whole token.
 * @csspart copy-tpn - Copies the selected TPN.
 * @csspart expiry - Time left, "expiring soon", grace period, or expired; `data-state` says which.
 * @csspart refresh-button - Refreshes the token (allowed until the grace period ends).
 * @csspart status - Live region for success and info messages.
 * @csspart error - What failed and why, with a Retry button when retrying can help.
 * @csspart retry-button - Runs the failed action again.
 */
export class IposTokenGenerator extends IposPanel {
  static override styles = [themeStyles, panelStyles, controlStyles, tokenGeneratorStyles];
  static override defaultTag = 'ipos-token-generator';
  static readonly parts = TOKEN_GENERATOR_PARTS;

  /** Lifetime of generated tokens: a whole number of minutes from 1 to 1440. Anything else is refused, not clamped. */
  @property({ type: Number, attribute: 'expires-in-minutes' }) expiresInMinutes = MAX_LIFETIME_MINUTES;

  /** Refresh the token automatically, once, `refresh-before` seconds before it expires. */
  @property({ type: Boolean, attribute: 'auto-refresh' }) autoRefresh = false;

  /** Seconds before expiry at which the token counts as "expiring soon" and auto-refresh runs (0–86400; default 300). */
  @property({ type: Number, attribute: 'refresh-before' }) refreshBefore = REFRESH_BEFORE.fallback;

  /** The TPN to select first, when the account has it; otherwise the first terminal. */
  @property() tpn?: string;

  /** The terminals the page was rendered with: the first render shows them with no GET. Used once. */
  @property({ attribute: false }) initialTerminals?: Terminal[];

  /** Milliseconds a copy button says "Copied" before returning to rest. */
  @property({ type: Number, attribute: 'feedback-duration' }) feedbackDuration = 2000;

  /**
   * Name under which tabs of the same portal share tokens, so that one refresh serves them all; default
   * one channel per account and TPN (`tokenChannelName`), and messages are checked for account and TPN
   * whatever the name; `false` keeps this element to itself.
   */
  @property({ attribute: false }) channelName?: string | false;

  @state() private selectedTpn?: string;
  @state() private token?: AuthToken;
  @state() private busy?: Busy;

  private session?: TokenSession;
  /** What `session` was made with: a new token after a change of any of these needs a new session. */
  private sessionOptions?: TokenSessionOptions;
  private unsubscribe?: () => void;
  private readonly copyFeedback = new CopyFeedback<CopiedValue>(this, this.feedback, () =>
    this.numberSetting(this.feedbackDuration, FEEDBACK_DURATION),
  );
  private readonly ticker = new Ticker(this);

  private readonly terminalList = new AccountLoader<Terminal[]>(this, this.feedback, {
    account: () => {
      const backend = this.activeBackend;
      const role = this.activeRole;
      return backend && role && canGenerateTokens(role) ? { backend, role } : undefined;
    },
    // Another account's terminals and token must never stay on screen.
    switchAccount: () => this.selectTpn(undefined),
    load: async ({ backend }: Account, signal) => this.selectFirstTpn(await backend.listTerminals({ signal })),
    preloaded: () => {
      const initial = this.initialTerminals ?? this.inherited?.initialTerminals;
      return initial && this.selectFirstTpn(initial);
    },
    action: 'load-terminals',
  });

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.endSession();
    this.token = undefined;
    this.busy = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('tpn') && this.tpn && this.terminalList.value?.some((terminal) => terminal.tpn === this.tpn)) {
      this.selectTpn(this.tpn);
    }
    this.ticker.running = this.token !== undefined && this.expiryState(this.token) !== 'expired';
  }

  override render(): TemplateResult {
    const role = this.activeRole;
    return this.renderCard(
      {
        heading: this.t('tokens.heading'),
        busy: this.terminalList.pending || this.busy !== undefined,
        problem: role && !canGenerateTokens(role) ? this.t('tokens.merchantOnly') : this.settingsProblem(),
      },
      () => this.renderBody(),
    );
  }

  private renderBody() {
    const terminals = this.terminalList.value;
    if (!terminals) {
      if (this.terminalList.failed) return this.feedback.renderFailure();
      return this.terminalList.renderSkeleton(this.t('tokens.loadingTerminals'), 2);
    }
    if (!terminals.length) return html`<p class="meta" part="empty">${this.t('tokens.noTerminals')}</p>`;
    const lifetimeProblem = this.lifetimeProblem();
    const generating = this.busy === 'generate';
    return html`<p class="intro">${this.t('tokens.intro')}</p>
      <div class="field">
        <label class="field-label" for="tpn">${this.t('tokens.tpnLabel')}</label>
        <div class="row">
          <select id="tpn" part="tpn-select" @change=${this.onTpnChange}>
            ${terminals.map(
              (terminal) =>
                html`<option value=${terminal.tpn} ?selected=${terminal.tpn === this.selectedTpn}>
                  ${this.t('tokens.tpnOption', { label: terminal.label, tpn: terminal.tpn })}
                </option>`,
            )}
          </select>
          <button type="button" part="copy-tpn" @click=${this.copyTpn}>
            ${this.copyFeedback.copied === 'tpn' ? this.t('tokens.copied') : this.t('tokens.copyTpn')}
          </button>
        </div>
      </div>
      ${lifetimeProblem ? html`<p class="error" part="error" role="alert">${lifetimeProblem}</p>` : nothing}
      <div class="row">
        <button
          type="button"
          class="primary"
          part="generate-button"
          ?disabled=${generating || lifetimeProblem !== undefined}
          @click=${this.generate}
        >
          ${generating ? this.t('tokens.generating') : this.t('tokens.generate')}
        </button>
      </div>
      ${this.token ? this.renderToken(this.token) : html`<p class="meta">${this.t('tokens.none')}</p>`}
      ${this.feedback.renderFailure()}`;
  }

  private renderToken(token: AuthToken) {
    const refreshing = this.busy === 'refresh';
    const state = this.expiryState(token);
    const value = token.token;
    return html`<div class="field">
        <span class="field-label" id="token-label">${this.t('tokens.tokenLabel')}</span>
        <div class="row">
          <code class="token" part="token" dir="ltr" aria-labelledby="token-label"
            >${value.slice(0, 16)}…${value.slice(-8)}</code
          >
          <button type="button" part="copy-token" @click=${this.copyToken}>
            ${this.copyFeedback.copied === 'token' ? this.t('tokens.copied') : this.t('tokens.copyToken')}
          </button>
          <button
            type="button"
            part="refresh-button"
            aria-disabled=${refreshing || state === 'expired' ? 'true' : 'false'}
            @click=${this.refresh}
          >
            ${refreshing ? this.t('tokens.refreshing') : this.t('tokens.refresh')}
          </button>
        </div>
      </div>
      <p class="expiry ${state}" part="expiry" data-state=${state}>
        ${this.expiryText(token, state)}
        <span class="meta"
          >${this.t('tokens.validUntil', { time: formatMoment(token.expiresAt, this.activeLocale) })}</span
        >
      </p>`;
  }

  private expiryState(token: AuthToken): ExpiryState {
    return EXPIRY_STATE[tokenPhase(token, Date.now(), this.refreshBeforeSeconds * 1000)];
  }

  private expiryText(token: AuthToken, state: ExpiryState): string {
    const locale = this.activeLocale;
    const until = (iso: string) => formatRelative(Date.parse(iso) - Date.now(), locale);
    switch (state) {
      case 'valid':
        return this.t('tokens.expiresIn', { relative: until(token.expiresAt) });
      case 'soon':
        return this.t('tokens.expiringSoon', { relative: until(token.expiresAt) });
      case 'grace':
        return this.t('tokens.inGrace', { relative: until(token.graceEndsAt) });
      case 'expired':
        return this.t('tokens.expired');
    }
  }

  /** `refresh-before` checked: a malformed value (`"5m"`) is warned about and the default used, never `NaN`. */
  private get refreshBeforeSeconds(): number {
    return this.numberSetting(this.refreshBefore, REFRESH_BEFORE);
  }

  /** Why `expires-in-minutes` cannot be used, or `undefined` when it is a whole number of minutes from 1 to 1440. */
  private lifetimeProblem(): string | undefined {
    const minutes = this.expiresInMinutes;
    if (Number.isInteger(minutes) && minutes >= 1 && minutes <= MAX_LIFETIME_MINUTES) return undefined;
    return this.t('tokens.lifetimeInvalid', { value: String(this.getAttribute('expires-in-minutes') ?? minutes) });
  }

  /** Selects the `tpn` attribute's terminal when the account has it, else the first one. */
  private selectFirstTpn(terminals: Terminal[]): Terminal[] {
    this.selectTpn(terminals.find((terminal) => terminal.tpn === this.tpn)?.tpn ?? terminals[0]?.tpn);
    return terminals;
  }

  /** Selecting another TPN drops the old token and aborts whatever was in flight for it. */
  private selectTpn(tpn: string | undefined): void {
    if (tpn === this.selectedTpn) return;
    this.endSession();
    this.selectedTpn = tpn;
    this.token = undefined;
    this.busy = undefined;
    this.feedback.clearFailure();
  }

  private readonly onTpnChange = (event: Event): void => {
    this.selectTpn((event.target as HTMLSelectElement).value);
  };

  /**
   * The session a new token is generated in: the current one while TPN, backend and settings are
   * unchanged; otherwise a new one, so a changed lifetime or refresh setting applies from this token on.
   */
  private sessionForSelectedTpn(): TokenSession | undefined {
    const backend = this.activeBackend;
    const tpn = this.selectedTpn;
    if (!backend || !tpn) return undefined;
    const options: TokenSessionOptions = {
      backend,
      tpn,
      expiresInMinutes: this.expiresInMinutes,
      refreshBefore: this.refreshBeforeSeconds,
      autoRefresh: this.autoRefresh,
      channelName: this.channelName,
    };
    const current = this.sessionOptions;
    const reusable =
      this.session &&
      current &&
      (Object.keys(options) as (keyof TokenSessionOptions)[]).every((key) => options[key] === current[key]);
    if (!reusable) {
      this.endSession();
      this.session = new TokenSession(options);
      this.sessionOptions = options;
      this.unsubscribe = this.session.subscribe(this.onSessionEvent);
    }
    return this.session;
  }

  private endSession(): void {
    this.unsubscribe?.();
    this.session?.dispose();
    this.unsubscribe = undefined;
    this.session = undefined;
    this.sessionOptions = undefined;
  }

  private readonly onSessionEvent = (event: TokenSessionEvent): void => {
    switch (event.type) {
      case 'generated':
      case 'refreshed': {
        this.token = event.token;
        const { token, tpn, expiresAt, graceEndsAt } = event.token;
        const name = event.type === 'generated' ? 'ipos-token-generated' : 'ipos-token-refreshed';
        dispatchIposEvent(this, name, { token, tpn, expiresAt, graceEndsAt });
        if (event.type === 'refreshed') {
          this.feedback.clearFailure('refresh-token');
          this.feedback.announce(this.t('tokens.refreshed'));
        }
        break;
      }
      case 'expired': {
        const { tpn, expiresAt, graceEndsAt } = event.token;
        dispatchIposEvent(this, 'ipos-token-expired', { tpn, expiresAt, graceEndsAt });
        this.requestUpdate();
        break;
      }
      case 'refresh-failed':
        this.failRefresh(event.error);
        break;
    }
  };

  private failRefresh(error: unknown): void {
    if (isAbort(error)) return;
    const graceOver =
      (error instanceof BackendError && error.errorCode === 'TOKEN_GRACE_EXPIRED') ||
      (this.token !== undefined && this.expiryState(this.token) === 'expired');
    // After the grace period only a new token helps, so that is what the error offers.
    if (graceOver) {
      this.feedback.fail('refresh-token', error, this.generate, {
        message: this.t('tokens.graceOver'),
        retryLabel: this.t('tokens.generate'),
      });
    } else {
      this.feedback.fail('refresh-token', error, this.refresh);
    }
  }

  private readonly generate = async (): Promise<void> => {
    if (this.busy || this.lifetimeProblem()) return;
    const session = this.sessionForSelectedTpn();
    if (!session) return;
    this.busy = 'generate';
    this.feedback.clearFailure();
    try {
      const token = await session.generate();
      if (session === this.session) this.feedback.announce(this.t('tokens.generated', { tpn: token.tpn }));
    } catch (error) {
      // A stale answer (the TPN changed meanwhile) is dropped, never shown.
      if (session === this.session && !isAbort(error)) this.feedback.fail('generate-token', error, this.generate);
    } finally {
      if (session === this.session) this.busy = undefined;
    }
  };

  private readonly refresh = async (): Promise<void> => {
    const session = this.session;
    if (this.busy || !session || !this.token || this.expiryState(this.token) === 'expired') return;
    this.busy = 'refresh';
    try {
      await session.refresh();
    } catch {
      // The session reports the failure as a `refresh-failed` event, handled once in onSessionEvent.
    } finally {
      if (session === this.session) this.busy = undefined;
    }
  };

  private readonly copyToken = this.copyFeedback.copyButton(
    'token',
    'copy-token',
    () => this.token?.token,
    () => this.t('tokens.tokenCopied'),
  );

  private readonly copyTpn = this.copyFeedback.copyButton(
    'tpn',
    'copy-tpn',
    () => this.selectedTpn,
    (tpn) => this.t('tokens.tpnCopied', { tpn }),
  );
}

declare global {
  interface HTMLElementTagNameMap {
    'ipos-token-generator': IposTokenGenerator;
  }
}
