/**
 * One process at a time on a PGlite folder: a second open — another process, or this one again — is refused
 * naming the pid that holds it, so no process writes over another's pages; a lock left by a process that died
 * (SIGKILL) is stale and taken over, with every acknowledged write there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pgliteStore } from '../../src/server/stores/pglite.js';
import { call, testServer } from './harness.js';
import { killInstances, startInstance } from './instances.js';

const folders: string[] = [];
afterAll(async () => {
  await killInstances();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function freshFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'ipos-pglite-lock-'));
  folders.push(folder);
  return join(folder, 'data');
}

describe('a PGlite folder', () => {
  it('refuses a second process while the first has it open, and is taken over once that process is killed', async () => {
    const dataDir = freshFolder();
    const first = startInstance(['serve', `pglite-folder:${dataDir}`]);
    const base = await first.baseUrl();
    const generated = await fetch(`${base}/credentials`, { method: 'POST', headers: { 'X-Test-Account': 'first' } });
    expect(generated.status).toBe(201);

    await expect(pgliteStore({ dataDir })).rejects.toThrow(
      new RegExp(`open in another process \\(pid ${first.child.pid}, lock file .*data\\.lock\\)`),
    );

    first.child.kill('SIGKILL');
    await first.exited;
    const store = await pgliteStore({ dataDir });
    const credentials = await call(testServer(store), 'GET', '/credentials', { account: 'first' });
    expect(credentials.body.keys.apiKey).toBe((await generated.json()).keys.apiKey);
    await store.close();
  });

  it('refuses a second open in the same process until the first store is closed', async () => {
    const dataDir = freshFolder();
    const store = await pgliteStore({ dataDir });
    await expect(pgliteStore({ dataDir })).rejects.toThrow(`pid ${process.pid}, this one`);
    await store.close();
    await (await pgliteStore({ dataDir })).close();
  });
});
