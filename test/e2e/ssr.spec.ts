import type { BrowserContext, Page } from '@playwright/test';
import { ar } from '../../src/i18n/ar.js';
import { en } from '../../src/i18n/en.js';
import { fr } from '../../src/i18n/fr.js';
import { expect, skipIn, test } from '../support/ssr-example.js';

/**
 * The server-rendered screen (examples/ssr-node: the server kit's data, `renderCredentialsScreen`, Node http)
 * in Chromium: readable with no JavaScript, hydrated with no request, no DOM change and no layout shift, and
 * working afterwards.
 */

skipIn(
  ['firefox', 'webkit'],
  "it drives hydration with Playwright's own tools (holding the module back with page.route, page errors, " +
    'a context with JavaScript off) and measures layout shift, which only Chromium reports (Layout Instability API)',
);

/** The worker's one server-rendered example (test/support/ssr-example.ts says why one). */
let example: { url: string };
test.beforeAll(({ ssrExample }) => {
  example = ssrExample;
});
test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

const CATALOGS = { en, fr, ar };
const SECRET = /dskey_[A-Za-z0-9_-]{8,}/;

/** Signs the context in as a demo account (the page sets the cookie) and makes sure the account has keys. */
async function signIn(context: BrowserContext, as: 'merchant' | 'iso') {
  await context.request.get(`${example.url}/?as=${as}`);
  const generated = await context.request.post(`${example.url}/api/ipos/credentials`);
  expect([201, 409]).toContain(generated.status());
  const credentials = await (await context.request.get(`${example.url}/api/ipos/credentials`)).json();
  return credentials.keys as { apiKey: string; secretKeyHint: string };
}

/** Everything the page shows, light DOM and every shadow root, as one string. */
function deepMarkup(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts: string[] = [document.documentElement.outerHTML];
    const visit = (root: ParentNode) => {
      for (const element of root.querySelectorAll('*')) {
        if (element.shadowRoot) {
          parts.push(element.shadowRoot.getHTML());
          visit(element.shadowRoot);
        }
      }
    };
    visit(document);
    return parts.join('\n');
  });
}

/**
 * Opens the page with its module held back: the server's HTML is on screen with declarative shadow roots
 * and no script has run. Returns what the test needs to watch hydration, and `release` to let it happen.
 */
async function openBeforeHydration(page: Page, query: string) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/examples/ssr-node/client.ts', async (route) => {
    await held;
    await route.continue();
  });
  const apiRequests: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) apiRequests.push(`${request.method()} ${url.pathname}`);
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  // A module script delays DOMContentLoaded: wait for the parser to reach the preload, the element's last child.
  await page.goto(`${example.url}/${query}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => document.querySelector('ipos-credentials > script[data-ipos-initial]'));
  await page.evaluate(() => {
    const win = window as unknown as { mutations: string[]; layoutShift: number };
    win.mutations = [];
    win.layoutShift = 0;
    const name = (node: Node) => {
      const element = node instanceof Element ? node : node.parentElement;
      const part = element?.getAttribute('part');
      return `${element?.localName ?? '#shadow-root'}${part ? `[part=${part}]` : ''}`;
    };
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        win.mutations.push(
          record.type === 'attributes'
            ? `${name(record.target)} @${record.attributeName}=${String((record.target as Element).getAttribute(record.attributeName!))}`
            : `${record.type} in ${name(record.target)} +${record.addedNodes.length} -${record.removedNodes.length}`,
        );
      }
    });
    const observe = (root: Node) => {
      observer.observe(root, { childList: true, characterData: true, attributes: true, subtree: true });
      for (const element of (root as ParentNode).querySelectorAll('*'))
        if (element.shadowRoot) observe(element.shadowRoot);
    };
    observe(document.body);
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) win.layoutShift += (entry as unknown as { value: number }).value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  expect(await page.evaluate(() => customElements.get('ipos-credentials'))).toBeUndefined();
  return { release, apiRequests, errors };
}

/** Waits until every ipos element is defined, has hydrated and has no update pending. */
async function hydrated(page: Page) {
  await page.evaluate(async () => {
    await customElements.whenDefined('ipos-credentials');
    type Ipos = HTMLElement & { updateComplete: Promise<boolean>; hasUpdated: boolean; isUpdatePending: boolean };
    const elements = (root: ParentNode = document): Ipos[] =>
      [...root.querySelectorAll<Ipos>('*')].flatMap((element) => [
        ...(element.localName.startsWith('ipos-') ? [element] : []),
        ...(element.shadowRoot ? elements(element.shadowRoot) : []),
      ]);
    for (;;) {
      await Promise.all(elements().map((element) => element.updateComplete));
      // One turn of the event loop: the preloaded loads settle in a microtask after the first update.
      await new Promise((resolve) => setTimeout(resolve));
      if (elements().every((element) => element.hasUpdated && !element.isUpdatePending)) return;
    }
  });
}

/** The box of every part of the key rows and the token generator, by part name. */
function boxes(page: Page) {
  return page.evaluate(() => {
    const found: Record<string, DOMRect> = {};
    const visit = (root: ParentNode, prefix: string) => {
      for (const element of root.querySelectorAll('*')) {
        const part = element.getAttribute('part');
        if (part) found[`${prefix}${part}`] = element.getBoundingClientRect().toJSON();
        if (element.shadowRoot) visit(element.shadowRoot, `${prefix}${element.localName}/`);
      }
    };
    visit(document, '');
    return found;
  });
}

/** The nested elements of each role's screen, as the mutation log names them (tag and part). */
const nested = {
  merchant: [
    'ipos-key-panel[part=key-panel]',
    'ipos-scope-list[part=scopes]',
    'ipos-key-activity[part=key-activity]',
    'ipos-token-generator[part=token-generator]',
  ],
  iso: ['ipos-key-panel[part=key-panel]', 'ipos-scope-list[part=scopes]', 'ipos-key-activity[part=key-activity]'],
};

for (const [as, lang] of [
  ['merchant', 'en'],
  ['iso', 'en'],
  ['merchant', 'fr'],
  ['iso', 'ar'],
] as const) {
  test(`${as}, ${lang}: hydrates with no request, no DOM change but defer-hydration, no layout shift, no secret`, async ({
    page,
    context,
  }) => {
    const keys = await signIn(context, as);
    const catalog = CATALOGS[lang];
    const served = await (await context.request.get(`${example.url}/?lang=${lang}`)).text();
    expect(served).not.toMatch(SECRET);
    expect(served).toContain(keys.apiKey);
    if (lang !== 'en') expect(served).not.toContain(en['keys.copyApiKey']);
    // The page's clock stands still: the activity trail's "12 seconds ago" is rendered again after hydration, and
    // changed when a second passed in between on a loaded machine — the clock's change to the DOM, not hydration's.
    await page.clock.setFixedTime(Date.now());
    const { release, apiRequests, errors } = await openBeforeHydration(page, `?lang=${lang}`);
    const panel = page.locator('ipos-key-panel');
    // Before any script: the server's HTML is the screen, already in its language.
    await expect(panel.locator('[part~="api-key"]')).toHaveText(keys.apiKey);
    await expect(panel.locator('h2')).toHaveText(catalog['keys.heading']);
    const before = await boxes(page);
    expect(Object.keys(before)).toContain('ipos-credentials/ipos-key-panel/api-key');

    release();
    await hydrated(page);

    expect(errors).toEqual([]);
    expect(apiRequests).toEqual([]);
    // Hydration's only change to the DOM: each nested element's `defer-hydration` is removed by its host.
    const mutations = await page.evaluate(() => (window as unknown as { mutations: string[] }).mutations);
    expect(mutations.sort()).toEqual(nested[as].map((tag) => `${tag} @defer-hydration=null`).sort());
    expect(await boxes(page)).toEqual(before);
    expect(await page.evaluate(() => (window as unknown as { layoutShift: number }).layoutShift)).toBe(0);
    await expect(panel.locator('h2')).toHaveText(catalog['keys.heading']);
    if (lang !== 'en') expect(await deepMarkup(page)).not.toContain(en['keys.copyApiKey']);
    expect(await deepMarkup(page)).not.toMatch(SECRET);
  });
}

test('merchant, JavaScript disabled: the key, the masked secret, the scopes and the token state are readable', async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const keys = await signIn(context, 'merchant');
  const page = await context.newPage();
  await page.goto(`${example.url}/`);
  const panel = page.locator('ipos-key-panel');
  await expect(panel.locator('[part~="api-key"]')).toHaveText(keys.apiKey);
  await expect(panel.locator('[part~="api-key"]')).toBeVisible();
  await expect(panel.locator('[part~="secret-key"]')).toHaveText(new RegExp(`^dskey_•+${keys.secretKeyHint}$`));
  await expect(page.locator('ipos-scope-list [part~="scope-name"]')).toHaveText([
    'PaymentTokenization',
    'Recurring',
    'BatchReport',
  ]);
  await expect(page.locator('ipos-token-generator')).toContainText(en['tokens.none']);
  await expect(page.locator('ipos-token-generator [part~="tpn-select"]')).toHaveValue('139322815010');
  // No script ran: the nested elements still wait for a host that would hydrate them.
  await expect(panel).toHaveAttribute('defer-hydration', '');
  await context.close();
});

test('merchant: after hydration copy, reset and token generation work against the server', async ({
  page,
  context,
}) => {
  const keys = await signIn(context, 'merchant');
  const { release, apiRequests } = await openBeforeHydration(page, '');
  release();
  await hydrated(page);
  expect(apiRequests).toEqual([]);
  const panel = page.locator('ipos-key-panel');

  await panel.locator('[part~="copy-api-key"]').click();
  await expect(panel.locator('[part~="status"]')).toHaveText(en['keys.apiKeyCopied']);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(keys.apiKey);

  await panel.locator('[part~="copy-secret-key"]').click();
  await expect(panel.locator('[part~="status"]')).toHaveText(en['keys.secretKeyCopied']);
  const secret = await page.evaluate(() => navigator.clipboard.readText());
  expect(secret).toMatch(new RegExp(`^dskey_[A-Za-z0-9_-]{32}$`));
  expect(secret.endsWith(keys.secretKeyHint)).toBe(true);
  expect(await deepMarkup(page)).not.toContain(secret);

  await panel.locator('[part~="reset-button"]').click();
  await panel.locator('[part~="confirm-button"]').click();
  await expect(panel.locator('[part~="status"]')).toHaveText(en['keys.resetDone']);
  await panel.locator('[part~="copy-secret-key"]').click();
  await expect(panel.locator('[part~="status"]')).toHaveText(en['keys.secretKeyCopied']);
  const newSecret = await page.evaluate(() => navigator.clipboard.readText());
  expect(newSecret).not.toBe(secret);
  await expect(panel.locator('[part~="secret-key"]')).toHaveText(new RegExp(`^dskey_•+${newSecret.slice(-4)}$`));

  const tokens = page.locator('ipos-token-generator');
  await tokens.locator('[part~="generate-button"]').click();
  await expect(tokens.locator('[part~="expiry"]')).toHaveAttribute('data-state', 'valid');
  // Each action's own request; the activity trail reloads after each action's event.
  expect(apiRequests.filter((request) => request !== 'GET /api/ipos/credentials/activity')).toEqual([
    'POST /api/ipos/credentials/secret/reveal',
    'POST /api/ipos/credentials/secret/reset',
    'POST /api/ipos/credentials/secret/reveal',
    'POST /api/ipos/tokens',
  ]);
});

test('iso: after hydration the secret copies and there is no token generator', async ({ page, context }) => {
  const keys = await signIn(context, 'iso');
  const { release, apiRequests } = await openBeforeHydration(page, '?lang=en');
  release();
  await hydrated(page);
  expect(apiRequests).toEqual([]);
  await page.locator('ipos-key-panel [part~="copy-secret-key"]').click();
  await expect(page.locator('ipos-key-panel [part~="status"]')).toHaveText(en['keys.secretKeyCopied']);
  expect((await page.evaluate(() => navigator.clipboard.readText())).endsWith(keys.secretKeyHint)).toBe(true);
  await expect(page.locator('ipos-token-generator')).toHaveCount(0);
  expect(apiRequests.filter((request) => request !== 'GET /api/ipos/credentials/activity')).toEqual([
    'POST /api/ipos/credentials/secret/reveal',
  ]);
});

/** Resets the signed-in merchant's secret, keeping the previous one working for `graceMinutes`. */
async function resetWithGrace(context: BrowserContext, graceMinutes: number) {
  const reset = await context.request.post(`${example.url}/api/ipos/credentials/secret/reset`, {
    data: { graceMinutes },
  });
  expect(reset.status()).toBe(200);
}

test('merchant: a grace window that has ended by the time the page hydrates leaves no line and no Revoke button', async ({
  page,
  context,
}) => {
  await signIn(context, 'merchant');
  await resetWithGrace(context, 60);
  try {
    // The browser's clock runs two hours ahead of the server's (a skewed clock, or a page opened from a cache):
    // the server renders the window open, the page hydrates with it over.
    await page.clock.install({ time: Date.now() + 2 * 60 * 60_000 });
    const { release } = await openBeforeHydration(page, '');
    const panel = page.locator('ipos-key-panel');
    await expect(panel.locator('[part~="previous-secret"]')).toHaveCount(1);
    release();
    await hydrated(page);
    await expect(panel.locator('[part~="previous-secret"]')).toHaveCount(0);
    await expect(panel.locator('[part~="revoke-previous-button"]')).toHaveCount(0);
  } finally {
    await context.request.post(`${example.url}/api/ipos/credentials/secret/previous/revoke`);
  }
});

/**
 * The page gives the provider its own backend before the elements are defined (docs/ssr.md): an `HttpBackend`
 * adapter with every method but `without`. The server rendered with its own, complete backend.
 */
async function pageAdapterWithout(page: Page, without: string): Promise<string[]> {
  const methods = ['getCredentials', 'generateKeys', 'revealSecret', 'resetSecret', 'revokePreviousSecret']
    .concat(['listTerminals', 'generateToken', 'refreshToken', 'listActivity'])
    .filter((name) => name !== without);
  await page.route('**/examples/ssr-node/client.ts', async (route) => {
    const served = await (await route.fetch()).text();
    // The example's one import, ipos-credential-elements/hydrate: the backend is set before it defines the elements.
    const [elements] = [...served.matchAll(/^import\s+["']([^"']+)["'];?$/gm)].map((match) => match[1]!);
    await route.fulfill({
      contentType: 'text/javascript',
      body: `import { HttpBackend } from '/src/backend/http-backend.ts';
const http = new HttpBackend({ baseUrl: '/api/ipos' });
const adapter = {};
for (const name of ${JSON.stringify(methods)}) adapter[name] = http[name].bind(http);
document.querySelector('ipos-credentials').backend = adapter;
await import(${JSON.stringify(elements)});
`,
    });
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

test('merchant: hydrates a grace window with a page backend that cannot revoke: the line, no button, no error', async ({
  page,
  context,
}) => {
  await signIn(context, 'merchant');
  await resetWithGrace(context, 60);
  try {
    const errors = await pageAdapterWithout(page, 'revokePreviousSecret');
    await page.goto(`${example.url}/`);
    await hydrated(page);
    const panel = page.locator('ipos-key-panel');
    await expect(panel.locator('[part~="previous-secret"]')).toHaveCount(1);
    await expect(panel.locator('[part~="revoke-previous-button"]')).toHaveCount(0);
    expect(errors).toEqual([]);
  } finally {
    await context.request.post(`${example.url}/api/ipos/credentials/secret/previous/revoke`);
  }
});

test('merchant: hydrates with a page backend that cannot list activity: the trail hides, no error', async ({
  page,
  context,
}) => {
  await signIn(context, 'merchant');
  const errors = await pageAdapterWithout(page, 'listActivity');
  await page.goto(`${example.url}/`);
  await hydrated(page);
  await expect(page.locator('ipos-key-activity')).toBeHidden();
  await expect(page.locator('ipos-key-panel [part~="api-key"]')).toBeVisible();
  expect(errors).toEqual([]);
});
