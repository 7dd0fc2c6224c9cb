/**
 * Node adapters for the reference backend: Connect middleware (Vite), Koa middleware
 * (@web/test-runner, @web/dev-server) and a Vite plugin. Each serves `server.basePath` and passes
 * every other request on.
 *
 * @example vite.config.ts
 * import { referenceVitePlugin } from './src/reference/node.js';
 * export default defineConfig({ plugins: [referenceVitePlugin()] });
 *
 * @example web-test-runner.config.mjs
 * import { createReferenceServer } from './src/reference/index.js';
 * import { referenceKoaMiddleware } from './src/reference/node.js';
 * export default { middleware: [referenceKoaMiddleware(createReferenceServer())] };
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';
import { answerNodeRequest, isUnderBasePath, writeResponse, type NextFunction } from '../server/node.js';
import { createReferenceServer, type ReferenceServer, type ReferenceServerOptions } from './reference-server.js';

export type { NextFunction };

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
): (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void {
  return (req, res, next) => {
    // `originalUrl`: Connect strips a mount path from `req.url`, the server routes on the full path.
    const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    if (!isUnderBasePath(url, server.basePath)) return next();
    answerNodeRequest(server, req, url)
      .then((response) => writeResponse(response, res))
      .catch(next);
  };
}

/** Koa middleware (@web/test-runner and @web/dev-server `middleware`) answering under `server.basePath`. */
export function referenceKoaMiddleware(
  server: ReferenceServer,
): (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<unknown> {
  return async (ctx, next) => {
    const url = ctx.originalUrl ?? ctx.url;
    if (!isUnderBasePath(url, server.basePath)) return next();
    const response = await answerNodeRequest(server, ctx.req, url);
    ctx.status = response.status;
    response.headers.forEach((value, name) => ctx.set(name, value));
    ctx.body = response.body ? Buffer.from(await response.arrayBuffer()) : null;
  };
}

export interface ReferenceVitePluginOptions extends ReferenceServerOptions {
  /** Serve this server instead of a new one (to reach its clock and faults from the config). */
  server?: ReferenceServer;
}

/**
 * A Vite plugin mounting the reference backend in the dev and preview servers; `plugin.api.server` is
 * the server. It answers before Vite's own middleware (CORS included), and refuses state-changing
 * requests from any origin but the page's own (`allowedOrigins` adds more).
 */
export function referenceVitePlugin(options: ReferenceVitePluginOptions = {}): Plugin {
  const server = options.server ?? createReferenceServer(options);
  const middleware = referenceMiddleware(server);
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
