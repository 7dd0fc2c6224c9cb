import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumExecutablePath } from './test/support/chromium.mjs';
import type { EngineOptions } from './test/support/engine-test.js';
import { selectedEngines } from './test/support/engines.mjs';

/**
 * End-to-end tests drive the demo exactly as `npm start` serves it, over real HTTP, in every engine
 * (test/support/engines.mjs; TEST_ENGINES picks some): one project per engine.
 */
const port = Number(process.env.E2E_PORT ?? 5179);

export default defineConfig<EngineOptions>({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [[process.env.CI ? 'line' : 'list'], ['./test/support/engine-reporter.ts']],
  // Generous for a busy machine (three engines and other suites on two cores): waits end as soon as they hold.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // Playwright's own `page` (the Chromium-only tests) launches the Chromium test/support/chromium.mjs finds.
    browserName: 'chromium',
    launchOptions: { executablePath: await chromiumExecutablePath(), args: chromiumArgs },
    trace: 'off',
  },
  projects: selectedEngines().map((engine) => ({ name: engine, use: { engine } })),
  webServer: {
    command: `npm start -- --port ${port} --strictPort --host 127.0.0.1 --memory`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
  },
});
