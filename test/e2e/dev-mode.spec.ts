import type { Page } from '@playwright/test';
import { expect, skipIn, test } from '../support/ssr-example.js';

/**
 * Every page of the demo in Lit's development build (`npm start`, and the server-rendered example), used as a user
 * would: Lit says it is in dev mode, once, and nothing else. Its other warnings name real waste (an element that
 * updates again right after an update, a class field shadowing a property, …); a server-rendered page counts each
 * element's updates too: hydration is the one update.
 */

skipIn(
  ['firefox', 'webkit'],
  "it reads each page's console through Playwright's own page; the element tests count every element's updates in all three engines",
);

/** The worker's one server-rendered example (test/support/ssr-example.ts says why one). */
let example: { url: string };
test.beforeAll(({ ssrExample }) => {
  example = ssrExample;
});
test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

const DEV_MODE_NOTICE = /^Lit is in dev mode\./;

/** Collects what Lit writes to the console (its messages name Lit or link lit.dev), and the page's errors. */
function litConsole(page: Page) {
  const lines: string[] = [];
  page.on('console', (message) => {
    const text = message.text();
    if (/\bLit\b|lit\.dev|lit-html|ReactiveElement/.test(text) || message.type() === 'error') {
      lines.push(`${message.type()}: ${text}`);
    }
  });
  page.on('pageerror', (error) => lines.push(`pageerror: ${error.message}`));
  return {
    /** Lit's messages other than its one dev-mode notice, and errors; the notice must have been given once. */
    findings(): string[] {
      const notices = lines.filter((line) => DEV_MODE_NOTICE.test(line.replace(/^\w+: /, '')));
      expect(notices, 'Lit’s dev-mode notice (the page runs the development build)').toHaveLength(1);
      return lines.filter((line) => !notices.includes(line));
    },
  };
}

const session = () => `e2e-${crypto.randomUUID()}`;

test('the demo, merchant: generate, copy, reset and cancel, a token, a switch of role and language', async ({
  page,
}) => {
  const lit = litConsole(page);
  await page.goto(`/?session=${session()}`);
  const panel = page.locator('ipos-key-panel');
  await panel.locator('[part~="generate-button"]').click();
  await panel.locator('[part~="copy-api-key"]').click();
  await expect(panel.locator('[part~="status"]')).toContainText('API key copied');
  await panel.locator('[part~="reset-button"]').click();
  await panel.locator('[part~="cancel-button"]').click();
  const generator = page.locator('ipos-token-generator');
  await generator.locator('[part~="generate-button"]').click();
  await expect(generator.locator('[part~="token"]')).toBeVisible();
  await expect(page.locator('ipos-key-activity [part~="event"]').first()).toBeVisible();
  await page.locator('#locale').selectOption('ar');
  await expect(panel.locator('section[part~="base"]')).toHaveAttribute('dir', 'rtl');
  await page.locator('#role').selectOption('iso');
  await expect(page.locator('[part~="scope-name"]')).toHaveText(['ExternalApi']);
  expect(lit.findings()).toEqual([]);
});

for (const query of ['role=iso&theme=dark', 'role=agent&locale=fr', 'role=merchant&locale=es', 'role=owner']) {
  test(`the demo, ?${query}: opens with nothing from Lit but its dev-mode notice`, async ({ page }) => {
    const lit = litConsole(page);
    await page.goto(`/?session=${session()}&${query}`);
    await expect(page.locator('ipos-credentials [part~="base"], [part~="role-error"]').first()).toBeVisible();
    await page.waitForLoadState('networkidle');
    expect(lit.findings()).toEqual([]);
  });
}

for (const [as, lang] of [
  ['merchant', 'en'],
  ['iso', 'fr'],
] as const) {
  test(`the server-rendered example, ${as} in ${lang}: hydrates in one update per element, nothing from Lit`, async ({
    page,
    context,
  }) => {
    await context.request.get(`${example.url}/?as=${as}`);
    await context.request.post(`${example.url}/api/ipos/credentials`);
    const lit = litConsole(page);
    // Counts each element's updates from its definition: the elements hydrate, then wait for the user.
    await page.addInitScript(() => {
      const updates: Record<string, number> = ((window as unknown as { updates: object }).updates = {});
      const define = customElements.define.bind(customElements);
      customElements.define = (name, constructor, options) => {
        const prototype = constructor.prototype as { performUpdate(): void };
        const performUpdate = prototype.performUpdate;
        prototype.performUpdate = function (this: HTMLElement) {
          updates[this.localName] = (updates[this.localName] ?? 0) + 1;
          return performUpdate.call(this);
        };
        define(name, constructor, options);
      };
    });
    await page.goto(`${example.url}/?lang=${lang}`);
    await page.waitForFunction(() => {
      const panel = document.querySelector('ipos-credentials')?.shadowRoot?.querySelector('ipos-key-panel');
      return (panel as { hasUpdated?: boolean } | null | undefined)?.hasUpdated === true;
    });
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve))));
    const elements = ['ipos-credentials', 'ipos-key-panel', 'ipos-scope-list', 'ipos-key-activity'];
    if (as === 'merchant') elements.push('ipos-token-generator');
    expect(await page.evaluate(() => (window as unknown as { updates: object }).updates)).toEqual(
      Object.fromEntries(elements.map((tag) => [tag, 1])),
    );
    await page.locator('ipos-key-panel [part~="copy-api-key"]').click();
    await expect(page.locator('ipos-key-panel [part~="status"]')).not.toBeEmpty();
    expect(lit.findings()).toEqual([]);
  });
}
