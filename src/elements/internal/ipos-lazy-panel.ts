import { type nothing, type PropertyValues, type TemplateResult } from 'lit';
import { BackendError } from '../../backend/backend-error.js';
import type { CredentialsBackend } from '../../backend/credentials-backend.js';
import type { CredentialsConfig } from '../context.js';
import type { ErrorAction } from '../events.js';
import type { CatalogKey } from '../../i18n/en.js';
import type { MessageParams } from '../../i18n/types.js';
import type { NumberRange } from '../../options/number-option.js';
import type { UserRole } from '../../contract/roles.js';
import { renderSkeleton } from './account-loader.js';
import { IposPanel, type PanelCard } from './ipos-panel.js';
import type { PanelFeedback } from './panel-feedback.js';

/** What a panel lends the view that does its work: its protected helpers and resolved settings, nothing else. */
export interface PanelPort {
  readonly feedback: PanelFeedback;
  /** The element's current settings, resolved as every element resolves them (own, then the provider's). */
  backend(): CredentialsBackend | undefined;
  role(): UserRole | undefined;
  locale(): string;
  inherited(): CredentialsConfig | undefined;
  /** Whether preloaded data is loaded again in the background. */
  revalidate(): boolean;
  t(key: CatalogKey, params?: MessageParams): string;
  numberSetting(value: number, range: NumberRange): number;
  settingsProblem(): string | undefined;
  renderCard(card: PanelCard, body: () => unknown): TemplateResult;
}

/** The work of a panel, loaded on demand: it follows the element's updates and renders its card. */
export interface PanelView {
  willUpdate(changed: PropertyValues): void;
  render(): TemplateResult | typeof nothing;
}

/** What the card shows until the view is there: the panel's heading and its loading skeleton. */
export interface Placeholder {
  heading: string;
  /** Announced to assistive technology while loading. */
  label: string;
  /** Skeleton bars, as many as the loading state of the view shows, so nothing moves when it arrives. */
  bars: number;
  /** The action a failed load of the view is reported as: the panel's own first load. */
  action: Extract<ErrorAction, 'load-terminals' | 'load-activity'>;
}

type ViewMaker = (element: never, port: PanelPort) => PanelView;

/** The views whose module has run, by panel class. */
const viewMakers = new Map<abstract new () => IposLazyPanel<PanelView>, ViewMaker>();

/**
 * Called by a view module when it runs: from then on each panel of that class makes its view at once, in
 * its first update — as a server render and a hydrating page need (their first render must be the data).
 */
export function provideView<P extends IposLazyPanel<V>, V extends PanelView>(
  panel: abstract new () => P,
  make: (element: P, port: PanelPort) => V,
): void {
  viewMakers.set(panel, make);
}

/**
 * A panel whose work (session, templates, wording) is a separate module, imported when the element is
 * first connected: a page that never shows the panel never downloads it. The class, its attributes
 * and its tag are registered up front like every element's. Until the view is there the card shows
 * the same skeleton the view shows while loading; a failed import shows the error with Retry. A page
 * that imported the view module already (`ipos-credential-elements/hydrate`, the SSR entry) skips all that.
 */
export abstract class IposLazyPanel<V extends PanelView> extends IposPanel {
  protected view?: V;
  private loading?: Promise<void>;
  private loadFailed = false;

  /** Imports the view module, which calls `provideView` for this class. */
  protected abstract importView(): Promise<unknown>;

  protected abstract get placeholder(): Placeholder;

  /** Whether the element needs its view now (a panel that hides itself may not). */
  protected get wantsView(): boolean {
    return true;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.load();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Before the base's willUpdate: a view made now has its controllers run in this very update.
    this.load();
    super.willUpdate(changed);
    this.view?.willUpdate(changed);
  }

  override render(): TemplateResult | typeof nothing {
    if (this.view) return this.view.render();
    const { heading, label, bars } = this.placeholder;
    const failed = this.feedback.failure !== undefined;
    return this.renderCard({ heading, busy: !failed, problem: this.settingsProblem() }, () =>
      failed ? this.feedback.renderFailure() : renderSkeleton(label, bars),
    );
  }

  /** Resolves once the view has loaded (or failed to) and rendered, so `await element.updateComplete` sees it. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.loading;
    return super.getUpdateComplete();
  }

  /** Imports the view unless it is there or on its way; after a failure, only the Retry button tries again. */
  private load(retry = false): void {
    if (this.view || !this.wantsView) return;
    this.view = this.readyView(this.port());
    if (this.view || this.loading || (this.loadFailed && !retry) || !this.isConnected) return;
    this.loadFailed = false;
    this.loading = this.importView()
      .then(() => {
        // A module that ran but provided no view for this class (say, another copy of the package) fails like one
        // that never came: with Retry, and an `updateComplete` that still settles.
        this.view = this.readyView(this.port());
        if (!this.view) throw new Error('the view module provided no view');
        this.feedback.clearFailure();
        this.requestUpdate();
      })
      .catch((error: unknown) => {
        this.loading = undefined;
        this.loadFailed = true;
        // A module that did not arrive is a network failure to the user, whatever the browser threw.
        const failure = new BackendError('network', 'The element’s module could not be loaded.', { cause: error });
        this.feedback.fail(this.placeholder.action, failure, () => this.load(true));
      });
  }

  /** The view, made now if its module is here (for this class or the one it extends). */
  protected readyView(port: PanelPort): V | undefined {
    let panel: unknown = this.constructor;
    for (; panel !== IposLazyPanel && panel; panel = Object.getPrototypeOf(panel)) {
      const make = viewMakers.get(panel as abstract new () => IposLazyPanel<PanelView>);
      if (make) return (make as (element: this, port: PanelPort) => V)(this, port);
    }
    return undefined;
  }

  private port(): PanelPort {
    return {
      feedback: this.feedback,
      backend: () => this.activeBackend,
      role: () => this.activeRole,
      locale: () => this.activeLocale,
      inherited: () => this.inherited,
      revalidate: () => this.activeRevalidate,
      t: (key, params) => this.t(key, params),
      numberSetting: (value, range) => this.numberSetting(value, range),
      settingsProblem: () => this.settingsProblem(),
      renderCard: (card, body) => this.renderCard(card, body),
    };
  }
}
