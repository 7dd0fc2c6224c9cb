import { expect, test } from '@playwright/test';

/** A fresh demo session per test, so that tests running in parallel never share keys. */
const sessionUrl = (query = '') => `/?session=e2e-${crypto.randomUUID()}${query ? `&${query}` : ''}`;

test('shows the merchant screen by default: keys and token generation', async ({ page }) => {
  await page.goto(sessionUrl());
  await expect(page.locator('ipos-key-panel')).toBeVisible();
  await expect(page.locator('ipos-token-generator')).toBeVisible();
  await expect(page.locator('[part~="scope-name"]')).toHaveText(['PaymentTokenization', 'Recurring', 'BatchReport']);
});

test('?role= selects the role and the switcher follows it', async ({ page }) => {
  await page.goto(sessionUrl('role=iso'));
  await expect(page.locator('#role')).toHaveValue('iso');
  await expect(page.locator('[part~="scope-name"]')).toHaveText(['ExternalApi']);
  await expect(page.locator('ipos-token-generator')).toHaveCount(0);
});

test('the role switcher changes the screen and the address', async ({ page }) => {
  await page.goto(sessionUrl());
  await page.locator('#role').selectOption('agent');
  await expect(page.locator('[part~="scope-name"]')).toHaveText(['ExternalApi']);
  await expect(page.locator('ipos-token-generator')).toHaveCount(0);
  expect(new URL(page.url()).searchParams.get('role')).toBe('agent');
});

test('an unknown ?role= shows the element’s own error naming the allowed roles', async ({ page }) => {
  await page.goto(sessionUrl('role=owner'));
  await expect(page.locator('[part~="role-error"]')).toContainText('merchant, iso or agent');
});

test('the theme switcher applies dark tokens to the elements', async ({ page }) => {
  await page.goto(sessionUrl());
  await page.locator('#theme').selectOption('dark');
  await expect(page.locator('ipos-key-panel [part~="base"]').first()).toHaveClass(/dark/);
});

test('the demo has an icon, and nothing it loads is missing', async ({ page }) => {
  const failed: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  await page.goto(sessionUrl());
  await expect(page.locator('ipos-key-panel')).toBeVisible();
  const icon = await page.locator('link[rel="icon"]').getAttribute('href');
  const answer = await page.request.get(icon!);
  expect(answer.status()).toBe(200);
  expect(answer.headers()['content-type']).toContain('image/svg+xml');
  expect(await answer.text()).toContain('<svg');
  await page.waitForLoadState('networkidle');
  expect(failed).toEqual([]);
});
