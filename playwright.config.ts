import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumExecutablePath } from './test/support/chromium.mjs';

/** End-to-end tests drive the demo exactly as `npm start` serves it, over real HTTP. */
const port = Number(process.env.E2E_PORT ?? 5179);

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: process.env.CI ? 'line' : 'list',
  timeout: 30_000,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: { executablePath: await chromiumExecutablePath(), args: chromiumArgs },
    trace: 'off',
  },
  webServer: {
    command: `npm start -- --port ${port} --strictPort --host 127.0.0.1 --memory`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
  },
});
