import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { catalogIfLoaded, english, languageOf, loadCatalog } from '../../i18n/catalogs.js';
import type { Catalog, CatalogKey, CatalogOverrides } from '../../i18n/en.js';
import { translate } from '../../i18n/localize.js';
import type { MessageParams } from '../../i18n/types.js';

/** Where an element's wording comes from: its locale, then its own and its provider's overrides. */
export interface WordingSource {
  readonly locale: string;
  /** Most specific first: the element's own `strings`, then the provider's. */
  readonly overrides: readonly (CatalogOverrides | undefined)[];
}

/**
 * An element's wording: the catalogue of its language (each element speaks its own, with no global
 * state) and the host's overrides. `ready()` lets the element hold its first paint until the catalogue
 * is there, so a French page never flashes English.
 */
export class LocalizeController implements ReactiveController {
  private catalog: Catalog = english;
  private language = 'en';
  private loading?: Promise<void>;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly source: () => WordingSource,
  ) {
    host.addController(this);
  }

  /** A UI string in the element's language, with the host's overrides applied. */
  t(key: CatalogKey, params?: MessageParams): string {
    const { locale, overrides } = this.source();
    return translate(key, params, this.catalog, overrides[0], overrides[1], locale);
  }

  /** `undefined` when the catalogue of the element's language is in place, else the promise of it. */
  ready(): Promise<void> | undefined {
    const language = languageOf(this.source().locale);
    if (language === this.language) return this.loading;
    this.language = language;
    const loaded = catalogIfLoaded(language);
    if (loaded) {
      this.catalog = loaded;
      return (this.loading = undefined);
    }
    const loading = (this.loading = loadCatalog(language).then((catalog) => {
      // A newer language may have been asked for while this one loaded.
      if (this.loading !== loading) return;
      this.catalog = catalog;
      this.loading = undefined;
      this.host.requestUpdate();
    }));
    return loading;
  }

  hostUpdate(): void {
    void this.ready();
  }
}
