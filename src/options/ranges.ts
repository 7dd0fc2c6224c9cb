/**
 * Every numeric option of the library, in one table: its name as the integrator writes it (the warning quotes it),
 * its range and its documented default. `numberOption` checks a value against one of these. The contract's own
 * bounds (`GRACE_MINUTES`, a token's lifetime) are the contract's; the options that send them repeat them here.
 * `TokenSession` takes the token generator's ranges under its own option names.
 */
import type { NumberRange } from './number-option.js';

/** `<ipos-key-panel reveal-timeout>`: seconds until a revealed secret masks itself again. */
export const REVEAL_TIMEOUT: NumberRange = { name: 'reveal-timeout', min: 0.1, max: 86_400, fallback: 30 };

/** `feedback-duration`: milliseconds a copy button says "Copied". */
export const FEEDBACK_DURATION: NumberRange = { name: 'feedback-duration', min: 0, max: 60_000, fallback: 2000 };

/** `<ipos-token-generator expires-in-minutes>`: iPOSpays' tokens live at most a day, and by default a day. */
export const EXPIRES_IN_MINUTES: NumberRange = {
  name: 'expires-in-minutes',
  min: 1,
  max: 1440,
  integer: true,
  fallback: 1440,
};

/** `<ipos-token-generator refresh-before>`: seconds before expiry a token is due for refresh. */
export const REFRESH_BEFORE: NumberRange = { name: 'refresh-before', min: 0, max: 86_400, fallback: 300 };

/** `<ipos-key-activity page-size>`: events per page, the contract's `limit` (the server's default too). */
export const PAGE_SIZE: NumberRange = { name: 'page-size', min: 1, max: 100, integer: true, fallback: 20 };

/** `GET /credentials/activity?limit=`, as the server checks it. */
export const ACTIVITY_LIMIT: NumberRange = { ...PAGE_SIZE, name: 'limit' };

/** `TokenSession`'s `retryDelayMs`: the first wait before a failed automatic refresh is tried again (it doubles). */
export const TOKEN_RETRY_DELAY_MS: NumberRange = {
  name: 'TokenSession retryDelayMs',
  min: 100,
  max: 5 * 60_000,
  fallback: 30_000,
};

/** `HttpBackend`'s options: a timeout per request, and how often and how soon an idempotent request is retried. */
export const HTTP_BACKEND = {
  timeoutMs: { name: 'HttpBackend timeoutMs', min: 1, max: 600_000, integer: true, fallback: 15_000 },
  retries: { name: 'HttpBackend retries', min: 0, max: 10, integer: true, fallback: 2 },
  retryDelayMs: { name: 'HttpBackend retryDelayMs', min: 0, max: 60_000, integer: true, fallback: 300 },
} satisfies Record<string, NumberRange>;
