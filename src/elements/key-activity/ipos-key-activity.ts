import { nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { ActivityPage } from '../../contract/bodies.js';
import { PAGE_SIZE } from '../../options/ranges.js';
import { controlStyles } from '../../styles/controls.js';
import { panelStyles } from '../../styles/panel.js';
import { themeStyles } from '../../styles/theme.js';
import { IposElement } from '../internal/ipos-element.js';
import { LazyView } from '../internal/lazy-view.js';
import { PanelFeedback } from '../internal/panel-feedback.js';
import { keyActivityStyles } from './ipos-key-activity.styles.js';
import { keyActivityViews, type ActivityView, type KeyActivityElement } from './key-activity-port.js';

/** The parts the activity trail renders; the provider re-exports them prefixed `key-activity__`. */
export const KEY_ACTIVITY_PARTS = [
  'base',
  'list',
  'event',
  'more-button',
  'empty',
  'error',
  'retry-button',
  'skeleton',
  'status',
] as const;

/**
 * The account's activity trail: keys generated, the secret revealed (copies count: they fetch it) and reset,
 * tokens generated and refreshed, authentications that worked or failed — with who, when and from where,
 * newest first, older events a "Show more" away. Hidden, with no request, when the backend has no
 * `listActivity`. Loads its newest page again after the panels' own generate, reset, copy and token events.
 *
 * @summary The activity trail of the account's API keys (`GET /credentials/activity`).
 * @tag ipos-key-activity
 *
 * @fires {CustomEvent<ErrorDetail>} ipos-error - Loading the trail (or an older page of it) failed.
 *
 * @csspart base - The card; carries the theme.
 * @csspart list - The list of events, newest first.
 * @csspart event - One event: what happened, when, who and from where.
 * @csspart more-button - Loads the older events ("Show more"); only while there are some.
 * @csspart empty - Shown when the account has no activity yet.
 * @csspart skeleton - The placeholder shown while the trail loads.
 * @csspart status - Live region for info messages.
 * @csspart error - What failed and why, with a Retry button when retrying can help.
 * @csspart retry-button - Loads the failed page again.
 */
export class IposKeyActivity extends IposElement implements KeyActivityElement {
  static override styles = [themeStyles, panelStyles, controlStyles, keyActivityStyles];
  static override defaultTag = 'ipos-key-activity';
  static readonly parts = KEY_ACTIVITY_PARTS;

  /** Events per page, 1–100 (default 20). */
  @property({ type: Number, attribute: 'page-size' }) pageSize = PAGE_SIZE.fallback;

  /** The first page the page was rendered with (e.g. by the server): shown with no request. Used once. */
  @property({ attribute: false }) initialActivity?: ActivityPage;

  /**
   * With preloaded data: show it at once, then load it again in the background and show the fresh answer
   * (stale-while-revalidate: one GET after the first paint). Off by default: a preload stands until the account
   * changes. Set it when the page may be served from a cache. The provider's `revalidate` applies to its panels.
   */
  @property({ type: Boolean }) revalidate = false;

  protected readonly feedback = new PanelFeedback(this, (key) => this.t(key));
  private readonly lazy = new LazyView<ActivityView>(this, this.feedback, {
    importView: () => this.importView(),
    readyView: () => this.readyView(),
    wanted: () => this.supported,
    action: 'load-activity',
  });
  private readonly port = this.lend(
    this.feedback,
    () => this.initialActivity ?? this.inherited?.initialActivity,
    () => this.revalidates(this.revalidate),
  );

  /** Whether this element set its own `hidden` (for a backend without `listActivity`), so it may clear it. */
  private hiddenForBackend = false;

  /** Loads the newest page again (older pages are dropped); the panels' events do this by themselves. */
  readonly refresh = (): void => {
    this.lazy.view?.refresh();
  };

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

  /** Whether the backend can list activity: without it the element is hidden and calls nothing. */
  private get supported(): boolean {
    return typeof this.activeBackend?.listActivity === 'function';
  }

  // Its own chunk: the trail shows below the keys, so the keys never wait for it.
  protected importView(): Promise<unknown> {
    return import('./key-activity-view.js');
  }

  /** The view, made now if its module has run. */
  protected readyView(): ActivityView | undefined {
    return keyActivityViews.make?.(this, this.port);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Only an unsupported backend hides; a host's own `hidden` is never cleared.
    const supported = this.supported;
    if (!supported && !this.hidden) this.hidden = this.hiddenForBackend = true;
    else if (supported && this.hiddenForBackend) this.hidden = this.hiddenForBackend = false;
    // Then the view: one made now has its controllers run in this very update.
    this.lazy.load();
    super.willUpdate(changed);
    this.lazy.view?.willUpdate(changed);
  }

  /** Resolves once the view has loaded (or failed to) and rendered, so `await element.updateComplete` sees it. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.lazy.loading;
    return super.getUpdateComplete();
  }

  override render(): TemplateResult | typeof nothing {
    if (!this.supported) return nothing;
    const card = { heading: this.t('activity.heading'), busy: this.lazy.busy, problem: this.settingsProblem() };
    return this.renderCard(
      card,
      () => this.lazy.renderBody(this.t('activity.loading'), 3),
      this.feedback.renderStatus(),
    );
  }

  protected override update(changed: PropertyValues<this>): void {
    // The server rendered the trail with its own backend; this page's cannot list activity, so the first render is
    // nothing, which Lit cannot hydrate over a card: the card goes (its styles stay), leaving an empty part.
    if (!this.supported && this.serverRendered('[part]')) {
      const root = this.renderRoot;
      root.replaceChildren(...root.querySelectorAll('style'), new Comment('lit-part'), new Comment('/lit-part'));
    }
    super.update(changed);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipos-key-activity': IposKeyActivity;
  }
}
