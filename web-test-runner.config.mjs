// Element tests in real Chromium (the one test/support/chromium.mjs resolves), served with the
// reference backend mounted under /api/ipos so that elements talk to it over real HTTP.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { runnerImport } from 'vite';
import { chromiumArgs, chromiumExecutablePath } from './test/support/chromium.mjs';

const { module: reference } = await runnerImport('./test/support/reference-middleware.ts', {
  configFile: false,
  logLevel: 'error',
});

export default {
  files: ['test/elements/**/*.test.ts'],
  nodeResolve: { exportConditions: ['development', 'browser'] },
  middleware: [reference.referenceMiddleware],
  plugins: [esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2022' })],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: await chromiumExecutablePath(), args: chromiumArgs, headless: true },
    }),
  ],
  concurrency: 2,
  testFramework: { config: { timeout: 5000 } },
  testsFinishTimeout: 180_000,
  // Lit announces its development build in every test file; that is noise, not a finding.
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
};
