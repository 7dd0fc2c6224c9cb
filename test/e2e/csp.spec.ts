import { serveDemoUnderStrictCsp, STRICT_CSP, type CspDemo } from '../support/csp-server.js';
import { deep, part, type EngineTab } from '../support/engine-tab.js';
import { expect, test } from '../support/engine-test.js';

/**
 * The hostile page: the built demo served with a strict CSP (`default-src 'self'`, no inline script or
 * style, no eval) and Trusted Types enforced (`require-trusted-types-for 'script'`, only Lit's
 * `lit-html` policy allowed). Every flow runs with zero violations, counted both in the page (the
 * server's probe records `securitypolicyviolation`) and at the `report-uri`.
 */

test.describe.configure({ mode: 'serial' });

let demo: CspDemo;
let flows = 0;
test.beforeAll(async () => {
  test.setTimeout(120_000);
  demo = await serveDemoUnderStrictCsp(process.cwd());
});
test.afterAll(async ({ engine }) => {
  console.log(
    `[reliability] strict CSP + Trusted Types (${engine}): ${flows} e2e flows, ${demo.reports.length} CSP/Trusted Types violations reported`,
  );
  await demo.close();
});

const violations = (tab: EngineTab) =>
  tab.evaluate(() => (window as unknown as { __violations: string[] }).__violations, null);

async function open(
  tab: EngineTab,
  role: string,
  request: { get(url: string): Promise<{ headers(): Record<string, string> }> },
) {
  const url = `${demo.url}/?role=${role}&session=csp-${crypto.randomUUID()}`;
  expect((await request.get(url)).headers()['content-security-policy']).toBe(STRICT_CSP);
  await tab.goto(url);
}

async function expectNoViolations(tab: EngineTab) {
  expect(await violations(tab)).toEqual([]);
  expect(demo.reports).toEqual([]);
  flows += 1;
}

test('the page loads clean, and the policy is really enforced (a raw HTML string sink is refused)', async ({
  tab,
  request,
}) => {
  await open(tab, 'iso', request);
  await expect.poll(() => tab.visible(part('ipos-key-panel', 'generate-button'))).toBe(true);
  await expectNoViolations(tab);
  const refused = await tab.evaluate(() => {
    try {
      // The sink this probe must be refused at (the library never uses it).
      // eslint-disable-next-line no-restricted-syntax
      document.createElement('div').innerHTML = '<b>not trusted</b>';
      return false;
    } catch {
      return true;
    }
  }, null);
  expect(refused, 'Trusted Types refused a string for innerHTML').toBe(true);
  await expect.poll(async () => (await violations(tab)).length).toBeGreaterThan(0);
  // The probe's own report, not the library's: forget it.
  await expect.poll(() => demo.reports.length).toBeGreaterThan(0);
  demo.reports.length = 0;
});

test('keys: generate → copy API key → copy secret → reset → copy the new secret', async ({ tab, request }) => {
  await open(tab, 'merchant', request);
  const panel = (name: string) => part('ipos-key-panel', name);
  const status = () => tab.text(panel('status'));
  await tab.click(panel('generate-button'));
  await expect.poll(status).toBe('API and Secret keys generated successfully.');
  await tab.click(panel('copy-api-key'));
  await expect.poll(status).toBe('API key copied.');
  await tab.click(panel('copy-secret-key'));
  await expect.poll(status).toBe('Secret key copied.');
  const secret = await tab.readClipboard();
  expect(secret).toMatch(/^dskey_/);
  await tab.click(panel('reset-button'));
  await tab.click(panel('confirm-button'));
  await expect.poll(status).toBe('Secret key reset. The previous secret no longer works.');
  await tab.click(panel('copy-secret-key'));
  await expect.poll(status).toBe('Secret key copied.');
  expect(await tab.readClipboard()).not.toBe(secret);
  await expect.poll(() => tab.text(deep('#event-log'))).toContain('ipos-secret-reset');
  await expectNoViolations(tab);
});

test('tokens: pick a TPN, generate, copy token and TPN, refresh; switch theme and language', async ({
  tab,
  request,
}) => {
  await open(tab, 'merchant', request);
  const generator = (name: string) => part('ipos-token-generator', name);
  const status = () => tab.text(generator('status'));
  await tab.select(generator('tpn-select'), '139322815012');
  await tab.click(generator('generate-button'));
  await expect.poll(status).toBe('Auth Token generated for TPN 139322815012.');
  await tab.click(generator('copy-token'));
  await expect.poll(status).toBe('Token copied.');
  await tab.click(generator('copy-tpn'));
  await expect.poll(status).toBe('TPN 139322815012 copied.');
  await tab.click(generator('refresh-button'));
  await expect.poll(status).toBe('Token refreshed.');
  // Lazily loaded catalogues and the dark theme must not need anything the policy forbids either.
  await tab.select(deep('#theme'), 'dark');
  await tab.select(deep('#locale'), 'ar');
  await expect.poll(() => tab.attribute(part('ipos-key-panel', 'base'), 'dir')).toBe('rtl');
  await expectNoViolations(tab);
});
