import { english } from './catalogs.js';
import type { Catalog, CatalogKey, CatalogOverrides } from './en.js';
import type { Message, MessageParams } from './types.js';

/** The plural category of a count in a language; a tag `Intl` rejects is read as English. */
export function pluralCategory(count: number, locale: string): Intl.LDMLPluralRule {
  try {
    return new Intl.PluralRules(locale).select(count);
  } catch {
    return new Intl.PluralRules('en').select(count);
  }
}

/**
 * Fills `{name}` placeholders; an unknown placeholder stays visible so a wording bug is noticed.
 * A plural message first picks the wording for `params.count` with the plural rules of `locale`.
 */
export function formatMessage(message: Message, params: MessageParams = {}, locale = 'en'): string {
  const template =
    typeof message === 'string' ? message : (message[pluralCategory(Number(params.count), locale)] ?? message.other);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The locale an element speaks: its own, else the page's `<html lang>`, else English. */
export function resolveLocale(own: string | undefined, documentRef?: Document): string {
  // The document only when needed: a server render has none, and always names the locale.
  return own || (documentRef ?? document).documentElement.lang || 'en';
}

/**
 * Looks a key up in the element's own overrides, then the provider's, then the locale's catalogue,
 * then English: own wording wins key by key. Plural messages follow the rules of `locale`, except
 * English wording standing in for a key a catalogue lacks, which follows English rules.
 */
export function translate(
  key: CatalogKey,
  params: MessageParams | undefined,
  catalog: Partial<Catalog> | undefined,
  ownOverrides: CatalogOverrides | undefined,
  inheritedOverrides?: CatalogOverrides,
  locale = 'en',
): string {
  const inEnglish: Message = english[key];
  const message: Message = ownOverrides?.[key] ?? inheritedOverrides?.[key] ?? catalog?.[key] ?? inEnglish;
  return formatMessage(message, params, message === inEnglish ? 'en' : locale);
}
