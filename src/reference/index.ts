/**
 * `ipos-credential-elements/reference`: the reference backend, browser-safe (no Node imports).
 * Node adapters for Vite and @web/test-runner live in `./node.ts`.
 */
export {
  createReferenceServer,
  sessionSettingsSchema,
  MAX_CLOCK_OFFSET_MS,
  CONTROL_PATH,
  DEFAULT_BASE_PATH,
  DEMO_ACCOUNT_HEADER,
  DEMO_SESSION_HEADER,
  type ReferenceServer,
  type ReferenceServerOptions,
} from './reference-server.js';
export { ReferenceBackend, type ReferenceBackendOptions } from './reference-backend.js';
export { OffsetClock, systemClock, type Clock } from '../server/clock.js';
export type { FaultSettings, ForcedFault } from './faults.js';
export { DEMO_ACCOUNTS, type DemoAccount, type DemoSession } from './accounts.js';
export { GRACE_PERIOD_MINUTES, MAX_TOKEN_MINUTES, DEFAULT_TOKEN_MINUTES, type TokenClaims } from '../server/tokens.js';
export { memoryStore, type MemoryStore } from '../server/stores/memory.js';
