import { html, nothing, type ReactiveController } from 'lit';
import type { ActivityEvent, ActivityPage } from '../../contract/bodies.js';
import type { IposEventName } from '../events.js';
import { canGenerateTokens } from '../../contract/roles.js';
import { addEnglish } from '../../i18n/catalogs.js';
import { enActivity } from '../../i18n/en/activity.js';
import { formatAgo, formatMoment } from '../../i18n/time.js';
import { AccountLoader, renderSkeleton, type Account } from '../internal/account-loader.js';
import { isAbort } from '../internal/failure.js';
import type { PanelPort } from '../internal/lazy-view.js';
import { PAGE_SIZE } from '../../options/ranges.js';
import { keyActivityViews, type KeyActivityElement, type ActivityView } from './key-activity-port.js';

/** What the panels dispatch after a call that the audit log records: the trail then loads its newest page again. */
const RECORDED: readonly IposEventName[] = [
  'ipos-keys-generated',
  'ipos-secret-reset',
  'ipos-previous-secret-revoked',
  'ipos-copy',
  'ipos-token-generated',
  'ipos-token-refreshed',
];

/** The events of an integration signing in with the keys: their actor is the account, not a person. */
const KEY_SIGN_INS: ReadonlySet<ActivityEvent['type']> = new Set(['authenticated', 'authentication-failed']);

/** An account backend that can list activity: the method is optional in `CredentialsBackend`. */
type ActivityAccount = Account & { backend: Required<Pick<Account['backend'], 'listActivity'>> };

/** The pages past the first: one owner, every change re-renders. */
interface OlderPages {
  /** The pages after the first, loaded with "Show more", oldest last. */
  older: ActivityEvent[];
  /** The cursor of the next older page once "Show more" ran; `undefined`: take the first page's. */
  olderCursor?: string | null;
  /** The "Show more" in flight. */
  loadingMore?: AbortController;
}

/**
 * The work of `<ipos-key-activity>`: pages of the trail, "Show more", reloads after the panels' events.
 * A module of its own, loaded with the first activity trail, after the keys.
 */
export class KeyActivityView implements ActivityView, ReactiveController {
  private pages: OlderPages = { older: [] };
  /** The first page last shown, kept while it loads again so the list does not blink. */
  private shown?: ActivityPage;
  /** The account `shown` belongs to. */
  private shownFor?: Account;

  private readonly loader = new AccountLoader<ActivityPage>(this.element, this.port.feedback, {
    account: () => this.account,
    switchAccount: (account) =>
      this.forgetOlder(account?.backend === this.shownFor?.backend && account?.role === this.shownFor?.role),
    load: (account, signal) =>
      (account as ActivityAccount).backend.listActivity({ limit: this.limit }, { signal }).then((page) => {
        this.shownFor = account;
        return page;
      }),
    preloaded: (account) => {
      const page = this.port.preloaded();
      // A later refresh of the same account keeps the list on screen while it loads.
      if (page) this.shownFor = account;
      return page;
    },
    revalidate: () => this.port.revalidate(),
    action: 'load-activity',
  });

  constructor(
    private readonly element: KeyActivityElement,
    private readonly port: PanelPort<ActivityPage>,
  ) {
    element.addController(this);
  }

  hostConnected(): void {
    for (const name of RECORDED) this.element.ownerDocument.addEventListener(name, this.refresh);
  }

  hostDisconnected(): void {
    for (const name of RECORDED) this.element.ownerDocument.removeEventListener(name, this.refresh);
    this.forgetOlder(false);
    this.loader.reloadWhenConnected();
  }

  /** Loads the newest page again (older pages are dropped). */
  readonly refresh = (): void => {
    if (this.account) this.loader.reload();
  };

  willUpdate(): void {}

  get busy(): boolean {
    return this.loader.pending || this.pages.loadingMore !== undefined;
  }

  problem(): undefined {
    return undefined;
  }

  private get account(): Account | undefined {
    const backend = this.port.backend();
    const role = this.port.role();
    return backend?.listActivity && role ? { backend, role } : undefined;
  }

  private get limit(): number {
    return this.port.numberSetting(this.element.pageSize, PAGE_SIZE);
  }

  private setPages(patch: Partial<OlderPages>): void {
    this.pages = { ...this.pages, ...patch };
    this.element.requestUpdate();
  }

  /** Drops the older pages (and the shown page too unless it is the same account's) and aborts "Show more". */
  private forgetOlder(sameAccount: boolean): void {
    this.pages.loadingMore?.abort();
    this.setPages({ older: [], olderCursor: undefined, loadingMore: undefined });
    if (!sameAccount) this.shown = this.shownFor = undefined;
  }

  renderBody() {
    const { t, feedback } = this.port;
    // Read here, not in willUpdate: the loader (a controller) takes a preload after willUpdate, before render.
    const first = (this.shown = this.loader.value ?? (this.loader.pending ? this.shown : undefined));
    if (!first) {
      return this.loader.failed ? feedback.renderFailure() : renderSkeleton(t('activity.loading'), 3);
    }
    const { older, olderCursor, loadingMore } = this.pages;
    const events = [...first.events, ...older];
    const cursor = olderCursor === undefined ? first.nextCursor : olderCursor;
    const role = this.port.role();
    const now = Date.now();
    return html`${
      events.length
        ? html`<ol class="events" part="list">
            ${events.map((event) => this.renderEvent(event, now))}
          </ol>`
        : html`<p class="empty" part="empty">
            ${t(role && canGenerateTokens(role) ? 'activity.empty' : 'activity.emptyWithoutTokens')}
          </p>`
    }
    ${feedback.renderFailure()}
    ${
      cursor
        ? html`<button
            type="button"
            class="more"
            part="more-button"
            ?disabled=${loadingMore !== undefined}
            @click=${() => this.showMore(cursor)}
          >
            ${loadingMore ? t('activity.loadingMore') : t('activity.more')}
          </button>`
        : nothing
    }`;
  }

  private renderEvent(event: ActivityEvent, now: number) {
    const { t } = this.port;
    const locale = this.port.locale();
    const details = [
      // A sign-in with the keys is an integration's, not a person's: where it came from says who.
      event.actor && !KEY_SIGN_INS.has(event.type) && t('activity.by', { name: event.actor.name }),
      event.from && t('activity.from', { from: event.from }),
      event.tpn && t('activity.tpn', { tpn: event.tpn }),
    ].filter(Boolean);
    return html`<li class="event ${event.type === 'authentication-failed' ? 'failed' : ''}" part="event">
      <span class="event-type">${t(`activity.type.${event.type}`)}</span>
      <p class="event-meta">
        <time datetime=${event.at} title=${formatMoment(event.at, locale)}
          >${formatAgo(Date.parse(event.at) - now, locale, t('time.justNow'))}</time
        >${details.length ? ` · ${details.join(' · ')}` : nothing}
      </p>
    </li>`;
  }

  private async showMore(cursor: string): Promise<void> {
    const account = this.account as ActivityAccount | undefined;
    if (!account || this.pages.loadingMore) return;
    const controller = new AbortController();
    this.setPages({ loadingMore: controller });
    this.port.feedback.clearFailure('load-activity');
    try {
      const page = await account.backend.listActivity({ cursor, limit: this.limit }, { signal: controller.signal });
      if (controller.signal.aborted) return;
      this.setPages({ older: [...this.pages.older, ...page.events], olderCursor: page.nextCursor });
    } catch (error) {
      if (controller.signal.aborted || isAbort(error)) return;
      this.port.feedback.fail('load-activity', error, () => void this.showMore(cursor));
    } finally {
      if (this.pages.loadingMore === controller) this.setPages({ loadingMore: undefined });
    }
  }
}

// Its wording arrives with it: an element's first render of the view speaks it.
addEnglish(enActivity);
keyActivityViews.make = (element, port) => new KeyActivityView(element, port);
