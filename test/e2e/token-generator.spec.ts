import { expect, test } from '@playwright/test';
import { decodeJwt } from 'jose';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('merchant: select a TPN, generate, copy the token and the TPN', async ({ page }) => {
  await page.goto(`/?role=merchant&session=e2e-${crypto.randomUUID()}`);
  const generator = page.locator('ipos-token-generator');
  const tpnSelect = generator.locator('[part~="tpn-select"]');
  await expect(tpnSelect.locator('option')).toHaveCount(3);
  await tpnSelect.selectOption('139322815011');

  await generator.locator('[part~="generate-button"]').click();
  await expect(generator.locator('[part~="status"]')).toHaveText('Auth Token generated for TPN 139322815011.');
  await expect(generator.locator('[part~="expiry"]')).toContainText('Expires in 24 hours');

  await generator.locator('[part~="copy-token"]').click();
  await expect(generator.locator('[part~="status"]')).toHaveText('Token copied.');
  const token = await page.evaluate(() => navigator.clipboard.readText());
  const claims = decodeJwt(token);
  expect(claims.tpn).toBe('139322815011');
  expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(24 * 3600);
  expect(claims.scope).toContain('PaymentTokenization');

  await generator.locator('[part~="copy-tpn"]').click();
  await expect(generator.locator('[part~="status"]')).toHaveText('TPN 139322815011 copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('139322815011');

  await generator.locator('[part~="refresh-button"]').click();
  await expect(generator.locator('[part~="status"]')).toHaveText('Token refreshed.');
  await expect(page.locator('#event-log')).toContainText('ipos-token-refreshed');
});
