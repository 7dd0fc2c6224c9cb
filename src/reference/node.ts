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
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserRole } from '../contract/roles.js';
import {
  answerNodeRequest,
  isUnderBasePath,
  nodeMiddleware,
  type FetchHandler,
  type NextFunction,
} from '../server/node.js';
import {
  createReferenceServer,
  DEMO_ACCOUNT_HEADER,
  type ReferenceServer,
  type ReferenceServerOptions,
} from './reference-server.js';

export type { NextFunction };

/** What every adapter accepts besides the server. */
export interface ReferenceAdapterOptions {
  /**
   * Development sign-in: the demo account a request acts for when it sends no `X-Ipos-Demo-Account`
   * header, so a page with only `<ipos-credentials api-base=…>` shows keys. Without it such a request
   * gets 401 `DEMO_ACCOUNT_REQUIRED` (unless the server has a `defaultAccount`).
   */
  account?: UserRole;
  /**
   * Told every error answer as one line (`401 DEMO_ACCOUNT_REQUIRED GET /api/ipos/credentials: …`), so the
   * cause of what the page shows is in the terminal too. The Vite plugin logs to the console by default.
   */
  log?: (line: string) => void;
}

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
  return nodeMiddleware(developmentHandler(server, options));
}

/** Koa middleware (@web/test-runner and @web/dev-server `middleware`) answering under `server.basePath`. */
export function referenceKoaMiddleware(
  server: ReferenceServer,
  options: ReferenceAdapterOptions = {},
): (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<unknown> {
  const handler = developmentHandler(server, options);
  return async (ctx, next) => {
    const url = ctx.originalUrl ?? ctx.url;
    if (!isUnderBasePath(url, server.basePath)) return next();
    const response = await answerNodeRequest(handler, ctx.req, url);
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

/**
 * A Vite plugin mounting the reference backend in the dev and preview servers; `plugin.api.server` is
 * the server. It answers before Vite's own middleware (CORS included), and refuses state-changing
 * requests from any origin but the page's own (`allowedOrigins` adds more).
 */
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

/** The server as the adapters serve it: the development account filled in when absent, error answers logged. */
function developmentHandler(server: ReferenceServer, options: ReferenceAdapterOptions): FetchHandler {
  return {
    basePath: server.basePath,
    maxBodyBytes: server.maxBodyBytes,
    async handle(request, context) {
      if (options.account && !request.headers.has(DEMO_ACCOUNT_HEADER)) {
        const headers = new Headers(request.headers);
        headers.set(DEMO_ACCOUNT_HEADER, options.account);
        request = new Request(request, { headers });
      }
      const response = await server.handle(request, context);
      if (options.log && response.status >= 400) {
        void logProblem(options.log, request.method, new URL(request.url).pathname, response.clone());
      }
      return response;
    },
  };
}

async function logProblem(log: (line: string) => void, method: string, path: string, response: Response) {
  const body = (await response.json().catch(() => ({}))) as { errorCode?: unknown; errorMessage?: unknown };
  log(`${response.status} ${String(body.errorCode ?? '')} ${method} ${path}: ${String(body.errorMessage ?? '')}`);
}
