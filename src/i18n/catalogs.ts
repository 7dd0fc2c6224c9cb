import type { Catalog, CatalogKey } from './en.js';
import { enUpFront } from './en/up-front.js';

type CatalogSource = Partial<Catalog> | (() => Promise<Partial<Catalog>>);

/** Catalogues other than English load on demand, so an English-only page never downloads them. */
const sources = new Map<string, CatalogSource>([
  ['es', () => import('./es.js').then((module) => module.es)],
  ['fr', () => import('./fr.js').then((module) => module.fr)],
  ['ar', () => import('./ar.js').then((module) => module.ar)],
]);

/** Languages written right to left. */
const rightToLeft = new Set(['ar', 'fa', 'he', 'ur']);

/**
 * English as far as this page has it: the wording up front, and a view's once its module has run (`addEnglish`). The
 * fallback of every other language, looked up live: a view's English is there by the time the view renders.
 */
export const english = { ...enUpFront } as Catalog;

const loaded = new Map<string, Promise<Catalog>>([['en', Promise.resolve(english)]]);
/** The catalogues already loaded, for a first paint in the right language with no wait. */
const settled = new Map<string, Catalog>([['en', english]]);
/** The languages a host registered (`registerLocale`), and what each holds once loaded: told which keys it lacks. */
const registered = new Set<string>();
const partners = new Map<string, Partial<Catalog>>();

/** A view's English wording, added when its module runs; a partner catalogue lacking any of it is told so once. */
export function addEnglish(wording: Partial<Catalog>): void {
  Object.assign(english, wording);
  for (const [language, partial] of partners) warnMissing(language, partial, Object.keys(wording) as CatalogKey[]);
}

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
  registered.add(key);
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
          () => english,
        )
      : Promise.resolve(english);
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

/** Whether a catalogue has wording for a key: a string, or a plural message with `other`. */
const present = (message: unknown) =>
  typeof message === 'string' || typeof (message as { other?: unknown } | undefined)?.other === 'string';

/**
 * A catalogue of what a language has; a key it lacks reads the English (looked up live, so a view's English serves
 * too). The shipped languages are complete; a host's is told which keys it lacks, of the English there is, and of a
 * view's English when it arrives.
 */
function completed(language: string, partial: Partial<Catalog>): Catalog {
  const catalog = Object.fromEntries(Object.entries(partial).filter(([, message]) => present(message)));
  if (registered.has(language)) {
    partners.set(language, partial);
    warnMissing(language, partial, Object.keys(english) as CatalogKey[]);
  }
  return catalog as Catalog;
}

function warnMissing(language: string, partial: Partial<Catalog>, keys: CatalogKey[]): void {
  const missing = keys.filter((key) => !present(partial[key]));
  if (!missing.length) return;
  const examples = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ', …' : '');
  console.warn(
    `ipos-credential-elements: the "${language}" catalogue lacks ${missing.length} keys (${examples}); English is used for them.`,
  );
}
