import type { BrowserContext, Page } from '@playwright/test';
import { expect, skipIn, test } from '../support/ssr-example.js';

/**
 * No click before hydration is lost: on a server-rendered screen whose module is still on its way (a throttled
 * network, and the module held back), a click on Copy API Key copies the key at once; Copy Secret Key, Reset and a
 * change of terminal are carried out as soon as the element has hydrated, each once.
 */

skipIn(
  ['firefox', 'webkit'],
  "it throttles the network over the Chrome DevTools Protocol and holds the module back with Playwright's page.route, which only Playwright's Chromium has here",
);

/** The worker's one server-rendered example (test/support/ssr-example.ts says why one). */
let example: { url: string };
test.beforeAll(({ ssrExample }) => {
  example = ssrExample;
});
test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

async function signIn(context: BrowserContext, as: 'merchant' | 'iso') {
  await context.request.get(`${example.url}/?as=${as}`);
  const generated = await context.request.post(`${example.url}/api/ipos/credentials`);
  expect([201, 409]).toContain(generated.status());
  const credentials = await (await context.request.get(`${example.url}/api/ipos/credentials`)).json();
  return credentials.keys as { apiKey: string };
}

/** The screen as the server sent it, on a slow network, with its module held back until `hydrate()`. */
async function beforeHydration(page: Page) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/examples/ssr-node/client.ts', async (route) => {
    await held;
    await route.continue();
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 150,
    downloadThroughput: 1_600_000 / 8,
    uploadThroughput: 750_000 / 8,
  });
  await page.addInitScript(() => {
    const copies: string[] = ((window as unknown as { copies: string[] }).copies = []);
    document.addEventListener('ipos-copy', (event) =>
      copies.push((event as CustomEvent<{ field: string }>).detail.field),
    );
  });
  await page.goto(`${example.url}/`, { waitUntil: 'commit' });
  await page.locator('ipos-key-panel [part~="copy-api-key"]').waitFor();
  expect(await page.evaluate(() => customElements.get('ipos-key-panel'))).toBeUndefined();
  return {
    async hydrate() {
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      release();
      await page.waitForFunction(() =>
        [...document.querySelectorAll('ipos-credentials')].every(
          (element) => (element.shadowRoot?.querySelector('ipos-key-panel') as { hasUpdated?: boolean })?.hasUpdated,
        ),
      );
    },
  };
}

const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());
const copies = (page: Page) => page.evaluate(() => (window as unknown as { copies: string[] }).copies);

test('Copy API Key before hydration copies the key at once; the element says so once it has hydrated', async ({
  page,
  context,
}) => {
  const keys = await signIn(context, 'iso');
  const screen = await beforeHydration(page);
  await page.evaluate(() => navigator.clipboard.writeText('nothing yet'));
  await page.locator('ipos-key-panel [part~="copy-api-key"]').click();
  await expect.poll(() => clipboard(page)).toBe(keys.apiKey);
  expect(await page.evaluate(() => customElements.get('ipos-key-panel'))).toBeUndefined();

  await screen.hydrate();
  await expect(page.locator('ipos-key-panel [part~="status"]')).toHaveText('API key copied.');
  await expect(page.locator('ipos-key-panel [part~="copy-api-key"]')).toHaveText('Copied');
  expect(await copies(page)).toEqual(['apiKey']);
  expect(await clipboard(page)).toBe(keys.apiKey);
});

test('Copy Secret Key and Reset before hydration are carried out once the element is ready', async ({
  page,
  context,
}) => {
  await signIn(context, 'iso');
  const screen = await beforeHydration(page);
  const panel = page.locator('ipos-key-panel');
  await panel.locator('[part~="copy-secret-key"]').click();
  await panel.locator('[part~="reset-button"]').click();
  await screen.hydrate();

  await expect(panel.locator('[part~="dialog"]')).toBeVisible();
  await expect(panel.locator('[part~="status"]')).toHaveText('Secret key copied.');
  const secret = await clipboard(page);
  expect(secret).toMatch(/^dskey_[A-Za-z0-9_-]{32}$/);
  const current = await context.request.post(`${example.url}/api/ipos/credentials/secret/reveal`);
  expect(secret).toBe((await current.json()).secretKey);
  expect(await copies(page)).toEqual(['secretKey']);
  await panel.locator('[part~="cancel-button"]').click();
});

test('a terminal chosen before hydration is the one the token is generated for', async ({ page, context }) => {
  await signIn(context, 'merchant');
  const screen = await beforeHydration(page);
  const generator = page.locator('ipos-token-generator');
  const select = generator.locator('[part~="tpn-select"]');
  const last = await select.locator('option').last().getAttribute('value');
  await select.selectOption(last!);
  await generator.locator('[part~="copy-tpn"]').click();
  await expect.poll(() => clipboard(page)).toBe(last);
  await screen.hydrate();

  await generator.locator('[part~="generate-button"]').click();
  await expect(generator.locator('[part~="status"]')).toHaveText(`Auth Token generated for TPN ${last}.`);
  expect(await copies(page)).toEqual(['tpn']);
});
