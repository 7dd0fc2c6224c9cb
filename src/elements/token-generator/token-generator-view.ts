import { html, nothing, type PropertyValues, type ReactiveController } from 'lit';
import { BackendError } from '../../backend/backend-error.js';
import type { AuthToken, Terminal } from '../../contract/bodies.js';
import { dispatchIposEvent, type CopyField } from '../events.js';
import { addEnglish } from '../../i18n/catalogs.js';
import { enTokens } from '../../i18n/en/tokens.js';
import { formatMoment, formatRelative } from '../../i18n/time.js';
import { canGenerateTokens } from '../../contract/roles.js';
import { KeysSession } from '../../headless/keys-session.js';
import { TokenSession, type TokenSessionEvent, type TokenSessionOptions } from '../../headless/token-session.js';
import { tokenPhase, type TokenPhase } from '../../headless/token-timing.js';
import { AccountLoader, renderSkeleton, type Account } from '../internal/account-loader.js';
import { CopyFeedback } from '../internal/copy-feedback.js';
import { isAbort, roleMismatch } from '../internal/failure.js';
import { handFocus } from '../internal/focus.js';
import type { PanelPort, PanelView } from '../internal/lazy-view.js';
import { EXPIRES_IN_MINUTES, FEEDBACK_DURATION, REFRESH_BEFORE } from '../../options/ranges.js';
import { tokenGeneratorViews, type ExpiryState, type TokenGeneratorElement } from './token-generator-port.js';
import { Ticker } from '../internal/ticker.js';

type Busy = 'generate' | 'refresh';
type CopiedValue = Extract<CopyField, 'token' | 'tpn'>;

/** What the token generator shows besides its settings: one owner, every change re-renders. */
interface TokenGeneratorState {
  selectedTpn?: string;
  token?: AuthToken;
  busy?: Busy;
}

const EXPIRY_STATE: Readonly<Record<TokenPhase, ExpiryState>> = {
  fresh: 'valid',
  due: 'soon',
  grace: 'grace',
  over: 'expired',
};

/**
 * The work of `<ipos-token-generator>`: terminals, the token session, the countdown and the card. A
 * module of its own, loaded with the first token generator, so that ISO and agent pages never download it.
 */
export class TokenGeneratorView implements PanelView, ReactiveController {
  private state: TokenGeneratorState = {};
  private session?: TokenSession;
  /** What `session` was made with: a new token after a change of any of these needs a new session. */
  private sessionOptions?: TokenSessionOptions;
  private unsubscribe?: () => void;
  private readonly copyFeedback = new CopyFeedback<CopiedValue>(this.element, this.port.feedback, () =>
    this.port.numberSetting(this.element.feedbackDuration, FEEDBACK_DURATION),
  );
  private readonly ticker = new Ticker(this.element);
  private readonly terminalList = new AccountLoader<Terminal[]>(this.element, this.port.feedback, {
    account: () => {
      const backend = this.port.backend();
      const role = this.port.role();
      return backend && role && canGenerateTokens(role) ? { backend, role } : undefined;
    },
    // Another account's terminals and token must never stay on screen.
    switchAccount: () => this.selectTpn(undefined),
    load: async (account: Account, signal) => {
      try {
        // Chosen quietly: the load's end renders the terminals and the choice together, in one update.
        return this.selectFirstTpn(await account.backend.listTerminals({ signal }), false);
      } catch (error) {
        throw (await this.mismatchBehind(error, account, signal)) ?? error;
      }
    },
    preloaded: () => {
      const initial = this.port.preloaded();
      return initial && this.selectFirstTpn(initial);
    },
    revalidate: () => this.port.revalidate(),
    action: 'load-terminals',
  });

  constructor(
    private readonly element: TokenGeneratorElement,
    private readonly port: PanelPort<Terminal[]>,
  ) {
    element.addController(this);
  }

  /**
   * A 403 for the terminals on a merchant's screen: when the backend answers for another role, that is what the user
   * is told (the account's credentials say which role; another panel's request for them is joined, not repeated).
   */
  private async mismatchBehind(error: unknown, { backend, role }: Account, signal: AbortSignal) {
    if (!(error instanceof BackendError && error.code === 'forbidden')) return undefined;
    const keys = KeysSession.for(backend, role);
    try {
      const { role: actual } = await keys.load(signal);
      return actual === role ? undefined : roleMismatch(role, actual, this.port.t);
    } catch {
      return undefined;
    } finally {
      keys.release();
    }
  }

  hostDisconnected(): void {
    this.endSession();
    // The token goes; the chosen TPN stays with the terminals still shown, so a moved element generates for it.
    this.setState({ token: undefined, busy: undefined });
  }

  willUpdate(changed: PropertyValues): void {
    const { tpn } = this.element;
    if (changed.has('tpn') && tpn && this.terminalList.value?.some((terminal) => terminal.tpn === tpn)) {
      this.selectTpn(tpn);
    }
    const { token } = this.state;
    this.ticker.running = token !== undefined && this.expiryState(token) !== 'expired';
  }

  get busy(): boolean {
    return this.terminalList.pending || this.state.busy !== undefined;
  }

  problem(): string | undefined {
    const role = this.port.role();
    return role && !canGenerateTokens(role) ? this.port.t('tokens.merchantOnly') : undefined;
  }

  private setState(patch: TokenGeneratorState, render = true): void {
    this.state = { ...this.state, ...patch };
    if (render) this.element.requestUpdate();
  }

  renderBody() {
    const { t, feedback } = this.port;
    const terminals = this.terminalList.value;
    if (!terminals) {
      if (this.terminalList.failed) return feedback.renderFailure();
      return renderSkeleton(t('tokens.loadingTerminals'), 2);
    }
    if (!terminals.length) return html`<p class="meta" part="empty">${t('tokens.noTerminals')}</p>`;
    const { selectedTpn, token, busy } = this.state;
    const lifetimeProblem = this.lifetimeProblem();
    const generating = busy === 'generate';
    return html`<p class="intro">${t('tokens.intro')}</p>
      <div class="field">
        <label class="field-label" for="tpn">${t('tokens.tpnLabel')}</label>
        <div class="row">
          <select id="tpn" part="tpn-select" @change=${this.onTpnChange}>
            ${terminals.map(
              (terminal) =>
                html`<option value=${terminal.tpn} ?selected=${terminal.tpn === selectedTpn}>
                  ${t('tokens.tpnOption', { label: terminal.label, tpn: terminal.tpn })}
                </option>`,
            )}
          </select>
          <button type="button" part="copy-tpn" @click=${this.copyTpn}>
            ${this.copyFeedback.copied === 'tpn' ? t('tokens.copied') : t('tokens.copyTpn')}
          </button>
        </div>
      </div>
      ${lifetimeProblem ? html`<p class="error" part="error" role="alert">${lifetimeProblem}</p>` : nothing}
      <div class="row">
        <button
          type="button"
          class="primary"
          part="generate-button"
          aria-disabled=${generating ? 'true' : nothing}
          ?disabled=${lifetimeProblem !== undefined}
          @click=${this.generate}
        >
          ${generating ? t('tokens.generating') : t('tokens.generate')}
        </button>
      </div>
      ${token ? this.renderToken(token) : html`<p class="meta">${t('tokens.none')}</p>`} ${feedback.renderFailure()}`;
  }

  private renderToken(token: AuthToken) {
    const { t } = this.port;
    const locale = this.port.locale();
    const refreshing = this.state.busy === 'refresh';
    const state = this.expiryState(token);
    const value = token.token;
    return html`<div class="field">
        <span class="field-label" id="token-label">${t('tokens.tokenLabel')}</span>
        <div class="row">
          <code class="token" part="token" dir="ltr" aria-labelledby="token-label"
            >${value.slice(0, 16)}…${value.slice(-8)}</code
          >
          <button type="button" part="copy-token" @click=${this.copyToken}>
            ${this.copyFeedback.copied === 'token' ? t('tokens.copied') : t('tokens.copyToken')}
          </button>
          <button
            type="button"
            part="refresh-button"
            aria-disabled=${refreshing || state === 'expired' ? 'true' : nothing}
            @click=${this.refresh}
          >
            ${refreshing ? t('tokens.refreshing') : t('tokens.refresh')}
          </button>
        </div>
      </div>
      <p class="expiry ${state}" part="expiry" data-state=${state}>
        ${this.expiryText(token, state)}
        <span class="meta">${t('tokens.validUntil', { time: formatMoment(token.expiresAt, locale) })}</span>
      </p>`;
  }

  private expiryState(token: AuthToken): ExpiryState {
    return EXPIRY_STATE[tokenPhase(token, Date.now(), this.refreshBeforeSeconds * 1000)];
  }

  private expiryText(token: AuthToken, state: ExpiryState): string {
    const { t } = this.port;
    const locale = this.port.locale();
    const until = (iso: string) => formatRelative(Date.parse(iso) - Date.now(), locale);
    switch (state) {
      case 'valid':
        return t('tokens.expiresIn', { relative: until(token.expiresAt) });
      case 'soon':
        return t('tokens.expiringSoon', { relative: until(token.expiresAt) });
      case 'grace':
        return t('tokens.inGrace', { relative: until(token.graceEndsAt) });
      case 'expired':
        return t('tokens.expired');
    }
  }

  /** `refresh-before` checked: a malformed value (`"5m"`) is warned about and the default used, never `NaN`. */
  private get refreshBeforeSeconds(): number {
    return this.port.numberSetting(this.element.refreshBefore, REFRESH_BEFORE);
  }

  /** Why `expires-in-minutes` cannot be used, or `undefined` when it is a whole number of minutes from 1 to 1440. */
  private lifetimeProblem(): string | undefined {
    const minutes = this.element.expiresInMinutes;
    if (Number.isInteger(minutes) && minutes >= EXPIRES_IN_MINUTES.min && minutes <= EXPIRES_IN_MINUTES.max)
      return undefined;
    const written = this.element.getAttribute('expires-in-minutes') ?? minutes;
    return this.port.t('tokens.lifetimeInvalid', { value: String(written) });
  }

  /** Selects the `tpn` attribute's terminal when the account has it, else the first one. */
  private selectFirstTpn(terminals: Terminal[], render = true): Terminal[] {
    // The TPN on screen stays chosen through a revalidation (an account switch clears it first).
    const tpn = this.state.selectedTpn ?? this.element.tpn;
    this.selectTpn(terminals.find((terminal) => terminal.tpn === tpn)?.tpn ?? terminals[0]?.tpn, render);
    return terminals;
  }

  /** Selecting another TPN drops the old token and aborts whatever was in flight for it. */
  private selectTpn(tpn: string | undefined, render = true): void {
    if (tpn === this.state.selectedTpn) return;
    this.endSession();
    this.setState({ selectedTpn: tpn, token: undefined, busy: undefined }, render);
    this.port.feedback.clearFailure();
  }

  private readonly onTpnChange = (event: Event): void => {
    this.selectTpn((event.target as HTMLSelectElement).value);
  };

  /**
   * The session a new token is generated in: the current one while TPN, backend and settings are
   * unchanged; otherwise a new one, so a changed lifetime or refresh setting applies from this token on.
   */
  private sessionForSelectedTpn(): TokenSession | undefined {
    const backend = this.port.backend();
    const tpn = this.state.selectedTpn;
    if (!backend || !tpn) return undefined;
    const options: TokenSessionOptions = {
      backend,
      tpn,
      expiresInMinutes: this.element.expiresInMinutes,
      refreshBefore: this.refreshBeforeSeconds,
      autoRefresh: this.element.autoRefresh,
      channelName: this.element.channelName,
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
        this.setState({ token: event.token });
        const { token, tpn, expiresAt, graceEndsAt } = event.token;
        const name = event.type === 'generated' ? 'ipos-token-generated' : 'ipos-token-refreshed';
        dispatchIposEvent(this.element, name, { token, tpn, expiresAt, graceEndsAt });
        if (event.type === 'refreshed') {
          this.port.feedback.clearFailure('refresh-token');
          this.port.feedback.announce(this.port.t('tokens.refreshed'));
        }
        break;
      }
      case 'expired': {
        const { tpn, expiresAt, graceEndsAt } = event.token;
        dispatchIposEvent(this.element, 'ipos-token-expired', { tpn, expiresAt, graceEndsAt });
        this.element.requestUpdate();
        break;
      }
      case 'refresh-failed':
        this.failRefresh(event.error);
        break;
    }
  };

  private failRefresh(error: unknown): void {
    if (isAbort(error)) return;
    const { token } = this.state;
    const graceOver =
      (error instanceof BackendError && error.errorCode === 'TOKEN_GRACE_EXPIRED') ||
      (token !== undefined && this.expiryState(token) === 'expired');
    // After the grace period only a new token helps, so that is what the error offers.
    if (graceOver) {
      this.port.feedback.fail('refresh-token', error, this.generate, {
        message: this.port.t('tokens.graceOver'),
        retryLabel: this.port.t('tokens.generate'),
      });
    } else {
      this.port.feedback.fail('refresh-token', error, this.refresh);
    }
  }

  private readonly generate = async (): Promise<void> => {
    if (this.state.busy || this.lifetimeProblem()) return;
    const session = this.sessionForSelectedTpn();
    if (!session) return;
    this.setState({ busy: 'generate' });
    this.port.feedback.clearFailure();
    try {
      const token = await session.generate();
      // A stale answer (the TPN changed meanwhile) is dropped, never shown.
      if (session !== this.session) return;
      // The token with it (the session's event may follow): its Copy is on screen for the focus below.
      this.setState({ busy: undefined, token });
      this.port.feedback.announce(this.port.t('tokens.generated', { tpn: token.tpn }));
      // What the user came for is the token: its Copy takes the focus Generate Token had.
      await this.element.updateComplete;
      if (this.element.shadowRoot) handFocus(this.element.shadowRoot, 'generate-button', 'copy-token');
    } catch (error) {
      if (session !== this.session) return;
      this.setState({ busy: undefined });
      if (!isAbort(error)) this.port.feedback.fail('generate-token', error, this.generate);
    }
  };

  private readonly refresh = async (): Promise<void> => {
    const session = this.session;
    const { busy, token } = this.state;
    if (busy || !session || !token || this.expiryState(token) === 'expired') return;
    this.setState({ busy: 'refresh' });
    try {
      await session.refresh();
    } catch {
      // The session reports the failure as a `refresh-failed` event, handled once in onSessionEvent.
    } finally {
      if (session === this.session) this.setState({ busy: undefined });
    }
  };

  private readonly copyToken = this.copyFeedback.copyButton(
    'token',
    'copy-token',
    () => this.state.token?.token,
    () => this.port.t('tokens.tokenCopied'),
  );

  private readonly copyTpn = this.copyFeedback.copyButton(
    'tpn',
    'copy-tpn',
    () => this.state.selectedTpn,
    (tpn) => this.port.t('tokens.tpnCopied', { tpn }),
  );
}

// Its wording arrives with it: an element's first render of the view speaks it.
addEnglish(enTokens);
tokenGeneratorViews.make = (element, port) => new TokenGeneratorView(element, port);
