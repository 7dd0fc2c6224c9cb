import type { Page, Route } from '@playwright/test';
import { expect, skipIn, test } from '../support/engine-test.js';

/**
 * Nothing moves under the pointer: through the merchant's first visit — Generate Keys, then Generate Token — no
 * layout shift happens without the user's input (CLS 0), however the activity trail grows. The trail's reloads are
 * held and let go by the test, so that its growth lands at a moment of the test's choosing, long after any click.
 */

skipIn(
  ['firefox', 'webkit'],
  "it records layout shifts, which only Chromium reports (Layout Instability API), and holds the trail's requests with Playwright's page.route",
);

/** Records layout shifts, each with whether input came just before and which nodes moved. */
async function recordShifts(page: Page) {
  await page.evaluate(() => {
    const shifts: { value: number; hadRecentInput: boolean; moved: string[] }[] = [];
    (window as unknown as { shifts: typeof shifts }).shifts = shifts;
    const describe = (node: Node | null) => {
      const element = node instanceof Element ? node : node?.parentElement;
      const host = (element?.getRootNode() as ShadowRoot | Document) instanceof ShadowRoot;
      const part = element?.getAttribute('part');
      return `${host ? `${(element!.getRootNode() as ShadowRoot).host.localName} ` : ''}${element?.localName}${part ? `[${part}]` : ''}`;
    };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as {
        value: number;
        hadRecentInput: boolean;
        sources: { node: Node | null }[];
      }[]) {
        shifts.push({
          value: entry.value,
          hadRecentInput: entry.hadRecentInput,
          moved: entry.sources.map((source) => describe(source.node)),
        });
      }
    }).observe({ type: 'layout-shift' });
  });
  return {
    all: () =>
      page.evaluate(
        () => (window as unknown as { shifts: { value: number; hadRecentInput: boolean; moved: string[] }[] }).shifts,
      ),
  };
}

/** Holds every activity request after the first until `release()`, so the trail grows when the test says. */
async function holdTrailReloads(page: Page) {
  const held: Route[] = [];
  let seen = 0;
  await page.route('**/api/ipos/credentials/activity*', async (route) => {
    if (seen++ === 0) return route.continue();
    held.push(route);
  });
  return {
    async release() {
      await expect.poll(() => held.length, { message: 'the trail never reloaded' }).toBeGreaterThan(0);
      for (const route of held.splice(0)) await route.continue();
    },
  };
}

/** One animation frame and the task after it: layout shifts of what changed have been reported by then. */
const nextFrame = (page: Page) =>
  page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve))));

test('merchant: Generate Keys, then Generate Token — no layout shift without input, however the trail grows', async ({
  page,
}) => {
  // The reference server makes its token signing key with its first token: not in the flow's half second.
  const warm = { 'X-Ipos-Demo-Account': 'merchant', 'X-Ipos-Demo-Session': `e2e-${crypto.randomUUID()}` };
  const { terminals } = await (await page.request.get('/api/ipos/terminals', { headers: warm })).json();
  await page.request.post('/api/ipos/tokens', { headers: warm, data: { tpn: terminals[0].tpn } });
  const trail = await holdTrailReloads(page);
  await page.goto(`/?session=e2e-${crypto.randomUUID()}`);
  const panel = page.locator('ipos-key-panel');
  const generator = page.locator('ipos-token-generator');
  const events = page.locator('ipos-key-activity [part~="event"]');
  await expect(page.locator('ipos-key-activity [part~="empty"]')).toBeVisible();
  await expect(generator.locator('[part~="tpn-select"]')).toBeVisible();
  const shifts = await recordShifts(page);

  await panel.locator('[part~="generate-button"]').click();
  await expect(panel.locator('[part~="api-key"]')).toBeVisible();
  await nextFrame(page);
  const beforeTrail = (await shifts.all()).length;
  await trail.release();
  await expect(events).toHaveCount(1);
  await nextFrame(page);
  expect((await shifts.all()).slice(beforeTrail), 'the trail’s growth moved something').toEqual([]);

  await generator.locator('[part~="generate-button"]').click();
  await expect(generator.locator('[part~="token"]')).toBeVisible();
  await nextFrame(page);
  const beforeSecondTrail = (await shifts.all()).length;
  await trail.release();
  await expect(events).toHaveCount(2);
  await nextFrame(page);
  expect((await shifts.all()).slice(beforeSecondTrail), 'the trail’s growth moved something').toEqual([]);

  const unexpected = (await shifts.all()).filter((shift) => !shift.hadRecentInput);
  expect(unexpected, 'layout shifts with no input just before').toEqual([]);
});
