/**
 * The self-contained CDN module (`dist/cdn/ipos-credential-elements.js`, export `./cdn`): registers every
 * element like `./define`, and exports `HttpBackend`, so that a plain HTML page can configure the backend
 * (`new HttpBackend({ baseUrl, headers: () => ({ 'X-CSRF-Token': … }) })`). Each further export costs bytes
 * every page downloads (`npm run bench` measures them): pages that need more use a bundler and the package's entries.
 */
import './define.js';

export { HttpBackend } from './backend/http-backend.js';
export type * from './index.js';
