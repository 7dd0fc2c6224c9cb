import { expect, test, type Page } from '@playwright/test';
import { serveDemoUnderStrictCsp, STRICT_CSP, type CspDemo } from '../support/csp-server.js';

/**
 * The hostile page: the built demo served with a strict CSP (`default-src 'self'`, no inline script or
 * style, no eval) and Trusted Types enforced (`require-trusted-types-for 'script'`, only Lit's
 * `lit-html` policy allowed). Every flow runs with zero violations, counted both in the page
 * (`securitypolicyviolation`) and at the `report-uri`.
 */

test.describe.configure({ mode: 'serial' });
test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

let demo: CspDemo;
let flows = 0;
test.beforeAll(async () => {
  test.setTimeout(60_000);
  demo = await serveDemoUnderStrictCsp(process.cwd());
});
test.afterAll(async () => {
  console.log(
    `[reliability] strict CSP + Trusted Types: ${flows} e2e flows, ${demo.reports.length} CSP/Trusted Types violations reported`,
  );
  await demo.close();
});

async function open(page: Page, role: string) {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`),
    );
  });
  const response = await page.goto(`${demo.url}/?role=${role}&session=csp-${crypto.randomUUID()}`);
  expect(response?.headers()['content-security-policy']).toBe(STRICT_CSP);
}

async function expectNoViolations(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
  expect(demo.reports).toEqual([]);
  flows += 1;
}

test('the page loads clean, and the policy is really enforced (a raw HTML string sink is refused)', async ({
  page,
}) => {
  await open(page, 'iso');
  await expect(page.locator('ipos-key-panel [part~="generate-button"]')).toBeVisible();
  await expectNoViolations(page);
  const refused = await page.evaluate(() => {
    try {
      // The sink this probe must be refused at (the library never uses it).
      // eslint-disable-next-line no-restricted-syntax
      document.createElement('div').innerHTML = '<b>not trusted</b>';
      return false;
    } catch {
      return true;
    }
  });
  expect(refused, 'Trusted Types refused a string for innerHTML').toBe(true);
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations.length))
    .toBeGreaterThan(0);
  // The probe's own report, not the library's: forget it.
  await expect.poll(() => demo.reports.length).toBeGreaterThan(0);
  demo.reports.length = 0;
});

test('keys: generate → copy API key → copy secret → reset → copy the new secret', async ({ page }) => {
  await open(page, 'merchant');
  const panel = page.locator('ipos-key-panel');
  const status = panel.locator('[part~="status"]');
  await panel.locator('[part~="generate-button"]').click();
  await expect(status).toHaveText('API and Secret keys generated successfully.');
  await panel.locator('[part~="copy-api-key"]').click();
  await expect(status).toHaveText('API key copied.');
  await panel.locator('[part~="copy-secret-key"]').click();
  await expect(status).toHaveText('Secret key copied.');
  const secret = await page.evaluate(() => navigator.clipboard.readText());
  expect(secret).toMatch(/^dskey_/);
  await panel.locator('[part~="reset-button"]').click();
  await panel.locator('[part~="confirm-button"]').click();
  await expect(status).toHaveText('Secret key reset. The previous secret no longer works.');
  await panel.locator('[part~="copy-secret-key"]').click();
  await expect(status).toHaveText('Secret key copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).not.toBe(secret);
  await expect(page.locator('#event-log')).toContainText('ipos-secret-reset');
  await expectNoViolations(page);
});

test('tokens: pick a TPN, generate, copy token and TPN, refresh; switch theme and language', async ({ page }) => {
  await open(page, 'merchant');
  const generator = page.locator('ipos-token-generator');
  const status = generator.locator('[part~="status"]');
  await generator.locator('[part~="tpn-select"]').selectOption('139322815012');
  await generator.locator('[part~="generate-button"]').click();
  await expect(status).toHaveText('Auth Token generated for TPN 139322815012.');
  await generator.locator('[part~="copy-token"]').click();
  await expect(status).toHaveText('Token copied.');
  await generator.locator('[part~="copy-tpn"]').click();
  await expect(status).toHaveText('TPN 139322815012 copied.');
  await generator.locator('[part~="refresh-button"]').click();
  await expect(status).toHaveText('Token refreshed.');
  // Lazily loaded catalogues and the dark theme must not need anything the policy forbids either.
  await page.locator('#theme').selectOption('dark');
  await page.locator('#locale').selectOption('ar');
  await expect(page.locator('ipos-key-panel [part~="base"]').first()).toHaveAttribute('dir', 'rtl');
  await expectNoViolations(page);
});
