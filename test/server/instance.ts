/**
 * A credentials server in its own process (test/server/instance.mjs starts it; the multi-instance tests,
 * the database fault tests and `npm run bench:server` use it):
 * - `serve <target>` listens on a free loopback port and prints `listening <port>`; the target is `memory`,
 *   `pglite:<folder>` (a PGlite of the test's), `pglite-folder:<folder>` (the store opens and locks it), a PostgreSQL URL (a pool of the test's, as a host passes it), `own-pool:<url>` (the
 *   store makes its own pool from the URL) or `host-pool:<url>` (a host pool with its own `'error'` listener);
 *   an optional JSON argument after it is merged into the server's options (`'{"rateLimits":{}}'`: the
 *   default limits); a `stats` line on stdin prints `stats {rss, heapUsed, store}`;
 * - `reset-loop <postgres-url> <account>` resets the account's secret over and over, printing
 *   `committed <rotation> <secret>` after each.
 */
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { CredentialsServerOptions } from '../../src/server/credentials-server.js';
import { nodeListener } from '../../src/server/node.js';
import type { CredentialStore } from '../../src/server/store.js';
import { memoryStore, type MemoryStore } from '../../src/server/stores/memory.js';
import { pgliteStore } from '../../src/server/stores/pglite.js';
import { postgresStore } from '../../src/server/stores/postgres.js';
import { testServer } from './fixtures.js';

async function storeFor(target: string): Promise<CredentialStore> {
  const [kind, rest] = [target.slice(0, target.indexOf(':')), target.slice(target.indexOf(':') + 1)];
  if (target === 'memory') return memoryStore();
  if (kind === 'pglite') return pgliteStore({ database: await PGlite.create(rest) });
  if (kind === 'pglite-folder') return pgliteStore({ dataDir: rest });
  if (kind === 'own-pool') return postgresStore({ connectionString: rest, config: { max: 10 } });
  if (kind === 'host-pool') {
    const pool = new pg.Pool({ connectionString: rest, max: 10 });
    pool.on('error', () => {}); // the host's own listener: the store must not rely on it, nor crash despite it
    return postgresStore({ pool });
  }
  return postgresStore({ pool: new pg.Pool({ connectionString: target, max: 10 }) });
}

export async function main([mode, target, extra]: string[]): Promise<void> {
  const store = await storeFor(target as string);
  if (mode === 'serve') {
    const server = testServer(store, extra ? (JSON.parse(extra) as Partial<CredentialsServerOptions>) : {});
    const http = createServer(nodeListener(server));
    http.listen(0, '127.0.0.1', () => console.log(`listening ${(http.address() as AddressInfo).port}`));
    // `stats` on stdin: this process's memory after a full collection (with --expose-gc), and the memory store's size.
    createInterface({ input: process.stdin }).on('line', (line) => {
      if (line !== 'stats') return;
      (globalThis as { gc?: () => void }).gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      const size = 'size' in store ? (store as MemoryStore).size() : null;
      console.log(`stats ${JSON.stringify({ rss, heapUsed, store: size })}`);
    });
    return;
  }
  const account = extra;
  const server = testServer(store);
  const headers = { 'X-Test-Account': account as string };
  const post = (path: string) =>
    server.handle(new Request(`http://localhost/api/ipos${path}`, { method: 'POST', headers }));
  for (;;) {
    await post('/credentials/secret/reset');
    const { secretKey } = (await (await post('/credentials/secret/reveal')).json()) as { secretKey: string };
    const rotation = await store.transaction(async (tx) => (await tx.keys(account as string))?.rotation);
    console.log(`committed ${rotation} ${secretKey}`);
  }
}
