/**
 * The embedded store: PGlite (`@electric-sql/pglite`, an optional peer dependency), a real Postgres
 * engine in WebAssembly keeping its data in a folder — no server to install. One process at a time
 * may open a folder; for several instances use `postgresStore()`.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { CredentialStore } from '../store.js';
import { sqlStore, type SqlQuery } from './sql-store.js';

export interface PgliteStoreOptions {
  /** The data folder (created if missing); omit for an in-memory database that dies with the process. */
  dataDir?: string;
  /** Use this PGlite instance instead (the store closes it on `close()`). */
  database?: PGlite;
}

export async function pgliteStore(options: PgliteStoreOptions = {}): Promise<CredentialStore> {
  const db = options.database ?? (await openPglite(options.dataDir));
  const queryWith =
    (runner: { query: (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }> }): SqlQuery =>
    async <Row>(text: string, params?: unknown[]) =>
      (await runner.query(text, params)).rows as Row[];
  const store = sqlStore('pglite', {
    query: queryWith(db),
    transaction: (work) => db.transaction((tx) => work(queryWith(tx))),
    close: () => db.close(),
  });
  await store.migrate();
  return store;
}

async function openPglite(dataDir: string | undefined): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite').catch((error: unknown) => {
    throw new Error('pgliteStore() needs the package @electric-sql/pglite: npm install @electric-sql/pglite', {
      cause: error,
    });
  });
  return PGlite.create(dataDir === undefined ? {} : { dataDir });
}
