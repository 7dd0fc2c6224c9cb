/** The credentials server over each store, as the server tests use it. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import type { CredentialsServer } from '../../src/server/credentials-server.js';
import type { CredentialStore } from '../../src/server/store.js';
import { memoryStore, type MemoryStore } from '../../src/server/stores/memory.js';
import { pgliteStore } from '../../src/server/stores/pglite.js';
import { postgresStore } from '../../src/server/stores/postgres.js';

export { KEYRING, TERMINALS, testServer } from './fixtures.js';

export type StoreKind = 'memory' | 'pglite' | 'postgres';
export const STORE_KINDS: StoreKind[] = ['memory', 'pglite', 'postgres'];

export interface OpenedStore {
  store: CredentialStore;
  /** Every row as text, and for PGlite the raw bytes of its data folder: where a plaintext secret would show. */
  dump(): Promise<string>;
  /** Another store on the same data (PostgreSQL: another pool; memory and PGlite: the same store). */
  twin(): Promise<CredentialStore>;
  /** Runs SQL on the store's database directly (SQL stores only). */
  sql?(text: string): Promise<unknown[]>;
}

let databases = 0;

/** A new empty database on the throwaway PostgreSQL server. */
export async function freshDatabase(): Promise<string> {
  const base = inject('postgresUrl');
  const name = `ipos_${process.pid}_${Date.now().toString(36)}_${++databases}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return base.replace(/\/postgres$/, `/${name}`);
}

const TABLES = [
  'ipos_credentials',
  'ipos_idempotency',
  'ipos_rate_windows',
  'ipos_audit_log',
  'ipos_schema_migrations',
];

export async function openStore(kind: StoreKind, folder?: string): Promise<OpenedStore> {
  if (kind === 'memory') {
    const store: MemoryStore = memoryStore();
    return { store, dump: async () => store.dump(), twin: async () => store };
  }
  if (kind === 'pglite') {
    const database = await PGlite.create(folder === undefined ? {} : { dataDir: folder });
    const store = await pgliteStore({ database });
    return {
      store,
      async dump() {
        const parts: string[] = [];
        for (const table of TABLES) parts.push(JSON.stringify((await database.query(`SELECT * FROM ${table}`)).rows));
        // Pages and WAL as written to disk: a plaintext secret anywhere in them would show here.
        await database.query('CHECKPOINT');
        if (folder) parts.push(filesText(folder));
        return parts.join('\n');
      },
      twin: async () => store,
      sql: async (text) => (await database.query(text)).rows,
    };
  }
  const url = await freshDatabase();
  const store = await postgresStore({ connectionString: url });
  async function sql(text: string): Promise<unknown[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(text)).rows;
    } finally {
      await client.end();
    }
  }
  return {
    store,
    async dump() {
      const parts: string[] = [];
      for (const table of TABLES) parts.push(JSON.stringify(await sql(`SELECT * FROM ${table}`)));
      return parts.join('\n');
    },
    twin: () => postgresStore({ connectionString: url }),
    sql,
  };
}

/** The bytes of every file under `folder`, as latin1 text (so an ASCII secret shows as itself). */
function filesText(folder: string): string {
  let text = '';
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    text += statSync(path).isDirectory() ? filesText(path) : readFileSync(path).toString('latin1');
  }
  return text;
}

export interface Called {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Calls `server.handle()` as an account. */
export async function call(
  server: CredentialsServer,
  method: string,
  path: string,
  options: {
    account?: string | null;
    role?: string;
    headers?: Record<string, string>;
    json?: unknown;
    source?: string;
  } = {},
): Promise<Called> {
  const headers = new Headers(options.headers);
  if (options.account !== null) headers.set('X-Test-Account', options.account ?? 'acct-1');
  if (options.role) headers.set('X-Test-Role', options.role);
  if (options.json !== undefined) headers.set('Content-Type', 'application/json');
  const response = await server.handle(
    new Request(`http://localhost${server.basePath}${path}`, {
      method,
      headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
    }),
    { sourceAddress: options.source ?? '127.0.0.1' },
  );
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, headers: response.headers, body };
}

/** HTTP servers a test file listens with on loopback; `closeAll()` (its afterEach or afterAll) ends them all. */
export function loopbackServers() {
  const open: Server[] = [];
  return {
    /** Listens on a free loopback port; resolves with the origin, `http://127.0.0.1:<port>`. */
    async listen(server: Server): Promise<string> {
      open.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async closeAll(): Promise<void> {
      for (const server of open.splice(0)) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}
