/**
 * Playwright's `test` for the end-to-end tests that run in every engine: the project's `engine` option picks it,
 * each worker launches that engine once, and each test gets a fresh `tab` in it (test/support/engine-tab.ts).
 */
import { test as base } from '@playwright/test';
import { retryingStartCrash } from './chromium.mjs';
import { launchEngine, type EngineBrowser } from './engine-browsers.js';
import type { EngineTab } from './engine-tab.js';
import type { Engine } from './engines.mjs';

export { expect } from '@playwright/test';

export const test = base.extend<{ tab: EngineTab }, { engine: Engine; engineBrowser: EngineBrowser }>({
  engine: ['chromium', { option: true, scope: 'worker' }],
  engineBrowser: [
    async ({ engine }, use) => {
      const browser = await launchEngine(engine);
      try {
        await use(browser);
      } finally {
        await browser.close();
      }
    },
    // A cold browser start on a loaded machine takes a while (Firefox's first profile, WebKit's Xvfb and driver).
    { scope: 'worker', timeout: 120_000 },
  ],
  // Playwright's own Chromium (the `page` of the Chromium-only tests), started as engineBrowser starts it.
  browser: [
    async ({ playwright, browserName, launchOptions, headless }, use) => {
      const browser = await retryingStartCrash(() => playwright[browserName].launch({ ...launchOptions, headless }));
      try {
        await use(browser);
      } finally {
        await browser.close();
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  tab: async ({ engineBrowser, baseURL }, use) => {
    const tab = await engineBrowser.newTab(baseURL!);
    try {
      await use(tab);
    } finally {
      await tab.close();
    }
  },
});

/** Skips this file's (or group's) tests in the engines named, with the reason the summary prints. */
export function skipIn(engines: readonly Engine[], reason: string): void {
  test.skip(({ engine }) => engines.includes(engine), reason);
}

/** The options each project of playwright.config.ts sets. */
export type EngineOptions = { engine: Engine };
