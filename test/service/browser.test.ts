/**
 * A portal page served by nginx, the elements from the CDN build beside it, the service behind the same
 * nginx under /api/ipos, the admin signed in by the portal's JWT in an HttpOnly cookie: driven in Chromium,
 * keys are generated, the secret copied and proven with authenticate-token, reset, and an Auth Token minted.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright';
import { build } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromiumArgs, chromiumExecutablePath } from '../support/chromium.mjs';
import { startNginx, type ThrowawayNginx } from '../support/nginx.js';
import { madeKeys } from './keys.js';
import { SecretsSeen } from './leaks.js';
import { jwtSettings, makePortal } from './portal.js';
import { freshDatabase, killServices, serviceOutput, startService, type ServiceProcess } from './service-process.js';

const root = resolve(import.meta.dirname, '../..');
const secrets = new SecretsSeen();
let service: ServiceProcess;
let nginx: ThrowawayNginx;
let browser: Browser;
let page: Page;
let folder: string;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Portal · API access</title>
    <script type="module" src="/assets/ipos-credential-elements.js"></script>
  </head>
  <body>
    <ipos-credentials user-role="merchant" api-base="/api/ipos"></ipos-credentials>
  </body>
</html>
`;

beforeAll(async () => {
  const portal = await makePortal();
  const keys = await madeKeys(secrets);
  folder = mkdtempSync(join(tmpdir(), 'ipos-service-browser-'));
  service = await startService({
    IPOS_DATABASE: await freshDatabase(),
    ...keys.env,
    ...jwtSettings(folder, portal),
    IPOS_JWT_COOKIE: 'portal_session_jwt',
    IPOS_TRUSTED_PROXIES: '127.0.0.1',
  });
  // The portal's page, and the elements as the CDN build ships them, served by nginx beside the service.
  const site = join(folder, 'site');
  mkdirSync(site);
  writeFileSync(join(site, 'index.html'), PAGE);
  await build({
    configFile: join(root, 'vite.config.ts'),
    mode: 'cdn',
    logLevel: 'warn',
    build: { outDir: join(site, 'assets'), emptyOutDir: true },
  });
  nginx = await startNginx({ upstreams: [`127.0.0.1:${service.port}`], proxyPath: '/api/ipos/', site });
  const token = await portal.token({
    sub: 'browser-merchant',
    role: 'merchant',
    name: 'Dana Admin',
    terminals: [{ tpn: '139322815010', label: 'Front desk' }],
  });
  secrets.addToken(token);
  browser = await chromium.launch({ executablePath: await chromiumExecutablePath(), args: chromiumArgs });
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  await context.addCookies([{ name: 'portal_session_jwt', value: token, url: nginx.url, httpOnly: true }]);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await nginx?.stop();
  await killServices();
  rmSync(folder, { recursive: true, force: true });
  secrets.expectAbsentFrom(serviceOutput.join(''));
});

async function statusText(element: string, text: string): Promise<void> {
  await page.locator(`${element} [part~="status"]`).filter({ hasText: text }).waitFor();
}

async function copied(part: string, confirmation: string): Promise<string> {
  await page.locator(`ipos-key-panel [part~="${part}"]`).click();
  await statusText('ipos-key-panel', confirmation);
  const value = await page.evaluate(() => navigator.clipboard.readText());
  secrets.add(value);
  return value;
}

async function authenticate(apiKey: string, secretKey: string): Promise<number> {
  const response = await fetch(`${nginx.url}/api/ipos/authenticate-token`, {
    method: 'POST',
    headers: { apiKey, secretKey },
  });
  const body = await response.json();
  if (body.token) secrets.addToken(body.token);
  return response.status;
}

it('drives the elements on a page nginx serves: keys generated, copied, proven, reset; an Auth Token minted', async () => {
  await page.goto(nginx.url);
  const panel = page.locator('ipos-key-panel');
  await panel.locator('[part~="generate-button"]').click();
  await statusText('ipos-key-panel', 'API and Secret keys generated successfully.');
  const apiKey = await copied('copy-api-key', 'API key copied.');
  const oldSecret = await copied('copy-secret-key', 'Secret key copied.');
  expect(apiKey).toMatch(/^dakey_/);
  expect(await authenticate(apiKey, oldSecret)).toBe(200);

  await panel.locator('[part~="reset-button"]').click();
  await panel.locator('[part~="confirm-button"]').click();
  await statusText('ipos-key-panel', 'Secret key reset');
  const newSecret = await copied('copy-secret-key', 'Secret key copied.');
  expect(newSecret).not.toBe(oldSecret);
  expect(await authenticate(apiKey, oldSecret)).toBe(401);
  expect(await authenticate(apiKey, newSecret)).toBe(200);

  const generator = page.locator('ipos-token-generator');
  await generator.locator('[part~="tpn-select"] option[value="139322815010"]').waitFor({ state: 'attached' });
  await generator.locator('[part~="generate-button"]').click();
  await statusText('ipos-token-generator', 'Auth Token generated for TPN 139322815010.');
  await generator.locator('[part~="copy-token"]').click();
  await statusText('ipos-token-generator', 'Token copied.');
  const token = await page.evaluate(() => navigator.clipboard.readText());
  secrets.addToken(token);
  expect(token.split('.')).toHaveLength(3);
  // The activity trail names the admin from the JWT's name claim.
  await page.locator('ipos-key-activity [part~="event"]').filter({ hasText: 'by Dana Admin' }).first().waitFor();
});
