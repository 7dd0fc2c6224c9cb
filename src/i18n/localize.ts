import { en, type Catalog, type CatalogKey, type CatalogOverrides } from './en.js';

/** Placeholder values for `{name}` in a catalogue string. */
export type MessageParams = Record<string, string | number>;

/** Fills `{name}` placeholders; an unknown placeholder stays visible so a wording bug is noticed. */
export function formatMessage(template: string, params: MessageParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The locale an element speaks: its own, else the page's `<html lang>`, else English. */
export function resolveLocale(own: string | undefined, documentRef: Document = document): string {
  return own || documentRef.documentElement.lang || 'en';
}

/**
 * Looks a key up in the element's own overrides, then the provider's, then the locale's catalogue,
 * then English: own wording wins key by key.
 */
export function translate(
  key: CatalogKey,
  params: MessageParams | undefined,
  catalog: Partial<Catalog> | undefined,
  ownOverrides: CatalogOverrides | undefined,
  inheritedOverrides?: CatalogOverrides,
): string {
  return formatMessage(ownOverrides?.[key] ?? inheritedOverrides?.[key] ?? catalog?.[key] ?? en[key], params);
}
