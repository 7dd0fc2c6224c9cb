import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumArgs, chromiumExecutablePath } from './test/support/chromium.mjs';

const storybookPlugins = await storybookTest({ configDir: '.storybook' });
const executablePath = await chromiumExecutablePath();

/** Two projects: Node-side unit tests, and every Storybook story rendered and axe-checked in Chromium. */
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
        test: {
          name: 'storybook',
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath, args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
