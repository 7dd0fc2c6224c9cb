/**
 * Express with a body parser mounted before the kit: the request body is gone by the time the kit sees it, so it
 * answers 500 and logs how to fix the mount order — never acting on an empty body (a reset without its grace
 * window, a token without its TPN). Requests without a body, and the right order, work as ever.
 */
import { createServer } from 'node:http';
import express from 'express';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { nodeMiddleware } from '../../src/server/node.js';
import { memoryStore } from '../../src/server/stores/memory.js';
import { loopbackServers, testServer } from './harness.js';

const servers = loopbackServers();
afterAll(servers.closeAll);
afterEach(() => vi.restoreAllMocks());

const post = (base: string, path: string, json: unknown) =>
  fetch(`${base}/api/ipos${path}`, {
    method: 'POST',
    headers: { 'X-Test-Account': 'mounted', 'Content-Type': 'application/json' },
    body: JSON.stringify(json),
  });

describe('nodeMiddleware() behind express.json()', () => {
  it('answers a request whose body was read before it 500, logging the mount order to fix, and serves the rest', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const app = express();
    app.use(express.json());
    app.use(nodeMiddleware(testServer(memoryStore())));
    const base = await servers.listen(createServer(app));
    expect((await fetch(`${base}/api/ipos/credentials`, { headers: { 'X-Test-Account': 'mounted' } })).status).toBe(
      200,
    );
    expect(
      (await fetch(`${base}/api/ipos/credentials`, { method: 'POST', headers: { 'X-Test-Account': 'mounted' } }))
        .status,
    ).toBe(201);

    const reset = await post(base, '/credentials/secret/reset', { graceMinutes: 60 });
    expect([reset.status, (await reset.json()).errorCode]).toEqual([500, 'INTERNAL_ERROR']);
    const token = await post(base, '/tokens', { tpn: '139322815010' });
    expect(token.status).toBe(500);
    expect(logged.mock.calls.flat().join('\n')).toMatch(/mount nodeMiddleware\(\) before express\.json\(\)/);
    expect(logged).toHaveBeenCalledTimes(1);
  });

  it('takes the body when mounted before the parser', async () => {
    const app = express();
    app.use(nodeMiddleware(testServer(memoryStore())));
    app.use(express.json());
    const base = await servers.listen(createServer(app));
    await fetch(`${base}/api/ipos/credentials`, { method: 'POST', headers: { 'X-Test-Account': 'mounted' } });
    const reset = await post(base, '/credentials/secret/reset', { graceMinutes: 60 });
    expect((await reset.json()).keys.previousSecretValidUntil).not.toBeNull();
  });
});
