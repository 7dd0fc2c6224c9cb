import { expect, test, type Page } from '@playwright/test';

/**
 * Issue 15 end to end, in Chromium through the demo: keys generated and used, a reset with a one-hour grace
 * window in which both secrets work, the previous secret revoked early, and the activity trail telling each
 * step — who, when, newest first — with iPOSpays' authenticate-token as the judge of which secret works.
 */

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

const ADMIN = 'Sunrise Bakery';
/** Whose keys authenticated: the account itself (its id, the demo merchant's). */
const KEYS_OWNER = 'merchant-sunrise-bakery';

async function copied(page: Page, part: string, confirmation: string): Promise<string> {
  await page.locator(`ipos-key-panel [part~="${part}"]`).click();
  await expect(page.locator('ipos-key-panel [part~="status"]')).toHaveText(confirmation);
  return page.evaluate(() => navigator.clipboard.readText());
}

/** When a step happened, as a window: the server stamps its event somewhere inside it. */
async function during<T>(step: () => Promise<T>): Promise<{ result: T; from: number; to: number }> {
  const from = Date.now();
  const result = await step();
  return { result, from, to: Date.now() };
}

test('issue 15: generate, use, reset with a grace window, revoke the previous secret; the trail tells it all', async ({
  page,
}) => {
  const session = `e2e-${crypto.randomUUID()}`;
  await page.goto(`/?role=merchant&session=${session}`);
  const panel = page.locator('ipos-key-panel');
  const status = panel.locator('[part~="status"]');

  async function authenticate(apiKey: string, secretKey: string) {
    const response = await page.request.post('/api/ipos/authenticate-token', {
      headers: { apiKey, secretKey, 'X-Ipos-Demo-Session': session },
    });
    const body = await response.json();
    return response.status() === 200 ? (body.responseCode as string) : (body.errorCode as string);
  }

  const steps: { type: string; actor: string | null; from: number; to: number }[] = [];
  async function step(type: string, actor: string | null, action: () => Promise<unknown>) {
    const { from, to } = await during(action);
    steps.push({ type, actor, from, to });
  }

  // Generate, copy both keys (the secret copy is a reveal in the trail), authenticate with them.
  await step('keys-generated', ADMIN, async () => {
    await panel.locator('[part~="generate-button"]').click();
    await expect(status).toHaveText('API and Secret keys generated successfully.');
  });
  const apiKey = await copied(page, 'copy-api-key', 'API key copied.');
  let firstSecret = '';
  await step('secret-revealed', ADMIN, async () => {
    firstSecret = await copied(page, 'copy-secret-key', 'Secret key copied.');
  });
  await step('authenticated', KEYS_OWNER, async () => expect(await authenticate(apiKey, firstSecret)).toBe('00'));

  // After a reload the panel says the keys were used.
  await page.reload();
  await expect(panel.locator('[part~="last-used"]')).toHaveText(/^Last used .+ ago/);

  // Reset with the one-hour grace window: both secrets authenticate, the panel counts down.
  await step('secret-reset', ADMIN, async () => {
    await panel.locator('[part~="reset-button"]').click();
    await panel.getByRole('radio', { name: 'In 1 hour' }).check();
    await expect(panel.locator('[part~="dialog"]')).toContainText('keeps working for 1 hour, then stops');
    await panel.locator('[part~="confirm-button"]').click();
    await expect(status).toContainText('The previous secret key keeps working until');
  });
  await expect(panel.locator('[part~="previous-secret"]')).toHaveText(
    /^The previous secret key stops working in (60|59) minutes \(/,
  );
  let newSecret = '';
  await step('secret-revealed', ADMIN, async () => {
    newSecret = await copied(page, 'copy-secret-key', 'Secret key copied.');
  });
  expect(newSecret).not.toBe(firstSecret);
  await step('authenticated', KEYS_OWNER, async () => expect(await authenticate(apiKey, firstSecret)).toBe('00'));
  await step('authenticated', KEYS_OWNER, async () => expect(await authenticate(apiKey, newSecret)).toBe('00'));

  // Revoke the previous secret now, confirming: the old secret is refused, the new one still works.
  await step('previous-secret-revoked', ADMIN, async () => {
    await panel.locator('[part~="revoke-previous-button"]').click();
    await expect(panel.locator('[part~="revoke-dialog"]')).toContainText('Revoke the previous secret key?');
    await panel.locator('[part~="revoke-confirm-button"]').click();
    await expect(status).toHaveText('Previous secret key revoked. Only the current secret key works.');
  });
  await expect(panel.locator('[part~="previous-secret"]')).toHaveCount(0);
  await expect(panel.locator('[part~="revoke-previous-button"]')).toHaveCount(0);
  await expect(page.locator('#event-log')).toContainText('ipos-previous-secret-revoked');
  await step('authentication-failed', null, async () =>
    expect(await authenticate(apiKey, firstSecret)).toBe('AUTH_ERR_004'),
  );
  await step('authenticated', KEYS_OWNER, async () => expect(await authenticate(apiKey, newSecret)).toBe('00'));

  // The trail the provider shows lists every step, newest first, with who acted and when.
  await page.reload();
  const events = page.locator('ipos-key-activity [part~="event"]');
  await expect(events).toHaveCount(steps.length);
  const shown = await events.evaluateAll((items) =>
    items.map((item) => ({
      text: item.textContent!.replace(/\s+/g, ' ').trim(),
      at: Date.parse(item.querySelector('time')!.getAttribute('datetime')!),
    })),
  );
  const LABELS: Record<string, string> = {
    'keys-generated': 'API and Secret keys generated',
    'secret-revealed': 'Secret key shown or copied',
    'secret-reset': 'Secret key reset',
    'previous-secret-revoked': 'Previous secret key revoked',
    authenticated: 'Signed in with the keys',
    'authentication-failed': 'Sign-in with the keys refused',
  };
  const newestFirst = [...steps].reverse();
  newestFirst.forEach((expected, index) => {
    const event = shown[index]!;
    const where = `event ${index + 1} (${expected.type})`;
    expect(event.text.startsWith(LABELS[expected.type]!), `${where}: ${event.text}`).toBe(true);
    if (expected.actor) expect(event.text, where).toContain(`by ${expected.actor}`);
    else expect(event.text, where).not.toContain(' by ');
    expect(event.at, `${where}: time`).toBeGreaterThanOrEqual(expected.from);
    expect(event.at, `${where}: time`).toBeLessThanOrEqual(expected.to);
  });
  // Neither secret ever reached the page or the trail.
  const content = await page.content();
  expect(content).not.toContain(firstSecret);
  expect(content).not.toContain(newSecret);
});
