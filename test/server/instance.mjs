// Starts test/server/instance.ts in this process (Node cannot import TypeScript itself; Vite's runner can).
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const { module } = await runnerImport(fileURLToPath(new URL('./instance.ts', import.meta.url)), {
  configFile: false,
  logLevel: 'error',
});
await module.main(process.argv.slice(2));
