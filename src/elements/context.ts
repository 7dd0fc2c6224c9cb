import { createContext } from '@lit/context';
import type { CredentialsBackend } from '../backend/credentials-backend.js';
import type { ActivityPage, Credentials, Terminal } from '../contract/bodies.js';
import type { CatalogOverrides } from '../i18n/en.js';

/** Colour scheme of the elements; `auto` follows `prefers-color-scheme`. */
export type Theme = 'light' | 'dark' | 'auto';

/** What `<ipos-credentials>` shares with the elements inside it. */
export interface CredentialsConfig {
  /** The raw `user-role` value; each element validates it, so an invalid one is shown, not hidden. */
  userRole?: string;
  backend?: CredentialsBackend;
  locale?: string;
  strings?: CatalogOverrides;
  theme?: Theme;
  /** Data the host rendered the page with: the first render shows it with no GET. Never the secret. */
  initialCredentials?: Credentials;
  initialTerminals?: Terminal[];
  initialActivity?: ActivityPage;
  /** Load preloaded data again in the background and show the fresh answer (stale-while-revalidate). */
  revalidate?: boolean;
}

/** `Symbol.for` so that two copies of the library on one page still find each other's provider. */
export const credentialsContext = createContext<CredentialsConfig>(Symbol.for('ipos-credential-elements/config'));
