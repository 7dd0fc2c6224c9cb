import { decodeJwt } from 'jose';
import { deep, part } from '../support/engine-tab.js';
import { expect, test } from '../support/engine-test.js';

const generator = (name: string) => part('ipos-token-generator', name);

test('merchant: select a TPN, generate, copy the token and the TPN', async ({ tab }) => {
  await tab.goto(`/?role=merchant&session=e2e-${crypto.randomUUID()}`);
  await expect.poll(() => tab.count(deep('ipos-token-generator', '[part~="tpn-select"]', 'option'))).toBe(3);
  await tab.select(generator('tpn-select'), '139322815011');

  await tab.click(generator('generate-button'));
  await expect.poll(() => tab.text(generator('status'))).toBe('Auth Token generated for TPN 139322815011.');
  await expect.poll(() => tab.text(generator('expiry'))).toContain('Expires in 24 hours');

  await tab.click(generator('copy-token'));
  await expect.poll(() => tab.text(generator('status'))).toBe('Token copied.');
  const claims = decodeJwt(await tab.readClipboard());
  expect(claims.tpn).toBe('139322815011');
  expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(24 * 3600);
  expect(claims.scope).toContain('PaymentTokenization');

  await tab.click(generator('copy-tpn'));
  await expect.poll(() => tab.text(generator('status'))).toBe('TPN 139322815011 copied.');
  expect(await tab.readClipboard()).toBe('139322815011');

  await tab.click(generator('refresh-button'));
  await expect.poll(() => tab.text(generator('status'))).toBe('Token refreshed.');
  await expect.poll(() => tab.text(deep('#event-log'))).toContain('ipos-token-refreshed');
});
