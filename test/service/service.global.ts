// The `service` project's global setup: the service built as the package ships it (from the source now, so a
// stale dist/ is never tested), and one throwaway PostgreSQL for all its files.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildServicePackage } from '../../scripts/service-package.mjs';
import { startPostgres } from '../support/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `node <serviceBin> serve …` runs the service as `npx ipos-credential-elements serve` would. */
    serviceBin: string;
    /** The throwaway server's base URL; each file creates its own databases on it. */
    servicePostgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const folder = join(
    resolve(import.meta.dirname, '../..'),
    'node_modules/.cache/ipos-service-test',
    String(process.pid),
  );
  project.provide('serviceBin', await buildServicePackage(folder));
  const postgres = await startPostgres();
  project.provide('servicePostgresUrl', postgres.url);
  return () => {
    postgres.stop();
    rmSync(folder, { recursive: true, force: true });
  };
}
