/**
 * The self-contained CDN module (`dist/cdn/ipos-credential-elements.js`, export `./cdn`): registers every
 * element like `./define`, and exports what a plain HTML page needs to configure them: `HttpBackend`
 * (headers for CSRF and bearer sessions, `credentials` mode), `TokenSession`, `registerLocale`, the classes.
 */
import './define.js';

export { IposCredentials, IposKeyPanel, IposScopeList, IposTokenGenerator } from './index.js';
export { BackendError, HttpBackend, isBackendError, registerLocale, TokenSession } from './index.js';
export type * from './index.js';
