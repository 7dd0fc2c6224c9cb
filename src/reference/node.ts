/**
 * Node adapters for the reference backend: Connect middleware (Vite), Koa middleware
 * (@web/test-runner, @web/dev-server) and a Vite plugin. Each serves `server.basePath` and passes
 * every other request on.
 *
 * @example vite.config.ts
 * import { referenceVitePlugin } from './src/reference/node.js';
 * export default defineConfig({ plugins: [referenceVitePlugin({ account: 'merchant' })] });
 *
 * @example web-test-runner.config.mjs
 * import { createReferenceServer } from './src/reference/index.js';
 * import { referenceKoaMiddleware } from './src/reference/node.js';
 * export default { middleware: [referenceKoaMiddleware(createReferenceServer())] };
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { UserRole } from '../roles.js';
import {
  createReferenceServer,
  DEMO_ACCOUNT_HEADER,
  type ReferenceServer,
  type ReferenceServerOptions,
} from './reference-server.js';

/** What every adapter accepts besides the server. */
export interface ReferenceAdapterOptions {
  /**
   * Development sign-in: the demo account a request acts for when it sends no `X-Ipos-Demo-Account`
   * header, so a page with only `<ipos-credentials api-base=…>` shows keys. Without it such a request
   * gets 401 `DEMO_ACCOUNT_REQUIRED`.
   */
  account?: UserRole;
  /**
   * Told every error answer as one line (`401 DEMO_ACCOUNT_REQUIRED GET /api/ipos/credentials: …`), so the
   * cause of what the page shows is in the terminal too. The Vite plugin logs to the console by default.
   */
  log?: (line: string) => void;
}

/** Connect's `next`. */
export type NextFunction = (error?: unknown) => void;

/** The part of a Koa context the adapter uses (no dependency on Koa's types). */
export interface KoaContextLike {
  req: IncomingMessage;
  url: string;
  originalUrl?: string;
  status: number;
  body: unknown;
  set(field: string, value: string): void;
}

/** Connect-style middleware (Vite, Express, Connect) answering under `server.basePath`. */
export function referenceMiddleware(
  server: ReferenceServer,
  options: ReferenceAdapterOptions = {},
): (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void {
  return (req, res, next) => {
    // `originalUrl`: Connect strips a mount path from `req.url`, the server routes on the full path.
    const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    if (!isUnderBasePath(url, server.basePath)) return next();
    answerNodeRequest(server, req, url, options)
      .then(async (response) => {
        res.statusCode = response.status;
        response.headers.forEach((value, name) => res.setHeader(name, value));
        res.end(new Uint8Array(await response.arrayBuffer()));
      })
      .catch(next);
  };
}

/** Koa middleware (@web/test-runner and @web/dev-server `middleware`) answering under `server.basePath`. */
export function referenceKoaMiddleware(
  server: ReferenceServer,
  options: ReferenceAdapterOptions = {},
): (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<unknown> {
  return async (ctx, next) => {
    const url = ctx.originalUrl ?? ctx.url;
    if (!isUnderBasePath(url, server.basePath)) return next();
    const response = await answerNodeRequest(server, ctx.req, url, options);
    ctx.status = response.status;
    response.headers.forEach((value, name) => ctx.set(name, value));
    ctx.body = response.body ? Buffer.from(await response.arrayBuffer()) : null;
  };
}

export interface ReferenceVitePluginOptions extends ReferenceServerOptions, ReferenceAdapterOptions {
  /** Serve this server instead of a new one (to reach its clock and faults from the config). */
  server?: ReferenceServer;
}

/** The part of a Connect server Vite hands to plugins. */
interface ConnectServerLike {
  middlewares: { use(middleware: ReturnType<typeof referenceMiddleware>): unknown };
}

/**
 * The Vite plugin, typed structurally so that a server without Vite installed type-checks this module;
 * it is assignable to Vite's `Plugin`.
 */
export interface ReferenceVitePlugin {
  name: string;
  api: { server: ReferenceServer };
  configureServer(server: ConnectServerLike): void;
  configurePreviewServer(server: ConnectServerLike): void;
}

/** A Vite plugin mounting the reference backend in the dev and preview servers; `plugin.api.server` is the server. */
export function referenceVitePlugin(options: ReferenceVitePluginOptions = {}): ReferenceVitePlugin {
  const server = options.server ?? createReferenceServer(options);
  const log = options.log ?? ((line: string) => console.warn(`[ipos reference backend] ${line}`));
  const middleware = referenceMiddleware(server, { ...options, log });
  return {
    name: 'ipos-reference-backend',
    api: { server },
    // Added directly (not in a returned hook) so it runs before Vite's own file serving.
    configureServer(vite) {
      vite.middlewares.use(middleware);
    },
    configurePreviewServer(preview) {
      preview.middlewares.use(middleware);
    },
  };
}

function isUnderBasePath(url: string, basePath: string): boolean {
  const path = url.split('?')[0] ?? '';
  return basePath === '' || path === basePath || path.startsWith(`${basePath}/`);
}

/** Headers Node has already acted on, which a `Request` must not carry over. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'expect',
  'host',
  'content-length',
]);

async function answerNodeRequest(
  server: ReferenceServer,
  req: IncomingMessage,
  url: string,
  options: ReferenceAdapterOptions,
): Promise<Response> {
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const headers = requestHeaders(req.headers);
  if (options.account && !headers.has(DEMO_ACCOUNT_HEADER)) headers.set(DEMO_ACCOUNT_HEADER, options.account);
  // Only the path matters to the server; a fixed origin avoids trusting the Host header.
  const request = new Request(new URL(url, 'http://localhost'), {
    method,
    headers,
    body: hasBody ? await readBody(req, server.maxBodyBytes + 1) : undefined,
  });
  const response = await server.handle(request);
  if (options.log && response.status >= 400) void logProblem(options.log, method, url, response.clone());
  return response;
}

async function logProblem(log: (line: string) => void, method: string, url: string, response: Response) {
  const body = (await response.json().catch(() => ({}))) as { errorCode?: unknown; errorMessage?: unknown };
  const path = url.split('?')[0];
  log(`${response.status} ${String(body.errorCode ?? '')} ${method} ${path}: ${String(body.errorMessage ?? '')}`);
}

function requestHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || name.startsWith(':') || HOP_BY_HOP.has(name)) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/** The body, keeping at most `limit` bytes: enough for the server to see it is too large, never more. */
async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  for await (const chunk of req as AsyncIterable<Uint8Array>) {
    if (kept >= limit) continue; // drain the rest so the connection stays usable
    const piece = chunk.subarray(0, limit - kept);
    chunks.push(piece);
    kept += piece.byteLength;
  }
  const body = new Uint8Array(kept);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
