/**
 * `ipos-credential-elements/server`: the HTTP contract as a production server (Fetch-API handler),
 * its stores and its Node adapters. Server-only: never import it into a browser bundle.
 */
export {
  createCredentialsServer,
  DEFAULT_BASE_PATH,
  DEFAULT_RATE_LIMITS,
  AUTHENTICATE_TOKEN_PATH,
  JWKS_PATH,
  IDEMPOTENCY_KEY_PATTERN,
  type CredentialsServer,
  type CredentialsServerOptions,
  type RateLimit,
  type RateLimitedAction,
  type RequestContext,
} from './credentials-server.js';
export type { ServerAccount } from './operations.js';
export { authenticateTokenResponseSchema, type AuthenticateTokenResponse } from '../contract/schemas.js';
export { Problem } from './answer.js';
export { SecretBox, ephemeralKeyring, type DataKeyring, type DataKeyMaterial, type SealedValue } from './crypto.js';
export type { SigningKeyInput } from './tokens.js';
export { GRACE_PERIOD_MINUTES, MAX_TOKEN_MINUTES, DEFAULT_TOKEN_MINUTES } from './tokens.js';
export { DatabaseUnavailableError } from './store.js';
export type {
  CredentialStore,
  StoreTransaction,
  KeyRow,
  AuditEvent,
  AuditEventType,
  StoredAuditEvent,
} from './store.js';
export { memoryStore, type MemoryStore, type MemoryStoreOptions, type MemoryStoreSize } from './stores/memory.js';
export { pgliteStore, type PgliteDatabase, type PgliteStoreOptions } from './stores/pglite.js';
export {
  postgresStore,
  type PostgresPool,
  type PostgresPoolConfig,
  type PostgresStoreOptions,
} from './stores/postgres.js';
export { MIGRATIONS, sqlStore, type SqlClient } from './stores/sql-store.js';
export { elementAssets, ELEMENTS_ENTRY, type ElementAssets, type ElementAssetsOptions } from './element-assets.js';
export { nodeListener, nodeMiddleware, type FetchHandler, type NodeAdapterOptions } from './node.js';
export { canonicalAddress, clientAddress, proxyTrust, type ProxyTrust, type TrustedProxies } from './addresses.js';
