import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ActivityEvent, ActivityPage } from '../../contract/bodies.js';
import type { IposEventName } from '../../events.js';
import { formatMoment, formatRelative } from '../../i18n/time.js';
import { panelStyles } from '../../styles/panel.js';
import { controlStyles } from '../../styles/controls.js';
import { themeStyles } from '../../styles/theme.js';
import { AccountLoader, type Account } from '../shared/account-loader.js';
import { isAbort } from '../shared/failure.js';
import { IposPanel } from '../shared/ipos-panel.js';
import { keyActivityStyles } from './ipos-key-activity.styles.js';

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

/** `page-size`: events per page, 1–100, default 20 (the contract's default). */
const PAGE_SIZE = { name: 'page-size', min: 1, max: 100, integer: true, fallback: 20 };

/** What the panels dispatch after a call that the audit log records: the trail then loads its newest page again. */
const RECORDED: readonly IposEventName[] = [
  'ipos-keys-generated',
  'ipos-secret-reset',
  'ipos-copy',
  'ipos-token-generated',
  'ipos-token-refreshed',
];

/** An account backend that can list activity: the method is optional in `CredentialsBackend`. */
type ActivityAccount = Account & { backend: Required<Pick<Account['backend'], 'listActivity'>> };

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
export class IposKeyActivity extends IposPanel {
  static override styles = [themeStyles, panelStyles, controlStyles, keyActivityStyles];
  static override defaultTag = 'ipos-key-activity';
  static readonly parts = KEY_ACTIVITY_PARTS;

  /** Events per page, 1–100 (default 20). */
  @property({ type: Number, attribute: 'page-size' }) pageSize = PAGE_SIZE.fallback;

  /** The first page the page was rendered with (e.g. by the server): shown with no request. Used once. */
  @property({ attribute: false }) initialActivity?: ActivityPage;

  /** The pages after the first, loaded with "Show more", oldest last. */
  @state() private older: ActivityEvent[] = [];
  /** The cursor of the next older page once "Show more" ran; `undefined`: take the first page's. */
  @state() private olderCursor?: string | null;
  /** The "Show more" in flight. */
  @state() private loadingMore?: AbortController;
  /** The first page last shown, kept while it loads again so the list does not blink. */
  private shown?: ActivityPage;

  private readonly loader = new AccountLoader<ActivityPage>(this, this.feedback, {
    account: () => this.account,
    switchAccount: (account) =>
      this.forgetOlder(account?.backend === this.shownFor?.backend && account?.role === this.shownFor?.role),
    load: (account, signal) =>
      (account as ActivityAccount).backend.listActivity({ limit: this.limit }, { signal }).then((page) => {
        this.shownFor = account;
        return page;
      }),
    preloaded: (account) => {
      const page = this.initialActivity ?? this.inherited?.initialActivity;
      // A later refresh of the same account keeps the list on screen while it loads.
      if (page) this.shownFor = account;
      return page;
    },
    action: 'load-activity',
  });
  /** The account `shown` belongs to. */
  private shownFor?: Account;
  /** Whether this element set its own `hidden` (for a backend without `listActivity`), so it may clear it. */
  private hiddenForBackend = false;

  override connectedCallback(): void {
    super.connectedCallback();
    for (const name of RECORDED) this.ownerDocument.addEventListener(name, this.refresh);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const name of RECORDED) this.ownerDocument.removeEventListener(name, this.refresh);
    this.forgetOlder(false);
    this.loader.reloadWhenConnected();
  }

  /** Loads the newest page again (older pages are dropped); the panels' events do this by themselves. */
  readonly refresh = (): void => {
    if (this.account) this.loader.reload();
  };

  /** Whether the backend can list activity: without it the element is hidden and calls nothing. */
  private get supported(): boolean {
    return typeof this.activeBackend?.listActivity === 'function';
  }

  private get account(): Account | undefined {
    const backend = this.activeBackend;
    const role = this.activeRole;
    return backend?.listActivity && role ? { backend, role } : undefined;
  }

  private get limit(): number {
    return this.numberSetting(this.pageSize, PAGE_SIZE);
  }

  /** Drops the older pages (and the shown page too unless it is the same account's) and aborts "Show more". */
  private forgetOlder(sameAccount: boolean): void {
    this.loadingMore?.abort();
    this.loadingMore = undefined;
    this.older = [];
    this.olderCursor = undefined;
    if (!sameAccount) this.shown = this.shownFor = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // Only an unsupported backend hides; a host's own `hidden` is never cleared.
    if (!this.supported && !this.hidden) this.hidden = this.hiddenForBackend = true;
    else if (this.supported && this.hiddenForBackend) this.hidden = this.hiddenForBackend = false;
  }

  override render(): TemplateResult | typeof nothing {
    if (!this.supported) return nothing;
    return this.renderCard(
      {
        heading: this.t('activity.heading'),
        busy: this.loader.pending || this.loadingMore !== undefined,
        problem: this.settingsProblem(),
      },
      () => this.renderBody(),
    );
  }

  private renderBody() {
    // Read here, not in willUpdate: the loader (a controller) takes a preload after willUpdate, before render.
    const first = (this.shown = this.loader.value ?? (this.loader.pending ? this.shown : undefined));
    if (!first) {
      return this.loader.failed
        ? this.feedback.renderFailure()
        : this.loader.renderSkeleton(this.t('activity.loading'), 3);
    }
    const events = [...first.events, ...this.older];
    const cursor = this.olderCursor === undefined ? first.nextCursor : this.olderCursor;
    const now = Date.now();
    return html`${
      events.length
        ? html`<ol class="events" part="list">
            ${events.map((event) => this.renderEvent(event, now))}
          </ol>`
        : html`<p class="empty" part="empty">${this.t('activity.empty')}</p>`
    }
    ${this.feedback.renderFailure()}
    ${
      cursor
        ? html`<button
            type="button"
            class="more"
            part="more-button"
            ?disabled=${this.loadingMore !== undefined}
            @click=${() => this.showMore(cursor)}
          >
            ${this.loadingMore ? this.t('activity.loadingMore') : this.t('activity.more')}
          </button>`
        : nothing
    }`;
  }

  private renderEvent(event: ActivityEvent, now: number) {
    const locale = this.activeLocale;
    const details = [
      event.actor && this.t('activity.by', { name: event.actor.name }),
      event.from && this.t('activity.from', { from: event.from }),
      event.tpn && this.t('activity.tpn', { tpn: event.tpn }),
    ].filter(Boolean);
    return html`<li class="event ${event.type === 'authentication-failed' ? 'failed' : ''}" part="event">
      <span class="event-type">${this.t(`activity.type.${event.type}`)}</span>
      <p class="event-meta">
        <time datetime=${event.at} title=${formatMoment(event.at, locale)}
          >${formatRelative(Date.parse(event.at) - now, locale)}</time
        >${details.length ? ` · ${details.join(' · ')}` : ''}
      </p>
    </li>`;
  }

  private async showMore(cursor: string): Promise<void> {
    const account = this.account as ActivityAccount | undefined;
    if (!account || this.loadingMore) return;
    const controller = (this.loadingMore = new AbortController());
    this.feedback.clearFailure('load-activity');
    try {
      const page = await account.backend.listActivity({ cursor, limit: this.limit }, { signal: controller.signal });
      if (controller.signal.aborted) return;
      this.older = [...this.older, ...page.events];
      this.olderCursor = page.nextCursor;
    } catch (error) {
      if (controller.signal.aborted || isAbort(error)) return;
      this.feedback.fail('load-activity', error, () => void this.showMore(cursor));
    } finally {
      if (this.loadingMore === controller) this.loadingMore = undefined;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ipos-key-activity': IposKeyActivity;
  }
}
