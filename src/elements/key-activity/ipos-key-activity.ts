import { nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { ActivityPage } from '../../contract/bodies.js';
import { PAGE_SIZE } from '../../options/ranges.js';
import { controlStyles } from '../../styles/controls.js';
import { panelStyles } from '../../styles/panel.js';
import { themeStyles } from '../../styles/theme.js';
import { IposLazyPanel, type Placeholder } from '../internal/ipos-lazy-panel.js';
import { keyActivityStyles } from './ipos-key-activity.styles.js';
import type { KeyActivityView } from './key-activity-view.js';

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
export class IposKeyActivity extends IposLazyPanel<KeyActivityView> {
  static override styles = [themeStyles, panelStyles, controlStyles, keyActivityStyles];
  static override defaultTag = 'ipos-key-activity';
  static readonly parts = KEY_ACTIVITY_PARTS;

  /** Events per page, 1–100 (default 20). */
  @property({ type: Number, attribute: 'page-size' }) pageSize = PAGE_SIZE.fallback;

  /** The first page the page was rendered with (e.g. by the server): shown with no request. Used once. */
  @property({ attribute: false }) initialActivity?: ActivityPage;

  /** Whether this element set its own `hidden` (for a backend without `listActivity`), so it may clear it. */
  private hiddenForBackend = false;

  /** Loads the newest page again (older pages are dropped); the panels' events do this by themselves. */
  readonly refresh = (): void => {
    this.view?.refresh();
  };

  /** Whether the backend can list activity: without it the element is hidden and calls nothing. */
  private get supported(): boolean {
    return typeof this.activeBackend?.listActivity === 'function';
  }

  protected override get wantsView(): boolean {
    return this.supported;
  }

  protected override get placeholder(): Placeholder {
    return { heading: this.t('activity.heading'), label: this.t('activity.loading'), bars: 3, action: 'load-activity' };
  }

  // Its own chunk: the trail shows below the keys, so the keys never wait for it.
  protected override importView(): Promise<unknown> {
    return import('./key-activity-view.js');
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Only an unsupported backend hides; a host's own `hidden` is never cleared.
    const supported = this.supported;
    if (!supported && !this.hidden) this.hidden = this.hiddenForBackend = true;
    else if (supported && this.hiddenForBackend) this.hidden = this.hiddenForBackend = false;
    super.willUpdate(changed);
  }

  override render(): TemplateResult | typeof nothing {
    return this.supported ? super.render() : nothing;
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
