/**
 * The CSRF check compares a browser's `Origin` with the request's own origin in full — scheme, host and port —
 * through the Node adapter as a browser reaches it: `https://host` is not `http://host`, nor `host` `host:port`;
 * and the refusal says what to fix (allowedOrigins, or the proxy's Host and X-Forwarded-Proto).
 */
import { createServer, request as httpRequest } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeListener } from '../../src/server/node.js';
import { memoryStore } from '../../src/server/stores/memory.js';
import { loopbackServers, testServer } from './harness.js';

const servers = loopbackServers();
afterAll(servers.closeAll);

/** POSTs with `Origin` over plain HTTP; resolves with the status and the error message, if any. */
function post(base: string, origin: string, account: string) {
  return new Promise<{ status: number; message?: string }>((resolve, reject) => {
    const outgoing = httpRequest(`${base}/api/ipos/credentials`, {
      method: 'POST',
      headers: { Origin: origin, 'X-Test-Account': account },
    });
    outgoing.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, message: JSON.parse(text).errorMessage }));
    });
    outgoing.on('error', reject).end();
  });
}

describe('the same-origin check through the Node adapter', () => {
  it('refuses an Origin that differs in scheme or port alone, saying what to fix, and takes its own', async () => {
    const base = await servers.listen(createServer(nodeListener(testServer(memoryStore()))));
    const { port } = new URL(base);
    for (const foreign of [`https://127.0.0.1:${port}`, 'http://127.0.0.1', `https://127.0.0.1`]) {
      const refused = await post(base, foreign, 'origin-foreign');
      expect(refused.status, foreign).toBe(403);
      expect(refused.message).toMatch(/is not this server's http:\/\/127\.0\.0\.1:\d+: list it in allowedOrigins/);
      expect(refused.message).toContain('proxy_set_header Host $http_host');
    }
    expect((await post(base, base, 'origin-own')).status).toBe(201);
  });
});
