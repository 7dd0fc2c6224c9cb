/**
 * The second stage: which route a request is for. The contract's operations (from the one route table,
 * `src/contract/routes.ts`), iPOSpays' `POST /authenticate-token` and the JWKS; 404 and 405 otherwise.
 */
import { OPERATION_IDS, ROUTES, type OperationId, type RouteDefinition } from '../contract/routes.js';
import { Problem } from './answer.js';

/** iPOSpays' own token API, relative to the base path. */
export const AUTHENTICATE_TOKEN_PATH = '/authenticate-token';
/** Where verifiers fetch the public keys of the tokens, relative to the base path. */
export const JWKS_PATH = '/.well-known/jwks.json';

/** What a request is for. */
export type Route =
  | { kind: 'operation'; id: OperationId; route: RouteDefinition; path: string }
  | { kind: 'authenticate' }
  | { kind: 'jwks' }
  /** A CORS preflight (`OPTIONS`) of a path, with the methods it accepts. */
  | { kind: 'preflight'; methods: string[] };

type RouteEntry = Exclude<Route, { kind: 'preflight' }>;

/** The server's routes by path and method. */
export class RouteTable {
  private readonly byPath: Record<string, Record<string, RouteEntry>> = {};

  constructor(
    private readonly basePath: string,
    options: { authenticateTokenRoute: boolean },
  ) {
    for (const id of OPERATION_IDS) {
      const route: RouteDefinition = ROUTES[id];
      (this.byPath[route.path] ??= {})[route.method] = { kind: 'operation', id, route, path: route.path };
    }
    if (options.authenticateTokenRoute) this.byPath[AUTHENTICATE_TOKEN_PATH] = { POST: { kind: 'authenticate' } };
    this.byPath[JWKS_PATH] = { GET: { kind: 'jwks' } };
  }

  /** The route of `method` on `path` (the path under the base path); 404 and 405 for none. */
  find(method: string, path: string): Route {
    const methods = Object.hasOwn(this.byPath, path) ? this.byPath[path] : undefined;
    if (!methods) throw new Problem(404, 'NOT_FOUND', `No route ${method} ${this.basePath}${path}.`);
    if (method === 'OPTIONS') return { kind: 'preflight', methods: Object.keys(methods) };
    const entry = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (!entry) {
      const allow = Object.keys(methods).join(', ');
      throw new Problem(405, 'METHOD_NOT_ALLOWED', `${this.basePath}${path} accepts ${allow}.`, { Allow: allow });
    }
    return entry;
  }
}
