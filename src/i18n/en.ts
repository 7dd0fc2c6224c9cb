import { activityWording } from './en-activity.js';
import { tokenWording } from './en-tokens.js';
import { sharedWording } from './en-shared.js';
import type { Message, PluralMessage } from './localize.js';

/**
 * The English catalogue: every UI string the elements render. It is the reference for the
 * `Catalog` type and the fallback for missing keys; pages download it in parts (`sharedWording` up front).
 * `{name}` placeholders are filled at render time; values render as text, never as markup. A key
 * whose wording depends on a number is a `PluralMessage` chosen by its `count` param.
 */
export const en = { ...sharedWording, ...tokenWording, ...activityWording } as const;

/** Every key the elements use. */
export type CatalogKey = keyof typeof en;
/** The keys whose wording depends on a count: a `PluralMessage` in every catalogue. */
export type PluralKey = { [key in CatalogKey]: (typeof en)[key] extends string ? never : key }[CatalogKey];
/** A complete catalogue: one string per key, one plural message per plural key. */
export type Catalog = { [key in CatalogKey]: key extends PluralKey ? PluralMessage : string };
/** White-label wording: any subset of the catalogue, overriding the locale key by key (a plural key also takes a plain string). */
export type CatalogOverrides = { [key in CatalogKey]?: key extends PluralKey ? Message : string };
