import type { PropertyValues, TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { Terminal } from '../../contract/bodies.js';
import { EXPIRES_IN_MINUTES, FEEDBACK_DURATION, REFRESH_BEFORE } from '../../options/ranges.js';
import { controlStyles } from '../../styles/controls.js';
import { panelStyles } from '../../styles/panel.js';
import { themeStyles } from '../../styles/theme.js';
import { IposElement } from '../internal/ipos-element.js';
import { LazyView, type PanelView } from '../internal/lazy-view.js';
import { PanelFeedback } from '../internal/panel-feedback.js';
import { tokenGeneratorStyles } from './ipos-token-generator.styles.js';
import { tokenGeneratorViews, type TokenGeneratorElement } from './token-generator-port.js';

export type { ExpiryState } from './token-generator-port.js';

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
export class IposTokenGenerator extends IposElement implements TokenGeneratorElement {
  static override styles = [themeStyles, panelStyles, controlStyles, tokenGeneratorStyles];
  static override defaultTag = 'ipos-token-generator';
  static readonly parts = TOKEN_GENERATOR_PARTS;

  /** Lifetime of generated tokens: a whole number of minutes from 1 to 1440 (default 1440). Anything else is refused, not clamped. */
  @property({ type: Number, attribute: 'expires-in-minutes' }) expiresInMinutes = EXPIRES_IN_MINUTES.fallback;

  /** Refresh the token automatically, once, `refresh-before` seconds before it expires. */
  @property({ type: Boolean, attribute: 'auto-refresh' }) autoRefresh = false;

  /** Seconds before expiry at which the token counts as "expiring soon" and auto-refresh runs (0–86400; default 300). */
  @property({ type: Number, attribute: 'refresh-before' }) refreshBefore = REFRESH_BEFORE.fallback;

  /** The TPN to select first, when the account has it; otherwise the first terminal. */
  @property() tpn?: string;

  /** The terminals the page was rendered with: the first render shows them with no GET. Used once. */
  @property({ attribute: false }) initialTerminals?: Terminal[];

  /** Milliseconds a copy button says "Copied" before returning to rest (0–60000; default 2000). */
  @property({ type: Number, attribute: 'feedback-duration' }) feedbackDuration = FEEDBACK_DURATION.fallback;

  /**
   * Name under which tabs of the same portal share tokens, so that one refresh serves them all; default
   * one channel per account and TPN (`tokenChannelName`), and messages are checked for account and TPN
   * whatever the name; `false` keeps this element to itself.
   */
  @property({ attribute: false }) channelName?: string | false;

  /**
   * With preloaded data: show it at once, then load it again in the background and show the fresh answer
   * (stale-while-revalidate: one GET after the first paint). Off by default: a preload stands until the account
   * changes. Set it when the page may be served from a cache. The provider's `revalidate` applies to its panels.
   */
  @property({ type: Boolean }) revalidate = false;

  protected readonly feedback = new PanelFeedback(this, (key) => this.t(key));
  private readonly lazy = new LazyView(this, this.feedback, {
    importView: () => this.importView(),
    readyView: () => this.readyView(),
    wanted: () => true,
    action: 'load-terminals',
  });
  private readonly port = this.lend(
    this.feedback,
    () => this.initialTerminals ?? this.inherited?.initialTerminals,
    () => this.revalidates(this.revalidate),
  );

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

  // Its own chunk: TokenSession, the countdown and the token wording load only where a token generator shows.
  protected importView(): Promise<unknown> {
    return import('./token-generator-view.js');
  }

  /** The view, made now if its module has run. */
  protected readyView(): PanelView | undefined {
    return tokenGeneratorViews.make?.(this, this.port);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // First: a view made now has its controllers run in this very update.
    this.lazy.load();
    super.willUpdate(changed);
    this.lazy.view?.willUpdate(changed);
  }

  /** Resolves once the view has loaded (or failed to) and rendered, so `await element.updateComplete` sees it. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.lazy.loading;
    return super.getUpdateComplete();
  }

  override render(): TemplateResult {
    const card = {
      heading: this.t('tokens.heading'),
      busy: this.lazy.busy,
      problem: this.lazy.view?.problem() ?? this.settingsProblem(),
    };
    return this.renderCard(
      card,
      () => this.lazy.renderBody(this.t('tokens.loadingTerminals'), 2),
      this.feedback.renderStatus(),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipos-token-generator': IposTokenGenerator;
  }
}
