import { expect, test, type Page } from '@playwright/test';

/**
 * The three iPOSpays workflows from the release note, end to end: the demo page over real HTTP
 * against the reference backend, the real clipboard, and iPOSpays' authenticate-token as the judge.
 */

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

async function openDemo(page: Page, role: string) {
  const session = `e2e-${crypto.randomUUID()}`;
  await page.goto(`/?role=${role}&session=${session}`);
  return session;
}

async function copiedText(page: Page, part: string, confirmation: string): Promise<string> {
  await page.locator(`ipos-key-panel [part~="${part}"]`).click();
  await expect(page.locator('ipos-key-panel [part~="status"]')).toHaveText(confirmation);
  return page.evaluate(() => navigator.clipboard.readText());
}

async function authenticate(page: Page, session: string, apiKey: string, secretKey: string) {
  const response = await page.request.post('/api/ipos/authenticate-token', {
    headers: { apiKey, secretKey, 'X-Ipos-Demo-Session': session },
  });
  return { status: response.status(), body: await response.json() };
}

for (const role of ['merchant', 'iso', 'agent']) {
  test(`${role}: generate, copy both keys, reset; the old secret stops working, the new one works`, async ({
    page,
  }) => {
    const session = await openDemo(page, role);
    const panel = page.locator('ipos-key-panel');

    await panel.locator('[part~="generate-button"]').click();
    await expect(panel.locator('[part~="status"]')).toHaveText('API and Secret keys generated successfully.');
    await expect(page.locator('#event-log')).toContainText('ipos-keys-generated');

    const apiKey = await copiedText(page, 'copy-api-key', 'API key copied.');
    expect(apiKey).toMatch(/^dakey_[A-Za-z0-9_-]{32}$/);
    await expect(panel.locator('[part~="api-key"]')).toHaveText(apiKey);

    const oldSecret = await copiedText(page, 'copy-secret-key', 'Secret key copied.');
    expect(oldSecret).toMatch(/^dskey_[A-Za-z0-9_-]{32}$/);
    // Masked on screen: only the last four characters are shown, and the secret is nowhere in the page.
    await expect(panel.locator('[part~="secret-key"]')).toHaveText(new RegExp(`^dskey_•+${oldSecret.slice(-4)}$`));
    expect(await page.content()).not.toContain(oldSecret);
    expect((await authenticate(page, session, apiKey, oldSecret)).body).toMatchObject({ responseCode: '00' });

    await panel.locator('[part~="reset-button"]').click();
    await expect(panel.locator('[part~="dialog"]')).toContainText('stops working immediately');
    await panel.locator('[part~="confirm-button"]').click();
    await expect(panel.locator('[part~="status"]')).toHaveText(
      'Secret key reset. The previous secret no longer works.',
    );

    const newSecret = await copiedText(page, 'copy-secret-key', 'Secret key copied.');
    expect(newSecret).not.toBe(oldSecret);
    expect(await authenticate(page, session, apiKey, oldSecret)).toMatchObject({
      status: 401,
      body: { errorCode: 'AUTH_ERR_004' },
    });
    const accepted = await authenticate(page, session, apiKey, newSecret);
    expect(accepted.status).toBe(200);
    expect(accepted.body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const log = await page.locator('#event-log').textContent();
    expect(log).toContain('ipos-secret-reset');
    expect(log).not.toContain(oldSecret);
    expect(log).not.toContain(newSecret);
  });
}
