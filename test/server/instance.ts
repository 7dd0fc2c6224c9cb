/**
 * A credentials server in its own process, over a PostgreSQL database (test/server/instance.mjs starts
 * it): `serve <url>` listens on a free loopback port and prints `listening <port>`; `reset-loop <url>
 * <account>` resets the account's secret over and over, printing `committed <rotation> <secret>` after each.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { nodeListener } from '../../src/server/node.js';
import { postgresStore } from '../../src/server/stores/postgres.js';
import { testServer } from './fixtures.js';

export async function main([mode, url, account]: string[]): Promise<void> {
  // A pool made here: the module runner that loaded this file is closed, so no dynamic import() after it.
  const store = await postgresStore({ pool: new pg.Pool({ connectionString: url }) });
  const server = testServer(store);
  if (mode === 'serve') {
    const http = createServer(nodeListener(server));
    http.listen(0, '127.0.0.1', () => console.log(`listening ${(http.address() as AddressInfo).port}`));
    return;
  }
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
