/**
 * The embedded store: PGlite (`@electric-sql/pglite`, an optional peer dependency), a real Postgres
 * engine in WebAssembly keeping its data in a folder — no server to install. One process at a time
 * may open a folder (a second open is refused: `folder-lock.ts`); for several instances use `postgresStore()`.
 */
import type { CredentialStore } from '../store.js';
import { lockFolder } from './folder-lock.js';
import { sqlStore, type SqlQuery } from './sql-store.js';

// Structural, not PGlite's own type: a host without `@electric-sql/pglite` installed still type-checks this entry.
interface PgliteQueryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** What the store uses of a `PGlite` instance: any `PGlite` fits. */
export interface PgliteDatabase extends PgliteQueryable {
  transaction<T>(work: (tx: PgliteQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface PgliteStoreOptions {
  /** The data folder (created if missing); omit for an in-memory database that dies with the process. */
  dataDir?: string;
  /** Use this PGlite instance instead (the store closes it on `close()`). */
  database?: PgliteDatabase;
}

export async function pgliteStore(options: PgliteStoreOptions = {}): Promise<CredentialStore> {
  // Only a folder this store opens is locked: a host that passes its own `database` owns that question.
  const lock =
    options.database === undefined && options.dataDir !== undefined ? await lockFolder(options.dataDir) : null;
  const db =
    options.database ??
    (await openPglite(options.dataDir).catch((error: unknown) => {
      lock?.release();
      throw error;
    }));
  const queryWith =
    (runner: PgliteQueryable): SqlQuery =>
    async <Row>(text: string, params?: unknown[]) =>
      (await runner.query(text, params)).rows as Row[];
  const store = sqlStore('pglite', {
    query: queryWith(db),
    transaction: (work) => db.transaction((tx) => work(queryWith(tx))),
    close: async () => {
      try {
        await db.close();
      } finally {
        lock?.release();
      }
    },
  });
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

async function openPglite(dataDir: string | undefined): Promise<PgliteDatabase> {
  const { PGlite } = await import('@electric-sql/pglite').catch((error: unknown) => {
    throw new Error('pgliteStore() needs the package @electric-sql/pglite: npm install @electric-sql/pglite', {
      cause: error,
    });
  });
  return PGlite.create(dataDir === undefined ? {} : { dataDir });
}
