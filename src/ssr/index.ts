/**
 * ipos-credential-elements/ssr: the screen rendered on a Node server (Lit SSR, `@lit-labs/ssr`), to HTML
 * with declarative shadow DOM that the browser shows before any script and the elements then hydrate.
 * Import `@lit-labs/ssr-client/lit-element-hydrate-support.js` in the page before the elements are defined.
 */
export { renderCredentialsScreen, type CredentialsScreenOptions } from './render-screen.js';
export type { ActivityPage, Credentials, Terminal } from '../contract/bodies.js';
export type { UserRole } from '../contract/roles.js';
