import { en, type Catalog } from './en.js';

/** Catalogues other than English load on demand, so an English-only page never downloads them. */
const loaders: Readonly<Record<string, () => Promise<Catalog>>> = {
  es: () => import('./es.js').then((module) => module.es),
  fr: () => import('./fr.js').then((module) => module.fr),
  ar: () => import('./ar.js').then((module) => module.ar),
};

/** Languages written right to left, among those shipped. */
const RIGHT_TO_LEFT = new Set(['ar']);

const loaded = new Map<string, Promise<Catalog>>([['en', Promise.resolve(en)]]);

/** The language subtag of a BCP 47 tag: `es-MX` → `es`. */
export function languageOf(locale: string): string {
  return locale.toLowerCase().split(/[-_]/)[0];
}

export function isRightToLeft(locale: string): boolean {
  return RIGHT_TO_LEFT.has(languageOf(locale));
}

/** The catalogue for a locale's language; English for a language not shipped (wording overrides still apply). */
export function loadCatalog(locale: string): Promise<Catalog> {
  const language = languageOf(locale);
  let catalog = loaded.get(language);
  if (!catalog) {
    const loader = loaders[language];
    catalog = loader ? loader().catch(() => en) : Promise.resolve(en);
    loaded.set(language, catalog);
  }
  return catalog;
}
