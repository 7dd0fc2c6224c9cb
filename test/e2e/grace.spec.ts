import { deep, part, withText, type EngineTab } from '../support/engine-tab.js';
import { expect, test } from '../support/engine-test.js';

/**
 * Issue 15 end to end, in every engine through the demo: keys generated and used, a reset with a one-hour grace
 * window in which both secrets work, the previous secret revoked early, and the activity trail telling each
 * step — who, when, newest first — with iPOSpays' authenticate-token as the judge of which secret works.
 */

const ADMIN = 'Sunrise Bakery';
/** A sign-in with the keys is nobody's act in the portal: the trail says where it came from, not who. */
const SIGN_INS = new Set(['authenticated', 'authentication-failed']);

const panel = (name: string) => part('ipos-key-panel', name);

async function copied(tab: EngineTab, button: string, confirmation: string): Promise<string> {
  await tab.click(panel(button));
  await expect.poll(() => tab.text(panel('status'))).toBe(confirmation);
  return tab.readClipboard();
}

/** When a step happened, as a window: the server stamps its event somewhere inside it. */
async function during<T>(step: () => Promise<T>): Promise<{ result: T; from: number; to: number }> {
  const from = Date.now();
  const result = await step();
  return { result, from, to: Date.now() };
}

test('issue 15: generate, use, reset with a grace window, revoke the previous secret; the trail tells it all', async ({
  tab,
  request,
}) => {
  const session = `e2e-${crypto.randomUUID()}`;
  await tab.goto(`/?role=merchant&session=${session}`);
  const status = () => tab.text(panel('status'));

  async function authenticate(apiKey: string, secretKey: string) {
    const response = await request.post('/api/ipos/authenticate-token', {
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
    await tab.click(panel('generate-button'));
    await expect.poll(status).toBe('API and Secret keys generated successfully.');
  });
  const apiKey = await copied(tab, 'copy-api-key', 'API key copied.');
  let firstSecret = '';
  await step('secret-revealed', ADMIN, async () => {
    firstSecret = await copied(tab, 'copy-secret-key', 'Secret key copied.');
  });
  await step('authenticated', null, async () => expect(await authenticate(apiKey, firstSecret)).toBe('00'));

  // After a reload the panel says the keys were used (moments ago: "just now", as the panel says under a minute).
  await tab.reload();
  await expect.poll(() => tab.text(panel('last-used'))).toMatch(/^Last used (just now|.+ ago)\b/);

  // Reset with the one-hour grace window: both secrets authenticate, the panel counts down.
  await step('secret-reset', ADMIN, async () => {
    await tab.click(panel('reset-button'));
    await tab.click(withText(deep('ipos-key-panel', '[part~="grace-options"] label'), 'In 1 hour'));
    await expect.poll(() => tab.text(panel('dialog'))).toContain('keeps working for 1 hour, then stops');
    await tab.click(panel('confirm-button'));
    await expect.poll(status).toContain('The previous secret key keeps working until');
  });
  await expect
    .poll(() => tab.text(panel('previous-secret')))
    .toMatch(/^The previous secret key stops working in (1 hour|59 minutes) \(/);
  let newSecret = '';
  await step('secret-revealed', ADMIN, async () => {
    newSecret = await copied(tab, 'copy-secret-key', 'Secret key copied.');
  });
  expect(newSecret).not.toBe(firstSecret);
  await step('authenticated', null, async () => expect(await authenticate(apiKey, firstSecret)).toBe('00'));
  await step('authenticated', null, async () => expect(await authenticate(apiKey, newSecret)).toBe('00'));

  // Revoke the previous secret now, confirming: the old secret is refused, the new one still works.
  await step('previous-secret-revoked', ADMIN, async () => {
    await tab.click(panel('revoke-previous-button'));
    await expect.poll(() => tab.text(panel('revoke-dialog'))).toContain('Revoke the previous secret key?');
    await tab.click(panel('revoke-confirm-button'));
    await expect.poll(status).toBe('Previous secret key revoked. Only the current secret key works.');
  });
  await expect.poll(() => tab.count(panel('previous-secret'))).toBe(0);
  await expect.poll(() => tab.count(panel('revoke-previous-button'))).toBe(0);
  await expect.poll(() => tab.text(deep('#event-log'))).toContain('ipos-previous-secret-revoked');
  await step('authentication-failed', null, async () =>
    expect(await authenticate(apiKey, firstSecret)).toBe('AUTH_ERR_004'),
  );
  await step('authenticated', null, async () => expect(await authenticate(apiKey, newSecret)).toBe('00'));

  // The trail the provider shows lists every step, newest first, with who acted and when.
  await tab.reload();
  const events = part('ipos-key-activity', 'event');
  await expect.poll(() => tab.count(events)).toBe(steps.length);
  const texts = await tab.texts(events);
  const stamps = await tab.attributes(deep(...events.css, 'time'), 'datetime');
  expect(stamps, 'one time per event').toHaveLength(texts.length);
  const shown = texts.map((text, index) => ({ text, at: Date.parse(stamps[index]!) }));
  const LABELS: Record<string, string> = {
    'keys-generated': 'API and Secret keys generated',
    'secret-revealed': 'Secret key retrieved to show or copy it',
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
    if (SIGN_INS.has(expected.type)) expect(event.text, where).toMatch(/ from \S/);
    expect(event.at, `${where}: time`).toBeGreaterThanOrEqual(expected.from);
    expect(event.at, `${where}: time`).toBeLessThanOrEqual(expected.to);
  });
  // Neither secret ever reached the page or the trail.
  const content = await tab.markup();
  expect(content).not.toContain(firstSecret);
  expect(content).not.toContain(newSecret);
});
