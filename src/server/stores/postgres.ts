/**
 * PostgreSQL through `pg` (node-postgres, an optional peer dependency): for portals that run several
 * instances of the server against one database. Transactions run on one pooled connection each.
 *
 * A connection PostgreSQL ends (a restart, a failover, `pg_terminate_backend`, a stopped server) never ends
 * the process: the pool and every checked-out connection are listened to, a broken connection is dropped
 * rather than pooled again, and the request it served fails with `DatabaseUnavailableError` (answered 503
 * `DATABASE_UNAVAILABLE` with `Retry-After`). The pool opens new connections as soon as the database is back.
 */
import { DatabaseUnavailableError, type CredentialStore } from '../store.js';
import { sqlStore, type SqlQuery } from './sql-store.js';

// Structural types, not `pg`'s own: a host without `pg` installed still type-checks this entry.
interface PgQueryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Node's `EventEmitter` methods the store listens with (every `pg` pool and client has them). */
interface ErrorEmitter {
  on?(event: 'error', listener: (error: Error) => void): unknown;
  off?(event: 'error', listener: (error: Error) => void): unknown;
}

/** A connection checked out of the pool. */
interface PgPoolClient extends PgQueryable, ErrorEmitter {
  /** Back to the pool; with an error, the connection is destroyed instead. */
  release(error?: Error | boolean): void;
}

/** What the store uses of a `pg` `Pool`: any pool of node-postgres fits. */
export interface PostgresPool extends PgQueryable, ErrorEmitter {
  /** node-postgres calls back in the same turn it hands the connection out: the store listens to it from there. */
  connect(callback: (error: Error | undefined, client: PgPoolClient | undefined) => void): void;
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
  /** Use this pool (the store does not end it on `close()`; it adds its own `'error'` listener while open). */
  pool?: PostgresPool;
  /** Told, in one line, when an idle pooled connection is lost; default `console.error`. */
  logError?(message: string): void;
}

/**
 * The store's own pool, unless `config` says otherwise: a new connection is waited for 10 s, a statement's answer
 * 30 s (a connection that hangs half-open is then dropped, not kept busy for ever), and TCP keep-alive finds
 * connections a failover left behind.
 */
const OWN_POOL_DEFAULTS = { connectionTimeoutMillis: 10_000, query_timeout: 30_000, keepAlive: true };

export async function postgresStore(options: PostgresStoreOptions = {}): Promise<CredentialStore> {
  const pool = options.pool ?? (await openPool(options));
  const ownPool = options.pool === undefined;
  const logError = options.logError ?? ((message: string) => console.error(message));
  // An idle connection the server ends emits 'error' on the pool: with no listener, Node would exit.
  const onIdleConnectionLost = (error: Error) =>
    logError(`ipos-credentials: an idle PostgreSQL connection was lost (${describe(error)}); the pool opens another.`);
  pool.on?.('error', onIdleConnectionLost);
  const store = sqlStore('postgres', {
    query: <Row>(text: string, params?: unknown[]) =>
      unavailableWhenLost(async () => (await pool.query(text, params)).rows as Row[]),
    async transaction(work) {
      let lost: Error | undefined;
      // A socket that dies while the connection is checked out emits 'error' on it: with no listener, Node would
      // exit. Listened to from the very turn the pool hands it out (an awaited promise would leave a gap).
      const onLost = (error: Error) => {
        lost ??= error;
      };
      const client = await new Promise<PgPoolClient>((resolve, reject) =>
        pool.connect((error, connected) => {
          if (error || !connected) return reject(isConnectionLoss(error) ? new DatabaseUnavailableError(error) : error);
          connected.on?.('error', onLost);
          resolve(connected);
        }),
      );
      const query: SqlQuery = async <Row>(text: string, params?: unknown[]) =>
        (await client.query(text, params)).rows as Row[];
      try {
        await client.query('BEGIN');
        const result = await work(query);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (lost === undefined && isConnectionLoss(error)) lost = error as Error;
        if (lost === undefined) await client.query('ROLLBACK').catch(() => undefined);
        // Whatever the work threw, a transaction whose connection died has an unknown outcome: the client retries.
        throw lost === undefined ? error : new DatabaseUnavailableError(lost);
      } finally {
        client.off?.('error', onLost);
        client.release(lost);
      }
    },
    close: async () => {
      pool.off?.('error', onIdleConnectionLost);
      if (ownPool) await pool.end();
    },
  });
  try {
    await store.migrate();
  } catch (error) {
    if (ownPool) await pool.end().catch(() => undefined);
    if (!(error instanceof DatabaseUnavailableError)) throw error;
    // At start, a database out of reach is the host's to fix: name what to check.
    throw new Error(
      `postgresStore: PostgreSQL cannot be reached (${describe(error.cause as Error)}); check connectionString (postgres://user:password@host:5432/database) or config, and that the server runs.`,
      { cause: error.cause },
    );
  }
  return store;
}

/** Runs `step`, turning a lost or refused connection into `DatabaseUnavailableError`. */
async function unavailableWhenLost<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw isConnectionLoss(error) ? new DatabaseUnavailableError(error) : error;
  }
}

/** Node's codes for a connection that could not be made or was cut. */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** SQLSTATEs of a server going away or not ready: admin and crash shutdown, starting up, too many connections. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** node-postgres's own messages for a connection it lost or could not open in time. */
const LOST_CONNECTION_MESSAGE =
  /^Connection terminated|not queryable|timeout exceeded when trying to connect|^Query read timeout$/;

/** Whether an error means the database cannot be reached (now), rather than a statement that failed. */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  return LOST_CONNECTION_MESSAGE.test(error.message);
}

function describe(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}

async function openPool(options: PostgresStoreOptions): Promise<PostgresPool> {
  const pg = await import('pg').catch((error: unknown) => {
    throw new Error('postgresStore() needs the package pg: npm install pg', { cause: error });
  });
  const Pool = pg.default?.Pool ?? (pg as unknown as typeof pg.default).Pool;
  return new Pool({
    ...OWN_POOL_DEFAULTS,
    ...options.config,
    connectionString: options.connectionString ?? options.config?.connectionString,
  } as ConstructorParameters<typeof Pool>[0]) as unknown as PostgresPool;
}
