// Element tests in real Chromium, Firefox and WebKit (test/support/engines.mjs; TEST_ENGINES picks some), served
// with the reference backend mounted under /api/ipos so that elements talk to it over real HTTP.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { runnerImport } from 'vite';
import { selectedEngines } from './test/support/engines.mjs';
import { launcherFor } from './test/support/wtr-launchers.mjs';

const { module: reference } = await runnerImport('./test/support/reference-middleware.ts', {
  configFile: false,
  logLevel: 'error',
});

export default {
  files: ['test/elements/**/*.test.ts'],
  nodeResolve: { exportConditions: ['development', 'browser'] },
  middleware: [reference.referenceMiddleware],
  plugins: [esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2022' })],
  browsers: await Promise.all(selectedEngines().map(launcherFor)),
  // Limits for a machine that is busy (three browsers and other suites on two cores): they only end a hang.
  testFramework: { config: { timeout: 60_000 } },
  browserStartTimeout: 120_000,
  testsFinishTimeout: 300_000,
  // Lit announces its development build in every test file; that is noise, not a finding.
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
};
