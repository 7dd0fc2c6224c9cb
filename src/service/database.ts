/**
 * The service's store, opened from `IPOS_DATABASE`. The service makes the PostgreSQL pool or the PGlite
 * database itself, so it can also ask them what readiness needs (the database answers, the newest migration
 * is applied) and what the metrics show (pool use) — through the same connection the store uses.
 */
import {
  MIGRATIONS,
  memoryStore,
  pgliteStore,
  postgresStore,
  type CredentialStore,
  type PostgresPool,
} from '../server/index.js';
import type { DatabaseConfig } from './config.js';

export interface PoolUse {
  total: number;
  idle: number;
  waiting: number;
}

export interface ServiceDatabase {
  store: CredentialStore;
  /** Null when ready; else why not (no secret in it). */
  notReady(): Promise<string | null>;
  /** PostgreSQL only. */
  poolUse?(): PoolUse;
  /** Closes the store and the connections the service made for it. */
  close(): Promise<void>;
}

interface Queryable {
  query(text: string): Promise<{ rows: unknown[] }>;
}

const NEWEST_MIGRATION = Math.max(...MIGRATIONS.map((migration) => migration.version));
const READY_QUERY = 'SELECT max(version) AS version FROM ipos_schema_migrations';

/** What a database URL may show in a log or an error: host, port and database, never the password. */
export function describeDatabase(config: DatabaseConfig): string {
  if (config.kind === 'memory') return 'memory';
  if (config.kind === 'pglite') return `PGlite folder ${config.folder}`;
  try {
    const url = new URL(config.url);
    return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

export async function openDatabase(
  config: DatabaseConfig,
  onPoolError: (error: Error) => void,
): Promise<ServiceDatabase> {
  if (config.kind === 'memory') {
    const store = memoryStore();
    return { store, notReady: async () => null, close: () => store.close() };
  }
  if (config.kind === 'pglite') {
    const { PGlite } = await importDriver<typeof import('@electric-sql/pglite')>('@electric-sql/pglite');
    const database = await PGlite.create({ dataDir: config.folder });
    const store = await pgliteStore({ database });
    return { store, notReady: () => migrationsMissing(database), close: () => store.close() };
  }
  const pg = await importDriver<typeof import('pg')>('pg');
  const Pool = pg.Pool ?? (pg as unknown as { default: typeof pg }).default.Pool;
  const pool = new Pool({
    connectionString: config.url,
    max: config.poolSize,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection that dies (restart, failover) must not take the process with it.
  pool.on('error', onPoolError);
  const store = await postgresStore({ pool: pool as unknown as PostgresPool }).catch(async (error: unknown) => {
    await pool.end().catch(() => undefined);
    throw error;
  });
  return {
    store,
    notReady: () => migrationsMissing(pool),
    poolUse: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await store.close();
      await pool.end();
    },
  };
}

async function migrationsMissing(database: Queryable): Promise<string | null> {
  try {
    const [row] = (await database.query(READY_QUERY)).rows as { version: number | null }[];
    const applied = Number(row?.version ?? 0);
    return applied >= NEWEST_MIGRATION ? null : `migrations applied up to ${applied}, expected ${NEWEST_MIGRATION}`;
  } catch (error) {
    return `database unreachable (${(error as Error).message})`;
  }
}

async function importDriver<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    throw new Error(`IPOS_DATABASE needs the package ${name}: npm install ${name}`, { cause: error });
  }
}
