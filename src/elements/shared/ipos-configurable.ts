import { LitElement, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { CredentialsBackend } from '../../backend/credentials-backend.js';
import { HttpBackend } from '../../backend/http-backend.js';
import type { CredentialsConfig, Theme } from '../../context.js';
import { isRightToLeft, languageOf, loadCatalog } from '../../i18n/catalogs.js';
import { en, type Catalog, type CatalogKey, type CatalogOverrides } from '../../i18n/en.js';
import { resolveLocale, translate, type MessageParams } from '../../i18n/localize.js';
import { isUserRole, type UserRole } from '../../roles.js';

/** Registers an element class under a tag, once; hosts may pick another tag or a scoped registry. */
export function defineElement(
  tag: string,
  elementClass: CustomElementConstructor,
  registry: CustomElementRegistry = customElements,
): void {
  if (!registry.get(tag)) registry.define(tag, elementClass);
}

/** One client per `api-base`, so that every element pointing at the same base shares it. */
const httpBackends = new Map<string, HttpBackend>();

function httpBackendFor(apiBase: string): HttpBackend {
  let backend = httpBackends.get(apiBase);
  if (!backend) {
    backend = new HttpBackend({ baseUrl: apiBase });
    httpBackends.set(apiBase, backend);
  }
  return backend;
}

/**
 * The attributes every ipos element accepts, and how each resolves: a value set on the element
 * wins over what an enclosing `<ipos-credentials>` shares (`inherited`), which wins over defaults.
 */
export class IposConfigurable extends LitElement {
  /** The signed-in admin's role: `merchant`, `iso` or `agent`. Picks the scopes and the screen. */
  @property({ attribute: 'user-role' }) userRole?: string;

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

  /** What an enclosing provider shares; consumers fill it through context. */
  protected inherited?: CredentialsConfig;

  /** This element's catalogue: each element speaks its own language, with no global state. */
  @state() private catalog: Catalog = en;
  private catalogLanguage = 'en';

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const language = languageOf(this.activeLocale);
    if (language !== this.catalogLanguage) {
      this.catalogLanguage = language;
      void loadCatalog(language).then((catalog) => {
        // A newer locale may have been asked for while this one loaded.
        if (this.catalogLanguage === language) this.catalog = catalog;
      });
    }
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
    if (this.apiBase) return httpBackendFor(this.apiBase);
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

  /**
   * A UI string in the element's language, with the host's `strings` overrides applied.
   * @internal
   */
  t(key: CatalogKey, params?: MessageParams): string {
    return translate(key, params, this.catalog, this.strings, this.inherited?.strings, this.activeLocale);
  }

  /** Why the role cannot be used, in the element's language; `undefined` when it is valid. */
  protected roleProblem(): string | undefined {
    const role = this.requestedRole;
    if (isUserRole(role)) return undefined;
    return role ? this.t('role.invalid', { role }) : this.t('role.missing');
  }
}
