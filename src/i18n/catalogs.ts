import { en, type Catalog, type CatalogKey } from './en.js';

type CatalogSource = Partial<Catalog> | (() => Promise<Partial<Catalog>>);

/** Catalogues other than English load on demand, so an English-only page never downloads them. */
const sources = new Map<string, CatalogSource>([
  ['es', () => import('./es.js').then((module) => module.es)],
  ['fr', () => import('./fr.js').then((module) => module.fr)],
  ['ar', () => import('./ar.js').then((module) => module.ar)],
]);

/** Languages written right to left. */
const rightToLeft = new Set(['ar', 'fa', 'he', 'ur']);

const loaded = new Map<string, Promise<Catalog>>([['en', Promise.resolve(en)]]);
/** The catalogues already loaded, for a first paint in the right language with no wait. */
const settled = new Map<string, Catalog>([['en', en]]);

/** The language subtag of a BCP 47 tag: `es-MX` → `es`. */
export function languageOf(locale: string): string {
  return locale.toLowerCase().split(/[-_]/)[0];
}

export function isRightToLeft(locale: string): boolean {
  return rightToLeft.has(languageOf(locale));
}

/**
 * Adds (or replaces) a language: a catalogue, or a function that loads one on demand. Keys it lacks
 * fall back to English and are reported once with `console.warn`, so a partner's translation never
 * shows an empty label. Plural keys take a `PluralMessage` with the categories of that language.
 *
 * @example registerLocale('de', () => import('./de.js').then((module) => module.de));
 */
export function registerLocale(language: string, catalog: CatalogSource, options: { rtl?: boolean } = {}): void {
  const key = languageOf(language);
  sources.set(key, catalog);
  loaded.delete(key);
  settled.delete(key);
  if (options.rtl) rightToLeft.add(key);
}

/** The catalogue for a locale's language; English for a language not registered (wording overrides still apply). */
export function loadCatalog(locale: string): Promise<Catalog> {
  const language = languageOf(locale);
  let catalog = loaded.get(language);
  if (!catalog) {
    const source = sources.get(language);
    catalog = source
      ? Promise.resolve(typeof source === 'function' ? source() : source).then(
          (partial) => completed(language, partial),
          () => en,
        )
      : Promise.resolve(en);
    loaded.set(language, catalog);
    void catalog.then((ready) => {
      if (loaded.get(language) === catalog) settled.set(language, ready);
    });
  }
  return catalog;
}

/** The catalogue of a language if it has loaded already (English always has). */
export function catalogIfLoaded(locale: string): Catalog | undefined {
  return settled.get(languageOf(locale));
}

/** A partner's catalogue over English: a key counts as present when it is a string or a plural message with `other`. */
function completed(language: string, partial: Partial<Catalog>): Catalog {
  const catalog: Record<string, unknown> = { ...en };
  const missing = (Object.keys(en) as CatalogKey[]).filter((key) => {
    const message: unknown = partial[key];
    const present = typeof message === 'string' || typeof (message as { other?: unknown })?.other === 'string';
    if (present) catalog[key] = message;
    return !present;
  });
  if (missing.length) {
    const examples = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ', …' : '');
    console.warn(
      `ipos-credential-elements: the "${language}" catalogue lacks ${missing.length} keys (${examples}); English is used for them.`,
    );
  }
  return catalog as Catalog;
}
