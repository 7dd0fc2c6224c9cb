// The demo page: one <ipos-credentials> over real HTTP against the reference backend that
// `npm start` mounts under /api/ipos, with role, theme and language switchers and an event log.
import '../src/define.js';
import { HttpBackend } from '../src/backend/http-backend.js';
import type { Theme } from '../src/elements/context.js';
import { IPOS_EVENT_NAMES } from '../src/elements/events.js';
import { isUserRole, type UserRole } from '../src/contract/roles.js';

const params = new URLSearchParams(location.search);
const credentials = document.querySelector('ipos-credentials')!;
const roleSelect = document.querySelector<HTMLSelectElement>('#role')!;
const themeSelect = document.querySelector<HTMLSelectElement>('#theme')!;
const localeSelect = document.querySelector<HTMLSelectElement>('#locale')!;
const log = document.querySelector<HTMLOListElement>('#event-log')!;

/** `?session=` isolates this page's demo accounts from other tabs (the end-to-end tests use it). */
const session = params.get('session') ?? 'demo';

/** The reference backend acts for the account named in this header: the demo's stand-in for a login. */
function backendFor(role: UserRole): HttpBackend {
  return new HttpBackend({
    baseUrl: '/api/ipos',
    headers: { 'X-Ipos-Demo-Account': role, 'X-Ipos-Demo-Session': session },
  });
}

function applyRole(role: string): void {
  // An unknown ?role= is passed through on purpose: the element shows its own clear error for it.
  credentials.userRole = role;
  credentials.backend = isUserRole(role) ? backendFor(role) : undefined;
  if (isUserRole(role)) roleSelect.value = role;
}

function applyTheme(theme: Theme): void {
  credentials.theme = theme;
  document.documentElement.dataset.theme = theme;
}

function applyLocale(locale: string): void {
  credentials.locale = locale;
  document.documentElement.dir = locale === 'ar' ? 'rtl' : 'ltr';
}

/** Keeps the page's address in step with the switchers, so a reload shows the same screen. */
function remember(name: string, value: string): void {
  params.set(name, value);
  history.replaceState(null, '', `?${params}`);
}

function logEvent(event: Event): void {
  const entry = document.createElement('li');
  const name = document.createElement('strong');
  name.textContent = event.type;
  const detail = document.createElement('pre');
  detail.textContent = JSON.stringify((event as CustomEvent).detail, null, 2);
  entry.append(name, detail);
  // Newest last, scrolled into the log's view: an entry added on top would push every older one down the page.
  log.append(entry);
  const scroller = log.closest<HTMLElement>('.log')!;
  scroller.scrollTop = scroller.scrollHeight;
}

applyRole(params.get('role') ?? 'merchant');
applyTheme((params.get('theme') as Theme | null) ?? 'auto');
applyLocale(params.get('locale') ?? 'en');
themeSelect.value = credentials.theme ?? 'auto';
localeSelect.value = credentials.locale ?? 'en';

roleSelect.addEventListener('change', () => {
  applyRole(roleSelect.value);
  remember('role', roleSelect.value);
});
themeSelect.addEventListener('change', () => {
  applyTheme(themeSelect.value as Theme);
  remember('theme', themeSelect.value);
});
localeSelect.addEventListener('change', () => {
  applyLocale(localeSelect.value);
  remember('locale', localeSelect.value);
});
document.querySelector('#clear-log')!.addEventListener('click', () => log.replaceChildren());
for (const name of IPOS_EVENT_NAMES) document.addEventListener(name, logEvent);
