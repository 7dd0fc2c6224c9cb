/**
 * `elementAssets()`: the CDN build served by the server kit's Node adapters under a path of the host's, beside the
 * credentials server in one Express app — the entry revalidated, the hashed chunks immutable, nothing else served.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELEMENTS_ENTRY, elementAssets } from '../../src/server/element-assets.js';
import { nodeMiddleware } from '../../src/server/node.js';
import { memoryStore } from '../../src/server/stores/memory.js';
import { testServer } from './harness.js';

const CHUNK = 'chunks/token-generator-view-C-HH53aZ.js';

describe('elementAssets() under Express, beside the credentials server', () => {
  let folder: string;
  let base: string;
  let http: Server;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'ipos-assets-'));
    mkdirSync(join(folder, 'chunks'));
    writeFileSync(join(folder, ELEMENTS_ENTRY), 'export const entry = 1;\n');
    writeFileSync(join(folder, CHUNK), 'export const chunk = 2;\n');
    writeFileSync(join(folder, 'secret.txt'), 'not served');
    const app = express();
    app.use(nodeMiddleware(testServer(memoryStore())));
    app.use(nodeMiddleware(elementAssets({ basePath: '/static/ipos', directory: folder })));
    app.use((_request, response) => response.status(404).send('the portal'));
    http = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => http.once('listening', resolve));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    http.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('serves the entry to be revalidated, with an ETag that answers 304', async () => {
    const entry = await fetch(`${base}/static/ipos/${ELEMENTS_ENTRY}`);
    expect(entry.status).toBe(200);
    expect(await entry.text()).toBe('export const entry = 1;\n');
    expect(entry.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8');
    expect(entry.headers.get('Cache-Control')).toBe('no-cache');
    expect(entry.headers.get('X-Content-Type-Options')).toBe('nosniff');
    const etag = entry.headers.get('ETag')!;
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    const again = await fetch(`${base}/static/ipos/${ELEMENTS_ENTRY}`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it('serves the hashed chunks as immutable for a year', async () => {
    const chunk = await fetch(`${base}/static/ipos/${CHUNK}`);
    expect(chunk.status).toBe(200);
    expect(await chunk.text()).toBe('export const chunk = 2;\n');
    expect(chunk.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
  });

  it('serves nothing but the build: other files, other folders, escapes and writes are refused', async () => {
    const statuses = await Promise.all(
      ['secret.txt', 'chunks/missing-AAAAAAAA.js', '..%2f..%2fetc%2fpasswd', 'chunks/..%2f..%2fsecret.txt', ''].map(
        async (name) => (await fetch(`${base}/static/ipos/${name}`)).status,
      ),
    );
    expect(statuses).toEqual([404, 404, 404, 404, 404]);
    const post = await fetch(`${base}/static/ipos/${ELEMENTS_ENTRY}`, { method: 'POST' });
    expect([post.status, post.headers.get('Allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('passes everything outside its path on: the credentials server and the portal still answer', async () => {
    expect((await fetch(`${base}/api/ipos/credentials`, { headers: { 'X-Test-Account': 'a' } })).status).toBe(200);
    expect(await (await fetch(`${base}/static/iposx/${ELEMENTS_ENTRY}`)).text()).toBe('the portal');
  });

  it('refuses a base path that could never match, naming the option', () => {
    for (const basePath of ['static', '/static/', '', '//x']) {
      expect(() => elementAssets({ basePath }), basePath).toThrow(/^basePath: /);
    }
  });
});
