// The `service` project's global setup: the service built as the package ships it (bin/ + dist/service/, made
// from the source now, so a stale dist/ is never tested), and one throwaway PostgreSQL for all its files.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../support/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `node <serviceBin> serve …` runs the service as `npx ipos-credential-elements serve` would. */
    serviceBin: string;
    /** The throwaway server's base URL; each file creates its own databases on it. */
    servicePostgresUrl: string;
  }
}

const root = resolve(import.meta.dirname, '../..');

export default async function setup(project: TestProject) {
  // Inside the repository, so the built modules resolve pino, pg, jose… from its node_modules.
  const folder = join(root, 'node_modules/.cache/ipos-service-test', String(process.pid));
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  cpSync(join(root, 'bin'), join(folder, 'bin'), { recursive: true });
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      ssr: join(root, 'src/service/cli.ts'),
      outDir: join(folder, 'dist/service'),
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rollupOptions: { output: { format: 'es', entryFileNames: 'cli.js' } },
    },
  });
  const postgres = await startPostgres();
  project.provide('serviceBin', join(folder, 'bin/ipos-credential-elements.mjs'));
  project.provide('servicePostgresUrl', postgres.url);
  return () => {
    postgres.stop();
    rmSync(folder, { recursive: true, force: true });
  };
}
