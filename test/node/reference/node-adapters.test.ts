import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createReferenceServer } from '../../../src/reference/index.js';
import {
  referenceKoaMiddleware,
  referenceMiddleware,
  referenceVitePlugin,
  type KoaContextLike,
} from '../../../src/reference/node.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const merchant = { 'X-Ipos-Demo-Account': 'merchant' };

/** A minimal Koa: a context over Node's req/res, the middleware, then Koa's own writing of the answer. */
function koaLike(middleware: ReturnType<typeof referenceKoaMiddleware>) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const headers: Record<string, string> = {};
    const ctx: KoaContextLike = {
      req,
      url: req.url ?? '/',
      status: 404,
      body: undefined,
      set: (name, value) => (headers[name] = value),
    };
    const next = async () => {
      ctx.status = 200;
      ctx.body = 'from next';
    };
    void middleware(ctx, next).then(() => {
      res.writeHead(ctx.status, headers);
      res.end(ctx.body as string | Buffer | null);
    });
  };
}

describe('referenceMiddleware (Connect, Vite)', () => {
  it('answers under the base path and passes everything else on', async () => {
    const middleware = referenceMiddleware(createReferenceServer());
    const origin = await listen((req, res) => middleware(req, res, () => res.end('from next')));
    const answer = await fetch(`${origin}/api/ipos/credentials?x=1`, { headers: merchant });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('application/json');
    expect((await answer.json()).role).toBe('merchant');
    expect(await (await fetch(`${origin}/index.html`)).text()).toBe('from next');
    expect(await (await fetch(`${origin}/api/iposx`)).text()).toBe('from next');
  });

  it('passes JSON bodies through and refuses oversized ones with 413', async () => {
    const middleware = referenceMiddleware(createReferenceServer());
    const origin = await listen((req, res) => middleware(req, res, () => res.end()));
    const post = (body: string) =>
      fetch(`${origin}/api/ipos/tokens`, {
        method: 'POST',
        headers: { ...merchant, 'Content-Type': 'application/json' },
        body,
      });
    expect((await post('{"tpn":"139322815010"}')).status).toBe(201);
    const tooLarge = await post(JSON.stringify({ tpn: '139322815010', padding: 'x'.repeat(200_000) }));
    expect(tooLarge.status).toBe(413);
    expect((await tooLarge.json()).errorCode).toBe('BODY_TOO_LARGE');
  });

  it('routes on originalUrl when mounted under a path', async () => {
    const middleware = referenceMiddleware(createReferenceServer());
    const origin = await listen((req, res) => {
      // What Connect does for app.use('/api/ipos', middleware).
      Object.assign(req, { originalUrl: req.url, url: req.url!.replace('/api/ipos', '') });
      middleware(req, res, () => res.end('from next'));
    });
    expect((await fetch(`${origin}/api/ipos/terminals`, { headers: merchant })).status).toBe(200);
  });
});

describe('referenceKoaMiddleware (@web/test-runner, @web/dev-server)', () => {
  it('answers under the base path with status, headers and body, and passes everything else on', async () => {
    const origin = await listen(koaLike(referenceKoaMiddleware(createReferenceServer())));
    const answer = await fetch(`${origin}/api/ipos/credentials`, { method: 'POST', headers: merchant });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect((await answer.json()).keys.apiKey).toMatch(/^dakey_/);
    const notAllowed = await fetch(`${origin}/api/ipos/credentials`, { method: 'DELETE' });
    expect([notAllowed.status, notAllowed.headers.get('allow')]).toEqual([405, 'GET, POST']);
    expect(await (await fetch(`${origin}/test/my.test.js`)).text()).toBe('from next');
  });
});

describe('referenceVitePlugin', () => {
  it('mounts the Connect middleware in the dev and preview servers and exposes its server', async () => {
    const server = createReferenceServer({ basePath: '/backend' });
    const plugin = referenceVitePlugin({ server });
    expect(plugin.name).toBe('ipos-reference-backend');
    expect(plugin.api.server).toBe(server);
    const mounted: ((req: IncomingMessage, res: ServerResponse, next: () => void) => void)[] = [];
    const fakeVite = { middlewares: { use: (fn: (typeof mounted)[number]) => mounted.push(fn) } };
    (plugin.configureServer as (server: unknown) => void)(fakeVite);
    (plugin.configurePreviewServer as (server: unknown) => void)(fakeVite);
    expect(mounted).toHaveLength(2);
    const origin = await listen((req, res) => mounted[0]!(req, res, () => res.end('from next')));
    expect((await fetch(`${origin}/backend/credentials`, { headers: merchant })).status).toBe(200);
  });
});

describe('development sign-in: the `account` option', () => {
  it('acts for the configured account when a request names none, and a named account still wins', async () => {
    const middleware = referenceMiddleware(createReferenceServer(), { account: 'iso' });
    const origin = await listen((req, res) => middleware(req, res, () => res.end()));
    expect((await (await fetch(`${origin}/api/ipos/credentials`)).json()).role).toBe('iso');
    expect((await (await fetch(`${origin}/api/ipos/credentials`, { headers: merchant })).json()).role).toBe('merchant');
  });

  it('keeps the body of a request it signs in: a merchant token is issued for the posted TPN', async () => {
    const middleware = referenceMiddleware(createReferenceServer(), { account: 'merchant' });
    const origin = await listen((req, res) => middleware(req, res, () => res.end()));
    const answer = await fetch(`${origin}/api/ipos/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ tpn: '139322815010', expiresInMinutes: 5 }),
    });
    expect(answer.status).toBe(201);
    expect((await answer.json()).tpn).toBe('139322815010');
  });

  it('without it, a request that names no account gets 401 DEMO_ACCOUNT_REQUIRED naming the header', async () => {
    const origin = await listen(koaLike(referenceKoaMiddleware(createReferenceServer())));
    const answer = await fetch(`${origin}/api/ipos/credentials`);
    expect(answer.status).toBe(401);
    const body = await answer.json();
    expect(body.errorCode).toBe('DEMO_ACCOUNT_REQUIRED');
    expect(body.errorMessage).toContain('X-Ipos-Demo-Account');
  });

  it('the Vite plugin passes it to its middleware', async () => {
    const plugin = referenceVitePlugin({ account: 'agent' });
    const mounted: ((req: IncomingMessage, res: ServerResponse, next: () => void) => void)[] = [];
    plugin.configureServer({ middlewares: { use: (fn) => mounted.push(fn) } });
    const origin = await listen((req, res) => mounted[0]!(req, res, () => res.end()));
    expect((await (await fetch(`${origin}/api/ipos/credentials`)).json()).role).toBe('agent');
  });
});

describe('the `log` option', () => {
  it('tells each error answer as one line with its code, route and message, and nothing for successes', async () => {
    const lines: string[] = [];
    const middleware = referenceMiddleware(createReferenceServer(), { log: (line) => lines.push(line) });
    const origin = await listen((req, res) => middleware(req, res, () => res.end()));
    await fetch(`${origin}/api/ipos/credentials?x=1`);
    await fetch(`${origin}/api/ipos/credentials`, { headers: merchant });
    await vi.waitFor(() => expect(lines).toHaveLength(1));
    expect(lines[0]).toMatch(
      /^401 DEMO_ACCOUNT_REQUIRED GET \/api\/ipos\/credentials: Send the header X-Ipos-Demo-Account/,
    );
  });
});
