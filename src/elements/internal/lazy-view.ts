/**
 * A panel whose work is a module of its own, imported with the first element that shows it: a page that never shows
 * the panel never downloads it. The element declares what its view is lent (a `PanelPort`) and where the view module
 * leaves itself (a `ViewSlot`); the view implements `PanelView` and never imports the element. How and when views
 * load: docs/architecture.md.
 */
import type { PropertyValues, ReactiveController, ReactiveControllerHost } from 'lit';
import { BackendError } from '../../backend/backend-error.js';
import type { CredentialsBackend } from '../../backend/credentials-backend.js';
import type { UserRole } from '../../contract/roles.js';
import type { CatalogKey } from '../../i18n/en.js';
import type { MessageParams } from '../../i18n/types.js';
import type { NumberRange } from '../../options/number-option.js';
import { renderSkeleton } from './account-loader.js';
import type { ErrorAction } from '../events.js';
import type { PanelFeedback } from './panel-feedback.js';

/** Why a module of an element's (a lazy view, the reset dialog) ran and left nothing to show. */
export const NOTHING_PROVIDED = 'the module provided nothing for this element';

/** A module of an element's that did not arrive: a network failure to the user, whatever the browser threw. */
export function moduleFailure(cause: unknown): BackendError {
  return new BackendError('network', 'The element’s module could not be loaded.', { cause });
}

/** What a panel lends the view that does its work: its feedback, and its settings resolved as every element's are. */
export interface PanelPort<Preload> {
  readonly feedback: PanelFeedback;
  backend(): CredentialsBackend | undefined;
  role(): UserRole | undefined;
  locale(): string;
  /** The data the page was rendered with: the element's own, else its provider's. */
  preloaded(): Preload | undefined;
  /** Whether preloaded data is loaded again in the background. */
  revalidate(): boolean;
  t(key: CatalogKey, params?: MessageParams): string;
  numberSetting(value: number, range: NumberRange): number;
}

/** The work of a panel, loaded on demand: it follows the element's updates and renders the body of its card. */
export interface PanelView {
  /** Whether a request of the view is on its way (the card is `aria-busy`). */
  readonly busy: boolean;
  /** Why the view cannot work, shown instead of its body; `undefined` leaves it to the element's settings. */
  problem(): string | undefined;
  willUpdate(changed: PropertyValues): void;
  renderBody(): unknown;
}

/**
 * Where a view module leaves the maker of its view when it runs: from then on every element of its kind makes its
 * view at once, in its first update, as a server render and a hydrating page need (their first render is the data).
 */
export class ViewSlot<Element, Preload, View extends PanelView> {
  make?: (element: Element, port: PanelPort<Preload>) => View;
}

export interface LazyViewOptions<View> {
  /** Imports the view module, which fills the element's `ViewSlot`. */
  importView(): Promise<unknown>;
  /** The view, made now if its module has run; `undefined` otherwise. */
  readyView(): View | undefined;
  /** Whether the element needs its view now (a panel that hides itself may not). */
  wanted(): boolean;
  /** The action a failed import is reported as: the panel's own first load. */
  action: Extract<ErrorAction, 'load-terminals' | 'load-activity'>;
}

/**
 * Loads a panel's view: made in the element's update once its module is here, imported otherwise (only while
 * connected). Until it is there the card shows the skeleton the view shows while loading its data (no layout shift);
 * a module that fails to arrive is a `network` failure with a Retry that imports it again (only the button retries).
 */
export class LazyView<View extends PanelView> implements ReactiveController {
  view?: View;
  /** The import on its way: the element's `updateComplete` waits for it. */
  loading?: Promise<void>;
  private failed = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly feedback: PanelFeedback,
    private readonly options: LazyViewOptions<View>,
  ) {
    host.addController(this);
  }

  /** Connected without its view (say, updated while detached): an update makes or imports it. */
  hostConnected(): void {
    if (!this.view && !this.loading) this.host.requestUpdate();
  }

  /** Whether the card is busy: the view's requests, or the view itself on its way. */
  get busy(): boolean {
    return this.view ? this.view.busy : this.feedback.failure === undefined;
  }

  /** The view's body, or until it is there the skeleton (`label` for assistive technology) or the failure. */
  renderBody(label: string, bars: number): unknown {
    if (this.view) return this.view.renderBody();
    return this.feedback.failure ? this.feedback.renderFailure() : renderSkeleton(label, bars);
  }

  /** Makes the view if its module is here, else imports it unless on its way; after a failure only Retry does. */
  load(retry = false): void {
    if (this.view || !this.options.wanted()) return;
    this.view = this.options.readyView();
    if (this.view || this.loading || (this.failed && !retry) || !this.host.isConnected) return;
    this.failed = false;
    this.loading = this.options
      .importView()
      .then(() => {
        // A module that ran but provided no view for this element (say, another copy of the package) fails like one
        // that never came: with Retry, and an `updateComplete` that still settles.
        this.view = this.options.readyView();
        if (!this.view) throw new Error(NOTHING_PROVIDED);
        this.feedback.clearFailure();
        this.host.requestUpdate();
      })
      .catch((error: unknown) => {
        this.loading = undefined;
        this.failed = true;
        this.feedback.fail(this.options.action, moduleFailure(error), () => this.load(true));
      });
  }
}
