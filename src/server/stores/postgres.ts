/**
 * PostgreSQL through `pg` (node-postgres, an optional peer dependency): for portals that run several
 * instances of the server against one database. Transactions run on one pooled connection each.
 */
import type { CredentialStore } from '../store.js';
import { sqlStore, type SqlQuery } from './sql-store.js';

// Structural types, not `pg`'s own: a host without `pg` installed still type-checks this entry.
interface PgQueryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** What the store uses of a `pg` `Pool`: any pool of node-postgres fits. */
export interface PostgresPool extends PgQueryable {
  connect(): Promise<PgQueryable & { release(): void }>;
  end(): Promise<void>;
}

/** `pg` pool settings (`PoolConfig`): size, SSL, timeouts; passed to `new Pool()` unchanged. */
export interface PostgresPoolConfig {
  connectionString?: string;
  [setting: string]: unknown;
}

export interface PostgresStoreOptions {
  /** A `postgres://` URL; or pass `pool`, or `config`. */
  connectionString?: string;
  /** Any other `pg` pool settings (size, SSL, timeouts). */
  config?: PostgresPoolConfig;
  /** Use this pool (the store does not end it on `close()`). */
  pool?: PostgresPool;
}

export async function postgresStore(options: PostgresStoreOptions = {}): Promise<CredentialStore> {
  const active = options.pool ?? (await openPool(options));
  const ownPool = options.pool === undefined;
  const store = sqlStore('postgres', {
    query: async <Row>(text: string, params?: unknown[]) => (await active.query(text, params)).rows as Row[],
    async transaction(work) {
      const client = await active.connect();
      const query: SqlQuery = async <Row>(text: string, params?: unknown[]) =>
        (await client.query(text, params)).rows as Row[];
      try {
        await client.query('BEGIN');
        const result = await work(query);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: async () => {
      if (ownPool) await active.end();
    },
  });
  await store.migrate();
  return store;
}

async function openPool(options: PostgresStoreOptions): Promise<PostgresPool> {
  const pg = await import('pg').catch((error: unknown) => {
    throw new Error('postgresStore() needs the package pg: npm install pg', { cause: error });
  });
  const Pool = pg.default?.Pool ?? (pg as unknown as typeof pg.default).Pool;
  return new Pool({
    ...options.config,
    connectionString: options.connectionString ?? options.config?.connectionString,
  } as ConstructorParameters<typeof Pool>[0]);
}
