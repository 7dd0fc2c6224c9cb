/**
 * `renderCredentialsScreen`: the screen as HTML with declarative shadow DOM, rendered by Lit SSR from the
 * host's data, for a page the browser shows before any script runs and the elements then hydrate.
 */
import { render } from '@lit-labs/ssr';
import { collectResult } from '@lit-labs/ssr/lib/render-result.js';
import { html, nothing } from 'lit';
import { HttpBackend } from '../backend/http-backend.js';
import { captureEarlyEvents } from '../elements/internal/early-events.js';
import type { ActivityPage, Credentials, Terminal } from '../contract/bodies.js';
import { loadCatalog } from '../i18n/catalogs.js';
import type { Preload } from '../headless/preload.js';
import { ROLE_SCOPES, type UserRole } from '../contract/roles.js';
import { defineForServer } from './define-for-server.js';
import { runControllersInWillUpdate } from './server-lifecycle.js';
import { checkScreenData, SECRET_IN_TEXT, type ScreenData } from './screen-data.js';

export interface CredentialsScreenOptions {
  /** The signed-in admin's role: picks the scopes and the screen (token generator for merchants). */
  role: UserRole;
  /** The account's credentials as `GET /credentials` answers them; `null` is read as "no keys yet". Never the secret. */
  credentials: Credentials | null;
  /** The merchant's terminals, as `GET /terminals` lists them; without them the token generator loads them. */
  terminals?: Terminal[];
  /** The activity trail's first page, as `GET /credentials/activity` answers; without it the trail loads it. */
  activity?: ActivityPage;
  /** BCP 47 language tag of the screen; default `en`. Rendered in that language, and set as the `locale` attribute. */
  lang?: string;
  /** `light`, `dark` or `auto` (default). */
  theme?: 'light' | 'dark' | 'auto';
  /** Where the browser's elements call the HTTP contract (the `api-base` attribute). */
  apiBase?: string;
  /** The reset dialog's grace windows in minutes, e.g. `0,60,1440` (the `reset-grace-options` attribute). */
  resetGraceOptions?: string;
  /**
   * The page's Content-Security-Policy nonce, for the small inline script that keeps clicks made before the elements
   * hydrate (docs/ssr.md#before-hydration); without it a policy that forbids inline scripts blocks it.
   */
  nonce?: string;
}

/**
 * Renders one `<ipos-credentials>` element, with a declarative shadow root for it and every element inside,
 * and the data as its `<script type="application/json" data-ipos-initial>` child: the browser shows the keys
 * (masked), scopes and token state with no script, and the elements hydrate it with no request.
 *
 * @throws Error when the role, language or theme is unknown, the data does not match the contract, or it holds a
 *   secret key.
 */
export async function renderCredentialsScreen(options: CredentialsScreenOptions): Promise<string> {
  const data = checkScreenData({
    role: options.role,
    credentials: options.credentials,
    terminals: options.terminals,
    activity: options.activity,
  });
  const lang = checkedLanguage(options.lang || 'en');
  if (options.theme !== undefined && !['light', 'dark', 'auto'].includes(options.theme)) {
    throw new Error(
      `renderCredentialsScreen: theme must be "light", "dark" or "auto", not ${JSON.stringify(options.theme)}.`,
    );
  }
  // The elements render once on the server, in the catalogue's language: it must be there first.
  await loadCatalog(lang);
  runControllersInWillUpdate();
  defineForServer();
  const preload = preloadOf(data);
  const element = await collectResult(render(screenTemplate(data.role, preload, { ...options, lang })));
  const markup = withScripts(stripOuterMarkers(element), preload, options.nonce);
  // The data was checked for secrets; this checks what the elements made of it (a last line of defence).
  if (SECRET_IN_TEXT.test(markup)) throw new Error('renderCredentialsScreen: the rendered screen held a secret key.');
  return markup;
}

/** What the browser's elements read instead of requesting it: the same data the server rendered. */
function preloadOf(data: ScreenData): Preload {
  // `null` credentials are a no-keys account with the role's scopes; the preload keeps the contract's shape.
  const credentials = data.credentials ?? { role: data.role, scopes: [...ROLE_SCOPES[data.role]], keys: null };
  return { credentials, terminals: data.terminals, activity: data.activity };
}

function screenTemplate(role: UserRole, preload: Preload, options: CredentialsScreenOptions & { lang: string }) {
  // A new backend per render: sessions are per backend, so no state of one request reaches another. It never
  // sends a request (the server renders the preload or a skeleton); the browser's elements use `api-base`.
  const backend = new HttpBackend({ baseUrl: options.apiBase ?? '/' });
  // prettier-ignore
  return html`<ipos-credentials user-role=${role} api-base=${options.apiBase ?? nothing} locale=${options.lang} theme=${options.theme ?? nothing} reset-grace-options=${options.resetGraceOptions ?? nothing} .backend=${backend} .initialCredentials=${preload.credentials} .initialTerminals=${preload.terminals} .initialActivity=${preload.activity}></ipos-credentials>`;
}

/** What keeps the clicks made before hydration: run as the browser parses it, before any of the screen shows. */
const EARLY_EVENTS_SCRIPT = `(${captureEarlyEvents.toString().replace(/\n\s+/g, '\n')})();`;

/**
 * The element after the inline script that keeps clicks made before hydration, with the preload as its child
 * `<script type="application/json" data-ipos-initial>` (a script the browser does not run): JSON of checked data,
 * with `<` escaped so that no text in it can end the script.
 */
function withScripts(element: string, preload: Preload, nonce: string | undefined): string {
  const json = JSON.stringify(preload)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  const nonceAttribute = nonce === undefined ? '' : ` nonce="${escapeAttribute(nonce)}"`;
  const end = '</ipos-credentials>';
  return (
    `<script${nonceAttribute}>${EARLY_EVENTS_SCRIPT}</script>` +
    `${element.slice(0, -end.length)}<script type="application/json" data-ipos-initial>${json}</script>${end}`
  );
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * Without the outer template's hydration markers (nothing hydrates the page around the element, only the
 * element itself) and the blanks its property bindings left in the start tag.
 */
function stripOuterMarkers(markup: string): string {
  return markup
    .replace(/^<!--lit-part[^>]*-->(?:<!--lit-node \d+-->)?<ipos-credentials\s+/, '<ipos-credentials ')
    .replace(/<!--\/lit-part-->$/, '');
}

/** A BCP 47 tag `Intl` accepts (the elements format times with it), or an Error that says so. */
function checkedLanguage(lang: string): string {
  try {
    return Intl.getCanonicalLocales(lang)[0]!;
  } catch {
    throw new Error(
      `renderCredentialsScreen: lang must be a BCP 47 language tag such as "fr" or "es-MX", not ${JSON.stringify(lang)}.`,
    );
  }
}
