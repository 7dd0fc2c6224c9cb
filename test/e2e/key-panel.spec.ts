import type { APIRequestContext } from '@playwright/test';
import { deep, part, type EngineTab } from '../support/engine-tab.js';
import { expect, skipIn, test } from '../support/engine-test.js';

/**
 * The three iPOSpays workflows from the release note, end to end in every engine: the demo page over real HTTP
 * against the reference backend, the real clipboard, and iPOSpays' authenticate-token as the judge.
 */

const panel = (name: string) => part('ipos-key-panel', name);

async function openDemo(tab: EngineTab, role: string) {
  const session = `e2e-${crypto.randomUUID()}`;
  await tab.goto(`/?role=${role}&session=${session}`);
  return session;
}

/** iPOSpays' authenticate-token, the judge of which secret works: its status and body. */
async function authenticate(request: APIRequestContext, session: string, apiKey: string, secretKey: string) {
  const response = await request.post('/api/ipos/authenticate-token', {
    headers: { apiKey, secretKey, 'X-Ipos-Demo-Session': session },
  });
  return { status: response.status(), body: await response.json() };
}

/** Opens the demo with keys generated; resolves the session and the API key on screen. */
async function withKeys(tab: EngineTab, role: string) {
  const session = await openDemo(tab, role);
  await tab.click(panel('generate-button'));
  await expect.poll(() => tab.text(panel('status'))).toBe('API and Secret keys generated successfully.');
  return { session, apiKey: await tab.text(panel('api-key')) };
}

async function copiedText(tab: EngineTab, button: string, confirmation: string): Promise<string> {
  await tab.click(panel(button));
  await expect.poll(() => tab.text(panel('status'))).toBe(confirmation);
  return tab.readClipboard();
}

for (const role of ['merchant', 'iso', 'agent']) {
  test(`${role}: generate, copy both keys, reset; the old secret stops working, the new one works`, async ({
    tab,
    request,
  }) => {
    const session = await openDemo(tab, role);

    await tab.click(panel('generate-button'));
    await expect.poll(() => tab.text(panel('status'))).toBe('API and Secret keys generated successfully.');
    await expect.poll(() => tab.text(deep('#event-log'))).toContain('ipos-keys-generated');

    const apiKey = await copiedText(tab, 'copy-api-key', 'API key copied.');
    expect(apiKey).toMatch(/^dakey_[A-Za-z0-9_-]{32}$/);
    expect(await tab.text(panel('api-key'))).toBe(apiKey);

    const oldSecret = await copiedText(tab, 'copy-secret-key', 'Secret key copied.');
    expect(oldSecret).toMatch(/^dskey_[A-Za-z0-9_-]{32}$/);
    // Masked on screen: only the last four characters are shown, and the secret is nowhere in the page.
    expect(await tab.text(panel('secret-key'))).toMatch(new RegExp(`^dskey_•+${oldSecret.slice(-4)}$`));
    expect(await tab.markup()).not.toContain(oldSecret);
    expect((await authenticate(request, session, apiKey, oldSecret)).body).toMatchObject({ responseCode: '00' });

    await tab.click(panel('reset-button'));
    await expect.poll(() => tab.text(panel('dialog'))).toContain('stops working immediately');
    await tab.click(panel('confirm-button'));
    await expect.poll(() => tab.text(panel('status'))).toBe('Secret key reset. The previous secret no longer works.');

    const newSecret = await copiedText(tab, 'copy-secret-key', 'Secret key copied.');
    expect(newSecret).not.toBe(oldSecret);
    expect(await authenticate(request, session, apiKey, oldSecret)).toMatchObject({
      status: 401,
      body: { errorCode: 'AUTH_ERR_004' },
    });
    const accepted = await authenticate(request, session, apiKey, newSecret);
    expect(accepted.status).toBe(200);
    expect(accepted.body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const log = await tab.text(deep('#event-log'));
    expect(log).toContain('ipos-secret-reset');
    expect(log).not.toContain(oldSecret);
    expect(log).not.toContain(newSecret);
  });
}

/**
 * The clipboard rule Safari enforces and WebKit's driver keeps: a write must start inside the user's gesture. The
 * secret is fetched only when asked for, so Copy secret key starts its write in the click (or key press) with the
 * secret still on its way, and the browser takes it when it arrives.
 */
test.describe('copying inside the gesture', () => {
  /** The demo session's answers take this long from now on: longer than a gesture lasts (WebKit: 1 s). */
  async function slowAnswers(request: APIRequestContext, session: string, latencyMs: number) {
    const response = await request.put('/api/ipos/__reference/session', {
      headers: { 'X-Ipos-Demo-Session': session },
      data: { faults: { latencyMs } },
    });
    expect(response.status()).toBe(200);
  }

  test('keyboard: Tab to Copy secret key and press Enter; the secret is copied though it arrives 2 s later', async ({
    tab,
    request,
  }) => {
    const { session, apiKey } = await withKeys(tab, 'merchant');
    await slowAnswers(request, session, 2000);
    await tab.focus(panel('copy-api-key'));
    await tab.press('Tab');
    await expect.poll(() => tab.focused(panel('copy-secret-key'))).toBe(true);
    await tab.press('Enter');
    await expect.poll(() => tab.text(panel('status'))).toBe('Secret key copied.');
    const secret = await tab.readClipboard();
    expect(secret).toMatch(/^dskey_[A-Za-z0-9_-]{32}$/);
    expect((await authenticate(request, session, apiKey, secret)).body).toMatchObject({ responseCode: '00' });
  });

  test('click: Copy secret key copies the secret though it arrives 2 s after the click', async ({ tab, request }) => {
    const { session, apiKey } = await withKeys(tab, 'iso');
    await slowAnswers(request, session, 2000);
    await tab.click(panel('copy-secret-key'));
    await expect.poll(() => tab.text(panel('status'))).toBe('Secret key copied.');
    const secret = await tab.readClipboard();
    expect((await authenticate(request, session, apiKey, secret)).body).toMatchObject({ responseCode: '00' });
  });

  test.describe('without a gesture', () => {
    skipIn(
      ['chromium', 'firefox'],
      'this engine lets a script write the clipboard (Chromium with the permission granted, Firefox under ' +
        'automation), so only WebKit shows the refusal that makes the two tests above prove the rule',
    );

    test('a copy a script starts (click() with no user gesture) is refused, and the panel says so', async ({ tab }) => {
      await withKeys(tab, 'agent');
      await tab.evaluate((selector) => {
        const host = document.querySelector('ipos-credentials')!.shadowRoot!.querySelector('ipos-key-panel')!;
        (host.shadowRoot!.querySelector(selector) as HTMLButtonElement).click();
      }, '[part~="copy-secret-key"]');
      await expect
        .poll(() => tab.text(panel('error')))
        .toContain('The browser blocked access to the clipboard. Allow it for this site and try again.');
      expect(await tab.text(panel('status'))).not.toBe('Secret key copied.');
    });
  });
});
