import type { Catalog, CatalogKey } from './en.js';
import { sharedWording } from './en-shared.js';
import type { Message } from './localize.js';

/**
 * English as loaded so far: the shared wording every page needs, then each lazily loaded view's own wording
 * once the view has arrived (`addEnglish`). It is the `en` catalogue the elements speak and the fallback of
 * every other language; one object, so that a view's wording reaches every element at once.
 */
const english: Partial<Record<CatalogKey, Message>> = { ...sharedWording };

/** Adds a view's English wording; called by the view before it renders. */
export function addEnglish(wording: Partial<Record<CatalogKey, Message>>): void {
  Object.assign(english, wording);
}

/** The English message of a key; the key itself for a view's key asked before its view loaded (never shown). */
export function englishMessage(key: CatalogKey): Message {
  return english[key] ?? key;
}

/** English as loaded so far, as a catalogue: every key the loaded elements use is in it. */
export function englishCatalog(): Catalog {
  return english as Catalog;
}

/**
 * All of English, for completing another language's catalogue: the views' wording is fetched with it. A part
 * that cannot be fetched is left out (its view brings it when it loads): it never costs the page its language.
 */
export async function allEnglish(): Promise<Catalog> {
  const parts = await Promise.allSettled([
    import('./en-tokens.js').then((module) => module.tokenWording),
    import('./en-activity.js').then((module) => module.activityWording),
  ]);
  for (const part of parts) if (part.status === 'fulfilled') addEnglish(part.value);
  return englishCatalog();
}
