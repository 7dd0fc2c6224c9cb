import type { Message, PluralMessage } from './types.js';
import { enActivity } from './en/activity.js';
import { enTokens } from './en/tokens.js';
import { enUpFront } from './en/up-front.js';

/**
 * The English catalogue: every UI string the elements render, in `en/`, in three parts by when a page needs them:
 * up front, and the token generator's and the activity trail's wording, which arrive with those panels' views (an
 * ISO or agent page never downloads the token wording, and no page waits for the trail's before its keys). `en` is
 * all three: the reference for the `Catalog` type and what the package exports. The role and scope names are the
 * contract's. `{name}` placeholders are filled at render time; values render as text, never as markup. A key whose
 * wording depends on a number is a `PluralMessage` chosen by its `count` param.
 */
export const en = { ...enUpFront, ...enTokens, ...enActivity } as const;

/** Every key the elements use. */
export type CatalogKey = keyof typeof en;
/** The keys whose wording depends on a count: a `PluralMessage` in every catalogue. */
export type PluralKey = { [key in CatalogKey]: (typeof en)[key] extends string ? never : key }[CatalogKey];
/** A complete catalogue: one string per key, one plural message per plural key. */
export type Catalog = { [key in CatalogKey]: key extends PluralKey ? PluralMessage : string };
/** White-label wording: any subset of the catalogue, overriding the locale key by key (a plural key also takes a plain string). */
export type CatalogOverrides = { [key in CatalogKey]?: key extends PluralKey ? Message : string };
