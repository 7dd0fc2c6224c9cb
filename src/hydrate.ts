/**
 * For a page that hydrates server-rendered HTML (`ipos-credential-elements/ssr`): loads Lit's hydrate support
 * (`@lit-labs/ssr-client`, an optional peer dependency), then registers every element like `./define`, with the
 * token generator's and the activity trail's code up front. The support must run before Lit's own module, which
 * two static imports cannot promise (a bundler may move Lit into a shared chunk that runs first, and the page
 * would not hydrate): so the elements come by a dynamic import, after it.
 */
import '@lit-labs/ssr-client/lit-element-hydrate-support.js';

/** Settles when every element is registered (rejects if their module could not be loaded). */
export const defined: Promise<void> = import('./elements/hydrate-elements.js').then(() => undefined);

export type * from './define.js';
