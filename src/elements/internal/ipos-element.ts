import { ContextConsumer } from '@lit/context';
import { html, isServer, LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { CredentialsBackend } from '../../backend/credentials-backend.js';
import { HttpBackend } from '../../backend/http-backend.js';
import { credentialsContext, type CredentialsConfig, type Theme } from '../context.js';
import { isRightToLeft } from '../../i18n/catalogs.js';
import type { CatalogKey, CatalogOverrides } from '../../i18n/en.js';
import { resolveLocale } from '../../i18n/localize.js';
import type { MessageParams } from '../../i18n/types.js';
import { numberOption, type NumberRange } from '../../options/number-option.js';
import { isUserRole, type UserRole } from '../../contract/roles.js';
import type { PanelPort } from './lazy-view.js';
import { LocalizeController } from './localize-controller.js';
import type { PanelFeedback } from './panel-feedback.js';

/** What a panel's card shows: its heading, whether it is busy, and why it cannot work (if so). */
export interface PanelCard {
  heading: string;
  busy: boolean;
  /** Shown instead of the body: a missing role or backend, or a role the panel is not for. */
  problem?: string;
}

/**
 * The one base of every ipos element: registration under a tag, the attributes they all accept, and how
 * each resolves — a value set on the element wins over what an enclosing `<ipos-credentials>` shares
 * (`inherited`, read through context), which wins over the defaults. Every element reads the same twelve
 * theme tokens; set them on any ancestor (light and dark defaults are built in).
 *
 * @cssproperty --ipos-color-primary - Primary buttons, links and accents.
 * @cssproperty --ipos-color-danger - Reset, expiry warnings and errors.
 * @cssproperty --ipos-color-success - Success messages.
 * @cssproperty --ipos-color-text - Text.
 * @cssproperty --ipos-color-muted - Secondary text: descriptions, dates, hints.
 * @cssproperty --ipos-color-surface - Card and dialog background; text on primary buttons.
 * @cssproperty --ipos-color-border - Card, fields and buttons.
 * @cssproperty --ipos-font-family - Text.
 * @cssproperty --ipos-font-family-mono - Keys, tokens and scope names.
 * @cssproperty --ipos-radius - Corners.
 * @cssproperty --ipos-space - Spacing unit (gaps and padding are multiples of it).
 * @cssproperty --ipos-focus-ring - Focus indicator (a box-shadow; forced colors show an outline instead).
 */
export class IposElement extends LitElement {
  /** The tag `define()` registers the class under when given none. */
  static defaultTag: string;

  /**
   * Called once an element has hydrated a server render; `./hydrate` sets it to carry out the clicks made on the
   * element before then (docs/ssr.md#before-hydration). A page that renders on the client carries none of it.
   */
  static afterHydration?: (element: IposElement) => void;

  /** Whether the element reads an enclosing provider's settings; the provider itself does not. */
  protected static readsProvider = true;

  /**
   * Registers the element, once; a host may pick another tag or a scoped registry. A tag another class
   * already owns is left as it is, with a warning, since a page cannot have two definitions of one tag.
   */
  static define(tag = this.defaultTag, registry: CustomElementRegistry = customElements): void {
    const owner = registry.get(tag);
    if (!owner) registry.define(tag, this);
    else if (owner !== this) {
      console.warn(`ipos-credential-elements: <${tag}> is already defined by another class; it was left as it is.`);
    }
  }

  /** The signed-in admin's role: `merchant`, `iso` or `agent`. Picks the scopes and the screen. */
  @property({ attribute: 'user-role' }) userRole?: UserRole;

  /** Base URL or path of the HTTP contract; an `HttpBackend` is created for it. */
  @property({ attribute: 'api-base' }) apiBase?: string;

  /** A `CredentialsBackend` that replaces the HTTP client entirely (wins over `api-base`). */
  @property({ attribute: false }) backend?: CredentialsBackend;

  /** BCP 47 language tag; falls back to `<html lang>`, then `en`. */
  @property() locale?: string;

  /** White-label wording: overrides the locale's catalogue key by key. */
  @property({ attribute: false }) strings?: CatalogOverrides;

  /** `light`, `dark`, or `auto` (follows `prefers-color-scheme`). */
  @property() theme?: Theme;

  /** What an enclosing provider shares: filled through context, or bound by the provider's default screen. */
  @state() protected inherited?: CredentialsConfig;

  private readonly localize = new LocalizeController(this, () => ({
    locale: this.activeLocale,
    overrides: [this.strings, this.inherited?.strings],
  }));

  /** The element adopted a shadow root its server rendered (declarative shadow DOM): its first update hydrates it. */
  private hydrating = !isServer && this.shadowRoot !== null;

  /** The hydrating update rendered what the server did where the page knows otherwise: the next update shows it. */
  private followsHydration = false;

  constructor() {
    super();
    if ((this.constructor as typeof IposElement).readsProvider) {
      new ContextConsumer(this, {
        context: credentialsContext,
        subscribe: true,
        callback: (config) => (this.inherited = config),
      });
    }
  }

  /**
   * A server-rendered shadow root the page cannot hydrate (`@lit-labs/ssr-client`'s hydrate support did not run
   * before Lit, e.g. a bundler put Lit in a chunk that runs first): Lit would render a second screen after the
   * server's. The server's copy is dropped instead, with a warning, so the page shows one screen.
   */
  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    const root = super.createRenderRoot();
    // The support's one public trace: it adds `defer-hydration` to every LitElement's observed attributes.
    const hydrates = (this.constructor as typeof IposElement).observedAttributes.includes('defer-hydration');
    if (this.hydrating && !hydrates) {
      // Nothing hydrates: the element renders as on a client-only page.
      this.hydrating = false;
      if (root.hasChildNodes()) warnNoHydration(this.localName);
      for (const node of [...root.childNodes]) node.remove();
      // Lit meant to render before the server's first node, now gone.
      this.renderOptions.renderBefore = null;
    }
    return root;
  }

  /**
   * In the update that hydrates a server render: whether the server rendered `selector` in this shadow root (the first
   * render must match it, or Lit throws); otherwise `undefined`: render what the page has.
   */
  protected serverRendered(selector: string): boolean | undefined {
    return this.hydrating && !this.hasUpdated ? this.renderRoot.querySelector(selector) !== null : undefined;
  }

  /**
   * Whether to render what `selector` finds: `pageShows`, except in the update that hydrates a server render, which
   * renders what the server did. Where the page knows better (a grace window ended since, a backend without revoke),
   * one update follows the hydration to show it; a page that agrees with the server hydrates in one update.
   */
  protected shows(selector: string, pageShows: boolean): boolean {
    const server = this.serverRendered(selector);
    if (server === undefined || server === pageShows) return pageShows;
    if (!this.followsHydration) {
      this.followsHydration = true;
      void this.updateComplete.then(() => this.requestUpdate());
    }
    return server;
  }

  protected override firstUpdated(changed: PropertyValues): void {
    super.firstUpdated(changed);
    // After the update, not in it: what the clicks do is the next update's.
    if (this.hydrating) void this.updateComplete.then(() => IposElement.afterHydration?.(this));
  }

  /** Holds each paint until the catalogue of the element's language is there: no English flash. */
  protected override scheduleUpdate(): void | Promise<unknown> {
    const catalog = this.localize.ready();
    if (!catalog) return super.scheduleUpdate();
    return catalog.then(() => super.scheduleUpdate());
  }

  /** The role as given (own attribute, else the provider's), before validation. */
  protected get requestedRole(): string | undefined {
    return this.userRole ?? this.inherited?.userRole;
  }

  /** The validated role, or `undefined` when it is missing or not one of `merchant`, `iso`, `agent`. */
  protected get activeRole(): UserRole | undefined {
    const role = this.requestedRole;
    return isUserRole(role) ? role : undefined;
  }

  protected get activeBackend(): CredentialsBackend | undefined {
    if (this.backend) return this.backend;
    if (this.apiBase) return HttpBackend.forBase(this.apiBase);
    return this.inherited?.backend;
  }

  protected get activeLocale(): string {
    return resolveLocale(this.locale ?? this.inherited?.locale, this.ownerDocument);
  }

  protected get activeTheme(): Theme {
    return this.theme ?? this.inherited?.theme ?? 'auto';
  }

  /** Classes for the `base` part: the colour scheme tokens apply there. */
  protected get baseClasses(): string {
    return `base ${this.activeTheme}`;
  }

  /** Writing direction of the element's language, for the `base` part's `dir`. */
  protected get direction(): 'ltr' | 'rtl' {
    return isRightToLeft(this.activeLocale) ? 'rtl' : 'ltr';
  }

  /** A UI string in the element's language, with the host's `strings` overrides applied. */
  protected t(key: CatalogKey, params?: MessageParams): string {
    return this.localize.t(key, params);
  }

  /**
   * A numeric attribute checked against its range (`range.name` is the attribute): a malformed one is
   * warned about, quoting what the page wrote (`"5m"`, not `NaN`), and the documented default is used.
   */
  protected numberSetting(value: number, range: NumberRange): number {
    return numberOption(Number.isNaN(value) ? (this.getAttribute(range.name) ?? value) : value, range);
  }

  /** Why the role cannot be used, in the element's language; `undefined` when it is valid. */
  protected roleProblem(): string | undefined {
    const role = this.requestedRole;
    if (isUserRole(role)) return undefined;
    return role ? this.t('role.invalid', { role }) : this.t('role.missing');
  }

  /** Why a panel cannot work with its settings: no valid role, or no backend. */
  protected settingsProblem(): string | undefined {
    return this.roleProblem() ?? (this.activeBackend ? undefined : this.t('backend.missing'));
  }

  /** Whether a panel loads its preloaded data again in the background: its own `revalidate`, or its provider's. */
  protected revalidates(own: boolean): boolean {
    return own || this.inherited?.revalidate === true;
  }

  /** What the element lends its lazily loaded view: its feedback, and its settings resolved as here. */
  protected lend<Preload>(
    feedback: PanelFeedback,
    preloaded: () => Preload | undefined,
    revalidate: () => boolean,
  ): PanelPort<Preload> {
    return {
      feedback,
      preloaded,
      revalidate,
      backend: () => this.activeBackend,
      role: () => this.activeRole,
      locale: () => this.activeLocale,
      t: (key, params) => this.t(key, params),
      numberSetting: (value, range) => this.numberSetting(value, range),
    };
  }

  /** A panel's card: heading, the problem or the body, then what follows (the status live region, a dialog). */
  protected renderCard(card: PanelCard, body: () => unknown, after: unknown): TemplateResult {
    return html`<section
      class=${this.baseClasses}
      part="base"
      lang=${this.activeLocale}
      dir=${this.direction}
      aria-labelledby="heading"
      aria-busy=${card.busy ? 'true' : 'false'}
    >
      <h2 class="heading" id="heading">${card.heading}</h2>
      ${card.problem ? html`<p class="error" part="error" role="alert">${card.problem}</p>` : body()} ${after}
    </section>`;
  }
}

let warnedNoHydration = false;

function warnNoHydration(tag: string): void {
  if (warnedNoHydration) return;
  warnedNoHydration = true;
  console.warn(
    `ipos-credential-elements: <${tag}> has a server-rendered shadow root but hydration support is not loaded; it renders afresh. ` +
      "A server-rendered page imports 'ipos-credential-elements/hydrate', not './define' (docs/ssr.md).",
  );
}
