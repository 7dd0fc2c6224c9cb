import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumArgs, chromiumExecutablePath } from './test/support/chromium.mjs';

const storybookPlugins = await storybookTest({ configDir: '.storybook' });
/**
 * A test's limit on a busy machine (the browser steps and other suites beside it on two cores): it only ends a
 * hang, so it is what the slowest test needs there — 2,000 signed tokens, 600 fuzzed bodies take 5 s and more.
 */
const testTimeout = 60_000;
/** A hook's limit there: starting a Vite server, PostgreSQL or nginx for a file took over 10 s, Vitest's default. */
const hookTimeout = 120_000;
const executablePath = await chromiumExecutablePath();
// A fresh object per project: Vitest annotates it with the project it belongs to.
const browser = () => ({
  enabled: true,
  headless: true,
  provider: playwright({ launchOptions: { executablePath, args: chromiumArgs } }),
  instances: [{ browser: 'chromium' as const }],
});

/**
 * Node-side unit tests; the credentials server against memory, PGlite and a throwaway PostgreSQL; every Storybook story rendered and axe-checked in Chromium; the React
 * wrappers rendered by React in Chromium (Vite turns React's CommonJS into modules).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/node/**/*.test.ts'],
          testTimeout,
          hookTimeout,
        },
      },
      {
        test: {
          name: 'server',
          environment: 'node',
          include: ['test/server/**/*.test.ts'],
          globalSetup: ['test/server/postgres.global.ts'],
          // Real databases and child processes: generous, never timed assertions.
          testTimeout,
          hookTimeout,
        },
      },
      {
        test: {
          name: 'service',
          environment: 'node',
          include: ['test/service/**/*.test.ts'],
          globalSetup: ['test/service/service.global.ts'],
          // The service as its own processes behind a real nginx, on a throwaway PostgreSQL: generous, never timed.
          testTimeout,
          hookTimeout,
        },
      },
      {
        plugins: storybookPlugins,
        test: { name: 'storybook', browser: browser(), testTimeout },
      },
      {
        test: { name: 'react', include: ['test/react/**/*.test.tsx'], browser: browser(), testTimeout },
      },
    ],
  },
});
