// Starts test/server/instance.ts in this process (Node cannot import TypeScript itself; Vite's module runner
// can). The runner stays open for the process's life, so the server's own dynamic imports (a store's driver)
// load as they do in a host's app.
import { fileURLToPath } from 'node:url';
import { createRunnableDevEnvironment, resolveConfig } from 'vite';

const config = await resolveConfig(
  {
    configFile: false,
    envDir: false,
    logLevel: 'error',
    environments: {
      instance: {
        consumer: 'server',
        dev: { moduleRunnerTransform: true },
        resolve: { external: true, mainFields: [], conditions: ['node'] },
      },
    },
  },
  'serve',
);
const environment = createRunnableDevEnvironment('instance', config, {
  runnerOptions: { hmr: { logger: false } },
  hot: false,
});
await environment.init();
const module = await environment.runner.import(fileURLToPath(new URL('./instance.ts', import.meta.url)));
await module.main(process.argv.slice(2));
