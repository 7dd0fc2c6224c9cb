import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumArgs, chromiumExecutablePath } from './test/support/chromium.mjs';

const storybookPlugins = await storybookTest({ configDir: '.storybook' });
const executablePath = await chromiumExecutablePath();
// A fresh object per project: Vitest annotates it with the project it belongs to.
const browser = () => ({
  enabled: true,
  headless: true,
  provider: playwright({ launchOptions: { executablePath, args: chromiumArgs } }),
  instances: [{ browser: 'chromium' as const }],
});

/**
 * Node-side unit tests; every Storybook story rendered and axe-checked in Chromium; the React
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
        },
      },
      {
        plugins: storybookPlugins,
        test: { name: 'storybook', browser: browser() },
      },
      {
        test: { name: 'react', include: ['test/react/**/*.test.tsx'], browser: browser() },
      },
    ],
  },
});
