/**
 * The HTTP contract's operations: one table that the client (`HttpBackend`), the servers and the
 * OpenAPI document are all built from. Plain data, so it costs a browser bundle almost nothing;
 * schemas are named here and looked up in `schemas.ts` (zod) or `guards.ts` (the browser's checks).
 */

/** The contract's bodies, by the name they have in `openapi.json`'s components. */
export type SchemaName =
  | 'Credentials'
  | 'RevealedSecret'
  | 'TerminalList'
  | 'AuthToken'
  | 'ActivityPage'
  | 'ResetSecretRequest'
  | 'GenerateTokenRequest'
  | 'RefreshTokenRequest';

export interface RouteDefinition {
  method: 'GET' | 'POST';
  /** Relative to the contract's base (`api-base`). */
  path: string;
  /** The query parameters the operation reads, by name (all optional; documented in `openapi.ts`). */
  query?: readonly string[];
  /** The JSON body the operation takes, if any. */
  request?: SchemaName;
  /** The body may be left out (no body, or an empty one): what the operation did before it took one. */
  requestOptional?: true;
  /** The body of the success answer. */
  response: SchemaName;
  /** The success status. */
  status: 200 | 201;
  /** A write made safe to repeat by an `Idempotency-Key`: a repeat replays the first answer. */
  idempotent?: true;
  /** Answered for merchants only; other roles get 403. */
  merchantOnly?: true;
}

/** Every operation of the contract, by operation id. */
export const ROUTES = {
  getCredentials: { method: 'GET', path: '/credentials', response: 'Credentials', status: 200 },
  generateKeys: { method: 'POST', path: '/credentials', response: 'Credentials', status: 201, idempotent: true },
  // Not idempotent: revealing twice is harmless, and a replay store must never hold a secret.
  revealSecret: { method: 'POST', path: '/credentials/secret/reveal', response: 'RevealedSecret', status: 200 },
  resetSecret: {
    method: 'POST',
    path: '/credentials/secret/reset',
    request: 'ResetSecretRequest',
    requestOptional: true,
    response: 'Credentials',
    status: 200,
    idempotent: true,
  },
  revokePreviousSecret: {
    method: 'POST',
    path: '/credentials/secret/previous/revoke',
    response: 'Credentials',
    status: 200,
    idempotent: true,
  },
  listTerminals: { method: 'GET', path: '/terminals', response: 'TerminalList', status: 200, merchantOnly: true },
  listActivity: {
    method: 'GET',
    path: '/credentials/activity',
    query: ['cursor', 'limit'],
    response: 'ActivityPage',
    status: 200,
  },
  generateToken: {
    method: 'POST',
    path: '/tokens',
    request: 'GenerateTokenRequest',
    response: 'AuthToken',
    status: 201,
    idempotent: true,
    merchantOnly: true,
  },
  refreshToken: {
    method: 'POST',
    path: '/tokens/refresh',
    request: 'RefreshTokenRequest',
    response: 'AuthToken',
    status: 200,
    idempotent: true,
    merchantOnly: true,
  },
} as const satisfies Record<string, RouteDefinition>;

export type OperationId = keyof typeof ROUTES;

export const OPERATION_IDS = Object.keys(ROUTES) as OperationId[];
